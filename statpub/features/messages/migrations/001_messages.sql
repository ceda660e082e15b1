-- The message board (政策留言板), its FAQ and disclosure applications (依申请公开).
-- Portable SQL (SQLite and PostgreSQL): text instants in UTC (ISO 8601, fixed width), dates as
-- YYYY-MM-DD text, booleans as 0/1, no auto-increment (event numbers are per message/application).
CREATE TABLE IF NOT EXISTS messages (
    code TEXT PRIMARY KEY,                 -- the query code (查询码) given to the citizen
    about_kind TEXT NOT NULL CHECK (about_kind IN ('release', 'series', 'topic')),
    about_id TEXT NOT NULL,
    topic TEXT,                            -- the topic the subject belongs to (statistics, clusters)
    category TEXT NOT NULL CHECK (category IN ('consultation', 'evaluation', 'suggestion', 'error')),
    rating INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
    text TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'zh',
    contact TEXT,                          -- personal data: staff with the role only; deleted after retention
    contact_deleted_at TEXT,
    client_hash TEXT NOT NULL,             -- keyed hash of the client address (rate limits), never the address
    text_hash TEXT NOT NULL,               -- duplicate detection
    received_at TEXT NOT NULL,
    received_on TEXT NOT NULL,             -- the day of receipt in Beijing
    due_on TEXT NOT NULL,
    due_provisional INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('received', 'assigned', 'answered', 'closed', 'not_accepted')),
    assignee TEXT,
    department TEXT,
    reason_zh TEXT,                        -- why not accepted (public)
    reason_en TEXT,
    question_zh TEXT,                      -- the question as edited by staff for privacy (public once published)
    question_en TEXT,
    reply_zh TEXT,
    reply_en TEXT,
    reply_state TEXT NOT NULL DEFAULT 'none' CHECK (reply_state IN ('none', 'draft', 'submitted', 'approved')),
    reply_by TEXT,
    reviewed_by TEXT,
    publish INTEGER NOT NULL DEFAULT 0,    -- the responder asks for the reply to be published
    answered_at TEXT,
    answered_on TEXT,
    published_at TEXT,                     -- set once a reviewer approved a reply for publication
    closed_at TEXT
);
CREATE INDEX IF NOT EXISTS messages_about ON messages (about_kind, about_id, published_at);
CREATE INDEX IF NOT EXISTS messages_status ON messages (status, due_on);
CREATE INDEX IF NOT EXISTS messages_received ON messages (received_on);
CREATE INDEX IF NOT EXISTS messages_published ON messages (published_at);
CREATE INDEX IF NOT EXISTS messages_dedup ON messages (text_hash, received_at);
CREATE INDEX IF NOT EXISTS messages_provisional ON messages (due_provisional);

-- Every action on a message: who, when, what (append-only: see the engine's triggers).
CREATE TABLE IF NOT EXISTS message_events (
    code TEXT NOT NULL REFERENCES messages (code),
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (code, seq)
);

-- Submissions per client (hashed) for the rate limits; old rows are pruned.
CREATE TABLE IF NOT EXISTS message_submissions (
    client_hash TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS message_submissions_client ON message_submissions (client_hash, at);

-- Secrets of this store (the form-token and client-hash key), made once, shared by every worker.
CREATE TABLE IF NOT EXISTS messages_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Frequently asked questions (常见问题与解答), per topic or release, edited by staff.
CREATE TABLE IF NOT EXISTS faq_entries (
    id TEXT PRIMARY KEY,
    scope_kind TEXT NOT NULL CHECK (scope_kind IN ('release', 'series', 'topic')),
    scope_id TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    question_zh TEXT NOT NULL,
    question_en TEXT,
    answer_zh TEXT NOT NULL,
    answer_en TEXT,
    sources TEXT,                          -- one per line: a title and an address
    last_reviewed TEXT NOT NULL,           -- date
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    published INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS faq_scope ON faq_entries (scope_kind, scope_id, position);
CREATE TABLE IF NOT EXISTS faq_citations (
    faq_id TEXT NOT NULL REFERENCES faq_entries (id),
    code TEXT NOT NULL REFERENCES messages (code),
    PRIMARY KEY (faq_id, code)
);

-- Applications for government information (依申请公开).
CREATE TABLE IF NOT EXISTS applications (
    number TEXT PRIMARY KEY,
    channel TEXT NOT NULL CHECK (channel IN ('online', 'post', 'in_person', 'fax', 'email')),
    applicant_type TEXT NOT NULL CHECK (applicant_type IN ('natural_person', 'company', 'research', 'public_interest', 'legal_service', 'other')),
    applicant_name TEXT,                   -- personal data (the role only; deleted after retention)
    id_type TEXT,
    id_number TEXT,
    contact TEXT,
    address TEXT,
    personal_deleted_at TEXT,
    description TEXT NOT NULL,             -- the information asked for
    preferred_form TEXT NOT NULL,          -- paper | electronic
    preferred_channel TEXT NOT NULL,       -- post | email | collect | online
    received_at TEXT NOT NULL,
    received_on TEXT NOT NULL,
    year INTEGER NOT NULL,
    state TEXT NOT NULL,
    outcome TEXT,
    ground TEXT,
    replied_on TEXT,
    due_on TEXT,
    due_provisional INTEGER NOT NULL DEFAULT 0,
    reconsideration TEXT,                  -- none | pending | upheld | corrected | other (yearly report)
    litigation TEXT
);
CREATE INDEX IF NOT EXISTS applications_state ON applications (state, due_on);
CREATE INDEX IF NOT EXISTS applications_year ON applications (year);

CREATE TABLE IF NOT EXISTS application_events (
    number TEXT NOT NULL REFERENCES applications (number),
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    on_day TEXT NOT NULL,                  -- the working-day clock counts days (Beijing)
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    reason TEXT NOT NULL,
    data TEXT,                             -- JSON: extension days, outcome, ground… never personal data
    PRIMARY KEY (number, seq)
);
