-- Recordings analysed in bulk: the file a call came from, and what each channel was found to be
-- (role as given or as detected from the words, with how sure; loudness in LUFS).

CREATE TABLE call_recordings (
    call_id     TEXT PRIMARY KEY REFERENCES calls (id) ON DELETE CASCADE,
    file_name   TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE call_channels (
    call_id        TEXT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    channel        INTEGER NOT NULL CHECK (channel >= 0),
    role           TEXT NOT NULL CHECK (role IN ('customer', 'agent')),
    detected       INTEGER NOT NULL,
    confidence     REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
    loudness_lufs  REAL,
    PRIMARY KEY (call_id, channel)
);
