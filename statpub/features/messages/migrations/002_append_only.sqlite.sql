-- The logs of actions are append-only: no code path (nor a careless session) rewrites them.
CREATE TRIGGER IF NOT EXISTS message_events_no_update BEFORE UPDATE ON message_events
BEGIN SELECT RAISE(ABORT, 'message_events is append-only'); END;
CREATE TRIGGER IF NOT EXISTS message_events_no_delete BEFORE DELETE ON message_events
BEGIN SELECT RAISE(ABORT, 'message_events is append-only'); END;
CREATE TRIGGER IF NOT EXISTS application_events_no_update BEFORE UPDATE ON application_events
BEGIN SELECT RAISE(ABORT, 'application_events is append-only'); END;
CREATE TRIGGER IF NOT EXISTS application_events_no_delete BEFORE DELETE ON application_events
BEGIN SELECT RAISE(ABORT, 'application_events is append-only'); END;
