"""Generate the demo content root: releases/catalogue.yaml, calendar.yaml and one folder per release
with its source tables (XLSX and CSV as an office produces them), mappings, provenance sidecars and
interpretations. Deterministic: running it twice writes the same bytes.

    python -m tools.make_demo_content [--root DIR]
"""

from __future__ import annotations

import argparse
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

from tools import demo_texts
from tools.demo_approvals import approve_demo
from tools.demo_catalogue import catalogue
from tools.demo_files import (
    new_workbook,
    save_workbook,
    write_csv,
    write_provenance,
    write_wide_sheet,
    write_yaml,
)
from tools.demo_model import QUARTERS, SECTORS, YEARS, Figures, build, q
from tools.demo_office import OFFICE, write_logo

REPO = Path(__file__).resolve().parents[1]
CN_Q = {1: "一季度", 2: "1—2季度", 3: "1—3季度", 4: "1—4季度"}
QUARTERLY_SERIES = ["GDP", "GDP_PRIMARY", "GDP_SECONDARY", "GDP_TERTIARY", "GDP_GROWTH", "GDP_PRIMARY_GROWTH",
                    "GDP_SECONDARY_GROWTH", "GDP_TERTIARY_GROWTH", "IVA_GROWTH", "GIO", "FAI_GROWTH", "RETAIL",
                    "RETAIL_GROWTH", "CPI", "PPI", "INCOME_ALL", "INCOME_URBAN", "INCOME_RURAL", "TRADE_TOTAL",
                    "EXPORTS", "IMPORTS", "BUDGET_REVENUE", "DEPOSITS", "UNEMPLOYMENT"]
SECTOR_CODES = ["GIO_SECTOR_TOTAL"] + [f"GIO_SECTOR_{s[0]}" for s in SECTORS] + ["GIO_SECTOR_OTHER"]
ANNUAL_SERIES = ["POPULATION", "EMPLOYMENT", "GDP_PER_CAPITA", *SECTOR_CODES]
GDP_ROWS = [("地区生产总值", "GDP"), ("　第一产业", "GDP_PRIMARY"), ("　第二产业", "GDP_SECONDARY"),
            ("　第三产业①", "GDP_TERTIARY")]
# Disclosure control and consistency thresholds (releases/review.yaml), the usual values.
REVIEW_RULES = {"disclosure": {"min_units": 3, "dominance_n": 2, "dominance_k": 85.0},
                "consistency": {"real_growth_gap_pp": 5.0, "nominal_growth_gap_pp": 1.0,
                                "single_period_change_pct": 60.0}}
TERTIARY_NOTE = "注：①第三产业增加值包括批发和零售业、金融业、房地产业、信息传输软件和信息技术服务业等服务业。"


def weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def instant(day: date, hour: int = 10, minute: int = 0) -> str:
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00+08:00"


