-- SQLite has no TRUNCATE: the row triggers of 002 already refuse every way of rewriting the logs.
-- This number is kept on both engines so that each store records the same migrations.
SELECT 1;
