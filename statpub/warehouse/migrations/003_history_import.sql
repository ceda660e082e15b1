-- History import: releases an office published before it adopted statpub (their instants are
-- before the calendar's `adopted`). They go public by an approval of kind `import`, keeping their
-- original instants as their vintages; `known_since` is when statpub itself first showed a release
-- (the import's approval time for history, else its public_since), so that a pinned vintage's files
-- never change when older history is imported later. Both are carried forward for ever, like
-- public_since; `history` is recomputed by every load from calendar.yaml.
ALTER TABLE release_content ADD COLUMN known_since TIMESTAMPTZ;
ALTER TABLE release_content ADD COLUMN history BOOLEAN NOT NULL DEFAULT false;
