-- Staff accounts of every role, their sessions and known devices, login throttling and alerts.
-- Portable SQL (SQLite and PostgreSQL): no engine-specific types, no generated ids.
CREATE TABLE IF NOT EXISTS staff_accounts (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    display_name TEXT,
    organisation TEXT,
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at TEXT NOT NULL,
    disabled_at TEXT,
    password_changed_at TEXT
);
CREATE TABLE IF NOT EXISTS staff_sessions (
    token_hash TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES staff_accounts(name),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS staff_sessions_user ON staff_sessions(user_name);
-- Browsers an account signed in from: a correct password from one of them gets past a lock
-- that others' failures put on the account or the address.
CREATE TABLE IF NOT EXISTS staff_devices (
    token_hash TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES staff_accounts(name),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS staff_devices_user ON staff_devices(user_name);
-- One row per throttled subject (account, address, device): updating it first serialises the
-- check-and-record of concurrent attempts on it (a row lock on PostgreSQL, the write lock on SQLite).
CREATE TABLE IF NOT EXISTS staff_login_subjects (
    subject TEXT PRIMARY KEY,
    touched_at TEXT NOT NULL
);
-- Failed (or still running: done = 0) login attempts, recorded before the password is checked;
-- a success removes its own rows, a failure marks them done at the time it was known.
CREATE TABLE IF NOT EXISTS staff_login_failures (
    subject TEXT NOT NULL,
    attempt TEXT NOT NULL,
    at TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    PRIMARY KEY (subject, attempt)
);
CREATE INDEX IF NOT EXISTS staff_login_failures_at ON staff_login_failures(subject, at);
-- A lock in force (one row per locked subject): alerts once per lock; a staff reset removes it.
CREATE TABLE IF NOT EXISTS staff_login_locks (
    subject TEXT PRIMARY KEY,
    locked_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS staff_alerts (
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS staff_alerts_at ON staff_alerts(at);
