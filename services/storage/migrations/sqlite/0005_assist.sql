-- Agent assist (SQLite). What the bot suggested to the agent for a customer's segment — an
-- intent's reply, or knowledge articles — ranked, with the agent's verdict on each.
CREATE TABLE call_suggestions (
    id           TEXT PRIMARY KEY,
    call_id      TEXT NOT NULL,
    seq          INTEGER NOT NULL CHECK (seq >= 0),
    rank         INTEGER NOT NULL CHECK (rank >= 0),
    bot          TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('intent', 'knowledge')),
    -- The intent's name or the article's document id.
    reference    TEXT NOT NULL,
    title        TEXT NOT NULL,
    text         TEXT NOT NULL,
    score        REAL NOT NULL,
    feedback     TEXT CHECK (feedback IN ('used', 'not_helpful')),
    feedback_by  TEXT,
    feedback_at  TEXT,
    created_at   TEXT NOT NULL,
    UNIQUE (call_id, seq, rank),
    FOREIGN KEY (call_id, seq) REFERENCES call_segments (call_id, seq) ON DELETE CASCADE
);

-- Missed utterances come from calls too: exactly one of session_id and call_id is set; a call's
-- carries the segment, speaker and the bot that missed it. SQLite cannot relax NOT NULL in
-- place, so the table is rebuilt with its rows.
CREATE TABLE missed_utterances_new (
    id            TEXT PRIMARY KEY,
    session_id    TEXT REFERENCES sessions (id) ON DELETE CASCADE,
    call_id       TEXT,
    call_seq      INTEGER CHECK (call_seq >= 0),
    speaker       TEXT CHECK (speaker IN ('customer', 'agent')),
    bot           TEXT,
    text          TEXT NOT NULL,
    best_guesses  TEXT NOT NULL,
    reason        TEXT NOT NULL CHECK (reason IN ('handoff', 'low_confidence', 'no_match')),
    status        TEXT NOT NULL DEFAULT 'new',
    at            TEXT NOT NULL,
    CHECK ((session_id IS NULL) <> (call_id IS NULL)),
    CHECK (call_id IS NULL OR (call_seq IS NOT NULL AND speaker IS NOT NULL AND bot IS NOT NULL)),
    FOREIGN KEY (call_id, call_seq) REFERENCES call_segments (call_id, seq) ON DELETE CASCADE
);
INSERT INTO missed_utterances_new (id, session_id, text, best_guesses, reason, status, at)
    SELECT id, session_id, text, best_guesses, reason, status, at FROM missed_utterances;
DROP TABLE missed_utterances;
ALTER TABLE missed_utterances_new RENAME TO missed_utterances;
CREATE INDEX missed_utterances_at ON missed_utterances (at);
CREATE INDEX missed_utterances_session ON missed_utterances (session_id);
CREATE INDEX missed_utterances_call ON missed_utterances (call_id, call_seq);
