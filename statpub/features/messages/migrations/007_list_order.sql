-- The orders the lists page through, as indexes: the staff list (oldest due first) and the
-- published replies (newest first), so a later page walks an index instead of sorting every
-- message on each request (measured by bench/messages_bench.py at 10,000 messages).
CREATE INDEX IF NOT EXISTS messages_due_order ON messages (due_on, received_on, code);
CREATE INDEX IF NOT EXISTS messages_published_order ON messages (published_at DESC, code);
