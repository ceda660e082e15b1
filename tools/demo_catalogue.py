"""The demo's series catalogue (written to releases/catalogue.yaml). Names follow GLOSSARY.md."""

from __future__ import annotations

from tools.demo_model import SECTORS

SOURCE = {"zh": "示例市统计局（示例数据）", "en": "Example City Statistics Bureau (illustrative data)"}
NSO = {"zh": "国家统计局示例市调查总队、示例市统计局（示例数据）",
       "en": "NBS Survey Office in the Example City and the Example City Statistics Bureau (illustrative)"}

TOPICS = [
    ("national-accounts", "国民经济核算", "National accounts"),
    ("industry", "工业", "Industry"),
    ("investment", "固定资产投资", "Fixed-asset investment"),
    ("domestic-trade", "国内贸易", "Domestic trade"),
    ("prices", "价格", "Prices"),
    ("income", "居民收入", "Household income"),
    ("foreign-trade", "对外贸易", "Foreign trade"),
    ("finance", "财政金融", "Public finance and banking"),
    ("population", "人口与就业", "Population and employment"),
]

YI = {"zh": "亿元", "en": "100 million yuan"}
PCT = {"zh": "%", "en": "%"}
YUAN = {"zh": "元", "en": "yuan"}
WAN = {"zh": "万人", "en": "10 thousand persons"}
SAME_PERIOD = {"zh": "上年同期=100", "en": "same period of previous year = 100"}


def _s(code, topic, zh, en, unit, freq, measure, decimals, d_zh, d_en, *, cumulative=False,
       prices=None, source=SOURCE, **extra):
    entry = {"code": code, "topic": topic, "name": {"zh": zh, "en": en}, "unit": unit,
             "frequency": freq, "measure": measure, "cumulative": cumulative, "decimals": decimals}
    if prices:
        entry["prices"] = prices
    entry["definition"] = {"zh": d_zh, "en": d_en}
    entry["source"] = source
    entry.update(extra)
    return entry


_GROWTH_ZH = "按可比价格计算，比上年同期增长的百分比（累计，1—N季度）。"
_GROWTH_EN = "Percentage change on the same period of the previous year at comparable prices (cumulative, Q1–QN)."
_VA_ZH = "常住单位在一定时期内生产活动的最终成果，按现价计算，累计（1—N季度）。"
_VA_EN = "Final result of the production activity of resident units, at current prices, cumulative (Q1–QN)."


