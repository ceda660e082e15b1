-- The logs of actions, as on SQLite: the refusal is an integrity violation (SQLSTATE 23000, what
-- SQLite's RAISE(ABORT) gives), so a caller catches the same error on both engines; and TRUNCATE,
-- which passes row triggers by, is refused too (SQLite has no TRUNCATE).
CREATE OR REPLACE FUNCTION messages_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS message_events_no_truncate ON message_events;
CREATE TRIGGER message_events_no_truncate BEFORE TRUNCATE ON message_events
    FOR EACH STATEMENT EXECUTE FUNCTION messages_append_only();
DROP TRIGGER IF EXISTS application_events_no_truncate ON application_events;
CREATE TRIGGER application_events_no_truncate BEFORE TRUNCATE ON application_events
    FOR EACH STATEMENT EXECUTE FUNCTION messages_append_only();
