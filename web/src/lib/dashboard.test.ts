import { describe, expect, test } from "vitest";
import { FormError } from "./callSearch";
import {
  NO_FILTER,
  axisDay,
  categoryColumns,
  csvFileName,
  dashboardQuery,
  dayAxis,
  dayText,
  filterFromSearch,
  filterSearch,
  groupName,
  parseDashboard,
  scopeText,
  sentimentColumns,
  shareText,
  tableCsv,
  talkColumns,
  tickEvery,
  volumeColumns,
} from "./dashboard";
import { ProtocolError } from "./json";

const ZERO = {
  calls: 0,
  duration_s: 0,
  mean_duration_s: null,
  agent_talk_s: 0,
  customer_talk_s: 0,
  non_talk_s: 0,
  talk_share: null,
  silence_share: null,
  interruptions: 0,
  customer_sentiment: null,
  agent_sentiment: null,
};

const BUSY = {
  calls: 2,
  duration_s: 100,
  mean_duration_s: 50,
  agent_talk_s: 40,
  customer_talk_s: 30,
  non_talk_s: 30,
  talk_share: 0.7,
  silence_share: 0.3,
  interruptions: 3,
  customer_sentiment: -0.25,
  agent_sentiment: 0.5,
};

/** An answer over three days, calls on the first and last. */
function answer() {
  return {
    from: "2026-11-08",
    to: "2026-11-10",
    agent: null,
    queue: null,
    totals: { ...BUSY, calls: 3 },
    days: [
      { day: "2026-11-08", ...BUSY },
      { day: "2026-11-09", ...ZERO },
      { day: "2026-11-10", ...BUSY, calls: 1, customer_sentiment: 0.1, agent_sentiment: null },
    ],
    agents: [
      { key: "agent-7", ...BUSY },
      { key: null, ...BUSY, calls: 1 },
    ],
    queues: [{ key: "billing, east", ...BUSY }],
    categories: [
      { label: "billing", calls: 2 },
      { label: "roaming", calls: 1 },
    ],
    key_phrases: [{ label: 'a "late" fee', calls: 1 }],
    missed_intents: [{ label: "cancel_card", calls: 1 }],
    category_days: [
      { day: "2026-11-08", label: "roaming", calls: 1 },
      { day: "2026-11-08", label: "billing", calls: 1 },
      { day: "2026-11-10", label: "billing", calls: 1 },
    ],
  };
}

describe("parseDashboard", () => {
  test("reads every part of the answer", () => {
    const d = parseDashboard(answer());
    expect(d.from).toBe("2026-11-08");
    expect(d.agent).toBeNull();
    expect(d.totals.calls).toBe(3);
    expect(d.days.map((x) => [x.day, x.calls, x.customer_sentiment])).toEqual([
      ["2026-11-08", 2, -0.25],
      ["2026-11-09", 0, null],
      ["2026-11-10", 1, 0.1],
    ]);
    expect(d.agents.map((a) => a.key)).toEqual(["agent-7", null]);
    expect(d.queues[0]).toEqual({ key: "billing, east", ...BUSY });
    expect(d.categories).toEqual([
      { label: "billing", calls: 2 },
      { label: "roaming", calls: 1 },
    ]);
    expect(d.category_days).toHaveLength(3);
  });

  test("keeps the filters the server applied", () => {
    const d = parseDashboard({ ...answer(), agent: "agent-7", queue: "roaming" });
    expect([d.agent, d.queue]).toEqual(["agent-7", "roaming"]);
  });

  test("names the field that breaks the contract", () => {
    const broken = (patch: (a: ReturnType<typeof answer>) => unknown) => () => {
      const a = answer();
      return parseDashboard(patch(a) ?? a);
    };
    expect(() => parseDashboard(null)).toThrow(ProtocolError);
    expect(broken((a) => ({ ...a, totals: undefined }))).toThrow('field "totals" must be an object');
    expect(broken((a) => ({ ...a, days: {} }))).toThrow('field "days" must be an array');
    expect(broken((a) => ({ ...a, from: "08/11/2026" }))).toThrow('field "from" must be a day (YYYY-MM-DD), not "08/11/2026"');
    expect(broken((a) => ({ ...a, to: "2026-02-30" }))).toThrow('field "to" must be a day');
    expect(broken((a) => void (a.agents[0].calls = 1.5))).toThrow('field "calls" must be a whole number ≥ 0');
    expect(broken((a) => void ((a.days[0] as Record<string, unknown>).talk_share = 70))).toThrow('field "talk_share" must be within 0…1, not 70');
    expect(broken((a) => void ((a.totals as Record<string, unknown>).customer_sentiment = "0.2"))).toThrow('field "customer_sentiment" must be a number');
    expect(broken((a) => void ((a.queues[0] as Record<string, unknown>).key = 7))).toThrow('field "key" must be a string');
    expect(broken((a) => void ((a.key_phrases[0] as Record<string, unknown>).label = null))).toThrow('field "label" must be a string');
    expect(broken((a) => ({ ...a, category_days: [{ day: "2026-11-08", label: "x" }] }))).toThrow('field "calls" must be a number');
  });
});

