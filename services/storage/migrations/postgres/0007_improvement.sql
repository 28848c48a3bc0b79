-- The improvement loop (PostgreSQL). Versions say who made them, why, from which version, and
-- whether the regression gate let them through (a refused version is kept, never active).
ALTER TABLE bot_versions ADD COLUMN status TEXT NOT NULL DEFAULT 'published'
    CHECK (status IN ('published', 'rejected_by_gate'));
ALTER TABLE bot_versions ADD COLUMN author TEXT;
ALTER TABLE bot_versions ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE bot_versions ADD COLUMN base_version BIGINT;
ALTER TABLE bot_versions ADD COLUMN report_json TEXT;

-- An utterance proposed for an intent (existing, or new with its response): 'pending' until a
-- supervisor approves or rejects it; an approved one is 'published' by the version that took it
-- in, or 'refused' with the reason (say, it collides with another intent).
CREATE TABLE proposals (
    id           TEXT PRIMARY KEY,
    bot          TEXT NOT NULL,
    missed_id    TEXT REFERENCES missed_utterances (id) ON DELETE SET NULL,
    text         TEXT NOT NULL,
    intent       TEXT NOT NULL,
    new_intent   BOOLEAN NOT NULL,
    response     TEXT,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'published', 'refused')),
    proposed_by  TEXT NOT NULL,
    proposed_at  TIMESTAMPTZ NOT NULL,
    decided_by   TEXT,
    decided_at   TIMESTAMPTZ,
    note         TEXT,
    build_note   TEXT,
    version      BIGINT,
    CHECK (status NOT IN ('approved', 'published') OR NOT new_intent OR response IS NOT NULL)
);
CREATE INDEX proposals_bot_status ON proposals (bot, status);
-- One live proposal per missed utterance: two agents picking the same one conflict.
CREATE UNIQUE INDEX proposals_one_per_missed ON proposals (missed_id)
    WHERE missed_id IS NOT NULL AND status IN ('pending', 'approved', 'published');

-- Who did what to the bots and proposals, with the state before and after (JSON).
CREATE TABLE audit_log (
    id           TEXT PRIMARY KEY,
    at           TIMESTAMPTZ NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    subject      TEXT NOT NULL,
    before_json  TEXT,
    after_json   TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
