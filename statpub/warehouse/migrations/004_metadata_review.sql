-- Review of public metadata (先审查、后公开 for names, units, definitions, topics, the office's
-- identity): every version of every metadata item the content root has held, kept for ever, so
-- the last approved text can stay public while an edit waits for approval; which item versions
-- each approval approved; and the content hash's versions (docs: statpub/etl/content_hash.py).

-- One row per (item, version). item: 'office', 'topic:<code>' or 'series:<code>'; body: the
-- canonical JSON of its public fields. Rows are only ever added, by the loader.
CREATE TABLE metadata_versions (
    item VARCHAR NOT NULL,
    hash VARCHAR NOT NULL,
    body VARCHAR NOT NULL,
    first_seen TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (item, hash)
);

-- The version of each item the content root holds now (rewritten by every load).
CREATE TABLE metadata_current (
    item VARCHAR PRIMARY KEY,
    hash VARCHAR NOT NULL
);

-- The metadata part of each release's content (hash version 2 and later): its series, their
-- topics and the office, as the content root holds them now.
ALTER TABLE release_content ADD COLUMN metadata_hash VARCHAR;

-- Approvals record the version of the content hash they were made under (NULL: version 1, before
-- versions were recorded) and, from version 2, the metadata part. An approval of metadata alone
-- (`statpub approve --metadata`) has no release.
ALTER TABLE approvals ADD COLUMN hash_version INTEGER;
ALTER TABLE approvals ADD COLUMN metadata_hash VARCHAR;
ALTER TABLE approvals ALTER COLUMN release_id DROP NOT NULL;
ALTER TABLE approvals ALTER COLUMN content_hash DROP NOT NULL;
ALTER TABLE approvals ALTER COLUMN data_hash DROP NOT NULL;
ALTER TABLE approvals ALTER COLUMN texts_hash DROP NOT NULL;
ALTER TABLE approvals ALTER COLUMN entry_hash DROP NOT NULL;

-- The metadata item versions each approval approved.
CREATE TABLE approval_items (
    position INTEGER NOT NULL,
    item VARCHAR NOT NULL,
    hash VARCHAR NOT NULL,
    PRIMARY KEY (position, item)
);
