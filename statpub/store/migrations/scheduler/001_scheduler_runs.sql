-- The scheduler's bookkeeping: one row per occurrence of a job (job name, due instant), claimed
-- by one process at a time through a lease (wall-clock epoch seconds). Portable SQL (SQLite and
-- PostgreSQL).
CREATE TABLE scheduler_runs (
    job TEXT NOT NULL,
    due_at TEXT NOT NULL,              -- ISO 8601, UTC, microseconds: one spelling per instant
    state TEXT NOT NULL,               -- new | running | retry | done | failed | skipped
    owner TEXT,                        -- host:pid:random of the process holding the lease
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_until DOUBLE PRECISION,      -- epoch seconds; past it a running row may be taken over
    next_attempt_at DOUBLE PRECISION,  -- epoch seconds, for state retry
    started_at TEXT,
    finished_at TEXT,
    error TEXT,
    PRIMARY KEY (job, due_at)
);
CREATE INDEX scheduler_runs_pending ON scheduler_runs (state, lease_until);
