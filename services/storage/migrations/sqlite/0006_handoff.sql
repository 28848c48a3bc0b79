-- Chats handed to a person (SQLite). A session the bot hands off waits in the queue
-- ('waiting'), is taken by one agent ('with_agent'; the bot stays out), and is closed by that
-- agent ('closed'; the bot answers again). `handoff_at` is when it entered its current state.
ALTER TABLE sessions ADD COLUMN handoff TEXT CHECK (handoff IN ('waiting', 'with_agent', 'closed'));
ALTER TABLE sessions ADD COLUMN handoff_agent TEXT;
ALTER TABLE sessions ADD COLUMN handoff_reason TEXT;
ALTER TABLE sessions ADD COLUMN handoff_at TEXT;
CREATE INDEX sessions_handoff ON sessions (handoff, handoff_at);

-- Transcripts record who said what: the visitor, the bot, or the agent named by agent_id.
-- SQLite cannot change a CHECK in place, so the table is rebuilt with its rows.
CREATE TABLE turns_new (
    session_id   TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    speaker      TEXT NOT NULL CHECK (speaker IN ('visitor', 'bot', 'agent')),
    text         TEXT NOT NULL,
    source_kind  TEXT CHECK (source_kind IN ('intent', 'knowledge', 'handoff')),
    intent       TEXT,
    confidence   REAL,
    document_id  TEXT,
    latency_ms   INTEGER,
    at           TEXT NOT NULL,
    agent_id     TEXT,
    CHECK ((speaker = 'agent') = (agent_id IS NOT NULL)),
    PRIMARY KEY (session_id, seq)
);
INSERT INTO turns_new (session_id, seq, speaker, text, source_kind, intent, confidence,
                       document_id, latency_ms, at)
    SELECT session_id, seq, speaker, text, source_kind, intent, confidence, document_id,
           latency_ms, at FROM turns;
DROP TABLE turns;
ALTER TABLE turns_new RENAME TO turns;
