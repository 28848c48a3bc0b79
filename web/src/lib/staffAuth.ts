// How staff pages find and check the person's own API token: URL fragment, then this tab's storage, then a sign-in form.

import type { Me } from "./calls";

/** Where a signed-in tab keeps its token (per tab, gone when the tab closes). */
export const TOKEN_STORAGE_KEY = "switchboard-staff-token";

/** Roles in increasing power, as the server orders them. */
export const ROLES = ["client", "agent", "supervisor", "admin"] as const;

/** The storage calls the pages use, so tests can pass a plain object. */
export interface TokenStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The token in `#token=…`, if any (the fragment never reaches servers or `Referer`). */
export function fragmentToken(href: string): string | null {
  const hash = new URL(href).hash.replace(/^#/, "");
  const token = new URLSearchParams(hash).get("token")?.trim();
  return token ? token : null;
}

/** The URL without its `token` fragment parameter, so the secret does not linger in the address bar. */
export function withoutFragmentToken(href: string): string {
  const url = new URL(href);
  const params = new URLSearchParams(url.hash.replace(/^#/, ""));
  params.delete("token");
  const rest = params.toString();
  url.hash = rest === "" ? "" : rest;
  return url.toString();
}

/** The token to try first: the fragment's, else the one this tab stored. */
export function initialToken(href: string, store: TokenStore | null): string | null {
  const fromUrl = fragmentToken(href);
  if (fromUrl) return fromUrl;
  try {
    return store?.getItem(TOKEN_STORAGE_KEY)?.trim() || null;
  } catch {
    return null; // storage blocked
  }
}

/** Whether `role` is `needed` or stronger. */
export function permits(role: string, needed: (typeof ROLES)[number]): boolean {
  const have = ROLES.indexOf(role as (typeof ROLES)[number]);
  return have >= ROLES.indexOf(needed);
}

/** The roles that may use a page needing `needed`, for the refusal message. */
export function rolesFrom(needed: (typeof ROLES)[number]): string {
  const allowed = ROLES.slice(ROLES.indexOf(needed));
  return allowed.length === 1 ? allowed[0] : `${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}`;
}

/** "a supervisor or admin", "an admin". */
function article(words: string): string {
  return `${/^[aeiou]/i.test(words) ? "an" : "a"} ${words}`;
}

/** Outcome of checking a token against `GET /v1/me` for a page. */
export type SignInResult =
  | { kind: "ok"; me: Me }
  | { kind: "refused"; message: string };

/** Decides whether a `/v1/me` answer lets the person use a page that needs role `needed`. */
export function judgeSignIn(status: number, me: Me | null, needed: (typeof ROLES)[number], page: string): SignInResult {
  if (status === 401) return { kind: "refused", message: "That token is not recognised (unknown or revoked)." };
  if (status !== 200 || me === null) return { kind: "refused", message: `Could not check the token (HTTP ${status}); try again.` };
  if (!permits(me.role, needed)) {
    return {
      kind: "refused",
      message: `The ${page} needs ${article(rolesFrom(needed))} token; "${me.name}" has the role ${me.role}.`,
    };
  }
  return { kind: "ok", me };
}
