"""Writing the catalogue and the calendar into a snapshot under construction. They are metadata:
replaced wholesale on every load, while observations only ever gain rows."""

from __future__ import annotations

import json

import duckdb
import pyarrow as pa

from statpub.etl.staging import create_stage_table
from statpub.kernel.content import Calendar, Catalogue


def sync_catalogue(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> None:
    con.execute("DELETE FROM topics")
    con.executemany("INSERT INTO topics VALUES (?, ?, ?, ?)",
                    [[t.code, t.name.zh, t.name.en, i] for i, t in enumerate(catalogue.topics)])
    con.execute("DELETE FROM series")
    columns = [c for (c,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'series' ORDER BY ordinal_position"
    ).fetchall()]
    rows = [{"code": s.code, "topic": s.topic, "name_zh": s.name.zh, "name_en": s.name.en, "unit_zh": s.unit.zh,
             "unit_en": s.unit.en, "frequency": s.frequency, "measure": s.measure, "cumulative": s.cumulative,
             "decimals": s.decimals, "prices": s.prices, "definition_zh": s.definition.zh,
             "definition_en": s.definition.en, "source_zh": s.source.zh, "source_en": s.source.en,
             "components": list(s.components), "tolerance": s.tolerance, "growth_of": s.growth_of,
             "disclosure_control": s.disclosure_control, "position": i}
            for i, s in enumerate(catalogue.series)]
    # One columnar insert: row-by-row executemany costs seconds for a large catalogue.
    table = pa.Table.from_pylist(rows, schema=_SERIES_SCHEMA)
    create_stage_table(con, "_series_rows", table)
    con.execute(f"INSERT INTO series ({', '.join(columns)}) SELECT {', '.join(columns)} FROM _series_rows")  # noqa: S608 - column names from the schema
    con.execute("DROP TABLE _series_rows")


_SERIES_SCHEMA = pa.schema([
    ("code", pa.string()), ("topic", pa.string()), ("name_zh", pa.string()), ("name_en", pa.string()),
    ("unit_zh", pa.string()), ("unit_en", pa.string()), ("frequency", pa.string()), ("measure", pa.string()),
    ("cumulative", pa.bool_()), ("decimals", pa.int32()), ("prices", pa.string()), ("definition_zh", pa.string()),
    ("definition_en", pa.string()), ("source_zh", pa.string()), ("source_en", pa.string()),
    ("components", pa.list_(pa.string())), ("tolerance", pa.float64()), ("growth_of", pa.string()),
    ("disclosure_control", pa.bool_()), ("position", pa.int32()),
])


def sync_calendar(con: duckdb.DuckDBPyConnection, calendar: Calendar) -> None:
    counts = dict(con.execute(
        "SELECT release_id, count(*) FROM observations GROUP BY release_id").fetchall())
    con.execute("DELETE FROM releases")
    rows = []
    for i, r in enumerate(calendar.releases):
        hours = calendar.window(r).total_seconds() / 3600
        rows.append([r.id, r.title.zh, r.title.en, r.kind, r.instant, r.state, hours, list(r.series),
                     r.revision.stage if r.revision else None,
                     r.revision.reason.zh if r.revision else None,
                     r.revision.reason.en if r.revision else None,
                     counts.get(r.id, 0), entry_json(r), i])
    if rows:
        con.executemany("INSERT INTO releases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute("DELETE FROM release_history")
    history = [[r.id, j, c.date, c.change, c.reason.zh if c.reason else None,
                c.reason.en if c.reason else None, c.previous_instant]
               for r in calendar.releases for j, c in enumerate(r.history)]
    if history:
        con.executemany("INSERT INTO release_history VALUES (?, ?, ?, ?, ?, ?, ?)", history)


def refresh_counts(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "UPDATE releases SET observation_count = coalesce(c.n, 0) FROM "
        "(SELECT r.release_id, o.n FROM releases r LEFT JOIN "
        "(SELECT release_id, count(*) AS n FROM observations GROUP BY release_id) o USING (release_id)) c "
        "WHERE c.release_id = releases.release_id")


def entry_json(release) -> str:
    return json.dumps(release.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
