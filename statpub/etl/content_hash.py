"""The content hash an approval binds: everything a release will publish.

    data   sha256 over the release's rows as they will be published (after disclosure control),
           per series: `series_code TAB period TAB value TAB status TAB note` lines ordered by
           period, hashed; then the series hashes in code order, hashed again (bounded memory
           whatever the release's size). Values print as DuckDB's shortest round-trip decimal.
    texts  sha256 over `zh:<sha256 of interpretation.zh.md>` and `en:…` (`-` when absent)
    entry  sha256 of the calendar entry as loaded (title, instant, state, series, sources,
           revision, history: the JSON the loader stores in `releases.entry_json`)
    content sha256 of `statpub-content/1`, then `data:`, `texts:`, `entry:` lines

Change one character of a text, one value, the instant or a notice, and the hash changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import duckdb

VERSION = "statpub-content/1"
_EMPTY = hashlib.sha256(b"").hexdigest()


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def combine(data: str, texts: str, entry: str) -> str:
    return _sha(f"{VERSION}\ndata:{data}\ntexts:{texts}\nentry:{entry}\n")


def data_hashes(con: duckdb.DuckDBPyConnection, release_ids: Iterable[str]) -> dict[str, str]:
    ids = sorted(set(release_ids))
    if not ids:
        return {}
    rows = con.execute(
        "WITH per_series AS ("
        "  SELECT release_id, series_code, sha256(string_agg(concat_ws(chr(9), series_code, period, "
        "         coalesce(CAST(value AS VARCHAR), ''), status, coalesce(note, '')), chr(10) ORDER BY period)) AS h "
        "  FROM observations WHERE list_contains(?, release_id) GROUP BY release_id, series_code) "
        "SELECT release_id, sha256(string_agg(series_code || ':' || h, chr(10) ORDER BY series_code)) "
        "FROM per_series GROUP BY release_id", [ids]).fetchall()
    found = dict(rows)
    return {rid: found.get(rid, _EMPTY) for rid in ids}


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


def refresh(con: duckdb.DuckDBPyConnection, recompute_data: set[str],
            published: dict[str, tuple[object, object]], history: set[str]) -> None:
    """Bring `release_content` in line with the snapshot under construction: data hashes for the
    releases whose rows changed in this load (or that have none yet), text and entry hashes for
    all; for releases that went public before this load, `public_since` and `known_since`
    (`published`: id → both; never cleared); `history`: the releases published before the office
    adopted statpub (calendar.yaml `adopted`)."""
    stored = {rid: (data, since, known) for rid, data, since, known in con.execute(
        "SELECT release_id, data_hash, public_since, known_since FROM release_content").fetchall()}
    entries = entry_hashes(con)
    texts = texts_hashes(con)
    fresh = data_hashes(con, {rid for rid in entries if rid in recompute_data or rid not in stored})
    rows = []
    for rid, entry in entries.items():
        data = fresh.get(rid) or stored[rid][0]
        _data, since, known = stored.get(rid, (None, None, None))
        if since is None and rid in published:
            since, known = published[rid]
        rows.append([rid, combine(data, texts[rid], entry), data, texts[rid], entry, since, known or since,
                     rid in history])
    con.execute("DELETE FROM release_content")
    if rows:
        con.executemany("INSERT INTO release_content (release_id, content_hash, data_hash, texts_hash, entry_hash, "
                        "public_since, known_since, history) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
