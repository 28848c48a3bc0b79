-- Rules that matched a call (PostgreSQL): the category each records and, when the rule raises one,
-- the alert supervisors saw. A rule matches a call at most once, however often it resumes.
CREATE TABLE call_rule_hits (
    call_id      TEXT NOT NULL,
    rule         TEXT NOT NULL CHECK (length(rule) > 0),
    category     TEXT NOT NULL CHECK (length(category) > 0),
    -- NULL: the category is recorded, no alert raised.
    severity     TEXT CHECK (severity IN ('info', 'warning', 'high')),
    reason       TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    -- The segment that made it match.
    seq          BIGINT NOT NULL CHECK (seq >= 0),
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (call_id, rule),
    FOREIGN KEY (call_id, seq) REFERENCES call_segments (call_id, seq) ON DELETE CASCADE
);
