-- What the live-intelligence stages found in each segment. Redactions are JSON
-- [{"kind": "card_number", "start": 10, "end": 23}]: the kind and where the tag sits in `text`,
-- never the value. Sentiment is the segment's own and its speaker's running score after it.
ALTER TABLE call_segments ADD COLUMN redactions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE call_segments ADD COLUMN sentiment_label TEXT
    CHECK (sentiment_label IN ('negative', 'neutral', 'positive'));
ALTER TABLE call_segments ADD COLUMN sentiment_score REAL
    CHECK (sentiment_score >= -1 AND sentiment_score <= 1);
ALTER TABLE call_segments ADD COLUMN running_sentiment REAL
    CHECK (running_sentiment >= -1 AND running_sentiment <= 1);
-- JSON array of the segment's key phrases.
ALTER TABLE call_segments ADD COLUMN key_phrases TEXT NOT NULL DEFAULT '[]';
