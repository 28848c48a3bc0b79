-- Live calls and their transcript segments (PostgreSQL).

CREATE TABLE calls (
    id             TEXT PRIMARY KEY,
    source         TEXT NOT NULL CHECK (source IN ('lca', 'twilio', 'batch')),
    from_number    TEXT,
    to_number      TEXT,
    agent_id       TEXT,
    sample_rate    BIGINT NOT NULL CHECK (sample_rate > 0),
    encoding       TEXT NOT NULL,
    -- JSON array of "customer"/"agent", one per channel.
    channel_roles  TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('live', 'completed', 'incomplete')),
    started_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    ended_at       TIMESTAMPTZ,
    -- Audio received so far across connections: where a reconnect continues.
    audio_ms       BIGINT NOT NULL DEFAULT 0 CHECK (audio_ms >= 0),
    connections    BIGINT NOT NULL DEFAULT 1 CHECK (connections >= 1)
);
CREATE INDEX calls_started_at ON calls (started_at);

CREATE TABLE call_segments (
    call_id     TEXT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    seq         BIGINT NOT NULL CHECK (seq >= 0),
    channel     BIGINT NOT NULL CHECK (channel >= 0),
    speaker     TEXT NOT NULL CHECK (speaker IN ('customer', 'agent')),
    start_ms    BIGINT NOT NULL CHECK (start_ms >= 0),
    end_ms      BIGINT NOT NULL CHECK (end_ms >= start_ms),
    text        TEXT NOT NULL,
    confidence  REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (call_id, seq)
);
CREATE INDEX call_segments_by_start ON call_segments (call_id, start_ms, seq);
