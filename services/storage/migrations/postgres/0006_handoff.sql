-- Chats handed to a person (PostgreSQL). A session the bot hands off waits in the queue
-- ('waiting'), is taken by one agent ('with_agent'; the bot stays out), and is closed by that
-- agent ('closed'; the bot answers again). `handoff_at` is when it entered its current state.
ALTER TABLE sessions
    ADD COLUMN handoff TEXT CHECK (handoff IN ('waiting', 'with_agent', 'closed')),
    ADD COLUMN handoff_agent TEXT,
    ADD COLUMN handoff_reason TEXT,
    ADD COLUMN handoff_at TIMESTAMPTZ;
CREATE INDEX sessions_handoff ON sessions (handoff, handoff_at);

-- Transcripts record who said what: the visitor, the bot, or the agent named by agent_id.
ALTER TABLE turns DROP CONSTRAINT turns_speaker_check;
ALTER TABLE turns ADD CONSTRAINT turns_speaker_check
    CHECK (speaker IN ('visitor', 'bot', 'agent'));
ALTER TABLE turns ADD COLUMN agent_id TEXT;
ALTER TABLE turns ADD CONSTRAINT turns_agent_check
    CHECK ((speaker = 'agent') = (agent_id IS NOT NULL));
