-- The logs of actions are append-only: no code path (nor a careless session) rewrites them.
CREATE OR REPLACE FUNCTION messages_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS message_events_append_only ON message_events;
CREATE TRIGGER message_events_append_only BEFORE UPDATE OR DELETE ON message_events
    FOR EACH ROW EXECUTE FUNCTION messages_append_only();
DROP TRIGGER IF EXISTS application_events_append_only ON application_events;
CREATE TRIGGER application_events_append_only BEFORE UPDATE OR DELETE ON application_events
    FOR EACH ROW EXECUTE FUNCTION messages_append_only();
