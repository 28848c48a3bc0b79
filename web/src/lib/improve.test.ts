import { describe, expect, test } from "vitest";
import { parseBotList, parseClusters, parseDecided, parseMissedList, parseProposalList } from "./improve";
import { ProtocolError } from "./json";

const missedChat = {
  id: "m1",
  session_id: "s1",
  call_id: null,
  bot: "banking",
  text: "my parrot keeps reciting tax law",
  reason: "handoff",
  best_guesses: [{ intent: "card_arrival", confidence: 0.31 }],
  status: "new",
  at: "2025-05-01T10:00:00Z",
};

const proposal = {
  id: "p1",
  bot: "banking",
  missed_id: "m1",
  text: "my parrot keeps reciting tax law",
  intent: "pet_questions",
  new_intent: true,
  response: null,
  status: "pending",
  proposed_by: "agent-7",
  proposed_at: "2025-05-01T10:05:00Z",
  decided_by: null,
  decided_at: null,
  note: null,
  build_note: null,
  version: null,
};

describe("improvement wire types", () => {
  test("reads missed utterances of chats and calls (seq only on calls)", () => {
    const call = { ...missedChat, id: "m2", session_id: null, call_id: "c1", seq: 4, speaker: "customer", best_guesses: [] };
    const [chat, onCall] = parseMissedList([missedChat, call]);
    expect(chat).toMatchObject({ session_id: "s1", call_id: null, seq: null, best_guesses: [{ intent: "card_arrival", confidence: 0.31 }] });
    expect(onCall).toMatchObject({ session_id: null, call_id: "c1", seq: 4 });
  });

  test("reads proposals and refuses an unknown status by name", () => {
    expect(parseProposalList([proposal])[0]).toEqual(proposal);
    expect(() => parseProposalList([{ ...proposal, status: "maybe" }])).toThrow(/status.*maybe/);
    expect(() => parseProposalList([{ ...proposal, new_intent: "yes" }])).toThrow(ProtocolError);
  });

  test("reads a decision answer with its builds and gate report", () => {
    const report = {
      tests: 4,
      accuracy_before: 0.75,
      accuracy_after: 1,
      max_accuracy_drop: 0.01,
      max_intent_drop: 0.25,
      intents: [{ intent: "card_arrival", tests: 4, before: 3, after: 4, lost: 0 }],
      passed: true,
      reasons: [],
    };
    const build = { bot: "banking", outcome: "published", version: 2, added: 1, new_intents: ["pet_questions"], published: ["p1"], refused: [], returned: [], report, error: null };
    const decided = parseDecided({ proposals: [{ ...proposal, status: "approved" }], builds: [build, { ...build, outcome: "failed", version: null, report: null, error: "boom" }] });
    expect(decided.builds[0]).toMatchObject({ outcome: "published", version: 2, report: { passed: true, accuracy_before: 0.75 } });
    expect(decided.builds[1]).toMatchObject({ outcome: "failed", report: null, error: "boom" });
    expect(() => parseDecided({ proposals: [], builds: [{ ...build, outcome: "exploded" }] })).toThrow(/outcome/);
  });

  test("reads clusters and bots (intent names only)", () => {
    expect(parseClusters([{ name: "parrot_tax", size: 1, members: [missedChat] }])[0].members[0].id).toBe("m1");
    const bots = parseBotList([{ name: "banking", version: 3, locale: "en_US", description: "d", intents: [{ name: "card_arrival", utterances: 10, slots: [] }] }]);
    expect(bots).toEqual([{ name: "banking", version: 3, description: "d", intents: ["card_arrival"] }]);
    expect(() => parseBotList({})).toThrow(/array/);
  });
});
