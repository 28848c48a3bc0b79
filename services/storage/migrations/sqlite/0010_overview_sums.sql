-- The overview's running sums, kept with each call's figures (see rollup.rs): per day, agent and
-- queue ('' for none), and per kind, day and label. Filled from the figures already stored.
-- Labels get indexes by agent and by queue for the overview of one agent or queue.

CREATE TABLE call_fact_groups (
    day                       TEXT NOT NULL,
    agent_key                 TEXT NOT NULL,
    queue_key                 TEXT NOT NULL,
    calls                     INTEGER NOT NULL,
    duration_ms               INTEGER NOT NULL,
    agent_talk_ms             INTEGER NOT NULL,
    customer_talk_ms          INTEGER NOT NULL,
    non_talk_ms               INTEGER NOT NULL,
    interruptions             INTEGER NOT NULL,
    customer_sentiment_sum    REAL NOT NULL,
    customer_sentiment_calls  INTEGER NOT NULL,
    agent_sentiment_sum       REAL NOT NULL,
    agent_sentiment_calls     INTEGER NOT NULL,
    PRIMARY KEY (day, agent_key, queue_key)
);

CREATE TABLE call_label_days (
    kind   TEXT NOT NULL,
    day    TEXT NOT NULL,
    label  TEXT NOT NULL,
    calls  INTEGER NOT NULL,
    PRIMARY KEY (kind, day, label)
);

INSERT INTO call_fact_groups
SELECT day, COALESCE(agent_id, ''), COALESCE(queue, ''), COUNT(*), SUM(duration_ms),
       SUM(agent_talk_ms), SUM(customer_talk_ms), SUM(non_talk_ms), SUM(interruptions),
       COALESCE(SUM(customer_sentiment), 0), COUNT(customer_sentiment),
       COALESCE(SUM(agent_sentiment), 0), COUNT(agent_sentiment)
FROM call_facts GROUP BY day, COALESCE(agent_id, ''), COALESCE(queue, '');

INSERT INTO call_label_days
SELECT kind, day, label, COUNT(*) FROM call_fact_labels GROUP BY kind, day, label;

CREATE INDEX call_fact_labels_by_agent ON call_fact_labels (agent_id, kind, day, label);
CREATE INDEX call_fact_labels_by_queue ON call_fact_labels (queue, kind, day, label);
