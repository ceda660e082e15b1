"""Disclosure control: primary rules and secondary suppression with hand-computed expectations."""

from __future__ import annotations

import pytest

from statpub.etl.disclosure import Cell, Relation, primary_rule, protect, recoverable
from statpub.etl.review_config import DisclosureRules
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader

RULES = DisclosureRules(min_units=3, dominance_k=85.0)


def cell(code: str, value: float, n: int = 50, top2: float = 20.0) -> Cell:
    return Cell((code, "2024"), value, n, top2)


@pytest.mark.parametrize(("n", "top2", "expected"), [
    (1, 100.0, "threshold"), (2, 60.0, "threshold"), (3, 60.0, None), (0, None, None),
    (3, 85.0, None), (3, 85.1, "dominance"), (40, 91.0, "dominance"), (None, None, None),
])
def test_primary_rules(n, top2, expected):
    assert primary_rule(Cell(("X", "2024"), 1.0, n, top2), RULES) == expected


def test_primary_rules_follow_configuration():
    strict = DisclosureRules(min_units=5, dominance_k=60.0)
    assert primary_rule(Cell(("X", "2024"), 1.0, 4, 10.0), strict) == "threshold"
    assert primary_rule(Cell(("X", "2024"), 1.0, 9, 61.0), strict) == "dominance"
    assert primary_rule(Cell(("X", "2024"), 1.0, 4, 10.0), RULES) is None


def test_one_withheld_component_is_recoverable_from_the_total():
    # T = A + B + C + D = 50 + 30 + 15 + 5: hide C alone and C = T - A - B - D.
    rel = [Relation(("T", "2024"), (("A", "2024"), ("B", "2024"), ("C", "2024"), ("D", "2024")))]
    assert recoverable([("C", "2024")], rel) == [("C", "2024")]
    assert recoverable([("C", "2024"), ("D", "2024")], rel) == []


def test_secondary_suppression_takes_the_smallest_component():
    cells = {c.key: c for c in (cell("T", 100.0, 400), cell("A", 50.0), cell("B", 30.0),
                                 cell("C", 15.0, n=2), cell("D", 5.0))}
    rel = [Relation(("T", "2024"), (("A", "2024"), ("B", "2024"), ("C", "2024"), ("D", "2024")))]
    # Hand-computed: C fails the threshold rule; D (5, the smallest other component) hides it.
    assert protect(cells, rel, RULES) == {("C", "2024"): "threshold", ("D", "2024"): "secondary"}


def test_two_primary_cells_need_no_secondary():
    cells = {c.key: c for c in (cell("T", 100.0, 400), cell("A", 50.0), cell("B", 30.0),
                                 cell("C", 15.0, n=2), cell("D", 5.0, top2=90.0))}
    rel = [Relation(("T", "2024"), (("A", "2024"), ("B", "2024"), ("C", "2024"), ("D", "2024")))]
    assert protect(cells, rel, RULES) == {("C", "2024"): "threshold", ("D", "2024"): "dominance"}


def test_rows_and_columns_withhold_a_rectangle():
    """A 2 x 3 table with row totals R1, R2 and column totals C1..C3. x11 has one contributor.
    By hand, taking relations with a single hidden cell in name order: C1 = x11 + x21 exposes x11
    → hide x21 (C1 before R1); R1 = x11 + x12 + x13 exposes x11 → hide x13 (5 < 20); then C3 and
    R2 each hold one hidden cell: C3 = x13 + x23 → hide x23.
    Then the four hidden cells x11, x13, x21, x23 form a rectangle: two unknowns in every
    relation, and no combination of relations isolates one of them."""
    values = {"x11": 10.0, "x12": 20.0, "x13": 5.0, "x21": 30.0, "x22": 40.0, "x23": 25.0}
    cells = {(k, "2024"): Cell((k, "2024"), v, 1 if k == "x11" else 50, 20.0) for k, v in values.items()}
    for total, value in {"R1": 35.0, "R2": 95.0, "C1": 40.0, "C2": 60.0, "C3": 30.0}.items():
        cells[(total, "2024")] = Cell((total, "2024"), value, 200, 20.0)
    k = lambda name: (name, "2024")  # noqa: E731
    relations = [Relation(k("R1"), (k("x11"), k("x12"), k("x13"))), Relation(k("R2"), (k("x21"), k("x22"), k("x23"))),
                 Relation(k("C1"), (k("x11"), k("x21"))), Relation(k("C2"), (k("x12"), k("x22"))),
                 Relation(k("C3"), (k("x13"), k("x23")))]
    decided = protect(cells, relations, RULES)
    assert decided == {k("x11"): "threshold", k("x21"): "secondary", k("x13"): "secondary", k("x23"): "secondary"}
    assert recoverable(decided, relations) == []
    # Without the last secondary cell, x13 would follow from C3.
    assert k("x13") in recoverable([k("x11"), k("x21"), k("x13")], relations)


def test_demo_communiques_are_suppressed_at_load(demo_settings):
    """STEEL has 2 units (threshold) every year; AEROSPACE's top two hold 91 % from 2022
    (dominance) and 80 % before, so in 2019–2021 it is withheld as the secondary cell (smallest
    component) that keeps STEEL from being worked out from the total."""
    snapshot = WarehouseReader(demo_settings.warehouse_dir).snapshot()
    cur = snapshot.cursor()
    rules = dict(((rid[:4], code), rule) for rid, code, rule in cur.execute(
        "SELECT release_id, series_code, rule FROM suppressed_cells").fetchall())
    cur.close()
    for year in range(2019, 2027):
        assert rules[(str(year), "GIO_SECTOR_STEEL")] == "threshold"
        assert rules[(str(year), "GIO_SECTOR_AEROSPACE")] == ("secondary" if year <= 2021 else "dominance")
    assert len(rules) == 16
    gate = Gate(snapshot, snapshot.releases["2025-annual-communique"].instant)
    rows = {r["series_code"]: r for r in gate.release_observations("2020-annual-communique").to_pylist()
            if r["series_code"].startswith("GIO_SECTOR_")}
    for code in ("GIO_SECTOR_STEEL", "GIO_SECTOR_AEROSPACE"):
        assert rows[code]["value"] is None and "c" in rows[code]["status"]
    assert rows["GIO_SECTOR_TOTAL"]["value"] is not None
    published = sum(r["value"] for c, r in rows.items() if c not in ("GIO_SECTOR_TOTAL",) and r["value"] is not None)
    # What a reader can derive is the sum of the two withheld cells, not either one.
    assert rows["GIO_SECTOR_TOTAL"]["value"] - published > 0