describe("filters", () => {
  test("no filter asks for the server's defaults", () => {
    expect(dashboardQuery(NO_FILTER)).toBe("top=10");
  });

  test("sends the filled fields trimmed, in a fixed order", () => {
    const q = dashboardQuery({ queue: " roaming ", agent: " agent 7 ", to: "2026-12-07", from: "2026-11-08" }, 25);
    expect(q).toBe("from=2026-11-08&to=2026-12-07&agent=agent+7&queue=roaming&top=25");
  });

  test("refuses a malformed day but leaves a backwards range to the server", () => {
    expect(() => dashboardQuery({ ...NO_FILTER, from: "yesterday" })).toThrow(FormError);
    expect(() => dashboardQuery({ ...NO_FILTER, to: "2026-13-01" })).toThrow('To must be a date (YYYY-MM-DD), not "2026-13-01"');
    expect(dashboardQuery({ ...NO_FILTER, from: "2026-12-07", to: "2026-12-01" })).toBe("from=2026-12-07&to=2026-12-01&top=10");
  });

  test("round-trips through the page's address", () => {
    const filter = { from: "2026-11-08", to: "", agent: "agent-7", queue: "" };
    expect(filterSearch(filter)).toBe("from=2026-11-08&agent=agent-7");
    expect(filterFromSearch(`?${filterSearch(filter)}`)).toEqual(filter);
    expect(filterFromSearch("?queue=%20billing%20&other=1")).toEqual({ ...NO_FILTER, queue: "billing" });
    expect(filterSearch(NO_FILTER)).toBe("");
  });
});

describe("chart columns", () => {
  const d = parseDashboard(answer());
  const [x0, x1, x2] = [Date.UTC(2026, 10, 8) / 1000, Date.UTC(2026, 10, 9) / 1000, Date.UTC(2026, 10, 10) / 1000];

  test("x is each UTC day's start in seconds", () => {
    expect(dayAxis(d.days)).toEqual([x0, x1, x2]);
    expect(x1 - x0).toBe(86_400);
  });

  test("volume counts every day, zeros included", () => {
    expect(volumeColumns(d.days)).toEqual([[x0, x1, x2], [2, 0, 1]]);
  });

  test("sentiment leaves gaps where nothing was scored", () => {
    expect(sentimentColumns(d.days)).toEqual([
      [x0, x1, x2],
      [-0.25, null, 0.1],
      [0.5, null, null],
    ]);
  });

  test("talk and silence are percentages, gaps on days without calls", () => {
    expect(talkColumns(d.days)).toEqual([
      [x0, x1, x2],
      [70, null, 70],
      [30, null, 30],
    ]);
  });

  test("categories become one zero-filled series each, the most frequent first", () => {
    expect(categoryColumns(d.days, d.category_days)).toEqual({
      labels: ["billing", "roaming"],
      columns: [
        [x0, x1, x2],
        [1, 0, 1],
        [1, 0, 0],
      ],
    });
  });

  test("ties go by name and days outside the range are ignored", () => {
    const { labels, columns } = categoryColumns(d.days, [
      { day: "2026-11-09", label: "b", calls: 2 },
      { day: "2026-11-09", label: "a", calls: 2 },
      { day: "2026-12-01", label: "c", calls: 9 },
    ]);
    expect(labels).toEqual(["a", "b"]);
    expect(columns.slice(1)).toEqual([
      [0, 2, 0],
      [0, 2, 0],
    ]);
    expect(categoryColumns(d.days, [])).toEqual({ labels: [], columns: [[x0, x1, x2]] });
  });
});

