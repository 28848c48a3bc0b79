-- Initial schema (PostgreSQL).

CREATE TABLE tokens (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent', 'client')),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ
);
-- A name may be reused only after the previous holder was revoked.
CREATE UNIQUE INDEX tokens_active_name ON tokens (name) WHERE revoked_at IS NULL;

CREATE TABLE bot_versions (
    bot              TEXT NOT NULL,
    version          BIGINT NOT NULL,
    definition_json  TEXT NOT NULL,
    checksum         TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    active           BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (bot, version)
);
-- At most one active version per bot.
CREATE UNIQUE INDEX bot_versions_one_active ON bot_versions (bot) WHERE active;

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    bot          TEXT NOT NULL,
    bot_version  BIGINT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_created_at ON sessions (created_at);

CREATE TABLE turns (
    session_id   TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq          BIGINT NOT NULL,
    speaker      TEXT NOT NULL CHECK (speaker IN ('visitor', 'bot')),
    text         TEXT NOT NULL,
    source_kind  TEXT CHECK (source_kind IN ('intent', 'knowledge', 'handoff')),
    intent       TEXT,
    confidence   REAL,
    document_id  TEXT,
    latency_ms   BIGINT,
    at           TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (session_id, seq)
);

CREATE TABLE missed_utterances (
    id            TEXT PRIMARY KEY,
    session_id    TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    text          TEXT NOT NULL,
    best_guesses  TEXT NOT NULL,
    reason        TEXT NOT NULL CHECK (reason IN ('handoff', 'low_confidence')),
    status        TEXT NOT NULL DEFAULT 'new',
    at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX missed_utterances_at ON missed_utterances (at);
CREATE INDEX missed_utterances_session ON missed_utterances (session_id);
