-- The daily summary the scheduler's `messages.summary` job makes (codes, dates and counts only:
-- never a citizen's text or contact data), one per day; a retried run replaces its day's row.
CREATE TABLE IF NOT EXISTS messages_summaries (
    day TEXT PRIMARY KEY,                  -- the Beijing day it summarises
    made_at TEXT NOT NULL,
    body TEXT NOT NULL                     -- JSON
);
