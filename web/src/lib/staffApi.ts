// The REST calls of the staff pages, with the person's token and the server's `{"error":{…}}` bodies turned into readable errors.

import {
  type CallDetail,
  type CallSummary,
  type Feedback,
  type Me,
  type Suggestion,
  parseCallDetail,
  parseCallList,
  parseMe,
  parseSuggestion,
} from "./calls";
import { type SearchHit, parseSearch } from "./callSearch";
import { type Dashboard, parseDashboard } from "./dashboard";
import {
  type ChatTurn,
  type Handoff,
  type TakenChat,
  parseChatTurn,
  parseHandoff,
  parseHandoffList,
  parseTakenChat,
  parseTranscript,
} from "./handoffs";
import { type AuditEntry, type BotVersion, type IntentChange, parseAudit, parseDiff, parseVersion, parseVersionList } from "./history";
import {
  type BotInfo,
  type Cluster,
  type Decided,
  type DecisionIn,
  type MissedUtterance,
  type Proposal,
  type ProposalIn,
  type ProposalStatus,
  parseBot,
  parseBotList,
  parseClusters,
  parseDecided,
  parseMissedList,
  parseProposalList,
} from "./improve";
import { ProtocolError, isObject } from "./json";

/** A refused or failed request, with the HTTP status and the server's error code when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads the server's error body, falling back to the status line. */
export function apiErrorOf(status: number, body: unknown): ApiError {
  const error = isObject(body) && isObject(body.error) ? body.error : null;
  const code = error && typeof error.code === "string" ? error.code : `http_${status}`;
  const message = error && typeof error.message === "string" ? error.message : `HTTP ${status}`;
  return new ApiError(status, code, message);
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** `/v1` on the page's own origin, as one signed-in person. */
export class StaffApi {
  constructor(
    private readonly token: string,
    private readonly fetchFn: Fetch = (input, init) => fetch(input, init),
  ) {}

  private async request(path: string, init: RequestInit = {}): Promise<unknown> {
    let response: Response;
    try {
      response = await this.fetchFn(path, {
        ...init,
        headers: { Authorization: `Bearer ${this.token}`, Accept: "application/json", ...(init.headers ?? {}) },
      });
    } catch (err) {
      throw new ApiError(0, "network", `The server cannot be reached (${String(err)}).`);
    }
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      // an empty or non-JSON body: the status speaks for itself
    }
    if (!response.ok) throw apiErrorOf(response.status, body);
    return body;
  }

  /** Who the token speaks for; the raw status is kept so sign-in can tell 401 from other failures. */
  async me(): Promise<{ status: number; me: Me | null }> {
    try {
      return { status: 200, me: parseMe(await this.request("/v1/me")) };
    } catch (err) {
      if (err instanceof ApiError) return { status: err.status, me: null };
      if (err instanceof ProtocolError) return { status: 502, me: null };
      throw err;
    }
  }

  async listCalls(params: { status?: "live"; limit: number }): Promise<CallSummary[]> {
    const query = new URLSearchParams({ limit: String(params.limit) });
    if (params.status) query.set("status", params.status);
    return parseCallList(await this.request(`/v1/calls?${query}`));
  }

  async getCall(id: string): Promise<CallDetail> {
    return parseCallDetail(await this.request(`/v1/calls/${encodeURIComponent(id)}`));
  }

  /** `GET /v1/calls/search` with a query string from `searchQuery`; a 400 carries the server's reason. */
  async searchCalls(query: string): Promise<SearchHit[]> {
    return parseSearch(await this.request(`/v1/calls/search?${query}`));
  }

  /** `GET /v1/calls/dashboard` with a query string from `dashboardQuery`; a 400 carries the server's reason (e.g. a backwards range). */
  async dashboard(query: string): Promise<Dashboard> {
    return parseDashboard(await this.request(`/v1/calls/dashboard${query ? `?${query}` : ""}`));
  }

  /**
   * A call's kept audio (the detail's `audio_url`, a path on this server) as a WAV blob, fetched
   * with the token since an `<audio src>` cannot send it; a 404 carries the server's reason.
   */
  async callAudio(path: string, signal?: AbortSignal): Promise<Blob> {
    if (!path.startsWith("/") || path.startsWith("//")) throw new ApiError(0, "bad_path", `not a path on this server: ${path}`);
    let response: Response;
    try {
      response = await this.fetchFn(path, { headers: { Authorization: `Bearer ${this.token}`, Accept: "audio/wav" }, signal });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new ApiError(0, "network", `The server cannot be reached (${String(err)}).`);
    }
    if (!response.ok) {
      let body: unknown = null;
      try {
        body = await response.json();
      } catch {
        // not JSON: the status speaks for itself
      }
      throw apiErrorOf(response.status, body);
    }
    return response.blob();
  }

  async sendFeedback(callId: string, suggestionId: string, feedback: Feedback): Promise<Suggestion> {
    const path = `/v1/calls/${encodeURIComponent(callId)}/suggestions/${encodeURIComponent(suggestionId)}/feedback`;
    const body = await this.request(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ feedback }),
    });
    return parseSuggestion(body);
  }

  /** The queue (every waiting chat, oldest first) and the chats this person holds. */
  async listHandoffs(): Promise<Handoff[]> {
    return parseHandoffList(await this.request("/v1/chat/handoffs"));
  }

  async chatTranscript(sessionId: string): Promise<ChatTurn[]> {
    return parseTranscript(await this.request(`/v1/chat/sessions/${encodeURIComponent(sessionId)}/transcript`));
  }

  /** Takes a waiting chat; an ApiError with status 409 when another agent was quicker. */
  async takeChat(sessionId: string): Promise<TakenChat> {
    return parseTakenChat(await this.request(`${handoffPath(sessionId)}/take`, { method: "POST" }));
  }

  /** Writes to the visitor; answers with the stored (redacted) turn. */
  async sayInChat(sessionId: string, text: string): Promise<ChatTurn> {
    const body = await this.request(`${handoffPath(sessionId)}/messages`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text }),
    });
    return parseChatTurn(body);
  }

  /** Gives the chat back to the bot. */
  async closeChat(sessionId: string): Promise<Handoff> {
    return parseHandoff(await this.request(`${handoffPath(sessionId)}/close`, { method: "POST" }));
  }

  /** Missed utterances from the conversations this agent handled, newest first. */
  async reviewMissed(limit: number): Promise<MissedUtterance[]> {
    return parseMissedList(await this.request(`/v1/review/missed?limit=${limit}`));
  }

  /** Proposals, oldest first: an agent's own, or everyone's for a supervisor. */
  async listProposals(params: { status?: ProposalStatus; bot?: string; limit: number }): Promise<Proposal[]> {
    const query = new URLSearchParams({ limit: String(params.limit) });
    if (params.status) query.set("status", params.status);
    if (params.bot) query.set("bot", params.bot);
    return parseProposalList(await this.request(`/v1/proposals?${query}`));
  }

  /** Stores picks, all or none; a refusal names the failing item ("proposal 2: …") or its missed utterance. */
  async propose(proposals: ProposalIn[]): Promise<Proposal[]> {
    return parseProposalList(await this.post("/v1/proposals", { proposals }));
  }

  /** Decides a batch, all or none (409 when one was decided meanwhile); each bot with an approval builds a version. */
  async decide(decisions: DecisionIn[]): Promise<Decided> {
    return parseDecided(await this.post("/v1/proposals/decisions", { decisions }));
  }

  async clusters(bot: string): Promise<Cluster[]> {
    return parseClusters(await this.request(`/v1/missed-utterances/clusters?bot=${encodeURIComponent(bot)}`));
  }

  async listBots(): Promise<BotInfo[]> {
    return parseBotList(await this.request("/v1/bots"));
  }

  async getBot(bot: string): Promise<BotInfo> {
    return parseBot(await this.request(botPath(bot)));
  }

  /** Every stored version, newest first. */
  async versions(bot: string): Promise<BotVersion[]> {
    return parseVersionList(await this.request(`${botPath(bot)}/versions`));
  }

  async diff(bot: string, from: number, to: number): Promise<IntentChange[]> {
    return parseDiff(await this.request(`${botPath(bot)}/diff?from=${from}&to=${to}`));
  }

  /** Publishes `version`'s content again as a new version; answers with that version. */
  async rollback(bot: string, version: number): Promise<BotVersion> {
    return parseVersion(await this.post(`${botPath(bot)}/rollback`, { version }));
  }

  /** The audit log, newest first. */
  async audit(limit: number): Promise<AuditEntry[]> {
    return parseAudit(await this.request(`/v1/audit?limit=${limit}`));
  }

  private post(path: string, body: unknown): Promise<unknown> {
    return this.request(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  }
}

function botPath(bot: string): string {
  return `/v1/bots/${encodeURIComponent(bot)}`;
}

function handoffPath(sessionId: string): string {
  return `/v1/chat/handoffs/${encodeURIComponent(sessionId)}`;
}
