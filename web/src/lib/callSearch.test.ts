import { describe, expect, test } from "vitest";
import {
  EMPTY_FORM,
  FormError,
  highlightPieces,
  hitsCsv,
  parseSearch,
  roleSource,
  searchQuery,
  sentimentCue,
} from "./callSearch";
import { ProtocolError } from "./json";

/** The byte ranges of every `word` in `text`, as the server computes them. */
function byteRanges(text: string, word: string): [number, number][] {
  const enc = new TextEncoder();
  const out: [number, number][] = [];
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    const start = enc.encode(text.slice(0, at)).length;
    out.push([start, start + enc.encode(word).length]);
  }
  return out;
}

describe("searchQuery", () => {
  test("an empty form asks for the newest calls", () => {
    expect(searchQuery(EMPTY_FORM)).toBe("limit=50");
  });

  test("fills in every given filter, days as UTC and `to` including its whole day, minutes as seconds", () => {
    const q = new URLSearchParams(
      searchQuery(
        {
          words: '  roaming "data plan" ',
          from: "2026-12-01",
          to: "2026-12-07",
          agent: " agent-7 ",
          category: "complaint",
          minSentiment: "-0.5",
          maxSentiment: "0.25",
          minMinutes: "1.5",
          maxMinutes: "0.1",
        },
        20,
      ),
    );
    expect(Object.fromEntries(q)).toEqual({
      q: 'roaming "data plan"',
      from: "2026-12-01T00:00:00Z",
      to: "2026-12-08T00:00:00Z",
      agent: "agent-7",
      category: "complaint",
      min_sentiment: "-0.5",
      max_sentiment: "0.25",
      min_duration_s: "90",
      max_duration_s: "6",
      limit: "20",
    });
  });

  test("the last day of a month rolls over", () => {
    expect(new URLSearchParams(searchQuery({ ...EMPTY_FORM, to: "2026-12-31" })).get("to")).toBe("2027-01-01T00:00:00Z");
  });

  test("refuses what is not a date or a number before asking the server", () => {
    expect(() => searchQuery({ ...EMPTY_FORM, from: "yesterday" })).toThrow(FormError);
    expect(() => searchQuery({ ...EMPTY_FORM, minSentiment: "abc" })).toThrow(/Min sentiment/);
    expect(() => searchQuery({ ...EMPTY_FORM, maxMinutes: "-2" })).toThrow(/Max duration/);
  });
});

describe("highlightPieces", () => {
  test("marks ASCII ranges", () => {
    expect(highlightPieces("I want roaming today", [[7, 14]])).toEqual([
      { text: "I want ", mark: false },
      { text: "roaming", mark: true },
      { text: " today", mark: false },
    ]);
  });

  test("byte ranges after multi-byte characters land on the right words", () => {
    const text = "Café ☕ 🙂 roaming in Zürich, roaming again";
    const pieces = highlightPieces(text, byteRanges(text, "roaming"));
    expect(pieces.filter((p) => p.mark).map((p) => p.text)).toEqual(["roaming", "roaming"]);
    expect(pieces.map((p) => p.text).join("")).toBe(text);
    const zurich = highlightPieces(text, byteRanges(text, "Zürich"));
    expect(zurich.filter((p) => p.mark).map((p) => p.text)).toEqual(["Zürich"]);
  });

  test("merges overlaps, sorts, clamps and never splits a character", () => {
    const text = "añb";
    // ñ is bytes 1..3; a range ending inside it grows to cover it, one starting inside backs up
    expect(highlightPieces(text, [[0, 2]])).toEqual([
      { text: "añ", mark: true },
      { text: "b", mark: false },
    ]);
    expect(highlightPieces(text, [[2, 99]])).toEqual([
      { text: "a", mark: false },
      { text: "ñb", mark: true },
    ]);
    expect(highlightPieces("abcdef", [[3, 5], [0, 2], [1, 4]])).toEqual([
      { text: "abcde", mark: true },
      { text: "f", mark: false },
    ]);
    expect(highlightPieces("abc", [[2, 2], [5, 9]])).toEqual([{ text: "abc", mark: false }]);
    expect(highlightPieces("", [])).toEqual([]);
  });
});

describe("CSV", () => {
  test("one row per hit, categories joined by ; and empty cells for nulls", () => {
    const base = { score: 1, snippets: [] };
    const csv = hitsCsv([
      { ...base, call_id: "c1", started_at: "2026-12-07T10:00:00+00:00", agent_id: "agent-7", duration_s: 61.5, categories: ["roaming", "billing"], sentiment: -0.25 },
      { ...base, call_id: 'odd,"id"', started_at: "2026-12-06T09:00:00+00:00", agent_id: null, duration_s: 3, categories: [], sentiment: null },
    ]);
    expect(csv).toBe(
      "call_id,started_at,agent_id,duration_s,categories,sentiment\r\n" +
        "c1,2026-12-07T10:00:00+00:00,agent-7,61.5,roaming;billing,-0.25\r\n" +
        '"odd,""id""",2026-12-06T09:00:00+00:00,,3,,\r\n',
    );
  });

  test("no hits is the header alone", () => {
    expect(hitsCsv([])).toBe("call_id,started_at,agent_id,duration_s,categories,sentiment\r\n");
  });
});

describe("parsing", () => {
  test("reads a search answer", () => {
    const hits = parseSearch({
      hits: [
        {
          call_id: "c1",
          started_at: "2026-12-07T10:00:00+00:00",
          agent_id: null,
          duration_s: 12.5,
          categories: ["roaming"],
          sentiment: null,
          score: 3.2,
          snippets: [{ speaker: "customer", at_s: 1.2, fragment: "roaming please", highlights: [[0, 7]] }],
        },
      ],
    });
    expect(hits[0].snippets[0].highlights).toEqual([[0, 7]]);
    expect(hits[0].agent_id).toBeNull();
    expect(() => parseSearch({ hits: [{ ...hits[0], snippets: [{ speaker: "x", at_s: 0, fragment: "", highlights: [[1]] }] }] })).toThrow(ProtocolError);
    expect(() => parseSearch([])).toThrow(ProtocolError);
  });
});

describe("labels", () => {
  test("says how a role was found", () => {
    expect(roleSource({ detected: true, confidence: 0.834 })).toBe("detected, 83 % sure");
    expect(roleSource({ detected: false, confidence: 1 })).toBe("as labelled");
  });

  test("sentiment with a sign and a colour label", () => {
    expect(sentimentCue(null)).toEqual({ text: "—", label: null });
    expect(sentimentCue(0.5)).toEqual({ text: "+0.50", label: "positive" });
    expect(sentimentCue(-0.4)).toEqual({ text: "-0.40", label: "negative" });
    expect(sentimentCue(0)).toEqual({ text: "0.00", label: "neutral" });
  });
});
