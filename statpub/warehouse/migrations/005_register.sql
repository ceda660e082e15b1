-- The proactive-disclosure register (主动公开事项目录): the catalogue of matters, every version of
-- every item the office keeps in register/ (versions that went public are kept for ever; others
-- are replaced by the next load), the attachments by sha256, and the approvals (append-only,
-- synced from register/approvals.yaml). The loader writes these; the gate reads them.

CREATE TABLE register_matters (
    matter_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    matter_json VARCHAR NOT NULL
);

-- Office-wide settings of the register (privacy rules per kind, staff view settings) as JSON.
CREATE TABLE register_settings (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE register_versions (
    item_id VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,     -- under the newest hash version
    kind VARCHAR NOT NULL,
    matter_id VARCHAR NOT NULL,
    instant TIMESTAMPTZ NOT NULL,
    created DATE NOT NULL,
    changed DATE,
    record_date DATE NOT NULL,         -- what privacy rules count from
    item_json VARCHAR NOT NULL,        -- the item as validated
    hashes_json VARCHAR NOT NULL,      -- {hash version: content hash}: approvals under older versions stay valid
    files_json VARCHAR NOT NULL,       -- [{name, sha256, size, mimetype}]
    partner_id VARCHAR,                -- 三同步: a document's interpretation, an interpretation's document
    partner_required BOOLEAN NOT NULL, -- published only together with the partner's approved version
    is_current BOOLEAN NOT NULL,       -- the version in the content root now
    loaded_at TIMESTAMPTZ NOT NULL,
    -- Set by the first load after the version went public, then carried forward for ever.
    public_since TIMESTAMPTZ,
    PRIMARY KEY (item_id, content_hash)
);

CREATE TABLE register_files (
    sha256 VARCHAR PRIMARY KEY,
    bytes BLOB NOT NULL
);

CREATE TABLE register_approvals (
    position INTEGER PRIMARY KEY,
    item_id VARCHAR NOT NULL,
    reviewer VARCHAR NOT NULL,
    approved_at TIMESTAMPTZ NOT NULL,
    content_hash VARCHAR NOT NULL,
    hash_version VARCHAR NOT NULL,
    user_name VARCHAR,
    record VARCHAR NOT NULL  -- the record as written in the file, to prove it was never edited
);
