import { describe, expect, test } from "vitest";
import { ApiError, StaffApi, apiErrorOf } from "./staffApi";

/** A fetch that answers from a table and records what it was asked. */
function fakeFetch(answers: Record<string, { status: number; body: unknown }>) {
  const calls: { url: string; init?: RequestInit }[] = [];
  const fetchFn = async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    const answer = answers[`${init?.method ?? "GET"} ${url}`];
    if (!answer) throw new TypeError("connection refused");
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { "content-type": "application/json" } });
  };
  return { fetchFn, calls };
}

describe("StaffApi", () => {
  test("sends the bearer token and reads /v1/me", async () => {
    const { fetchFn, calls } = fakeFetch({ "GET /v1/me": { status: 200, body: { name: "agent-7", role: "agent" } } });
    const api = new StaffApi("secret", fetchFn);
    expect(await api.me()).toEqual({ status: 200, me: { name: "agent-7", role: "agent" } });
    expect((calls[0].init?.headers as Record<string, string>).Authorization).toBe("Bearer secret");
  });

  test("reports 401 from /v1/me as a status, not an exception", async () => {
    const { fetchFn } = fakeFetch({ "GET /v1/me": { status: 401, body: { error: { code: "unauthorized", message: "unknown or revoked token" } } } });
    expect(await new StaffApi("bad", fetchFn).me()).toEqual({ status: 401, me: null });
  });

  test("posts feedback and turns the server's error body into an ApiError", async () => {
    const stored = { id: "s1", seq: 1, rank: 0, bot: "banking", kind: "intent", reference: "lost_card", title: "t", text: "x", score: 0.7, feedback: "used", feedback_by: "agent-7" };
    const { fetchFn, calls } = fakeFetch({
      "POST /v1/calls/c%201/suggestions/s1/feedback": { status: 200, body: stored },
      "POST /v1/calls/c%201/suggestions/s2/feedback": { status: 403, body: { error: { code: "forbidden", message: "another agent's call" } } },
    });
    const api = new StaffApi("t", fetchFn);
    expect(await api.sendFeedback("c 1", "s1", "used")).toMatchObject({ id: "s1", feedback: "used", feedback_by: "agent-7" });
    expect(calls[0].init?.body).toBe('{"feedback":"used"}');
    await expect(api.sendFeedback("c 1", "s2", "not_helpful")).rejects.toEqual(new ApiError(403, "forbidden", "another agent's call"));
    await expect(api.getCall("nowhere")).rejects.toMatchObject({ status: 0, code: "network" });
  });

  test("fetches a call's audio with the token, and a 404's reason when none is kept", async () => {
    const calls: { url: string; init?: RequestInit }[] = [];
    const wav = new Uint8Array([82, 73, 70, 70, 0, 0]);
    const fetchFn = async (url: string, init?: RequestInit) => {
      calls.push({ url, init });
      if (url === "/v1/calls/c1/audio") return new Response(wav, { status: 200, headers: { "content-type": "audio/wav" } });
      if (url === "/v1/calls/c2/audio") {
        const error = { error: { code: "not_found", message: 'no audio is kept for call "c2": recording retention is off' } };
        return new Response(JSON.stringify(error), { status: 404, headers: { "content-type": "application/json" } });
      }
      return new Response("gateway down", { status: 502 });
    };
    const api = new StaffApi("secret", fetchFn);
    const blob = await api.callAudio("/v1/calls/c1/audio");
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(wav);
    expect((calls[0].init?.headers as Record<string, string>).Authorization).toBe("Bearer secret");
    await expect(api.callAudio("/v1/calls/c2/audio")).rejects.toEqual(
      new ApiError(404, "not_found", 'no audio is kept for call "c2": recording retention is off'),
    );
    await expect(api.callAudio("/v1/calls/c3/audio")).rejects.toEqual(new ApiError(502, "http_502", "HTTP 502"));
    // Only paths on this server get the token.
    await expect(api.callAudio("https://elsewhere.example/a.wav")).rejects.toMatchObject({ code: "bad_path" });
    await expect(api.callAudio("//elsewhere.example/a.wav")).rejects.toMatchObject({ code: "bad_path" });
    expect(calls).toHaveLength(3);
  });

  test("takes a chat, writes in it and closes it; a take someone else won is a 409 with their name", async () => {
    const handoff = { session_id: "s 1", bot: "banking", state: "with_agent", agent_id: "agent-7", reason: "no_match", since: "2025-05-01T10:00:05Z", started_at: "2025-05-01T10:00:00Z" };
    const turn = { speaker: "agent", agent_id: "agent-7", text: "Hello", source: null, intent: null, confidence: null, document_id: null, latency_ms: null, at: "2025-05-01T10:00:06Z" };
    const { fetchFn, calls } = fakeFetch({
      "POST /v1/chat/handoffs/s%201/take": { status: 200, body: { handoff, transcript: [turn], missed: [] } },
      "POST /v1/chat/handoffs/s2/take": { status: 409, body: { error: { code: "conflict", message: 'chat "s2" was already taken by "agent-8"' } } },
      "POST /v1/chat/handoffs/s%201/messages": { status: 201, body: turn },
      "POST /v1/chat/handoffs/s%201/close": { status: 200, body: { ...handoff, state: "closed" } },
      "GET /v1/chat/handoffs": { status: 200, body: [handoff] },
      "GET /v1/chat/sessions/s%201/transcript": { status: 200, body: [turn] },
    });
    const api = new StaffApi("t", fetchFn);
    expect((await api.takeChat("s 1")).transcript).toEqual([{ speaker: "agent", agent_id: "agent-7", text: "Hello", source: null, intent: null, confidence: null, at: "2025-05-01T10:00:06Z" }]);
    await expect(api.takeChat("s2")).rejects.toEqual(new ApiError(409, "conflict", 'chat "s2" was already taken by "agent-8"'));
    expect(await api.sayInChat("s 1", "Hello")).toMatchObject({ speaker: "agent", text: "Hello" });
    expect(calls.at(-1)?.init?.body).toBe('{"text":"Hello"}');
    expect((await api.closeChat("s 1")).state).toBe("closed");
    expect((await api.listHandoffs()).map((h) => h.session_id)).toEqual(["s 1"]);
    expect(await api.chatTranscript("s 1")).toHaveLength(1);
  });

  test("an error body that is not the usual shape still gives a message", () => {
    expect(apiErrorOf(502, "<html>")).toEqual(new ApiError(502, "http_502", "HTTP 502"));
  });

  test("the improvement loop's calls: paths, bodies, and a decision someone else made first as a 409", async () => {
    const proposal = { id: "p1", bot: "banking", missed_id: "m1", text: "t t", intent: "pets", new_intent: true, response: "r", status: "pending", proposed_by: "agent-7", proposed_at: "2025-05-01T10:00:00Z", decided_by: null, decided_at: null, note: null, version: null };
    const version = { bot: "bank ing", version: 3, status: "published", active: true, author: "sup", reason: "rollback to v1", base_version: 2, created_at: "2025-05-01T10:00:00Z", report: null };
    const { fetchFn, calls } = fakeFetch({
      "GET /v1/review/missed?limit=50": { status: 200, body: [] },
      "GET /v1/proposals?limit=10&status=pending&bot=banking": { status: 200, body: [proposal] },
      "POST /v1/proposals": { status: 201, body: [proposal] },
      "POST /v1/proposals/decisions": { status: 409, body: { error: { code: "conflict", message: 'proposal "p1" was already approved by "sup-ann"' } } },
      "GET /v1/missed-utterances/clusters?bot=bank%20ing": { status: 200, body: [] },
      "GET /v1/bots/bank%20ing/versions": { status: 200, body: [version] },
      "GET /v1/bots/bank%20ing/diff?from=1&to=3": { status: 200, body: [] },
      "POST /v1/bots/bank%20ing/rollback": { status: 200, body: version },
      "GET /v1/audit?limit=100": { status: 200, body: [] },
    });
    const api = new StaffApi("t", fetchFn);
    expect(await api.reviewMissed(50)).toEqual([]);
    expect((await api.listProposals({ status: "pending", bot: "banking", limit: 10 }))[0].id).toBe("p1");
    await api.propose([{ missed_id: "m1", intent: "pets", new_intent: true, response: "r" }]);
    expect(calls.at(-1)?.init?.body).toBe('{"proposals":[{"missed_id":"m1","intent":"pets","new_intent":true,"response":"r"}]}');
    await expect(api.decide([{ id: "p1", verdict: "approve" }])).rejects.toEqual(new ApiError(409, "conflict", 'proposal "p1" was already approved by "sup-ann"'));
    expect(calls.at(-1)?.init?.body).toBe('{"decisions":[{"id":"p1","verdict":"approve"}]}');
    expect(await api.clusters("bank ing")).toEqual([]);
    expect((await api.versions("bank ing"))[0].reason).toBe("rollback to v1");
    expect(await api.diff("bank ing", 1, 3)).toEqual([]);
    expect((await api.rollback("bank ing", 1)).version).toBe(3);
    expect(calls.at(-1)?.init?.body).toBe('{"version":1}');
    expect(await api.audit(100)).toEqual([]);
  });
  test("reads the dashboard and turns a refused range into the server's reason", async () => {
    const zero = { calls: 0, duration_s: 0, mean_duration_s: null, agent_talk_s: 0, customer_talk_s: 0, non_talk_s: 0, talk_share: null, silence_share: null, interruptions: 0, customer_sentiment: null, agent_sentiment: null };
    const body = { from: "2026-12-07", to: "2026-12-07", agent: "agent-7", queue: null, totals: zero, days: [{ day: "2026-12-07", ...zero }], agents: [], queues: [], categories: [], key_phrases: [], missed_intents: [], category_days: [] };
    const reason = "the range ends (2026-12-01) before it starts (2026-12-07)";
    const { fetchFn } = fakeFetch({
      "GET /v1/calls/dashboard?agent=agent-7&top=10": { status: 200, body },
      "GET /v1/calls/dashboard": { status: 200, body },
      "GET /v1/calls/dashboard?from=2026-12-07&to=2026-12-01&top=10": { status: 400, body: { error: { code: "bad_request", message: reason } } },
    });
    const api = new StaffApi("t", fetchFn);
    expect((await api.dashboard("agent=agent-7&top=10")).agent).toBe("agent-7");
    expect((await api.dashboard("")).days).toHaveLength(1);
    await expect(api.dashboard("from=2026-12-07&to=2026-12-01&top=10")).rejects.toEqual(new ApiError(400, "bad_request", reason));
  });
});
