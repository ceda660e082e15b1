"""Disclosure control (防范数据汇聚引发泄密风险): which cells to withhold.

Primary suppression looks at each cell alone: the threshold rule (fewer than `min_units`
contributing units) and the dominance rule (the two largest contributors hold more than `k` %).
Secondary suppression then withholds further cells so that no withheld cell can be worked out
from the published ones through the additive relations of the catalogue (a total and its
components, per period): the protection is checked exactly, by linear algebra over every relation
at once, so a cell cannot be recovered from row totals, column totals or any combination of them.

Cells are chosen for secondary suppression from the relation that exposes a withheld cell: the
smallest component still published (least information lost), the total only as a last resort.

The functions here are pure (tests feed them hand-computed tables); `apply_to_release` is the ETL
hook that runs them over a release just written to a snapshot under construction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import numpy as np

from statpub.etl.review_config import DisclosureRules
from statpub.kernel.content import Catalogue

Key = tuple[str, str]  # (series code, period)


@dataclass(frozen=True)
class Cell:
    key: Key
    value: float | None
    n_units: int | None = None
    top2_share: float | None = None
    status: str = ""
    # False for a cell published by an earlier release: known to everyone, cannot be withheld now.
    suppressible: bool = True


@dataclass(frozen=True)
class Relation:
    """total = sum(components), for one period."""

    total: Key
    components: tuple[Key, ...]

    @property
    def members(self) -> tuple[Key, ...]:
        return (self.total, *self.components)


class CannotProtect(ValueError):
    pass


def primary_rule(cell: Cell, rules: DisclosureRules) -> str | None:
    """The rule that withholds this cell on its own, or None."""
    if "c" in cell.status:
        return "source"
    if cell.n_units is not None and 0 < cell.n_units < rules.min_units:
        return "threshold"
    if cell.top2_share is not None and cell.top2_share > rules.dominance_k:
        return "dominance"
    return None


def recoverable(withheld: Iterable[Key], relations: Iterable[Relation]) -> list[Key]:
    """The withheld cells whose value follows exactly from the published cells and the relations.

    Each relation is a linear equation; published cells are constants. A withheld cell u is
    recoverable iff the unit vector e_u lies in the row space of the equations restricted to the
    withheld cells, i.e. appending e_u does not raise the rank."""
    unknowns = sorted(set(withheld))
    index = {key: i for i, key in enumerate(unknowns)}
    rows = []
    for rel in relations:
        row = np.zeros(len(unknowns))
        for key, sign in ((rel.total, 1.0), *((c, -1.0) for c in rel.components)):
            if key in index:
                row[index[key]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return []
    matrix = np.vstack(rows)
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for key, i in index.items():
        probe = np.zeros(len(unknowns))
        probe[i] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, probe])) == rank:
            found.append(key)
    return found


def protect(cells: dict[Key, Cell], relations: list[Relation], rules: DisclosureRules,
            unknown: Iterable[Key] = ()) -> dict[Key, str]:
    """Every cell to withhold, with the rule: threshold, dominance, source or secondary.

    `unknown` names relation members that nobody has published (they protect like withheld cells
    but are not ours to withhold). Raises CannotProtect when no cell is left to withhold."""
    decided: dict[Key, str] = {}
    for key in sorted(cells):
        rule = primary_rule(cells[key], rules)
        if rule and cells[key].suppressible:
            decided[key] = rule
    external = set(unknown)
    relevant = [r for r in relations if any(k in cells for k in r.members)]
    while True:
        hidden = set(decided) | external
        # A relation with a single withheld cell gives it away directly: hide a second cell there.
        single = sorted((r for r in relevant if sum(k in hidden for k in r.members) == 1
                         and any(k in decided for k in r.members)), key=lambda r: r.total)
        if single:
            choice = _cheapest(single[0], hidden, cells)
            if choice is None:
                raise CannotProtect(_cannot(single[0]))
            decided[choice] = "secondary"
            continue
        # Combinations of relations can still isolate a cell: the exact test catches them.
        exposed = [k for k in recoverable(hidden, relevant) if k in decided]
        if not exposed:
            return decided
        around = sorted((r for r in relevant if exposed[0] in r.members),
                        key=lambda r: (sum(k in hidden for k in r.members), r.total))
        choice = next((c for c in (_cheapest(r, hidden, cells) for r in around) if c), None)
        if choice is None:
            raise CannotProtect(f"{exposed[0][0]} {exposed[0][1]} can be worked out from published cells "
                                "and no other cell of its relations can be withheld")
        decided[choice] = "secondary"


def _cheapest(rel: Relation, hidden: set[Key], cells: dict[Key, Cell]) -> Key | None:
    """The published cell of a relation whose withholding loses least: the smallest component,
    the total only as a last resort."""
    candidates = [k for k in rel.members if k in cells and k not in hidden and cells[k].suppressible]
    if not candidates:
        return None
    return min(candidates, key=lambda k: (k == rel.total, abs(cells[k].value or 0.0), k))


def _cannot(rel: Relation) -> str:
    return (f"{rel.total[0]} {rel.total[1]}: a withheld cell can be worked out from this total and no "
            "other cell of it can be withheld")


def relations_for(series_list: Iterable, periods: Iterable[str]) -> list[Relation]:
    """The additive relations among disclosure-controlled series, one per total and period.
    `series_list`: catalogue entries (or SeriesInfo) with code, components, disclosure_control."""
    series_list = list(series_list)
    controlled = {s.code for s in series_list if s.disclosure_control}
    out = []
    for series in series_list:
        members = {series.code, *series.components}
        if series.components and members & controlled:
            for period in sorted(set(periods)):
                out.append(Relation((series.code, period), tuple((c, period) for c in series.components)))
    return out


def describe(cell: Cell, rule: str, rules: DisclosureRules) -> str:
    if rule == "threshold":
        return f"{cell.n_units} contributing unit(s), fewer than {rules.min_units}"
    if rule == "dominance":
        return f"top two contributors hold {cell.top2_share:g} %, more than {rules.dominance_k:g} %"
    if rule == "source":
        return "flagged confidential (c) in the source"
    return "withheld so that a withheld cell cannot be worked out from totals"


def apply_to_release(con: duckdb.DuckDBPyConnection, release_id: str, catalogue: Catalogue,
                     rules: DisclosureRules) -> list[tuple[Key, str]]:
    """Withhold the release's cells that need it: value removed, flag `c` added, the rule recorded.
    Runs inside the snapshot under construction, right after the release's rows are written."""
    controlled = [s.code for s in catalogue.series if s.disclosure_control]
    con.execute("DELETE FROM suppressed_cells WHERE release_id = ?", [release_id])
    if not controlled:
        return []
    rows = con.execute(
        "SELECT series_code, period, value, n_units, top2_share, status FROM observations "
        "WHERE release_id = ? AND list_contains(?, series_code)", [release_id, controlled]).fetchall()
    if not rows:
        return []
    cells = {(c, p): Cell((c, p), v, n, t, s or "") for c, p, v, n, t, s in rows}
    relations = relations_for(catalogue.series, {p for _c, p in cells})
    outside = {k for r in relations for k in r.members if k not in cells}
    published, unknown = earlier_vintages(con, release_id, outside)
    cells.update(published)
    decided = protect(cells, relations, rules, unknown)
    for (code, period), rule in decided.items():
        con.execute(
            "UPDATE observations SET value = NULL, status = CASE WHEN contains(status, 'c') THEN status "
            "ELSE status || 'c' END WHERE release_id = ? AND series_code = ? AND period = ?",
            [release_id, code, period])
        con.execute("INSERT INTO suppressed_cells VALUES (?, ?, ?, ?, ?)",
                    [release_id, code, period, rule, describe(cells[(code, period)], rule, rules)])
    return sorted(decided.items())


def earlier_vintages(con: duckdb.DuckDBPyConnection, release_id: str,
                      keys: set[Key]) -> tuple[dict[Key, Cell], set[Key]]:
    """Relation members this release does not carry: known if an earlier release published a
    value, otherwise unknown to the public."""
    if not keys:
        return {}, set()
    found = con.execute(
        "SELECT o.series_code, o.period, o.value FROM observations o JOIN releases r USING (release_id) "
        "WHERE o.release_id <> ? AND r.instant <= (SELECT instant FROM releases WHERE release_id = ?) "
        "AND list_contains(?, o.series_code || '@' || o.period) "
        "QUALIFY row_number() OVER (PARTITION BY o.series_code, o.period ORDER BY r.instant DESC) = 1",
        [release_id, release_id, [f"{c}@{p}" for c, p in keys]]).fetchall()
    known = {(c, p): Cell((c, p), v, suppressible=False) for c, p, v in found if v is not None}
    return known, keys - set(known)
