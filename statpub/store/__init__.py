"""The operational store: what the web tier and the office's tools write while the warehouse stays
read-only — accounts, sessions, login throttling, the append-only access log, and the stores of
other features (messages, subscriptions, outbox).

One interface above the engine: `open_store(settings)` gives a `Store` whose connections take SQL
with `?` placeholders and return rows readable by column name or position. Each feature owns its
tables as numbered migration files (`<feature>/migrations/NNN_name.sql`, or one file per engine,
`NNN_name.sqlite.sql` / `NNN_name.postgresql.sql`) applied once per store by
`Store.migrate(namespace, folder)`.

Two engines: SQLite beside the snapshots (one machine, the default) and PostgreSQL when
`STATPUB_DATABASE_URL=postgresql://…` is set (several app nodes). Features write one SQL for both:
- bind every value with `?`; use `INSERT … ON CONFLICT … DO UPDATE/NOTHING` and `RETURNING` (both
  engines have them), not `INSERT OR IGNORE`, `REPLACE`, `lastrowid` or engine functions;
- keep instants as fixed-width UTC ISO text (compared as text) and flags as 0/1 integers;
- check-then-write inside `store.transaction()` (one writer at a time on either engine);
- catch `store.IntegrityError` / `store.Error`, not an engine's exception class;
- put engine-specific DDL (identity columns, triggers) in per-engine migration files.
"""

from statpub.store.base import Connection, Store, open_store

__all__ = ["Connection", "Store", "open_store"]
