"""The operational store: what the web tier and the office's tools write while the warehouse stays
read-only — accounts, sessions, login throttling, the append-only access log, and the stores of
other features (messages, subscriptions, outbox).

One interface above the engine: `open_store(settings)` gives a `Store` whose connections take SQL
with `?` placeholders and return rows readable by column name or position. Each feature owns its
tables as numbered migration files (`<feature>/migrations/NNN_name.sql`, or one file per engine,
`NNN_name.sqlite.sql`) applied once per store by `Store.migrate(namespace, folder)`.
"""

from statpub.store.base import Connection, Store, open_store

__all__ = ["Connection", "Store", "open_store"]
