-- What the scheduler did for the register at its instants (a survey project or report system
-- lapsing at midnight, the search index rebuilt as something went public), for staff to see.
-- Portable SQL (SQLite and PostgreSQL): text instants in UTC (ISO 8601).
CREATE TABLE IF NOT EXISTS register_events (
    item_id TEXT NOT NULL,
    event TEXT NOT NULL,          -- lapsed
    due_at TEXT NOT NULL,         -- the instant it happened (midnight after the last valid day)
    noted_at TEXT NOT NULL,       -- when the scheduler noted it
    PRIMARY KEY (item_id, event, due_at)
);
