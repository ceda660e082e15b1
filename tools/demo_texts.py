"""Interpretation texts (解读) of the demo releases. Every figure is a tag rendered from the
warehouse; the words around a growth rate (增长/下降) follow its sign, as the author would write."""

from __future__ import annotations

from pathlib import Path

from tools.demo_model import q

DISCLAIMER_ZH = "> 注：本文所用数据为演示数据，仅用于展示发布系统，不代表任何官方统计结果。"
DISCLAIMER_EN = "> Note: the figures are illustrative demo data and are not official statistics."


def quarter_label(year: int, quarter: int) -> tuple[str, str]:
    zh = {1: "一季度", 2: "上半年", 3: "前三季度", 4: "全年"}[quarter]
    en = {1: "the first quarter", 2: "the first half", 3: "the first three quarters", 4: "the year"}[quarter]
    return zh, en


def quarterly_title(year: int, quarter: int) -> tuple[str, str]:
    zh, _ = quarter_label(year, quarter)
    en = {1: f"in the first quarter of {year}", 2: f"in the first half of {year}",
          3: f"in the first three quarters of {year}", 4: f"in {year}"}[quarter]
    return f"{year}年{zh}全市经济运行情况", f"Performance of the city's economy {en}"


def _zh(values: dict, code: str, period: str) -> str:
    tag = f"{{{{{code}@{period}|abs}}}}"
    return ("下降" if values[(code, period)] < 0 else "增长") + tag


def _en(values: dict, code: str, period: str) -> str:
    tag = f"{{{{{code}@{period}|abs}}}}"
    return ("decreased by " if values[(code, period)] < 0 else "grew by ") + tag


def write_quarterly(folder: Path, year: int, quarter: int, v: dict) -> None:
    p = q(year, quarter)
    label_zh, label_en = quarter_label(year, quarter)
    title_zh, title_en = quarterly_title(year, quarter)
    zh = f"""# {title_zh}

根据地区生产总值统一核算结果，{year}年{label_zh}全市实现地区生产总值{{{{GDP@{p}}}}}，按可比价格计算，比上年同期{_zh(v, "GDP_GROWTH", p)}。分产业看，第一产业增加值{{{{GDP_PRIMARY@{p}}}}}，{_zh(v, "GDP_PRIMARY_GROWTH", p)}；第二产业增加值{{{{GDP_SECONDARY@{p}}}}}，{_zh(v, "GDP_SECONDARY_GROWTH", p)}；第三产业增加值{{{{GDP_TERTIARY@{p}}}}}，{_zh(v, "GDP_TERTIARY_GROWTH", p)}。

## 工业生产

全市规模以上工业增加值比上年同期{_zh(v, "IVA_GROWTH", p)}，规模以上工业总产值达到{{{{GIO@{p}}}}}。

## 投资与消费

全市固定资产投资（不含农户）比上年同期{_zh(v, "FAI_GROWTH", p)}。社会消费品零售总额{{{{RETAIL@{p}}}}}，{_zh(v, "RETAIL_GROWTH", p)}。

## 价格与收入

居民消费价格指数为{{{{CPI@{p}|value}}}}（上年同期为一百），工业生产者出厂价格指数为{{{{PPI@{p}|value}}}}。全市居民人均可支配收入{{{{INCOME_ALL@{p}}}}}，其中城镇常住居民{{{{INCOME_URBAN@{p}}}}}，农村常住居民{{{{INCOME_RURAL@{p}}}}}。

## 对外贸易与财政金融

货物进出口总额{{{{TRADE_TOTAL@{p}}}}}，其中出口{{{{EXPORTS@{p}}}}}，进口{{{{IMPORTS@{p}}}}}。地方一般公共预算收入{{{{BUDGET_REVENUE@{p}}}}}。期末金融机构本外币存款余额{{{{DEPOSITS@{p}}}}}。城镇调查失业率平均为{{{{UNEMPLOYMENT@{p}}}}}。

{DISCLAIMER_ZH}
"""
    en = f"""# {title_en}

According to the unified accounting of regional GDP, the city's GDP in {label_en} of {year} was {{{{GDP@{p}}}}}; at comparable prices it {_en(v, "GDP_GROWTH", p)} on the same period of the previous year. By industry, value added of the primary industry was {{{{GDP_PRIMARY@{p}}}}} and {_en(v, "GDP_PRIMARY_GROWTH", p)}; of the secondary industry {{{{GDP_SECONDARY@{p}}}}}, which {_en(v, "GDP_SECONDARY_GROWTH", p)}; of the tertiary industry {{{{GDP_TERTIARY@{p}}}}}, which {_en(v, "GDP_TERTIARY_GROWTH", p)}.

## Industry

Value added of industrial enterprises above designated size {_en(v, "IVA_GROWTH", p)} year on year; their gross output reached {{{{GIO@{p}}}}}.

## Investment and consumption

Fixed-asset investment (excluding rural households) {_en(v, "FAI_GROWTH", p)}. Total retail sales of consumer goods were {{{{RETAIL@{p}}}}} and {_en(v, "RETAIL_GROWTH", p)}.

## Prices and income

The consumer price index stood at {{{{CPI@{p}|value}}}} (same period of the previous year = one hundred) and the producer price index at {{{{PPI@{p}|value}}}}. Per capita disposable income of all residents was {{{{INCOME_ALL@{p}}}}}: {{{{INCOME_URBAN@{p}}}}} for urban and {{{{INCOME_RURAL@{p}}}}} for rural residents.

## Foreign trade, public finance and banking

Total imports and exports of goods were {{{{TRADE_TOTAL@{p}}}}}, of which exports {{{{EXPORTS@{p}}}}} and imports {{{{IMPORTS@{p}}}}}. Local general public budget revenue was {{{{BUDGET_REVENUE@{p}}}}}. Deposits of financial institutions stood at {{{{DEPOSITS@{p}}}}} at the end of the period. The surveyed urban unemployment rate averaged {{{{UNEMPLOYMENT@{p}}}}}.

{DISCLAIMER_EN}
"""
    (folder / "interpretation.zh.md").write_text(zh, encoding="utf-8")
    (folder / "interpretation.en.md").write_text(en, encoding="utf-8")