def series() -> list[dict]:
    out = [
        _s("GDP", "national-accounts", "地区生产总值", "Gross domestic product (GDP) of the region", YI, "Q",
           "flow", 2, "本市所有常住单位在一定时期内生产活动的最终成果，按现价计算，累计（1—N季度）。",
           "Final result of the production activity of all resident units of the city, at current prices, "
           "cumulative (Q1–QN).", cumulative=True, prices="current",
           components=["GDP_PRIMARY", "GDP_SECONDARY", "GDP_TERTIARY"], tolerance=0.02),
        _s("GDP_PRIMARY", "national-accounts", "第一产业增加值", "Value added of the primary industry", YI, "Q",
           "flow", 2, "农、林、牧、渔业增加值。" + _VA_ZH, "Agriculture, forestry, animal husbandry and fishery. " + _VA_EN,
           cumulative=True, prices="current"),
        _s("GDP_SECONDARY", "national-accounts", "第二产业增加值", "Value added of the secondary industry", YI, "Q",
           "flow", 2, "工业和建筑业增加值。" + _VA_ZH, "Industry and construction. " + _VA_EN,
           cumulative=True, prices="current"),
        _s("GDP_TERTIARY", "national-accounts", "第三产业增加值", "Value added of the tertiary industry", YI, "Q",
           "flow", 2, "服务业增加值。" + _VA_ZH, "Services. " + _VA_EN, cumulative=True, prices="current"),
        _s("GDP_GROWTH", "national-accounts", "地区生产总值增长速度", "GDP growth rate", PCT, "Q", "rate", 1,
           _GROWTH_ZH, _GROWTH_EN, cumulative=True, prices="comparable", growth_of="GDP"),
        _s("GDP_PRIMARY_GROWTH", "national-accounts", "第一产业增加值增长速度",
           "Growth rate of value added of the primary industry", PCT, "Q", "rate", 1, _GROWTH_ZH, _GROWTH_EN,
           cumulative=True, prices="comparable", growth_of="GDP_PRIMARY"),
        _s("GDP_SECONDARY_GROWTH", "national-accounts", "第二产业增加值增长速度",
           "Growth rate of value added of the secondary industry", PCT, "Q", "rate", 1, _GROWTH_ZH, _GROWTH_EN,
           cumulative=True, prices="comparable", growth_of="GDP_SECONDARY"),
        _s("GDP_TERTIARY_GROWTH", "national-accounts", "第三产业增加值增长速度",
           "Growth rate of value added of the tertiary industry", PCT, "Q", "rate", 1, _GROWTH_ZH, _GROWTH_EN,
           cumulative=True, prices="comparable", growth_of="GDP_TERTIARY"),
        _s("IVA_GROWTH", "industry", "规模以上工业增加值增长速度",
           "Growth of value added of industrial enterprises above designated size", PCT, "Q", "rate", 1,
           "年主营业务收入2000万元及以上工业企业的增加值，" + _GROWTH_ZH,
           "Enterprises with annual main business revenue of 20 million yuan or more. " + _GROWTH_EN,
           cumulative=True, prices="comparable"),
        _s("GIO", "industry", "规模以上工业总产值", "Gross industrial output of enterprises above designated size",
           YI, "Q", "flow", 2, "年主营业务收入2000万元及以上工业企业的总产值，按现价计算，累计。",
           "Output of enterprises with annual main business revenue of 20 million yuan or more, current prices, "
           "cumulative.", cumulative=True, prices="current"),
        _s("FAI_GROWTH", "investment", "固定资产投资（不含农户）增长速度",
           "Growth of fixed-asset investment (excluding rural households)", PCT, "Q", "rate", 1,
           "计划总投资500万元及以上项目的投资额比上年同期增长的百分比（现价，累计）。",
           "Projects of 5 million yuan or more; nominal percentage change on the same period of the previous "
           "year, cumulative.", cumulative=True, prices="current"),
        _s("RETAIL", "domestic-trade", "社会消费品零售总额", "Total retail sales of consumer goods", YI, "Q", "flow", 2,
           "企业（单位）通过交易售给个人、社会集团非生产、非经营用的实物商品金额和餐饮收入，累计。",
           "Sales of physical goods to individuals and institutions for non-production use plus catering "
           "revenue, cumulative.", cumulative=True, prices="current"),
        _s("RETAIL_GROWTH", "domestic-trade", "社会消费品零售总额增长速度", "Growth of total retail sales of consumer goods",
           PCT, "Q", "rate", 1, "名义增长，比上年同期增长的百分比（累计）。",
           "Nominal percentage change on the same period of the previous year (cumulative).",
           cumulative=True, prices="current", growth_of="RETAIL"),
        _s("CPI", "prices", "居民消费价格指数", "Consumer price index (CPI)", SAME_PERIOD, "Q", "index", 1,
           "反映居民家庭购买的消费品和服务项目价格变动趋势和程度的相对数（1—N季度平均，上年同期=100）。",
           "Relative change in the prices of consumer goods and services bought by households "
           "(average of Q1–QN, same period of previous year = 100).", cumulative=True, source=NSO),
        _s("PPI", "prices", "工业生产者出厂价格指数", "Producer price index for industrial products (PPI)", SAME_PERIOD,
           "Q", "index", 1, "工业企业产品第一次出售时的出厂价格变动（1—N季度平均，上年同期=100）。",
           "Change in ex-factory prices at first sale (average of Q1–QN, same period of previous year = 100).",
           cumulative=True, source=NSO),
        _s("INCOME_ALL", "income", "全体居民人均可支配收入", "Per capita disposable income of all residents", YUAN, "Q",
           "flow", 0, "居民可用于最终消费支出和储蓄的收入，累计（1—N季度）。",
           "Income available to residents for final consumption and saving, cumulative (Q1–QN).",
           cumulative=True, prices="current", source=NSO),
        _s("INCOME_URBAN", "income", "城镇常住居民人均可支配收入", "Per capita disposable income of urban residents", YUAN,
           "Q", "flow", 0, "城镇常住居民可支配收入，累计（1—N季度）。",
           "Disposable income of urban residents, cumulative (Q1–QN).", cumulative=True, prices="current",
           source=NSO),
        _s("INCOME_RURAL", "income", "农村常住居民人均可支配收入", "Per capita disposable income of rural residents", YUAN,
           "Q", "flow", 0, "农村常住居民可支配收入，累计（1—N季度）。",
           "Disposable income of rural residents, cumulative (Q1–QN).", cumulative=True, prices="current",
           source=NSO),
        _s("TRADE_TOTAL", "foreign-trade", "货物进出口总额", "Total imports and exports of goods", YI, "Q", "flow", 2,
           "按收发货人所在地统计的货物进出口总额，人民币计价，累计。",
           "Goods traded by consignors and consignees located in the city, in yuan, cumulative.",
           cumulative=True, prices="current", components=["EXPORTS", "IMPORTS"], tolerance=0.02),
        _s("EXPORTS", "foreign-trade", "货物出口", "Exports of goods", YI, "Q", "flow", 2, "货物出口额，人民币计价，累计。",
           "Exports of goods in yuan, cumulative.", cumulative=True, prices="current"),
        _s("IMPORTS", "foreign-trade", "货物进口", "Imports of goods", YI, "Q", "flow", 2, "货物进口额，人民币计价，累计。",
           "Imports of goods in yuan, cumulative.", cumulative=True, prices="current"),
        _s("BUDGET_REVENUE", "finance", "地方一般公共预算收入", "Local general public budget revenue", YI, "Q", "flow", 2,
           "地方一般公共预算收入，累计。", "Local general public budget revenue, cumulative.", cumulative=True,
           prices="current"),
        _s("DEPOSITS", "finance", "金融机构本外币存款余额", "Deposits in domestic and foreign currencies of financial "
           "institutions (end of period)", YI, "Q", "stock", 2, "期末余额。", "Balance at the end of the period.",
           prices="current"),
        _s("UNEMPLOYMENT", "population", "城镇调查失业率", "Surveyed urban unemployment rate", PCT, "Q", "rate", 1,
           "城镇劳动力中失业人数所占比重（季度平均）。", "Share of the unemployed in the urban labour force (quarterly "
           "average).", source=NSO),
        _s("POPULATION", "population", "常住人口", "Resident population (year end)", WAN, "A", "stock", 2,
           "年末常住人口。", "Resident population at the end of the year."),
        _s("EMPLOYMENT", "population", "就业人员", "Employed persons", WAN, "A", "stock", 2,
           "年末就业人员数。", "Employed persons at the end of the year."),
        _s("GDP_PER_CAPITA", "national-accounts", "人均地区生产总值", "Per capita GDP of the region", YUAN, "A", "flow",
           0, "地区生产总值除以年平均常住人口，现价。", "GDP divided by the average resident population, current prices.",
           prices="current"),
        _s("GIO_SECTOR_TOTAL", "industry", "规模以上工业总产值（重点行业合计）",
           "Gross industrial output above designated size, all sectors", YI, "A", "flow", 2,
           "按行业分的规模以上工业总产值合计，现价。", "Sum over sectors of gross industrial output, current prices.",
           prices="current", disclosure_control=True,
           components=[f"GIO_SECTOR_{s[0]}" for s in SECTORS] + ["GIO_SECTOR_OTHER"], tolerance=0.02),
    ]
    for suffix, zh, en, *_ in SECTORS:
        out.append(_s(f"GIO_SECTOR_{suffix}", "industry", f"规模以上工业总产值：{zh}",
                      f"Gross industrial output above designated size: {en}", YI, "A", "flow", 2,
                      f"{zh}规模以上工业总产值，现价。", f"Gross industrial output of {en.lower()}, current prices.",
                      prices="current", disclosure_control=True))
    out.append(_s("GIO_SECTOR_OTHER", "industry", "规模以上工业总产值：其他行业",
                  "Gross industrial output above designated size: other sectors", YI, "A", "flow", 2,
                  "其他行业规模以上工业总产值，现价。", "Gross industrial output of other sectors, current prices.",
                  prices="current", disclosure_control=True))
    return out


def catalogue() -> dict:
    return {
        "topics": [{"code": c, "name": {"zh": zh, "en": en}} for c, zh, en in TOPICS],
        "series": series(),
    }
