import { describe, expect, test } from "vitest";
import { parseAudit, parseDiff, parseVersionList } from "./history";

const report = {
  tests: 8,
  accuracy_before: 1,
  accuracy_after: 0.75,
  max_accuracy_drop: 0.01,
  max_intent_drop: 0.25,
  intents: [
    { intent: "card_arrival", tests: 4, before: 4, after: 2, lost: 2 },
    { intent: "lost_card", tests: 4, before: 4, after: 4, lost: 0 },
  ],
  passed: false,
  reasons: ["accuracy fell from 100.0 % to 75.0 % (25.0 points; the gate allows 1.0)"],
};

const versions = [
  { bot: "banking", version: 3, status: "rejected_by_gate", active: false, author: "sup", reason: "1 utterance", base_version: 2, created_at: "2025-05-03T00:00:00Z", report },
  { bot: "banking", version: 2, status: "published", active: true, author: "sup", reason: "2 utterances", base_version: 1, created_at: "2025-05-02T00:00:00Z", report: { ...report, passed: true, reasons: [] } },
  { bot: "banking", version: 1, status: "published", active: false, author: null, reason: "imported", base_version: null, created_at: "2025-05-01T00:00:00Z", report: null },
];

describe("history wire types", () => {
  test("reads versions with their gate reports (none for an imported one)", () => {
    const [refused, serving, imported] = parseVersionList(versions);
    expect(refused).toMatchObject({ status: "rejected_by_gate", report: { passed: false, reasons: [report.reasons[0]] } });
    expect(serving.active).toBe(true);
    expect(imported).toMatchObject({ author: null, base_version: null, report: null });
    expect(() => parseVersionList([{ ...versions[0], status: "draft" }])).toThrow(/status/);
  });

  test("reads a diff and the audit log (before/after kept as any JSON)", () => {
    const diff = parseDiff([{ intent: "pets", change: "added", added_utterances: ["a b"], removed_utterances: [], added_responses: ["r"], removed_responses: [] }]);
    expect(diff[0]).toMatchObject({ change: "added", added_utterances: ["a b"] });
    expect(() => parseDiff([{ ...diff[0], change: "renamed" }])).toThrow(/change/);
    const log = parseAudit([{ id: "a1", at: "2025-05-01T00:00:00Z", actor: "sup", action: "bot.publish", subject: "bot:banking", before: { version: 1 }, after: null }]);
    expect(log[0]).toEqual({ id: "a1", at: "2025-05-01T00:00:00Z", actor: "sup", action: "bot.publish", subject: "bot:banking", before: { version: 1 }, after: null });
  });
});