def fmt(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


class DemoWriter:
    def __init__(self, root: Path, figures: Figures):
        self.root = root
        self.fig = figures
        self.releases: list[dict] = []

    def folder(self, release_id: str) -> Path:
        path = self.root / "releases" / release_id
        path.mkdir(parents=True, exist_ok=True)
        return path

    def entry(self, release_id: str, title: tuple[str, str], kind: str, when: str, series: list[str],
              sources: list[dict], *, state: str = "confirmed", revision: dict | None = None,
              history: list[dict] | None = None) -> None:
        # The annual release plan is announced in November of the year before (the demo is set on
        # 26 November 2026: next year's plan is out by then).
        announced = date(int(when[:4]) - 1, 11, 20)
        entry = {"id": release_id, "title": {"zh": title[0], "en": title[1]}, "kind": kind, "instant": when,
                 "state": state, "series": series, "sources": sources}
        if revision:
            entry["revision"] = revision
        entry["history"] = [{"date": announced.isoformat(), "change": "announced",
                             "reason": {"zh": "列入年度发布计划", "en": "included in the annual release plan"}},
                            *(history or [])]
        self.releases.append(entry)

    # -- quarterly economy release ---------------------------------------------------------------
    def quarterly(self, year: int, quarter: int) -> None:
        rid = f"{year}-q{quarter}-economy"
        period = q(year, quarter)
        day = weekday_on_or_after(date(year + (quarter == 4), {1: 4, 2: 7, 3: 10, 4: 1}[quarter],
                                       20 if quarter == 4 else 19))
        history = []
        if rid == "2022-q2-economy":
            previous = instant(weekday_on_or_after(date(2022, 7, 15)))
            day = date(2022, 7, 19)
            history.append({"date": "2022-07-01", "change": "rescheduled", "previous_instant": previous,
                            "reason": {"zh": "为与国家统计局数据发布安排衔接，发布时间调整至7月19日。",
                                       "en": "Moved to 19 July to follow the national statistics release schedule."}})
        folder = self.folder(rid)
        stamp = (day - timedelta(days=6)).isoformat()
        p = self.fig.prelim
        label_zh, label_en = demo_texts.quarter_label(year, quarter)

        wb = new_workbook()
        ws = wb.active
        ws.title = "地区生产总值"
        head = f"{CN_Q[quarter]}（亿元）"
        rows = [[label, p[(code, period)], p[(f"{code}_GROWTH", period)]] for label, code in GDP_ROWS]
        write_wide_sheet(ws, f"{year}年{label_zh}全市地区生产总值", ["指标", head, "比上年同期增长（%）"], rows,
                         [TERTIARY_NOTE], [None, 2, 1])
        save_workbook(wb, folder / "gdp.xlsx")
        write_yaml(folder / "gdp.xlsx.mapping.yaml", {
            "sheet": "地区生产总值", "year": year, "period": period, "status": "p",
            "columns": {head: "value", "比上年同期增长（%）": "growth"},
            "rows": {label.strip("　①"): {"value": code, "growth": f"{code}_GROWTH"} for label, code in GDP_ROWS},
        })

        wb = new_workbook()
        ws = wb.active
        ws.title = "主要指标"
        last = lambda code: p.get((code, q(year - 1, quarter)))  # noqa: E731
        gio_growth = round((p[("GIO", period)] / last("GIO") - 1) * 100, 1) if last("GIO") else "—"
        budget_growth = round((p[("BUDGET_REVENUE", period)] / last("BUDGET_REVENUE") - 1) * 100, 1) if last("BUDGET_REVENUE") else "—"
        rows = [
            ["规模以上工业增加值", "%", "—", p[("IVA_GROWTH", period)]],
            ["规模以上工业总产值", "亿元", p[("GIO", period)], gio_growth],
            ["固定资产投资（不含农户）", "%", "—", p[("FAI_GROWTH", period)]],
            ["社会消费品零售总额", "亿元", p[("RETAIL", period)], p[("RETAIL_GROWTH", period)]],
            ["地方一般公共预算收入", "亿元", p[("BUDGET_REVENUE", period)], budget_growth],
            ["金融机构本外币存款余额（期末）", "亿元", p[("DEPOSITS", period)], "…"],
            ["城镇调查失业率（季度平均）", "%", p[("UNEMPLOYMENT", period)], "—"],
        ]
        write_wide_sheet(ws, f"{year}年{label_zh}全市主要经济指标", ["指标", "计量单位", CN_Q[quarter], "比上年同期增长（%）"],
                         rows, ["注：规模以上工业增加值增速按可比价格计算；固定资产投资为不含农户口径。"], [None, None, 2, 1])
        save_workbook(wb, folder / "indicators.xlsx")
        write_yaml(folder / "indicators.xlsx.mapping.yaml", {
            "sheet": "主要指标", "year": year, "period": period,
            "columns": {CN_Q[quarter]: "value", "比上年同期增长（%）": "growth"},
            "rows": {"规模以上工业增加值": {"growth": "IVA_GROWTH"}, "规模以上工业总产值": {"value": "GIO"},
                     "固定资产投资（不含农户）": {"growth": "FAI_GROWTH"},
                     "社会消费品零售总额": {"value": "RETAIL", "growth": "RETAIL_GROWTH"},
                     "地方一般公共预算收入": {"value": "BUDGET_REVENUE"},
                     "金融机构本外币存款余额（期末）": {"value": "DEPOSITS"},
                     "城镇调查失业率（季度平均）": {"value": "UNEMPLOYMENT"}},
        })

        gbk = year <= 2022
        cn_period = f"{year}年{'一季度' if quarter == 1 else f'1—{quarter}季度'}"
        price_rows = []
        for code, dec in (("CPI", 1), ("PPI", 1), ("INCOME_ALL", 0), ("INCOME_URBAN", 0), ("INCOME_RURAL", 0)):
            text = f"{p[(code, period)]:.{dec}f}"
            if year == 2019 and code == "CPI":
                text = text.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
            note = "上年同期=100" if code in ("CPI", "PPI") else ""
            price_rows.append([code, cn_period, text, "", note])
        write_csv(folder / "prices_income.csv", ["指标代码", "时期", "数值", "标志", "备注"], price_rows,
                  "gbk" if gbk else "utf-8")
        trade_rows = [[code, period, fmt(p[(code, period)], 2), "", ""] for code in ("TRADE_TOTAL", "EXPORTS", "IMPORTS")]
        write_csv(folder / "trade.csv", ["series_code", "period", "value", "status", "note"], trade_rows, "utf-8-sig")

        describe = {"gdp.xlsx": "地区生产总值（初步核算）", "indicators.xlsx": "主要经济指标",
                    "prices_income.csv": "价格指数与居民收入" + ("（GBK编码）" if gbk else ""),
                    "trade.csv": "货物进出口（UTF-8 BOM）"}
        for name, text in describe.items():
            write_provenance(folder / name, stamp, text)
        sources = [{"file": "gdp.xlsx", "layout": "wide"}, {"file": "indicators.xlsx", "layout": "wide"},
                   {"file": "prices_income.csv", "layout": "long", **({"encoding": "gbk"} if gbk else {})},
                   {"file": "trade.csv", "layout": "long"}]
        title = demo_texts.quarterly_title(year, quarter)
        self.entry(rid, title, "quarterly", instant(day), QUARTERLY_SERIES, sources, history=history)
        demo_texts.write_quarterly(folder, year, quarter, p)

    # -- annual statistical communiqué -----------------------------------------------------------
    def communique(self, year: int) -> None:
        rid = f"{year}-annual-communique"
        day = weekday_on_or_after(date(year + 1, 3, 5))
        folder = self.folder(rid)
        p, period = self.fig.prelim, str(year)
        rows = [["POPULATION", period, fmt(p[("POPULATION", period)], 2), "", "年末常住人口"],
                ["EMPLOYMENT", period, fmt(p[("EMPLOYMENT", period)], 2), "", ""],
                ["GDP_PER_CAPITA", period, fmt(p[("GDP_PER_CAPITA", period)], 0), "p", "按年平均常住人口计算"]]
        write_csv(folder / "population.csv", ["指标代码", "时期", "数值", "标志", "备注"], rows, "utf-8")
        wb = new_workbook()
        ws = wb.active
        ws.title = "分行业工业总产值"
        ws.append(["指标代码", "时期", "数值（亿元）", "单位数", "前两位占比"])
        for code in SECTOR_CODES:
            units, top2 = self.fig.contributors[(code, period)]
            ws.append([code, period, p[(code, period)], units, top2])
        save_workbook(wb, folder / "industry_sectors.xlsx")
        stamp = (day - timedelta(days=7)).isoformat()
        write_provenance(folder / "population.csv", stamp, "人口、就业与人均地区生产总值")
        write_provenance(folder / "industry_sectors.xlsx", stamp, "分行业规模以上工业总产值（含单位数与前两位占比，供保密审查）")
        sources = [{"file": "population.csv", "layout": "long"}, {"file": "industry_sectors.xlsx", "layout": "long"}]
        upcoming = year >= 2026
        self.entry(rid, (f"{year}年示例市国民经济和社会发展统计公报",
                         f"Statistical communiqué of the Example City on its {year} national economic and social development"),
                   "annual", instant(day), ANNUAL_SERIES, sources, state="provisional" if upcoming else "confirmed")
        if not upcoming:  # the 2026 communiqué's interpretation is still being written
            demo_texts.write_communique(folder, year, p)

    # -- final verification of GDP ---------------------------------------------------------------
    def final_verification(self, year: int) -> None:
        rid = f"{year}-gdp-final-verification"
        day = weekday_on_or_after(date(year + 1, 12, 10))
        folder = self.folder(rid)
        f = self.fig.final
        wb = new_workbook()
        levels = wb.active
        levels.title = "现价总量"
        heads = [f"{CN_Q[k]}（亿元）" for k in QUARTERS]
        write_wide_sheet(levels, f"{year}年全市地区生产总值最终核实数（现价）", ["指标", *heads],
                         [[label, *[f[(code, q(year, k))] for k in QUARTERS]] for label, code in GDP_ROWS],
                         [TERTIARY_NOTE], [None, 2, 2, 2, 2])
        growth = wb.create_sheet("增长速度")
        gheads = [f"{CN_Q[k]}（%）" for k in QUARTERS]
        write_wide_sheet(growth, f"{year}年全市地区生产总值最终核实增长速度（按可比价格计算）", ["指标", *gheads],
                         [[label, *[f[(f"{code}_GROWTH", q(year, k))] for k in QUARTERS]] for label, code in GDP_ROWS],
                         [TERTIARY_NOTE], [None, 1, 1, 1, 1])
        save_workbook(wb, folder / "gdp_final.xlsx")
        labels = {label.strip("　①"): code for label, code in GDP_ROWS}
        write_yaml(folder / "gdp_final.levels.mapping.yaml", {
            "sheet": "现价总量", "year": year, "status": "r",
            "columns": {h: f"q{k}" for h, k in zip(heads, QUARTERS, strict=True)},
            "rows": {label: {f"q{k}": code for k in QUARTERS} for label, code in labels.items()},
        })
        write_yaml(folder / "gdp_final.growth.mapping.yaml", {
            "sheet": "增长速度", "year": year, "status": "r",
            "columns": {h: f"q{k}" for h, k in zip(gheads, QUARTERS, strict=True)},
            "rows": {label: {f"q{k}": f"{code}_GROWTH" for k in QUARTERS} for label, code in labels.items()},
        })
        write_provenance(folder / "gdp_final.xlsx", (day - timedelta(days=10)).isoformat(), "地区生产总值最终核实数")
        census = year == 2023
        reason = ({"zh": "根据第五次全国经济普查结果，对2023年地区生产总值进行修订。",
                   "en": "Revised with the results of the Fifth National Economic Census."} if census else
                  {"zh": "根据年度统计年报、财政决算和部门财务资料，对初步核算数进行最终核实。",
                   "en": "Final verification of the preliminary accounts with annual statistical reports, "
                         "final fiscal accounts and administrative financial data."})
        codes = [c for _, base in GDP_ROWS for c in (base, f"{base}_GROWTH")]
        self.entry(rid, (f"{year}年全市地区生产总值最终核实结果", f"Final verification of the city's {year} GDP"),
                   "verification", instant(day), codes,
                   [{"file": "gdp_final.xlsx", "layout": "wide", "sheet": "现价总量", "mapping": "gdp_final.levels.mapping.yaml"},
                    {"file": "gdp_final.xlsx", "layout": "wide", "sheet": "增长速度", "mapping": "gdp_final.growth.mapping.yaml"}],
                   revision={"stage": "census" if census else "final-verification", "reason": reason})
        demo_texts.write_final(folder, year, f)


def generate(root: Path) -> None:
    releases = root / "releases"
    for child in releases.glob("*/"):
        shutil.rmtree(child)
    releases.mkdir(parents=True, exist_ok=True)
    figures = build()
    writer = DemoWriter(root, figures)
    for year in YEARS:
        for quarter in QUARTERS:
            writer.quarterly(year, quarter)
        writer.communique(year)
        if year < YEARS[-1]:
            writer.final_verification(year)
    writer.releases.sort(key=lambda r: (datetime.fromisoformat(r["instant"]), r["id"]))
    banner = ("# Illustrative demo content generated by tools/make_demo_content.py: the figures are invented\n"
              "# and are not official statistics. 演示数据，非官方统计数据。\n")
    write_yaml(releases / "office.yaml", OFFICE, banner)
    write_logo(root)
    write_yaml(releases / "catalogue.yaml", catalogue(), banner)
    write_yaml(root / "calendar.yaml", {"timezone": "Asia/Shanghai", "prerelease_window_hours": 24,
                                        "releases": writer.releases}, banner)
    write_yaml(releases / "review.yaml", REVIEW_RULES, banner)
    approve_demo(root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO)
    generate(parser.parse_args().root)


if __name__ == "__main__":
    main()