describe("text", () => {
  test("null agents and queues read as (none)", () => {
    expect(groupName(null)).toBe("(none)");
    expect(groupName("agent-7")).toBe("agent-7");
  });

  test("shares as percentages, a dash for none", () => {
    expect(shareText(0.7)).toBe("70.0 %");
    expect(shareText(null)).toBe("—");
  });

  test("days and the answer's scope", () => {
    expect(dayText("2026-11-08")).toBe("8 Nov 2026");
    expect(dayText("nonsense")).toBe("nonsense");
    expect(scopeText({ from: "2026-11-08", to: "2026-12-07", agent: null, queue: null })).toBe("8 Nov 2026 – 7 Dec 2026 (UTC) · all agents · all queues");
    expect(scopeText({ from: "2026-12-07", to: "2026-12-07", agent: "agent-7", queue: "roaming" })).toBe("7 Dec 2026 (UTC) · agent agent-7 · queue roaming");
  });
});

describe("CSV", () => {
  const d = parseDashboard(answer());
  const totalsHeader = "calls,duration_s,mean_duration_s,agent_talk_s,customer_talk_s,non_talk_s,talk_share,silence_share,interruptions,customer_sentiment,agent_sentiment";
  const busyCells = "100,50,40,30,30,0.7,0.3,3,-0.25,0.5";

  test("agents with their totals, a call without agent as an empty key", () => {
    expect(tableCsv(d, "agents")).toBe(`agent,${totalsHeader}\r\nagent-7,2,${busyCells}\r\n,1,${busyCells}\r\n`);
  });

  test("queues quote keys with commas", () => {
    expect(tableCsv(d, "queues")).toBe(`queue,${totalsHeader}\r\n"billing, east",2,${busyCells}\r\n`);
  });

  test("labels with their counts", () => {
    expect(tableCsv(d, "categories")).toBe("category,calls\r\nbilling,2\r\nroaming,1\r\n");
    expect(tableCsv(d, "phrases")).toBe('key_phrase,calls\r\n"a ""late"" fee",1\r\n');
    expect(tableCsv(d, "missed")).toBe("missed_intent,calls\r\ncancel_card,1\r\n");
  });

  test("every day, empty cells where a mean is null", () => {
    const lines = tableCsv(d, "days").split("\r\n");
    expect(lines[0]).toBe(`day,${totalsHeader}`);
    expect(lines[2]).toBe("2026-11-09,0,0,,0,0,0,,,0,,");
    expect(lines).toHaveLength(5);
  });

  test("an empty table is its header", () => {
    expect(tableCsv({ ...d, missed_intents: [] }, "missed")).toBe("missed_intent,calls\r\n");
  });

  test("file names carry the range", () => {
    expect(csvFileName(d, "agents")).toBe("agents-2026-11-08-to-2026-11-10.csv");
  });
});

describe("axis", () => {
  test("days read short, in UTC", () => {
    expect(axisDay(Date.UTC(2026, 10, 8) / 1000)).toBe("8 Nov");
    expect(axisDay(Date.UTC(2026, 0, 1) / 1000)).toBe("1 Jan");
  });

  test("labels every day while they fit, then every few days or weeks", () => {
    expect(tickEvery(30, 1000)).toBe(2);
    expect(tickEvery(7, 600)).toBe(1);
    expect(tickEvery(30, 300)).toBe(14);
    expect(tickEvery(400, 600)).toBe(56);
    expect(tickEvery(400, 60)).toBe(400);
  });
});
