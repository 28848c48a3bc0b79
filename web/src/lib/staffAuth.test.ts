import { describe, expect, test } from "vitest";
import { TOKEN_STORAGE_KEY, fragmentToken, initialToken, judgeSignIn, permits, withoutFragmentToken } from "./staffAuth";

const store = (values: Record<string, string>) => ({
  getItem: (k: string) => values[k] ?? null,
  setItem: (k: string, v: string) => void (values[k] = v),
  removeItem: (k: string) => void delete values[k],
});

describe("finding the token", () => {
  test("the fragment wins over the tab's stored token", () => {
    const stored = store({ [TOKEN_STORAGE_KEY]: "stored" });
    expect(initialToken("https://sb.example/agent#token=frag", stored)).toBe("frag");
    expect(initialToken("https://sb.example/agent", stored)).toBe("stored");
    expect(initialToken("https://sb.example/agent#token=", store({}))).toBeNull();
    expect(initialToken("https://sb.example/agent", null)).toBeNull();
  });

  test("the token is taken out of the address but other fragment parts stay", () => {
    expect(fragmentToken("https://sb.example/supervisor#token=a%2Bb")).toBe("a+b");
    expect(withoutFragmentToken("https://sb.example/supervisor?x=1#token=abc")).toBe("https://sb.example/supervisor?x=1");
    expect(withoutFragmentToken("https://sb.example/agent#token=abc&call=c1")).toBe("https://sb.example/agent#call=c1");
  });
});

describe("judging a sign-in", () => {
  test("roles are ordered client < agent < supervisor < admin", () => {
    expect(permits("admin", "supervisor")).toBe(true);
    expect(permits("supervisor", "agent")).toBe(true);
    expect(permits("agent", "supervisor")).toBe(false);
    expect(permits("client", "agent")).toBe(false);
    expect(permits("owner", "agent")).toBe(false);
  });

  test("an unknown token, a weak role and a server failure each get their own message", () => {
    expect(judgeSignIn(401, null, "agent", "agent workspace")).toEqual({
      kind: "refused",
      message: "That token is not recognised (unknown or revoked).",
    });
    expect(judgeSignIn(200, { name: "widget", role: "client" }, "supervisor", "supervisor view")).toEqual({
      kind: "refused",
      message: 'The supervisor view needs a supervisor or admin token; "widget" has the role client.',
    });
    expect(judgeSignIn(200, { name: "a", role: "client" }, "agent", "agent workspace")).toMatchObject({
      message: expect.stringContaining("needs an agent, supervisor or admin token"),
    });
    expect(judgeSignIn(200, { name: "sup", role: "supervisor" }, "admin", "audit log")).toMatchObject({
      message: 'The audit log needs an admin token; "sup" has the role supervisor.',
    });
    expect(judgeSignIn(503, null, "agent", "agent workspace")).toMatchObject({ kind: "refused", message: expect.stringContaining("503") });
    expect(judgeSignIn(200, { name: "sup", role: "supervisor" }, "supervisor", "supervisor view")).toEqual({
      kind: "ok",
      me: { name: "sup", role: "supervisor" },
    });
  });
});
