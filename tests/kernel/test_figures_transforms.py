"""Interpretation figure tags and series transforms."""

from __future__ import annotations

import pytest

from statpub.kernel.figures import Figure, FigureMissing, find_references, render
from statpub.kernel.transforms import Point, TransformError, apply

FIGS = {("GDP", "2024-Q3"): Figure(34567.123, 2, "亿元", "100 million yuan"),
        ("GDP_GROWTH", "2024-Q3"): Figure(-2.14, 1, "%", "%"),
        ("INCOME", "2024-Q3"): Figure(61234.0, 0, "元", "yuan")}


def lookup(code, period):
    return FIGS.get((code, period))


def test_render_zh_and_en():
    text = "生产总值{{GDP@2024-Q3}}，下降{{GDP_GROWTH@2024-Q3|abs}}，收入{{INCOME@2024-Q3|value}}元。"
    assert render(text, lookup, "zh") == "生产总值34,567.12亿元，下降2.1%，收入61,234元。"
    assert render("GDP was {{GDP@2024-Q3}}, income {{INCOME@2024-Q3}}", lookup, "en") == \
        "GDP was 34,567.12 (100 million yuan), income 61,234 yuan"
    assert render("{{GDP_GROWTH@2024-Q3|value}}", lookup, "en") == "-2.1"


def test_missing_or_malformed_tags_raise():
    with pytest.raises(FigureMissing):
        render("{{GDP@2023-Q3}}", lookup, "zh")
    refs, errors = find_references("a {{GDP@2024-Q3|bold}} b {{ gdp }}\n{{GDP@2024-Q3}}")
    assert [r.line for r in refs] == [2]
    assert len(errors) == 2 and errors[0].column == 3


CUM = [Point("2023-Q1", 10), Point("2023-Q2", 21), Point("2023-Q3", 33), Point("2023-Q4", 46),
       Point("2024-Q1", 11, "p"), Point("2024-Q2", 23, "p")]


def values(points):
    return [(p.period, None if p.value is None else round(p.value, 4)) for p in points]


def test_single_period_from_cumulative():
    out = apply(CUM, "single", measure="flow", cumulative=True)
    assert values(out) == [("2023-Q1", 10), ("2023-Q2", 11), ("2023-Q3", 12), ("2023-Q4", 13),
                           ("2024-Q1", 11), ("2024-Q2", 12)]
    assert [p.derived for p in out] == [False, True, True, True, False, True]
    assert out[-1].status == "p"


def test_year_on_year_uses_year_to_date_and_period_on_period_single_values():
    pc1 = apply(CUM, "pc1", measure="flow", cumulative=True)
    assert values(pc1)[-2:] == [("2024-Q1", 10.0), ("2024-Q2", round((23 / 21 - 1) * 100, 4))]
    pch = apply(CUM, "pch", measure="flow", cumulative=True)
    assert values(pch)[4] == ("2024-Q1", round((11 / 13 - 1) * 100, 4))
    assert all(p.derived for p in pch)


def test_rates_refuse_percentage_changes():
    with pytest.raises(TransformError, match="does not apply"):
        apply([Point("2024-Q1", 5.0)], "pc1", measure="rate", cumulative=True)
    with pytest.raises(TransformError, match="does not apply"):
        apply([Point("2024", 5.0)], "single", measure="stock", cumulative=False)
    with pytest.raises(TransformError, match="unknown transform"):
        apply([Point("2024", 5.0)], "log", measure="stock", cumulative=False)
    out = apply([Point("2023-Q1", 5.0), Point("2024-Q1", 4.2)], "ch1", measure="rate", cumulative=True)
    assert values(out)[-1] == ("2024-Q1", -0.8)


def test_what_a_reader_compares_over_time():
    from statpub.kernel.transforms import compared

    assert compared("flow", True) == "single"  # 1—N季度: compare single quarters
    assert compared("flow", False) == "lin"
    assert compared("rate", True) == "lin" and compared("index", False) == "lin" and compared("stock", False) == "lin"
