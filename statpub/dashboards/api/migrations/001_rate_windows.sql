-- API request counts per client address and fixed window (window_start = epoch seconds // window),
-- summed over every process of every node by batched upserts (statpub/dashboards/api/ratelimit.py).
-- Portable SQL (SQLite and PostgreSQL). Rows older than the previous window are deleted.
CREATE TABLE IF NOT EXISTS rate_windows (
    scope TEXT NOT NULL,
    client TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (scope, client, window_start)
);
