"""Public metadata as reviewable items (先审查、后公开 for names, units, definitions, topics and the
office's identity).

The content root's public metadata is cut into items, each with the canonical JSON of its public
fields and that JSON's sha256:

    office          the office's identity (releases/office.yaml, or the catalogue's older
                    `office`/`licence`/`base_url`), every public field of it
    topic:<code>    a topic's catalogue entry
    series:<code>   a series' catalogue entry (names, units, definition, source, notes, …)
    register:matter:<id>   a matter of the register's catalogue (register/catalogue.yaml: names,
                    kind, domain, level, legal basis, department, time limit, …)
    register:rules  the register's privacy rules per item kind and `lapsing_days`

Each load records every new version (`metadata_versions`, kept for ever, so the last approved
text stays servable while an edit waits) and the versions the content holds now
(`metadata_current`). A release's `metadata` part of the content hash covers the office, its
series and their topics: approving the release approves them; `statpub approve --metadata`
approves the current versions of all items on their own. The register's items are recorded by the
register's loader (`etl/register_load.py`), after the site's; no release carries them, so they are
approved only with `statpub approve --metadata` (what the public sees of them:
`warehouse/register_catalogue.py`).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import duckdb
import pyarrow as pa

from statpub.kernel.content import Catalogue, ContentRoot
from statpub.kernel.office import load_office, office_path
from statpub.kernel.register_models import RegisterCatalogue
from statpub.warehouse.register_catalogue import MATTER as REGISTER_MATTER
from statpub.warehouse.register_catalogue import REGISTER
from statpub.warehouse.register_catalogue import RULES as REGISTER_RULES

OFFICE = "office"


def canonical(body: object) -> str:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def public_items(content: ContentRoot, catalogue: Catalogue) -> dict[str, str]:
    """Item → canonical JSON body of the public metadata the content root holds now."""
    items = {}
    if office_path(content).is_file() or catalogue.office is not None:  # a root may not say yet
        items[OFFICE] = canonical(load_office(content, catalogue).model_dump(mode="json", exclude_none=True))
    for topic in catalogue.topics:
        items[f"topic:{topic.code}"] = canonical(topic.model_dump(mode="json", exclude_none=True))
    for series in catalogue.series:
        items[f"series:{series.code}"] = canonical(series.model_dump(mode="json", exclude_none=True))
    return items


def item_hash(body: str) -> str:
    """A version's identity: the first 16 hex digits of its sha256 (versions of one item never
    number more than a few; approvals list one per item, so they stay short)."""
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def register_items(catalogue: RegisterCatalogue | None) -> dict[str, str]:
    """Item → canonical JSON body of the register's catalogue: one per matter, one for the rules."""
    if catalogue is None:
        return {}
    items = {f"{REGISTER_MATTER}{m.id}": canonical(m.model_dump(mode="json")) for m in catalogue.matters}
    items[REGISTER_RULES] = rules_body({kind: rule.model_dump(mode="json") for kind, rule in catalogue.privacy.items()},
                                       catalogue.lapsing_days)
    return items


def rules_body(privacy: dict[str, dict], lapsing_days: int) -> str:
    """The `register:rules` item's body: the privacy rule of each kind and the lapsing window."""
    return canonical({"privacy": privacy, "lapsing_days": lapsing_days})  # canonical() sorts the keys


def record(con: duckdb.DuckDBPyConnection, items: dict[str, str], now: datetime, *, register: bool = False) -> None:
    """Keep every new version, and note which versions the content holds now: of the site's items
    (office, topics, series), or with `register` of the register catalogue's. Written as columns:
    row-by-row inserts cost seconds for a catalogue of ten thousand series."""
    rows = [(item, item_hash(body), body) for item, body in items.items()]
    known = {(i, h) for i, h in con.execute("SELECT item, hash FROM metadata_versions").fetchall()}
    # The register's first catalogue is public from the start; a matter added later waits for approval.
    from_start = (not any(i.startswith(REGISTER) for i, _h in known)) if register else None
    new = [row for row in rows if (row[0], row[1]) not in known]
    if new:
        table = pa.table({"item": [r[0] for r in new], "hash": [r[1] for r in new], "body": [r[2] for r in new]})
        _insert_from(con, table, "INSERT INTO metadata_versions (item, hash, body, first_seen, public_from_start) "
                                 "SELECT item, hash, body, ?, ?::BOOLEAN FROM _metadata_rows", [now, from_start])
    con.execute("DELETE FROM metadata_current WHERE starts_with(item, ?) = ?", [REGISTER, register])
    if rows:
        current = pa.table({"item": [r[0] for r in rows], "hash": [r[1] for r in rows]}, schema=_CURRENT_SCHEMA)
        _insert_from(con, current, "INSERT INTO metadata_current SELECT item, hash FROM _metadata_rows", [])


_CURRENT_SCHEMA = pa.schema([("item", pa.string()), ("hash", pa.string())])


def _insert_from(con: duckdb.DuckDBPyConnection, table: pa.Table, sql: str, params: list) -> None:
    con.register("_metadata_rows", table)
    try:
        con.execute(sql, params)
    finally:
        con.unregister("_metadata_rows")


def release_items(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """Release id → {item: current version hash} of the metadata it carries: the office, its series
    and their topics."""
    current = dict(con.execute("SELECT item, hash FROM metadata_current").fetchall())
    topic_of = dict(con.execute("SELECT code, topic FROM series").fetchall())
    out = {}
    for rid, codes in con.execute("SELECT release_id, series FROM releases").fetchall():
        wanted = {OFFICE, *(f"series:{c}" for c in codes),
                  *(f"topic:{topic_of[c]}" for c in codes if c in topic_of)}
        out[rid] = {item: current[item] for item in sorted(wanted) if item in current}  # stable records
    return out


def current_items(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT item, hash FROM metadata_current ORDER BY item").fetchall())
