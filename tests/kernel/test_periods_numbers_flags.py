"""Normalisers: periods, numbers and flags as offices write them."""

from __future__ import annotations

import pytest

from statpub.etl.units import unit_factor
from statpub.kernel.flags import describe, normalise_status
from statpub.kernel.numbers import format_number, parse_number
from statpub.kernel.periods import Period, PeriodError, parse_period


@pytest.mark.parametrize(("text", "year", "code"), [
    ("2024", None, "2024"), ("2024年", None, "2024"), ("全年", 2023, "2023"),
    ("2024-Q3", None, "2024-Q3"), ("2024Q3", None, "2024-Q3"), ("2024 q3", None, "2024-Q3"),
    ("1—3季度", 2024, "2024-Q3"), ("1-3季度", 2024, "2024-Q3"), ("1～3季度", 2024, "2024-Q3"),
    ("2024年1—3季度", None, "2024-Q3"), ("2024年一季度", None, "2024-Q1"), ("第四季度", 2021, "2021-Q4"),
    ("上半年", 2022, "2022-Q2"), ("２０２４年３季度", None, "2024-Q3"),
    ("2024-07", None, "2024-07"), ("2024-M07", None, "2024-07"), ("2024M7", None, "2024-07"),
    ("2024年7月", None, "2024-07"), ("1—2月", 2025, "2025-02"), ("十二月", 2025, "2025-12"),
])
def test_periods_office_forms(text, year, code):
    assert parse_period(text, year).code == code


@pytest.mark.parametrize("text", ["2024-Q5", "2024-13", "13月", "", "Q3", "一季度", "1—5季度", "3024"])
def test_periods_rejected(text):
    with pytest.raises(PeriodError):
        parse_period(text)


def test_period_labels_and_arithmetic():
    q3 = Period(2024, "Q", 3)
    assert q3.label("zh", cumulative=True) == "2024年1—3季度"
    assert q3.label("zh") == "2024年三季度"
    assert q3.label("en", cumulative=True) == "Q1–Q3 2024"
    assert Period(2024, "M", 2).label("zh", cumulative=True) == "2024年1—2月"
    assert Period(2024, "M", 7).label("en", cumulative=True) == "Jan–Jul 2024"
    assert q3.shift(-3).code == "2023-Q4"
    assert Period(2024, "M", 1).shift(-1).code == "2023-12"
    assert q3.same_period_last_year().code == "2023-Q3"
    assert Period(2024, "A") < Period(2025, "A")


@pytest.mark.parametrize(("text", "value", "marks"), [
    ("1234.5", 1234.5, ""), ("1,234.56", 1234.56, ""), ("１，２３４．５", 1234.5, ""), ("-3.1", -3.1, ""),
    ("−3.1", -3.1, ""), ("4.8%", 4.8, ""), ("12.3*", 12.3, "*"), ("①45.6", 45.6, "①"), (" 7 ", 7.0, ""),
    (12, 12.0, ""), (3.25, 3.25, ""), ("1e3", 1000.0, ""),
])
def test_numbers(text, value, marks):
    parsed = parse_number(text)
    assert parsed.value == pytest.approx(value)
    assert parsed.marks == marks


@pytest.mark.parametrize("text", ["…", "—", "", "x", None])
def test_placeholders_carry_no_figure(text):
    parsed = parse_number(text)
    assert parsed.value is None and parsed.placeholder


@pytest.mark.parametrize("text", ["abc", "1.2.3", "二百", "inf", "nan", "12,3a"])
def test_numbers_rejected(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_format_number_uses_decimals():
    assert format_number(34567.126, 2) == "34,567.13"
    assert format_number(4.85, 1) == "4.8" or format_number(4.85, 1) == "4.9"
    assert format_number(None, 1) == "…"


@pytest.mark.parametrize(("text", "flags"), [("p", "p"), ("P", "p"), ("r", "r"), ("pr", "pr"), ("rp", "pr"),
                                             ("c", "c"), ("初步", "p"), ("保密", "c"), ("", ""), (None, "")])
def test_flags(text, flags):
    assert normalise_status(text) == flags


def test_flags_rejected_and_described():
    with pytest.raises(ValueError, match="unknown flag"):
        normalise_status("q")
    assert describe("pc", "zh") == "初步数；保密（不公布）"
    assert describe("r", "en") == "revised"


def test_units():
    assert unit_factor("亿元", "亿元", "100 million yuan") == 1.0
    assert unit_factor("（亿元）", "亿元", "100 million yuan") == 1.0
    assert unit_factor("万元", "亿元", "100 million yuan") == pytest.approx(1e-4)
    assert unit_factor("％", "%", "%") == 1.0
    with pytest.raises(ValueError, match="does not match"):
        unit_factor("万人", "亿元", "100 million yuan")
