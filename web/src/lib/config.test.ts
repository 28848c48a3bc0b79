import { describe, expect, test } from "vitest";
import { chatSocketUrl, resolveConfig } from "./config";

const metas = (values: Record<string, string>) => (name: string) => values[name] ?? null;

describe("resolveConfig", () => {
  test("uses the server's meta tags on the plain page", () => {
    const config = resolveConfig(
      "https://chat.example/",
      metas({ "switchboard-token": "meta-token", "switchboard-bot": "insurance" }),
    );
    expect(config).toEqual({ token: "meta-token", bot: "insurance", embedded: false });
  });

  test("prefers the embed fragment over the query and the meta tags", () => {
    const config = resolveConfig(
      "https://chat.example/?embed=1&token=query-token#token=hash-token&bot=banking",
      metas({ "switchboard-token": "meta-token", "switchboard-bot": "insurance" }),
    );
    expect(config).toEqual({ token: "hash-token", bot: "banking", embedded: true });
  });

  test("falls back to the query when there is no fragment", () => {
    const config = resolveConfig("https://chat.example/?token=query-token", metas({}));
    expect(config.token).toBe("query-token");
  });

  test("treats unreplaced placeholders as missing", () => {
    const config = resolveConfig(
      "https://chat.example/",
      metas({ "switchboard-token": "%SWITCHBOARD_TOKEN%", "switchboard-bot": "%SWITCHBOARD_BOT%" }),
    );
    expect(config).toEqual({ token: null, bot: "banking", embedded: false });
  });
});

describe("chatSocketUrl", () => {
  test("uses wss on https pages and carries token, bot and session", () => {
    const url = new URL(chatSocketUrl("https://chat.example/?embed=1#x", { token: "t k", bot: "banking" }, "s-9"));
    expect(url.protocol).toBe("wss:");
    expect(url.host).toBe("chat.example");
    expect(url.pathname).toBe("/v1/chat");
    expect(url.searchParams.get("token")).toBe("t k");
    expect(url.searchParams.get("bot")).toBe("banking");
    expect(url.searchParams.get("session")).toBe("s-9");
    expect(url.hash).toBe("");
  });

  test("uses ws on http pages and leaves out a missing session", () => {
    const url = new URL(chatSocketUrl("http://127.0.0.1:8080/", { token: "t", bot: "banking" }, null));
    expect(url.protocol).toBe("ws:");
    expect(url.searchParams.has("session")).toBe(false);
  });
});
