-- The register's catalogue of matters and its privacy rules are reviewed public metadata
-- (items 'register:matter:<id>' and 'register:rules' in metadata_versions). Which versions were
-- public from the start, without an approval, is recorded when the version is first seen: TRUE
-- for the first catalogue a warehouse records (an office adopting the register, or upgrading one
-- whose matters were public before they were reviewed), FALSE for a matter added later. NULL (every
-- row from before, and the site's own items): an item's first recorded version is public from the
-- start (statpub/warehouse/metadata_review.py).
ALTER TABLE metadata_versions ADD COLUMN public_from_start BOOLEAN;
