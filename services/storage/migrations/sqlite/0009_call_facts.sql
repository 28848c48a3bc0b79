-- Post-call dashboards: the queue a call came through, and per ended call the figures the
-- overview adds up (one row per call, written again whenever the call changes) with its labels
-- (categories, key phrases, missed intents). Day, agent and queue are copied onto the labels so
-- every dashboard query reads one table through one index. Days are UTC dates, YYYY-MM-DD.

ALTER TABLE calls ADD COLUMN queue TEXT;

CREATE TABLE call_facts (
    call_id             TEXT PRIMARY KEY REFERENCES calls (id) ON DELETE CASCADE,
    day                 TEXT NOT NULL,
    agent_id            TEXT,
    queue               TEXT,
    duration_ms         INTEGER NOT NULL CHECK (duration_ms >= 0),
    agent_talk_ms       INTEGER NOT NULL CHECK (agent_talk_ms >= 0),
    customer_talk_ms    INTEGER NOT NULL CHECK (customer_talk_ms >= 0),
    non_talk_ms         INTEGER NOT NULL CHECK (non_talk_ms >= 0),
    longest_silence_ms  INTEGER NOT NULL CHECK (longest_silence_ms >= 0),
    interruptions       INTEGER NOT NULL CHECK (interruptions >= 0),
    overlap_ms          INTEGER NOT NULL CHECK (overlap_ms >= 0),
    customer_sentiment  REAL CHECK (customer_sentiment >= -1 AND customer_sentiment <= 1),
    agent_sentiment     REAL CHECK (agent_sentiment >= -1 AND agent_sentiment <= 1)
);
-- Covering: the overview's sums over a date range never touch the table.
CREATE INDEX call_facts_by_day ON call_facts (day, agent_id, queue, duration_ms, agent_talk_ms,
    customer_talk_ms, non_talk_ms, interruptions, customer_sentiment, agent_sentiment);

CREATE TABLE call_fact_labels (
    call_id   TEXT NOT NULL REFERENCES call_facts (call_id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('category', 'key_phrase', 'missed_intent')),
    label     TEXT NOT NULL,
    day       TEXT NOT NULL,
    agent_id  TEXT,
    queue     TEXT,
    PRIMARY KEY (call_id, kind, label)
);
CREATE INDEX call_fact_labels_by_day ON call_fact_labels (kind, day, label, agent_id, queue);
