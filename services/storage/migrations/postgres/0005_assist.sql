-- Agent assist (PostgreSQL). What the bot suggested to the agent for a customer's segment — an
-- intent's reply, or knowledge articles — ranked, with the agent's verdict on each.
CREATE TABLE call_suggestions (
    id           TEXT PRIMARY KEY,
    call_id      TEXT NOT NULL,
    seq          BIGINT NOT NULL CHECK (seq >= 0),
    rank         BIGINT NOT NULL CHECK (rank >= 0),
    bot          TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('intent', 'knowledge')),
    -- The intent's name or the article's document id.
    reference    TEXT NOT NULL,
    title        TEXT NOT NULL,
    text         TEXT NOT NULL,
    score        REAL NOT NULL,
    feedback     TEXT CHECK (feedback IN ('used', 'not_helpful')),
    feedback_by  TEXT,
    feedback_at  TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (call_id, seq, rank),
    FOREIGN KEY (call_id, seq) REFERENCES call_segments (call_id, seq) ON DELETE CASCADE
);

-- Missed utterances come from calls too: exactly one of session_id and call_id is set; a call's
-- carries the segment, speaker and the bot that missed it.
ALTER TABLE missed_utterances ALTER COLUMN session_id DROP NOT NULL;
ALTER TABLE missed_utterances
    ADD COLUMN call_id TEXT,
    ADD COLUMN call_seq BIGINT CHECK (call_seq >= 0),
    ADD COLUMN speaker TEXT CHECK (speaker IN ('customer', 'agent')),
    ADD COLUMN bot TEXT;
ALTER TABLE missed_utterances DROP CONSTRAINT missed_utterances_reason_check;
ALTER TABLE missed_utterances ADD CONSTRAINT missed_utterances_reason_check
    CHECK (reason IN ('handoff', 'low_confidence', 'no_match'));
ALTER TABLE missed_utterances ADD CONSTRAINT missed_utterances_origin_check
    CHECK ((session_id IS NULL) <> (call_id IS NULL));
ALTER TABLE missed_utterances ADD CONSTRAINT missed_utterances_call_check
    CHECK (call_id IS NULL OR (call_seq IS NOT NULL AND speaker IS NOT NULL AND bot IS NOT NULL));
ALTER TABLE missed_utterances ADD CONSTRAINT missed_utterances_call_fk
    FOREIGN KEY (call_id, call_seq) REFERENCES call_segments (call_id, seq) ON DELETE CASCADE;
CREATE INDEX missed_utterances_call ON missed_utterances (call_id, call_seq);
