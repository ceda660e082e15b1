"""The content hash an approval binds: everything a release will publish — versioned.

An approval records the version it was made under and is judged by that version's parts for as
long as it exists: changing what the hash covers (or how) is a new version, and approvals made
under an older one stay valid for what they approved.

Parts (each a sha256, stored per release in `release_content`):

    data      over the release's rows as they will be published (after disclosure control),
              per series: `series_code TAB period TAB value TAB status TAB note` lines ordered by
              period, hashed; then the series hashes in code order, hashed again (bounded memory
              whatever the release's size). Values print as DuckDB's shortest round-trip decimal.
    texts     over `zh:<sha256 of interpretation.zh.md>` and `en:…` (`-` when absent)
    entry     of the calendar entry as loaded (title, instant, state, series, sources, revision,
              history with the announcement date: the JSON the loader stores in `entry_json`)
    metadata  over `item:hash` lines, sorted, of the public metadata the release carries: the
              office's identity, each of its series' catalogue entry and each of their topics
              (statpub/etl/metadata.py), as the content root holds them at this load

Versions — which parts the hash covers, kept with the approval that used them — are defined in
statpub/warehouse/hash_versions.py (version 1: data, texts, entry; version 2 adds metadata).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import duckdb

from statpub.etl.data_scan import LINE, scan_in_key_order
from statpub.warehouse.hash_versions import CURRENT, VERSIONS, changed_parts, combine

__all__ = ["CURRENT", "PARTS", "VERSIONS", "ReleaseScan", "changed_parts", "combine", "data_hashes", "refresh",
           "scan_release"]

_EMPTY = hashlib.sha256(b"").hexdigest()
VERSION = VERSIONS[CURRENT].label


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# The series' hash over its rows' lines (`data_scan.LINE`: the `data` part's definition, shared by
# both ways of computing it below, which must agree to the bit).
_SERIES_HASH = f"sha256(string_agg({LINE}, chr(10) ORDER BY period))"
_RELEASE_HASH = "sha256(string_agg(series_code || ':' || h, chr(10) ORDER BY series_code))"


def data_hashes(con: duckdb.DuckDBPyConnection, release_ids: Iterable[str]) -> dict[str, str]:
    ids = sorted(set(release_ids))
    if not ids:
        return {}
    rows = con.execute(
        f"WITH per_series AS (SELECT release_id, series_code, {_SERIES_HASH} AS h "  # noqa: S608 - fixed fragments
        "  FROM observations WHERE list_contains(?, release_id) GROUP BY release_id, series_code) "
        f"SELECT release_id, {_RELEASE_HASH} FROM per_series GROUP BY release_id", [ids]).fetchall()
    found = dict(rows)
    return {rid: found.get(rid, _EMPTY) for rid in ids}


@dataclass(frozen=True)
class ReleaseScan:
    """One pass over a release's written rows: its `data` part, and what the duplicate and
    completeness checks need (keys written more than once, the series present)."""

    data_hash: str
    repeated: int
    series: frozenset[str]


def scan_release(con: duckdb.DuckDBPyConnection, release_id: str) -> ReleaseScan:
    """The `data` part of one release (the same as `data_hashes` gives) with the count of repeated
    (series, period) keys and the series present: one streamed read of the rows in the order they
    were written (`data_scan`), or, when they do not come back in key order, one aggregate."""
    streamed = scan_in_key_order(con, release_id)
    if streamed is not None:
        digest, repeated, series = streamed
        return ReleaseScan(digest if series else _EMPTY, repeated, frozenset(series))
    digest, repeated, series = con.execute(
        f"WITH per_series AS (SELECT series_code, {_SERIES_HASH} AS h, "  # noqa: S608 - fixed fragments
        "  count(*) - count(DISTINCT period) AS repeated FROM observations WHERE release_id = ? GROUP BY series_code) "
        f"SELECT {_RELEASE_HASH}, coalesce(sum(repeated), 0), coalesce(list(series_code), []) FROM per_series",
        [release_id]).fetchone()
    return ReleaseScan(digest or _EMPTY, int(repeated), frozenset(series))


def texts_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    by_release: dict[str, dict[str, str]] = {}
    for rid, lang, sha in con.execute("SELECT release_id, lang, sha256 FROM interpretations").fetchall():
        by_release.setdefault(rid, {})[lang] = sha
    ids = [rid for (rid,) in con.execute("SELECT release_id FROM releases").fetchall()]
    return {rid: _sha("".join(f"{lang}:{by_release.get(rid, {}).get(lang, '-')}\n" for lang in ("zh", "en")))
            for rid in ids}


def entry_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return {rid: _sha(entry) for rid, entry in
            con.execute("SELECT release_id, entry_json FROM releases").fetchall()}


def metadata_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    from statpub.etl.metadata import release_items

    return {rid: _sha("".join(f"{item}:{h}\n" for item, h in sorted(items.items())))
            for rid, items in release_items(con).items()}


# Parts other than `data` (which is kept per release and recomputed only for releases loaded
# again) are recomputed for every release at every load.
PARTS: dict[str, Callable[[duckdb.DuckDBPyConnection], dict[str, str]]] = {
    "texts": texts_hashes, "entry": entry_hashes, "metadata": metadata_hashes,
}


def refresh(con: duckdb.DuckDBPyConnection, recompute_data: set[str],
            published: dict[str, tuple[object, object]], history: set[str],
            computed: Mapping[str, str] | None = None) -> None:
    """Bring `release_content` in line with the snapshot under construction: data hashes for the
    releases whose rows changed in this load (or that have none yet), the other parts for all; for
    releases that went public before this load, `public_since` and `known_since` (`published`:
    id → both; never cleared); `history`: the releases published before the office adopted statpub
    (calendar.yaml `adopted`); `computed`: data parts already taken in this load (`scan_release`)."""
    stored = {rid: (data, since, known) for rid, data, since, known in con.execute(
        "SELECT release_id, data_hash, public_since, known_since FROM release_content").fetchall()}
    others = {name: compute(con) for name, compute in PARTS.items()}
    entries = others["entry"]
    computed = computed or {}
    fresh = {**data_hashes(con, {rid for rid in entries if rid not in computed
                                 and (rid in recompute_data or rid not in stored)}), **computed}
    rows = []
    for rid in entries:
        parts = {"data": fresh.get(rid) or stored[rid][0], **{name: found[rid] for name, found in others.items()}}
        _data, since, known = stored.get(rid, (None, None, None))
        if since is None and rid in published:
            since, known = published[rid]
        rows.append([rid, combine(parts), parts["data"], parts["texts"], parts["entry"], since, known or since,
                     rid in history, parts["metadata"]])
    con.execute("DELETE FROM release_content")
    if rows:
        con.executemany("INSERT INTO release_content (release_id, content_hash, data_hash, texts_hash, entry_hash, "
                        "public_since, known_since, history, metadata_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
