// Signs a staff member in with their own token (fragment, tab storage or form) and shows the page only to strong enough roles.

import { type FormEvent, type ReactNode, useCallback, useEffect, useId, useState } from "react";
import type { Me } from "../lib/calls";
import { StaffApi } from "../lib/staffApi";
import {
  ROLES,
  TOKEN_STORAGE_KEY,
  fragmentToken,
  initialToken,
  judgeSignIn,
  withoutFragmentToken,
} from "../lib/staffAuth";
import { StaffNav } from "./StaffNav";

/** What a signed-in page gets. */
export interface StaffSession {
  me: Me;
  token: string;
  api: StaffApi;
}

type Phase =
  | { kind: "checking" }
  | { kind: "form"; error: string | null }
  | { kind: "in"; session: StaffSession };

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** Checks a token against `/v1/me` for a page needing `needed`. */
async function signIn(
  token: string,
  needed: (typeof ROLES)[number],
  page: string,
): Promise<{ session: StaffSession } | { error: string }> {
  const api = new StaffApi(token);
  const { status, me } = await api.me();
  const result = judgeSignIn(status, me, needed, page);
  return result.kind === "ok" ? { session: { me: result.me, token, api } } : { error: result.message };
}

/**
 * The token the page starts with (fragment, else this tab's storage), read once at load; the
 * fragment is then removed from the address bar so the secret does not linger there or in history.
 */
export function takeStartToken(): string | null {
  const href = window.location.href;
  const token = initialToken(href, storage());
  if (fragmentToken(href)) window.history.replaceState(null, "", withoutFragmentToken(href));
  return token;
}

export function StaffGate(props: {
  title: string;
  /** How the refusal names this page, e.g. "supervisor view". */
  page: string;
  needed: "agent" | "supervisor" | "admin";
  /** From takeStartToken(), called once before the first render. */
  startToken: string | null;
  children: (session: StaffSession) => ReactNode;
}) {
  const { title, page, needed, startToken, children } = props;
  const [phase, setPhase] = useState<Phase>({ kind: "checking" });

  const attempt = useCallback(
    async (token: string) => {
      setPhase({ kind: "checking" });
      const outcome = await signIn(token, needed, page);
      const store = storage();
      if ("session" in outcome) {
        try {
          store?.setItem(TOKEN_STORAGE_KEY, token);
        } catch {
          // the page still works; a reload asks again
        }
        setPhase({ kind: "in", session: outcome.session });
      } else {
        try {
          store?.removeItem(TOKEN_STORAGE_KEY);
        } catch {
          // nothing stored, nothing to forget
        }
        setPhase({ kind: "form", error: outcome.error });
      }
    },
    [needed, page],
  );

  useEffect(() => {
    if (startToken) void attempt(startToken);
    else setPhase({ kind: "form", error: null });
  }, [attempt, startToken]);

  const signOut = () => {
    try {
      storage()?.removeItem(TOKEN_STORAGE_KEY);
    } catch {
      // nothing stored
    }
    setPhase({ kind: "form", error: null });
  };

  return (
    <div className="st-page">
      <header className="st-topbar">
        <h1 className="st-title">{title}</h1>
        {phase.kind === "in" && <StaffNav role={phase.session.me.role} />}
        {phase.kind === "in" && (
          <div className="st-who">
            <span data-testid="signed-in-as" data-name={phase.session.me.name} data-role={phase.session.me.role}>
              Signed in as <strong>{phase.session.me.name}</strong> ({phase.session.me.role})
            </span>
            <button type="button" className="st-button st-quiet" data-testid="sign-out" onClick={signOut}>
              Sign out
            </button>
          </div>
        )}
      </header>
      {phase.kind === "checking" && (
        <p className="st-centered" role="status">
          Checking your token…
        </p>
      )}
      {phase.kind === "form" && <SignInForm error={phase.error} needed={needed} onSubmit={attempt} />}
      {phase.kind === "in" && children(phase.session)}
    </div>
  );
}

function SignInForm(props: { error: string | null; needed: string; onSubmit: (token: string) => void }) {
  const [token, setToken] = useState("");
  const inputId = useId();
  const errorId = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim() !== "") props.onSubmit(token.trim());
  };
  return (
    <form className="st-signin" onSubmit={submit} data-testid="sign-in-form">
      <h2>Sign in</h2>
      <p className="st-muted">Use your own API token ({props.needed} role or above). It stays in this tab only.</p>
      <label htmlFor={inputId}>API token</label>
      <input
        id={inputId}
        type="password"
        autoComplete="off"
        data-testid="token-input"
        value={token}
        aria-describedby={props.error ? errorId : undefined}
        aria-invalid={props.error ? true : undefined}
        onChange={(event) => setToken(event.target.value)}
      />
      <button type="submit" className="st-button" data-testid="sign-in" disabled={token.trim() === ""}>
        Sign in
      </button>
      {props.error && (
        <p id={errorId} className="st-error" data-testid="sign-in-error" role="alert">
          {props.error}
        </p>
      )}
    </form>
  );
}
