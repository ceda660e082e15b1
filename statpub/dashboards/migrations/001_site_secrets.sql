-- Secrets the site derives tokens from (anti-forgery tokens of forms). One row per purpose,
-- written once by whichever worker or node comes first, so every node signs alike.
CREATE TABLE IF NOT EXISTS site_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at TEXT NOT NULL
);
