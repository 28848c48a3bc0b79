import { describe, expect, test } from "vitest";
import type { BotVersion, GateReport } from "./history";
import { canRollBack, changedFields, chartColumns, defaultDiff, describeAction, intentAccuracies, losers, reportSummary, versionChange } from "./reports";

const report: GateReport = {
  tests: 10,
  accuracy_before: 0.9,
  accuracy_after: 0.8,
  max_accuracy_drop: 0.01,
  max_intent_drop: 0.25,
  intents: [
    { intent: "lost_card", tests: 6, before: 6, after: 6, lost: 0 },
    { intent: "card_arrival", tests: 4, before: 3, after: 2, lost: 2 },
  ],
  passed: false,
  reasons: ["…"],
};

function version(n: number, over: Partial<BotVersion> = {}): BotVersion {
  return { bot: "banking", version: n, status: "published", active: false, author: "sup", reason: "", base_version: n - 1 || null, basis_version: null, created_at: "", report: null, ...over };
}

describe("gate reports and history", () => {
  test("sums the report up in one line", () => {
    expect(reportSummary(report)).toBe("Accuracy 90.0 % → 80.0 % on 10 tests; the gate allows 1.0 points overall and 25 % of an intent's tests.");
    expect(reportSummary({ ...report, accuracy_before: null, tests: 1 })).toMatch(/^Accuracy 80.0 % on 1 test;/);
    expect(reportSummary({ ...report, tests: 0, intents: [] })).toMatch(/^No tests to run/);
  });

  test("lists intents weakest first with before/after shares, and the ones that lost tests", () => {
    const rows = intentAccuracies(report);
    expect(rows.map((r) => [r.intent, r.before, r.after])).toEqual([
      ["card_arrival", 0.75, 0.5],
      ["lost_card", 1, 1],
    ]);
    expect(chartColumns(rows)).toEqual([[0, 1], [50, 100], [75, 100]]);
    expect(chartColumns(intentAccuracies({ ...report, intents: [{ intent: "x", tests: 2, before: null, after: 1, lost: 0 }] }))[2]).toEqual([null]);
    expect(losers(report).map((s) => s.intent)).toEqual(["card_arrival"]);
  });

  test("the diff starts with the serving version against the one it was built on", () => {
    expect(defaultDiff([version(3), version(2, { active: true }), version(1)])).toEqual({ from: 1, to: 2 });
    expect(defaultDiff([version(2, { active: true, base_version: null }), version(1)])).toEqual({ from: 1, to: 2 });
    expect(defaultDiff([version(1, { active: true }), version(2, { base_version: 1 })].reverse())).toEqual({ from: 1, to: 2 });
    expect(defaultDiff([version(1)])).toBeNull();
  });

  test("only older published versions can be rolled back to", () => {
    expect(canRollBack(version(1))).toBe(true);
    expect(canRollBack(version(2, { active: true }))).toBe(false);
    expect(canRollBack(version(3, { status: "rejected_by_gate" }))).toBe(false);
  });

  test("names what an audit entry changed", () => {
    expect(changedFields({ status: "pending", intent: "a" }, { status: "approved", intent: "a" })).toEqual(["status"]);
    expect(changedFields(null, { version: 2, status: "published" })).toEqual(["version", "status"]);
    expect(changedFields({ version: 1 }, { version: 2, status: "published" })).toEqual(["version", "status"]);
    expect(changedFields({ a: 1 }, null)).toEqual([]);
    expect(versionChange({ version: 3 }, { version: 4, status: "published" })).toBe("v3 → v4");
    expect(versionChange(null, { version: 1 })).toBe("v1");
    expect(versionChange({ status: "pending" }, { status: "approved" })).toBeNull();
    expect(describeAction("proposal.approve")).toBe("approved");
    expect(describeAction("token.create")).toBe("token.create");
  });
});
