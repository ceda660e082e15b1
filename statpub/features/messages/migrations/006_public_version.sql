-- The version of what the board shows on the site's pages (published replies, FAQ entries):
-- bumped in the same transaction as every such change, and part of the page memo's key (the
-- `page_state` hook), so a reply published or withdrawn is on the pages at once.
CREATE TABLE IF NOT EXISTS messages_public_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO messages_public_version (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
