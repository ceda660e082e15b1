"""Writing the catalogue and the calendar into a snapshot under construction. They are metadata:
replaced wholesale on every load, while observations only ever gain rows."""

from __future__ import annotations

import json

import duckdb

from statpub.content import Calendar, Catalogue


def sync_catalogue(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> None:
    con.execute("DELETE FROM topics")
    con.executemany("INSERT INTO topics VALUES (?, ?, ?, ?)",
                    [[t.code, t.name.zh, t.name.en, i] for i, t in enumerate(catalogue.topics)])
    con.execute("DELETE FROM series")
    con.executemany(
        "INSERT INTO series VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[s.code, s.topic, s.name.zh, s.name.en, s.unit.zh, s.unit.en, s.frequency, s.measure,
          s.cumulative, s.decimals, s.prices, s.definition.zh, s.definition.en, s.source.zh, s.source.en,
          list(s.components), s.tolerance, s.growth_of, s.disclosure_control, i]
         for i, s in enumerate(catalogue.series)],
    )


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
        "UPDATE releases SET observation_count = coalesce("
        "(SELECT count(*) FROM observations o WHERE o.release_id = releases.release_id), 0)")


def entry_json(release) -> str:
    return json.dumps(release.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
