"""The illustrative economy of the demo city (示例市). Figures are invented, not official: a
deterministic model shaped like a large Chinese city's quarterly and annual statistics."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

YEARS = tuple(range(2019, 2027))
QUARTERS = (1, 2, 3, 4)
# Cumulative real GDP growth (1—N季度, %), as a city of this size went through 2019–2026.
REAL_GROWTH = {
    2019: (6.3, 6.1, 6.0, 6.0), 2020: (-6.7, -2.6, 0.3, 1.7), 2021: (17.6, 12.7, 9.8, 8.1),
    2022: (3.1, -5.7, -2.0, -0.2), 2023: (3.0, 9.7, 6.6, 5.0), 2024: (5.0, 4.7, 4.8, 5.0),
    2025: (5.3, 5.1, 5.2, 5.2), 2026: (5.1, 5.0, 4.9, 5.0),
}
DEFLATOR = {2019: 1.6, 2020: 1.1, 2021: 2.4, 2022: 1.3, 2023: 0.4, 2024: 0.1, 2025: 0.3, 2026: 0.6}
CPI = {2019: 102.5, 2020: 101.7, 2021: 101.2, 2022: 102.5, 2023: 100.3, 2024: 100.2, 2025: 100.4, 2026: 100.8}
PPI = {2019: 99.6, 2020: 99.0, 2021: 103.5, 2022: 101.8, 2023: 98.4, 2024: 98.9, 2025: 99.3, 2026: 100.2}
FAI = {2019: 5.1, 2020: 10.3, 2021: 8.1, 2022: -1.0, 2023: 13.8, 2024: 4.8, 2025: 3.9, 2026: 4.2}
UNEMPLOYMENT = {2019: 3.6, 2020: 4.6, 2021: 4.4, 2022: 5.1, 2023: 4.5, 2024: 4.4, 2025: 4.3, 2026: 4.2}
# Shares of the year's flow reached by the end of each quarter.
CUMSHARE = {
    "GDP": (0.228, 0.478, 0.728, 1.0), "GIO": (0.232, 0.482, 0.738, 1.0),
    "RETAIL": (0.248, 0.492, 0.742, 1.0), "INCOME": (0.281, 0.523, 0.762, 1.0),
    "TRADE": (0.232, 0.481, 0.739, 1.0), "BUDGET": (0.302, 0.581, 0.801, 1.0),
}
SECTORS = (  # code suffix, zh, en, share of total output, enterprises, top-two share by year
    ("ELECTRONICS", "电子信息产品制造业", "Electronic information products", 0.161, 520, 31.0),
    ("AUTOMOTIVE", "汽车制造业", "Automobile manufacturing", 0.192, 380, 46.0),
    ("BIOMEDICINE", "生物医药制造业", "Biomedicine manufacturing", 0.052, 260, 22.0),
    ("PETROCHEMICAL", "石油化工及精细化工制造业", "Petrochemicals and fine chemicals", 0.109, 150, 38.0),
    ("STEEL", "精品钢材制造业", "Fine steel manufacturing", 0.041, 2, 100.0),
    ("AEROSPACE", "航空航天器制造业", "Aircraft and spacecraft manufacturing", 0.009, 14, 80.0),
)


@dataclass
class Figures:
    """Every figure of the model: (series, period) → value, preliminary and final vintages."""

    prelim: dict[tuple[str, str], float] = field(default_factory=dict)
    final: dict[tuple[str, str], float] = field(default_factory=dict)
    contributors: dict[tuple[str, str], tuple[int, float]] = field(default_factory=dict)


def q(year: int, quarter: int) -> str:
    return f"{year}-Q{quarter}"


def build() -> Figures:
    rng = random.Random(20261126)
    fig = Figures()
    p = fig.prelim

    def noise(scale: float) -> float:
        return rng.uniform(-scale, scale)

    # GDP at current prices, cumulative, from a 2018 base; the industries' levels follow their own
    # real growth and the year's deflator, so published growth and levels agree (as a reviewer checks).
    gdp_prev = [36011.8 * s for s in CUMSHARE["GDP"]]
    pri_prev = [v * 0.0031 * (0.7 if k == 0 else 1) for k, v in enumerate(gdp_prev)]
    sec_prev = [v * 0.271 for v in gdp_prev]
    # Year-level paths of the industries, drawn apart so the main stream (every other figure) is as before.
    paths = random.Random(20190101)
    for year in YEARS:
        cur, pri_cur, sec_cur = [], [], []
        noise(0.001)  # (kept: the stream of draws every later figure comes from)
        pri_year, sec_year = paths.uniform(-6.0, 1.0), -1.0 + paths.uniform(-1.0, 1.0)
        for k, quarter in enumerate(QUARTERS):
            growth = REAL_GROWTH[year][k]
            level = gdp_prev[k] * (1 + growth / 100) * (1 + (DEFLATOR[year] + noise(0.2)) / 100)
            cur.append(level)
            period = q(year, quarter)
            total = round(level, 2)
            d_pri, d_sec = noise(0.0002) / 0.0002, noise(0.002) / 0.002  # each in [-1, 1]
            g_sec = round(growth + sec_year + noise(1.5) / 3 - (3.5 if year == 2020 and quarter == 1 else 0), 1)
            g_pri = round(pri_year + noise(5.0) / 8, 1)
            primary = pri_prev[k] * (1 + g_pri / 100) * (1 + (DEFLATOR[year] + 0.3 * d_pri) / 100)
            secondary = sec_prev[k] * (1 + g_sec / 100) * (1 + (DEFLATOR[year] + 0.3 * d_sec) / 100)
            pri_cur.append(primary)
            sec_cur.append(secondary)
            p[("GDP", period)] = total
            p[("GDP_PRIMARY", period)] = round(primary, 2)
            p[("GDP_SECONDARY", period)] = round(secondary, 2)
            p[("GDP_TERTIARY", period)] = round(total - round(primary, 2) - round(secondary, 2), 2)
            # Real growth adds up with last year's weights; the tertiary industry is the remainder.
            w_sec, w_pri = sec_prev[k] / gdp_prev[k], pri_prev[k] / gdp_prev[k]
            g_ter = round((growth - w_sec * g_sec - w_pri * g_pri) / (1 - w_sec - w_pri), 1)
            p[("GDP_GROWTH", period)] = growth
            p[("GDP_PRIMARY_GROWTH", period)] = g_pri
            p[("GDP_SECONDARY_GROWTH", period)] = g_sec
            p[("GDP_TERTIARY_GROWTH", period)] = g_ter
            p[("IVA_GROWTH", period)] = round(g_sec + 0.4 + noise(1.2), 1)
            p[("FAI_GROWTH", period)] = round(FAI[year] + noise(2.5) * (4 - quarter) / 3, 1)
            p[("CPI", period)] = round(CPI[year] + noise(0.3) * (4 - quarter) / 3, 1)
            p[("PPI", period)] = round(PPI[year] + noise(0.8) * (4 - quarter) / 3, 1)
            p[("UNEMPLOYMENT", period)] = round(UNEMPLOYMENT[year] + noise(0.3), 1)
        gdp_prev, pri_prev, sec_prev = cur, pri_cur, sec_cur

    _flows(fig, rng, "GIO", 39126.0, CUMSHARE["GIO"], 0.045, 2)
    _flows(fig, rng, "RETAIL", 13497.2, CUMSHARE["RETAIL"], 0.055, 2, growth_code="RETAIL_GROWTH")
    _flows(fig, rng, "BUDGET_REVENUE", 7165.1, CUMSHARE["BUDGET"], 0.04, 2)
    _flows(fig, rng, "INCOME_URBAN", 73615.0, CUMSHARE["INCOME"], 0.06, 0)
    _flows(fig, rng, "INCOME_RURAL", 33195.0, CUMSHARE["INCOME"], 0.075, 0)
    for year in YEARS:
        for quarter in QUARTERS:
            period = q(year, quarter)
            urban, rural = p[("INCOME_URBAN", period)], p[("INCOME_RURAL", period)]
            p[("INCOME_ALL", period)] = round(0.89 * urban + 0.11 * rural, 0)
    _flows(fig, rng, "EXPORTS", 13720.9, CUMSHARE["TRADE"], 0.04, 2)
    _flows(fig, rng, "IMPORTS", 20325.2, CUMSHARE["TRADE"], 0.035, 2)
    deposits = 155865.0
    for year in YEARS:
        for quarter in QUARTERS:
            period = q(year, quarter)
            deposits *= 1 + (0.018 + noise(0.006))
            p[("DEPOSITS", period)] = round(deposits, 2)
            p[("TRADE_TOTAL", period)] = round(p[("EXPORTS", period)] + p[("IMPORTS", period)], 2)

    _annual(fig, rng)
    _final_verification(fig, rng)
    return fig


def _flows(fig: Figures, rng: random.Random, code: str, base_2019: float, shares: tuple,
           trend: float, decimals: int, growth_code: str | None = None) -> None:
    annual = base_2019
    for year in YEARS:
        shock = {2020: -0.06, 2021: 0.07, 2022: -0.03}.get(year, 0.0)
        if year > 2019:
            annual *= 1 + trend + shock + rng.uniform(-0.01, 0.01)
        for k, quarter in enumerate(QUARTERS):
            value = round(annual * (shares[k] + rng.uniform(-0.004, 0.004) * (k < 3)), decimals)
            fig.prelim[(code, q(year, quarter))] = value
            if growth_code and year > 2019:
                last = fig.prelim[(code, q(year - 1, quarter))]
                fig.prelim[(growth_code, q(year, quarter))] = round((value / last - 1) * 100 + rng.uniform(-0.3, 0.3), 1)
            elif growth_code:
                fig.prelim[(growth_code, q(year, quarter))] = round(trend * 100 + rng.uniform(-1, 1), 1)


def _annual(fig: Figures, rng: random.Random) -> None:
    population, employment = 2428.14, 1376.2
    for year in YEARS:
        population += {2020: 59.0, 2022: -13.5}.get(year, 4.0) + rng.uniform(-2, 2)
        employment += rng.uniform(-8, 12)
        period = str(year)
        fig.prelim[("POPULATION", period)] = round(population, 2)
        fig.prelim[("EMPLOYMENT", period)] = round(employment, 2)
        gdp = fig.prelim[("GDP", q(year, 4))]
        fig.prelim[("GDP_PER_CAPITA", period)] = round(gdp * 1e4 / population, 0)
        total = fig.prelim[("GIO", q(year, 4))] * 0.98
        parts = 0.0
        for suffix, _zh, _en, share, units, top2 in SECTORS:
            code = f"GIO_SECTOR_{suffix}"
            value = round(total * (share + rng.uniform(-0.004, 0.004)), 2)
            parts += value
            fig.prelim[(code, period)] = value
            # Aerospace became dominated by two makers from 2022 (the (n,k) rule then applies).
            share_top2 = 91.0 if suffix == "AEROSPACE" and year >= 2022 else top2
            fig.contributors[(code, period)] = (units + (year - 2019) * (units > 10), share_top2)
        other = round(total - parts, 2)
        fig.prelim[("GIO_SECTOR_OTHER", period)] = other
        fig.contributors[("GIO_SECTOR_OTHER", period)] = (6100 + 40 * (year - 2019), 4.0)
        fig.prelim[("GIO_SECTOR_TOTAL", period)] = round(parts + other, 2)
        fig.contributors[("GIO_SECTOR_TOTAL", period)] = (7426 + 40 * (year - 2019), 9.0)


def _final_verification(fig: Figures, rng: random.Random) -> None:
    """Final verification (最终核实) a year later lifts levels a little and moves growth by tenths;
    the 2023 verification carries the economic census revision and moves levels more."""
    for year in YEARS[:-1]:
        lift = 1 + (0.021 if year == 2023 else rng.uniform(0.002, 0.009))
        for quarter in QUARTERS:
            period = q(year, quarter)
            primary = round(fig.prelim[("GDP_PRIMARY", period)] * (1 + rng.uniform(-0.01, 0.01)), 2)
            secondary = round(fig.prelim[("GDP_SECONDARY", period)] * lift * (1 + rng.uniform(-0.003, 0.003)), 2)
            total = round(fig.prelim[("GDP", period)] * lift, 2)
            fig.final[("GDP", period)] = total
            fig.final[("GDP_PRIMARY", period)] = primary
            fig.final[("GDP_SECONDARY", period)] = secondary
            fig.final[("GDP_TERTIARY", period)] = round(total - primary - secondary, 2)
            for code in ("GDP_GROWTH", "GDP_PRIMARY_GROWTH", "GDP_SECONDARY_GROWTH", "GDP_TERTIARY_GROWTH"):
                fig.final[(code, period)] = round(fig.prelim[(code, period)] + rng.choice((-0.2, -0.1, 0.0, 0.1, 0.2, 0.3)), 1)
