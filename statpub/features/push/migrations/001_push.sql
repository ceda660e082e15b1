-- Precise push (精准推送): subscribers and what they follow, organisations with contacts and
-- webhooks, events (a release gone public, a notice), messages rendered at the event, the
-- outbox, webhook deliveries and their log, WebSub pings, notices to staff. Portable SQL
-- (SQLite and PostgreSQL): text ids made by the application, instants as ISO 8601 UTC text,
-- leases as epoch seconds.
CREATE TABLE push_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE push_orgs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,                 -- association | park | committee | company | other
    webhook_url TEXT,
    webhook_secret TEXT,
    webhook_state TEXT NOT NULL DEFAULT 'none',   -- none | active | disabled
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    disabled_at TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE push_subscribers (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,         -- lower-cased
    lang TEXT NOT NULL DEFAULT 'zh',
    format TEXT NOT NULL DEFAULT 'each',          -- each | digest
    state TEXT NOT NULL,                -- pending | confirmed | unsubscribed | bounced
    source TEXT NOT NULL,               -- web | api | cli | org
    org_id TEXT REFERENCES push_orgs(id),
    relay INTEGER NOT NULL DEFAULT 0,   -- an organisation's relay list (one address for its members)
    hard_bounces INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    confirmed_at TEXT,
    confirm_sent_at TEXT,
    unsubscribed_at TEXT,
    unsubscribed_event TEXT             -- the event whose message carried the link used
);
CREATE INDEX push_subscribers_state ON push_subscribers (state, confirmed_at);
-- What a subscriber (or an organisation) follows: kind topic | series | release_kind | notices | all
CREATE TABLE push_interests (
    owner_id TEXT NOT NULL,             -- a subscriber's or an organisation's id
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (owner_id, kind, value)
);
CREATE INDEX push_interests_match ON push_interests (kind, value, owner_id);
CREATE TABLE push_events (
    id TEXT PRIMARY KEY,                -- release:<id> | notice:<release>:<n> | confirm:<subscriber>:<n>
    kind TEXT NOT NULL,                 -- release | notice | confirm | staff
    release_id TEXT,
    at TEXT NOT NULL,                   -- the instant the event is about (public since, notice date)
    built_at TEXT NOT NULL,
    messages INTEGER NOT NULL DEFAULT 0,
    webhooks INTEGER NOT NULL DEFAULT 0
);
-- One rendering per event and language, written at the event (never before the instant).
CREATE TABLE push_renders (
    event_id TEXT NOT NULL REFERENCES push_events(id),
    lang TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    payload TEXT NOT NULL,              -- the webhook JSON for this event (both languages)
    PRIMARY KEY (event_id, lang)
);
CREATE TABLE push_outbox (
    id TEXT PRIMARY KEY,                -- <event id>/<subscriber id>
    event_id TEXT NOT NULL REFERENCES push_events(id),
    subscriber_id TEXT NOT NULL,
    email TEXT NOT NULL,
    lang TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,    -- stable across retries and restarts
    state TEXT NOT NULL,                -- queued | sending | sent | bounced | failed | dropped
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DOUBLE PRECISION NOT NULL DEFAULT 0,
    owner TEXT,
    claim TEXT,
    lease_until DOUBLE PRECISION,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    opened_at TEXT,
    bounced_at TEXT,
    error TEXT,
    UNIQUE (event_id, subscriber_id)
);
CREATE INDEX push_outbox_due ON push_outbox (state, next_attempt_at);
CREATE INDEX push_outbox_claim ON push_outbox (claim);
CREATE TABLE push_webhook_deliveries (
    id TEXT PRIMARY KEY,                -- <event id>/<org id>
    event_id TEXT NOT NULL REFERENCES push_events(id),
    org_id TEXT NOT NULL REFERENCES push_orgs(id),
    state TEXT NOT NULL,                -- queued | sending | delivered | failed | dropped
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DOUBLE PRECISION NOT NULL DEFAULT 0,
    owner TEXT,
    claim TEXT,
    lease_until DOUBLE PRECISION,
    created_at TEXT NOT NULL,
    delivered_at TEXT,
    last_status INTEGER,
    last_error TEXT,
    UNIQUE (event_id, org_id)
);
CREATE INDEX push_webhook_due ON push_webhook_deliveries (state, next_attempt_at);
CREATE TABLE push_webhook_log (
    delivery_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    at TEXT NOT NULL,
    status INTEGER,
    error TEXT,
    milliseconds INTEGER,
    PRIMARY KEY (delivery_id, attempt)
);
CREATE TABLE push_websub_pings (
    event_id TEXT NOT NULL,
    hub TEXT NOT NULL,
    topic_url TEXT NOT NULL,
    at TEXT NOT NULL,
    status INTEGER,
    error TEXT,
    PRIMARY KEY (event_id, hub, topic_url)
);
CREATE TABLE push_staff_notices (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,                 -- webhook_disabled | ...
    org_id TEXT,
    text_zh TEXT NOT NULL,
    text_en TEXT NOT NULL
);
