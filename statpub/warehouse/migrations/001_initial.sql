-- The published layer. Observations are append-only: a revision adds rows under a new release
-- (a new vintage); rows of a release that has gone public are never updated or deleted.
CREATE TABLE topics (
    code VARCHAR PRIMARY KEY,
    name_zh VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE series (
    code VARCHAR PRIMARY KEY,
    topic VARCHAR NOT NULL,
    name_zh VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    unit_zh VARCHAR NOT NULL,
    unit_en VARCHAR NOT NULL,
    frequency VARCHAR NOT NULL,
    measure VARCHAR NOT NULL,
    cumulative BOOLEAN NOT NULL,
    decimals INTEGER NOT NULL,
    prices VARCHAR,
    definition_zh VARCHAR NOT NULL,
    definition_en VARCHAR NOT NULL,
    source_zh VARCHAR NOT NULL,
    source_en VARCHAR NOT NULL,
    components VARCHAR[] NOT NULL,
    tolerance DOUBLE NOT NULL,
    growth_of VARCHAR,
    disclosure_control BOOLEAN NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE releases (
    release_id VARCHAR PRIMARY KEY,
    title_zh VARCHAR NOT NULL,
    title_en VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    instant TIMESTAMPTZ NOT NULL,
    state VARCHAR NOT NULL,
    prerelease_window_hours DOUBLE NOT NULL,
    series VARCHAR[] NOT NULL,
    revision_stage VARCHAR,
    revision_reason_zh VARCHAR,
    revision_reason_en VARCHAR,
    observation_count BIGINT NOT NULL DEFAULT 0,
    entry_json VARCHAR NOT NULL,   -- the calendar entry as loaded, for hashing and history
    position INTEGER NOT NULL
);

CREATE TABLE release_history (
    release_id VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    date DATE NOT NULL,
    change VARCHAR NOT NULL,
    reason_zh VARCHAR,
    reason_en VARCHAR,
    previous_instant TIMESTAMPTZ
);

CREATE TABLE observations (
    series_code VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    value DOUBLE,
    status VARCHAR NOT NULL,
    note VARCHAR,
    n_units INTEGER,
    top2_share DOUBLE,
    release_id VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row INTEGER
);

CREATE TABLE interpretations (
    release_id VARCHAR NOT NULL,
    lang VARCHAR NOT NULL,
    markdown VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    PRIMARY KEY (release_id, lang)
);

CREATE TABLE source_files (
    release_id VARCHAR NOT NULL,
    file VARCHAR NOT NULL,
    sheet VARCHAR,
    sha256 VARCHAR NOT NULL,
    bytes BIGINT NOT NULL,
    rows BIGINT NOT NULL,
    encoding VARCHAR,
    provenance JSON
);

CREATE TABLE load_log (
    load_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    user_name VARCHAR NOT NULL,
    host VARCHAR NOT NULL,
    release_ids VARCHAR[] NOT NULL,
    files JSON NOT NULL,
    rows BIGINT NOT NULL,
    result VARCHAR NOT NULL,
    message VARCHAR,
    snapshot VARCHAR NOT NULL
);

-- Fingerprints of the content a snapshot was built from (catalogue, calendar), to skip no-op loads.
CREATE TABLE content_state (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
