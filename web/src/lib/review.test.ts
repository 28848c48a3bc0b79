import { describe, expect, test } from "vitest";
import type { MissedUtterance, Proposal } from "./improve";
import {
  groupByConversation,
  isOpen,
  isValidIntentName,
  pickFor,
  pickProblem,
  proposalsByMissed,
  proposalsOf,
  rankIntents,
  refusalText,
  refusedItem,
} from "./review";

function missed(id: string, over: Partial<MissedUtterance> = {}): MissedUtterance {
  return { id, session_id: "s1", call_id: null, seq: null, bot: "banking", text: `words ${id}`, reason: "handoff", best_guesses: [], status: "new", at: "2025-05-01T10:00:00Z", ...over };
}

const INTENTS = ["lost_card", "card_arrival", "balance"];

describe("after-conversation review", () => {
  test("groups by chat or call, the most recently missed conversation first, each oldest miss first", () => {
    const groups = groupByConversation([
      missed("a2", { at: "2025-05-01T10:02:00Z" }),
      missed("b1", { session_id: null, call_id: "c9", seq: 7, at: "2025-05-01T11:00:00Z" }),
      missed("a1", { at: "2025-05-01T10:01:00Z" }),
    ]);
    expect(groups.map((g) => [g.kind, g.id, g.missed.map((m) => m.id)])).toEqual([
      ["call", "c9", ["b1"]],
      ["chat", "s1", ["a1", "a2"]],
    ]);
    expect(groups[1].latest).toBe("2025-05-01T10:02:00Z");
  });

  test("ranks the bot's guesses first, most confident first, then its other intents alphabetically", () => {
    const ranked = rankIntents(
      [
        { intent: "lost_card", confidence: 0.2 },
        { intent: "card_arrival", confidence: 0.6 },
        { intent: "gone_intent", confidence: 0.9 },
      ],
      INTENTS,
    );
    expect(ranked).toEqual([
      { intent: "card_arrival", confidence: 0.6 },
      { intent: "lost_card", confidence: 0.2 },
      { intent: "balance", confidence: null },
    ]);
  });

  test("a new pick starts at the best guess, or at nothing when the bot had none", () => {
    expect(pickFor(missed("a", { best_guesses: [{ intent: "balance", confidence: 0.4 }] }), INTENTS).intent).toBe("balance");
    expect(pickFor(missed("b"), INTENTS).intent).toBe("");
  });

  test("says what is missing from a pick, checking new names as the server does", () => {
    const pick = { ...pickFor(missed("a"), INTENTS) };
    expect(pickProblem(pick, INTENTS)).toBe("Choose an intent.");
    expect(pickProblem({ ...pick, intent: "balance" }, INTENTS)).toBeNull();
    expect(pickProblem({ ...pick, newIntent: true }, INTENTS)).toBe("Name the new intent.");
    expect(pickProblem({ ...pick, newIntent: true, newName: "9lives" }, INTENTS)).toMatch(/letters, digits/);
    expect(pickProblem({ ...pick, newIntent: true, newName: "balance" }, INTENTS)).toMatch(/already has "balance"/);
    expect(pickProblem({ ...pick, newIntent: true, newName: " pet_questions " }, INTENTS)).toBeNull();
    expect(["_x", "A1", "a".repeat(100)].every(isValidIntentName)).toBe(true);
    expect(["", "1a", "a-b", "a b", "a".repeat(101)].some(isValidIntentName)).toBe(false);
  });

  test("turns picks into proposals: existing intents plainly, new ones with their trimmed name and any response", () => {
    const base = pickFor(missed("a"), INTENTS);
    expect(
      proposalsOf([
        { ...base, intent: "balance" },
        { ...base, missed: missed("b"), newIntent: true, newName: " pets ", response: "  " },
        { ...base, missed: missed("c"), newIntent: true, newName: "pets", response: " We love pets. " },
      ]),
    ).toEqual([
      { missed_id: "a", intent: "balance", new_intent: false },
      { missed_id: "b", intent: "pets", new_intent: true },
      { missed_id: "c", intent: "pets", new_intent: true, response: "We love pets." },
    ]);
  });

  test("finds the item a refusal is about, by position or by the missed utterance it quotes", () => {
    const ids = ["m-1", "m-2"];
    expect(refusedItem('proposal 2: "banking" has no intent "x"', ids)).toBe(1);
    expect(refusedItem("proposal 3: out of range", ids)).toBeNull();
    expect(refusedItem('missed utterance "m-2" already has a proposal', ids)).toBe(1);
    expect(refusedItem('missed utterance "m-1" is from a conversation agent-8 did not handle', ids)).toBe(0);
    expect(refusedItem("no proposals given", ids)).toBeNull();
    expect(refusalText('proposal 2: "banking" has no intent "x"')).toBe('"banking" has no intent "x"');
  });

  test("a missed utterance stays open until proposed; its newest proposal is the one shown", () => {
    const p = (id: string, at: string): Proposal => ({
      id, bot: "banking", missed_id: "m1", text: "t", intent: "balance", new_intent: false, response: null, status: "pending",
      proposed_by: "agent-7", proposed_at: at, decided_by: null, decided_at: null, note: null, build_note: null, version: null,
    });
    const byMissed = proposalsByMissed([p("new", "2025-05-02T00:00:00Z"), p("old", "2025-05-01T00:00:00Z")]);
    expect(byMissed.get("m1")?.id).toBe("new");
    expect(isOpen(missed("m1"), byMissed.get("m1"))).toBe(false);
    expect(isOpen(missed("m2"), undefined)).toBe(true);
    expect(isOpen(missed("m3", { status: "proposed" }), undefined)).toBe(false);
  });
});
