import { describe, expect, test } from "vitest";
import type { Build, Proposal } from "./improve";
import { approvalProblem, clusterProblem, clusterProposals, decisionOf, describeBuild, draftOf, groupByTarget, outcomeOf } from "./queue";

function proposal(id: string, over: Partial<Proposal> = {}): Proposal {
  return {
    id, bot: "banking", missed_id: `m-${id}`, text: "where is my card", intent: "card_arrival", new_intent: false, response: null,
    status: "pending", proposed_by: "agent-7", proposed_at: "2025-05-01T10:00:00Z", decided_by: null, decided_at: null, note: null, build_note: null, version: null, ...over,
  };
}

const INTENTS = ["card_arrival", "lost_card"];

function build(over: Partial<Build> = {}): Build {
  return { bot: "banking", outcome: "published", version: 4, added: 2, new_intents: [], published: [], refused: [], returned: [], report: null, error: null, ...over };
}

describe("review queue", () => {
  test("a new intent cannot be approved without a response; other drafts are checked like the server does", () => {
    const fresh = draftOf(proposal("1", { intent: "pets", new_intent: true }));
    expect(approvalProblem(fresh, INTENTS)).toBe("A new intent needs a response before it can be approved.");
    expect(approvalProblem({ ...fresh, response: "We love pets." }, INTENTS)).toBeNull();
    expect(approvalProblem({ ...fresh, intent: "lost_card", response: "r" }, INTENTS)).toMatch(/already exists/);
    expect(approvalProblem({ ...fresh, intent: "2pets", response: "r" }, INTENTS)).toMatch(/letters, digits/);
    expect(approvalProblem(draftOf(proposal("2")), INTENTS)).toBeNull();
    expect(approvalProblem({ ...draftOf(proposal("2")), intent: "gone" }, INTENTS)).toBe('The bot has no intent "gone".');
    expect(approvalProblem({ ...draftOf(proposal("2")), text: " x " }, INTENTS)).toMatch(/2 characters/);
  });

  test("a decision carries only what the supervisor changed", () => {
    const p = proposal("1");
    expect(decisionOf(p, draftOf(p), "reject")).toEqual({ id: "1", verdict: "reject" });
    const edited = { ...draftOf(p), text: " where is my new card ", intent: "pets", newIntent: true, response: "Pets!", note: " typo fixed " };
    expect(decisionOf(p, edited, "approve")).toEqual({
      id: "1", verdict: "approve", text: "where is my new card", intent: "pets", new_intent: true, response: "Pets!", note: "typo fixed",
    });
    const asked = proposal("2", { intent: "pets", new_intent: true, response: "Pets!" });
    expect(decisionOf(asked, draftOf(asked), "approve")).toEqual({ id: "2", verdict: "approve" });
  });

  test("groups by the stored target, new intents first, then by name", () => {
    const groups = groupByTarget([
      proposal("1", { intent: "lost_card" }),
      proposal("2", { intent: "zoo", new_intent: true }),
      proposal("3", { intent: "card_arrival" }),
      proposal("4", { intent: "lost_card" }),
    ]);
    expect(groups.map((g) => [g.intent, g.newIntent, g.proposals.map((p) => p.id)])).toEqual([
      ["zoo", true, ["2"]],
      ["card_arrival", false, ["3"]],
      ["lost_card", false, ["1", "4"]],
    ]);
  });

  test("says what each build did", () => {
    expect(describeBuild(build({ new_intents: ["pets"] }))).toBe("banking v4 published: 2 utterances added, new intent pets.");
    expect(describeBuild(build({ outcome: "rejected_by_gate", version: 5 }))).toMatch(/^banking v5 was refused by the regression gate/);
    expect(describeBuild(build({ outcome: "unchanged", version: null }))).toMatch(/no new version/);
    expect(describeBuild(build({ outcome: "failed", version: null, error: "disk full" }))).toBe("banking could not be built: disk full.");
  });

  test("an approved proposal's fate comes from its bot's build", () => {
    const builds = [build({ published: ["a"], refused: [{ id: "b", reason: "collides with lost_card" }], returned: [] })];
    expect(outcomeOf(proposal("a", { status: "approved" }), builds)).toEqual({ status: "published", reason: null });
    expect(outcomeOf(proposal("b", { status: "approved" }), builds)).toEqual({ status: "refused", reason: "collides with lost_card" });
    expect(outcomeOf(proposal("c", { status: "rejected" }), builds).status).toBe("rejected");
    expect(outcomeOf(proposal("d", { status: "approved" }), [build({ outcome: "rejected_by_gate", returned: ["d"] })]).status).toBe("returned");
    expect(outcomeOf(proposal("e", { status: "refused", build_note: "collides with lost_card" }), [])).toEqual({ status: "refused", reason: "collides with lost_card" });
    expect(outcomeOf(proposal("f", { status: "pending", build_note: "the gate refused v5" }), [])).toEqual({ status: "returned", reason: "the gate refused v5" });
    expect(outcomeOf(proposal("g", { status: "published", version: 4 }), []).status).toBe("published");
  });

  test("a cluster becomes one new intent from the members still ticked", () => {
    const member = (id: string) => ({ id, session_id: "s", call_id: null, seq: null, bot: "banking", text: id, reason: "handoff", best_guesses: [], status: "new", at: "" });
    const cluster = { name: "parrot_tax", size: 3, members: [member("a"), member("b"), member("c")] };
    expect(clusterProposals(cluster, new Set(["a", "c"]), " parrots ", " Squawk. ")).toEqual([
      { missed_id: "a", intent: "parrots", new_intent: true, response: "Squawk." },
      { missed_id: "c", intent: "parrots", new_intent: true, response: "Squawk." },
    ]);
    expect(clusterProposals(cluster, new Set(["b"]), "parrots", "")).toEqual([{ missed_id: "b", intent: "parrots", new_intent: true }]);
    expect(clusterProblem(0, "parrots", INTENTS)).toMatch(/Tick/);
    expect(clusterProblem(2, "lost_card", INTENTS)).toMatch(/already has/);
    expect(clusterProblem(2, "parrots", INTENTS)).toBeNull();
  });
});
