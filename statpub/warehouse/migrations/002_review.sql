-- Review before publishing (先审查、后公开): what each release would publish, as a content hash the
-- approvals are compared against; the approvals themselves (append-only, synced from
-- releases/approvals.yaml); cells suppressed by disclosure control and why; schedule changes the
-- loader saw in calendar.yaml. The loader writes these; the reader reads them once per snapshot.

-- One row per calendar entry, recomputed by every load. content_hash covers the data rows as they
-- will be published (after suppression), both interpretation texts and the calendar entry.
CREATE TABLE release_content (
    release_id VARCHAR PRIMARY KEY,
    content_hash VARCHAR NOT NULL,
    data_hash VARCHAR NOT NULL,
    texts_hash VARCHAR NOT NULL,
    entry_hash VARCHAR NOT NULL,
    -- Set by the first load after the release went public, then carried forward for ever: a
    -- release that has been published stays published whatever later metadata edits do.
    public_since TIMESTAMPTZ
);

-- Every approval ever recorded, in file order. Never updated: the loader refuses a file in which
-- an approval it already holds was changed or removed.
CREATE TABLE approvals (
    position INTEGER PRIMARY KEY,
    release_id VARCHAR NOT NULL,
    reviewer VARCHAR NOT NULL,
    approved_at TIMESTAMPTZ NOT NULL,
    content_hash VARCHAR NOT NULL,
    data_hash VARCHAR NOT NULL,
    texts_hash VARCHAR NOT NULL,
    entry_hash VARCHAR NOT NULL,
    user_name VARCHAR,
    record VARCHAR NOT NULL  -- the record as written in the file, to prove it was never edited
);

-- Cells withheld by disclosure control, with the rule that withheld them.
CREATE TABLE suppressed_cells (
    release_id VARCHAR NOT NULL,
    series_code VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,  -- threshold | dominance | source | secondary
    detail VARCHAR NOT NULL
);

-- Changes to a calendar entry seen by the loader (instant, state or title differ from the
-- previous snapshot). `explained` when calendar.yaml gained a history entry with the change; a
-- hand edit without one is still recorded, so no change goes unannounced. Carried forward.
CREATE TABLE schedule_changes (
    release_id VARCHAR NOT NULL,
    detected_at TIMESTAMPTZ NOT NULL,
    change VARCHAR NOT NULL,
    previous_instant TIMESTAMPTZ,
    new_instant TIMESTAMPTZ,
    previous_state VARCHAR,
    new_state VARCHAR,
    explained BOOLEAN NOT NULL
);