def write_communique(folder: Path, year: int, v: dict) -> None:
    y = str(year)
    zh = f"""# {year}年示例市国民经济和社会发展统计公报（解读）

年末全市常住人口{{{{POPULATION@{y}}}}}，就业人员{{{{EMPLOYMENT@{y}}}}}。按年平均常住人口计算，全年人均地区生产总值{{{{GDP_PER_CAPITA@{y}}}}}。

分行业看，重点行业规模以上工业总产值合计{{{{GIO_SECTOR_TOTAL@{y}}}}}，其中电子信息产品制造业{{{{GIO_SECTOR_ELECTRONICS@{y}}}}}，汽车制造业{{{{GIO_SECTOR_AUTOMOTIVE@{y}}}}}，生物医药制造业{{{{GIO_SECTOR_BIOMEDICINE@{y}}}}}。

{DISCLAIMER_ZH}
"""
    en = f"""# Statistical communiqué of the Example City on its {year} national economic and social development (interpretation)

At the end of the year the city had a resident population of {{{{POPULATION@{y}}}}} and {{{{EMPLOYMENT@{y}}}}} employed persons. Per capita GDP, on the average resident population, was {{{{GDP_PER_CAPITA@{y}}}}}.

By sector, gross industrial output above designated size totalled {{{{GIO_SECTOR_TOTAL@{y}}}}}, including {{{{GIO_SECTOR_ELECTRONICS@{y}}}}} from electronic information products, {{{{GIO_SECTOR_AUTOMOTIVE@{y}}}}} from automobiles and {{{{GIO_SECTOR_BIOMEDICINE@{y}}}}} from biomedicine.

{DISCLAIMER_EN}
"""
    (folder / "interpretation.zh.md").write_text(zh, encoding="utf-8")
    (folder / "interpretation.en.md").write_text(en, encoding="utf-8")


def write_final(folder: Path, year: int, v: dict) -> None:
    p = q(year, 4)
    zh = f"""# {year}年全市地区生产总值最终核实结果

经最终核实，{year}年全市地区生产总值为{{{{GDP@{p}}}}}，按可比价格计算，比上年{_zh(v, "GDP_GROWTH", p)}。其中，第一产业增加值{{{{GDP_PRIMARY@{p}}}}}，第二产业增加值{{{{GDP_SECONDARY@{p}}}}}，第三产业增加值{{{{GDP_TERTIARY@{p}}}}}。各季度累计数据同步修订，修订后的数据以本次发布为准。

{DISCLAIMER_ZH}
"""
    en = f"""# Final verification of the city's {year} GDP

After final verification, the city's GDP in {year} was {{{{GDP@{p}}}}}; at comparable prices it {_en(v, "GDP_GROWTH", p)} on the previous year. Value added was {{{{GDP_PRIMARY@{p}}}}} in the primary, {{{{GDP_SECONDARY@{p}}}}} in the secondary and {{{{GDP_TERTIARY@{p}}}}} in the tertiary industry. The cumulative quarterly figures are revised accordingly; this release supersedes the preliminary figures.

{DISCLAIMER_EN}
"""
    (folder / "interpretation.zh.md").write_text(zh, encoding="utf-8")
    (folder / "interpretation.en.md").write_text(en, encoding="utf-8")
