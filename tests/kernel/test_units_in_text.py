"""Units and numbers joined by the rules of each language, in interpretations and on the site.
A unit that starts with a digit (an index base period, 100 million yuan) is never glued to the
number: `214.4691982—1984年=100` reads as one long number."""

from __future__ import annotations

import pytest

from statpub.kernel.figures import Figure, format_figure, render
from statpub.kernel.numbers import range_with_unit, with_unit


@pytest.mark.parametrize(("unit", "zh", "en"), [
    (("亿元", "100 million yuan"), "1,234.56亿元", "1,234.56 (100 million yuan)"),
    (("万人", "10 thousand persons"), "1,234.56万人", "1,234.56 (10 thousand persons)"),
    (("元", "yuan"), "1,234.56元", "1,234.56 yuan"),
    (("%", "%"), "1,234.56%", "1,234.56%"),
    (("‰", "‰"), "1,234.56‰", "1,234.56‰"),
    (("上年=100", "previous year = 100"), "1,234.56（上年=100）", "1,234.56 (previous year = 100)"),
    (("1982—1984年=100", "1982–1984=100"), "1,234.56（1982—1984年=100）", "1,234.56 (1982–1984=100)"),
    (("2015年=100", "2015=100"), "1,234.56（2015年=100）", "1,234.56 (2015=100)"),
    (("kWh", "kWh"), "1,234.56 kWh", "1,234.56 kWh"),
    (("", ""), "1,234.56", "1,234.56"),
])
def test_a_figure_with_its_unit_in_both_languages(unit, zh, en):
    figure = Figure(1234.56, 2, *unit)
    assert format_figure(figure, "full", "zh") == zh
    assert format_figure(figure, "full", "en") == en
    assert format_figure(figure, "value", "zh") == "1,234.56"


def test_the_cpi_of_the_issue_is_no_longer_one_long_number():
    cpi = Figure(214.469, 3, "1982—1984年=100", "1982–1984=100")
    text = render("指数为{{CPI@2009-Q3}}。", lambda code, period: cpi, "zh")
    assert text == "指数为214.469（1982—1984年=100）。"
    assert "214.4691982" not in text
    assert render("It was {{CPI@2009-Q3}}.", lambda code, period: cpi, "en") == "It was 214.469 (1982–1984=100)."


def test_magnitudes_keep_their_unit():
    fall = Figure(-2.5, 1, "%", "%")
    assert format_figure(fall, "abs", "zh") == "2.5%"
    assert format_figure(fall, "absvalue", "en") == "2.5"


def test_a_missing_figure_has_no_unit():
    assert with_unit("…", "亿元", "zh") == "…"


@pytest.mark.parametrize(("low", "high", "unit", "lang", "expected"), [
    ("5.0", "6.0", "%", "zh", "5.0%—6.0%"),
    ("5.0", "6.0", "%", "en", "5.0%–6.0%"),
    ("1.5", "2.0", "‰", "zh", "1.5‰—2.0‰"),
    ("150", "200", "亿元", "zh", "150—200亿元"),
    ("150", "200", "100 million yuan", "en", "150–200 (100 million yuan)"),
    ("100.0", "102.0", "上年=100", "zh", "100.0—102.0（上年=100）"),
    ("210.1", "214.5", "1982–1984=100", "en", "210.1–214.5 (1982–1984=100)"),
])
def test_ranges(low, high, unit, lang, expected):
    assert range_with_unit(low, high, unit, lang) == expected


def test_the_home_cards_unit_follows_the_same_rules():
    from statpub.kernel.numbers import unit_suffix

    assert unit_suffix("亿元", "zh") == "亿元"
    assert unit_suffix("1982—1984年=100", "zh") == "（1982—1984年=100）"
    assert unit_suffix("100 million yuan", "en") == " (100 million yuan)"
    assert unit_suffix("yuan", "en") == " yuan"
    assert unit_suffix("%", "en") == "%"
