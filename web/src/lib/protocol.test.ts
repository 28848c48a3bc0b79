import { describe, expect, test } from "vitest";
import { ProtocolError, charCount, describeSource, parseServerMessage } from "./protocol";

describe("parseServerMessage", () => {
  test("reads a session frame", () => {
    const frame = parseServerMessage(
      '{"type":"session","session_id":"s1","bot":"banking","bot_version":1,"greeting":"Hi!"}',
    );
    expect(frame).toEqual({ type: "session", session_id: "s1", bot: "banking", bot_version: 1, greeting: "Hi!" });
  });

  test("reads a reply of each source kind", () => {
    const reply = (source: string) =>
      parseServerMessage(
        `{"type":"reply","session_id":"s1","turn":3,"text":"t","source":${source},"latency_ms":4.2}`,
      );
    expect(reply('{"kind":"intent","intent":"card_arrival","confidence":0.93}')).toMatchObject({
      turn: 3,
      source: { kind: "intent", intent: "card_arrival", confidence: 0.93 },
    });
    expect(
      reply('{"kind":"knowledge","document_id":"opening-hours","title":"What are your opening hours?","score":0.71}'),
    ).toMatchObject({ source: { kind: "knowledge", title: "What are your opening hours?" } });
    expect(reply('{"kind":"handoff","reason":"no_match"}')).toMatchObject({
      source: { kind: "handoff", reason: "no_match" },
    });
  });

  test("reads an error frame", () => {
    expect(parseServerMessage('{"type":"error","code":"text_too_long","message":"too long"}')).toEqual({
      type: "error",
      code: "text_too_long",
      message: "too long",
    });
  });

  test("reads what the gateway says about the person a chat was handed to", () => {
    expect(parseServerMessage('{"type":"delivered","agent":null}')).toEqual({ type: "delivered", agent: null });
    expect(parseServerMessage('{"type":"delivered","agent":"agent-7"}')).toEqual({ type: "delivered", agent: "agent-7" });
    expect(parseServerMessage('{"type":"agent_joined","agent":"agent-7"}')).toEqual({ type: "agent_joined", agent: "agent-7" });
    expect(parseServerMessage('{"type":"agent_message","agent":"agent-7","text":"Hello"}')).toEqual({
      type: "agent_message",
      agent: "agent-7",
      text: "Hello",
    });
    expect(parseServerMessage('{"type":"agent_left","agent":"agent-7"}')).toEqual({ type: "agent_left", agent: "agent-7" });
    expect(parseServerMessage('{"type":"agent_left"}')).toEqual({ type: "agent_left", agent: null });
  });

  test("skips frame types it does not know, so a newer server does not break the widget", () => {
    expect(parseServerMessage('{"type":"pong"}')).toBeNull();
    expect(parseServerMessage('{"type":"party","confetti":true}')).toBeNull();
  });

  test.each([
    ["not json", "frame is not JSON"],
    ["[1,2]", "frame is not a JSON object"],
    ['{"kind":"reply"}', 'field "type" must be a string'],
    ['{"type":"agent_message","agent":"agent-7"}', 'field "text" must be a string'],
    ['{"type":"agent_joined","agent":null}', 'field "agent" must be a string'],
    ['{"type":"error","code":7,"message":"m"}', 'field "code" must be a string'],
    [
      '{"type":"reply","session_id":"s","turn":1,"text":"t","source":{"kind":"magic"},"latency_ms":1}',
      'unknown source kind "magic"',
    ],
    [
      '{"type":"reply","session_id":"s","turn":"1","text":"t","source":{"kind":"handoff","reason":"x"},"latency_ms":1}',
      'field "turn" must be a number',
    ],
  ])("rejects %s", (raw, reason) => {
    expect(() => parseServerMessage(raw)).toThrow(new ProtocolError(reason));
  });
});

describe("describeSource", () => {
  test("formats the three source kinds", () => {
    expect(describeSource({ kind: "intent", intent: "card_arrival", confidence: 0.934 })).toBe(
      "intent: card_arrival (93 %)",
    );
    expect(describeSource({ kind: "knowledge", document_id: "d", title: "Opening hours", score: 0.7 })).toBe(
      "answered from FAQ: Opening hours",
    );
    expect(describeSource({ kind: "handoff", reason: "no_match" })).toBe("connecting you to an agent");
  });
});

describe("charCount", () => {
  test("counts code points, not UTF-16 units", () => {
    expect(charCount("héllo")).toBe(5);
    expect(charCount("👍👍")).toBe(2);
  });
});
