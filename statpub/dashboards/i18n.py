"""Every word the site shows, in Chinese (the default) and English.

The language is part of the URL (`?lang=en`), never a cookie, so a shared link shows the page as
its sender saw it. Labels are looked up by key; a missing key is a programming error (KeyError in
tests), never a blank on the page."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from urllib.parse import urlencode

from statpub.kernel.clock import beijing
from statpub.kernel.periods import PeriodError, period_from_code

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
HTML_LANG = {"zh": "zh-CN", "en": "en"}

LABELS: dict[str, dict[str, str]] = {
    "skip": {"zh": "跳到正文", "en": "Skip to content"},
    "nav": {"zh": "主导航", "en": "Main navigation"},
    "nav_home": {"zh": "首页", "en": "Home"},
    "nav_explorer": {"zh": "数据查询", "en": "Indicator explorer"},
    "nav_calendar": {"zh": "发布日程", "en": "Release calendar"},
    "nav_catalogue": {"zh": "公开目录", "en": "Catalogue"},
    "switch_lang": {"zh": "English", "en": "中文"},
    "switch_lang_label": {"zh": "Switch to English", "en": "切换到中文"},
    "latest_release": {"zh": "最新发布", "en": "Latest release"},
    "headline_figures": {"zh": "主要指标", "en": "Headline figures"},
    "upcoming": {"zh": "即将发布", "en": "Upcoming releases"},
    "past": {"zh": "已发布", "en": "Published releases"},
    "topics": {"zh": "专题", "en": "Topics"},
    "topic_not_found": {"zh": "没有这个专题。", "en": "There is no such topic."},
    "topic_series": {"zh": "本专题的指标", "en": "Series in this topic"},
    "topic_releases": {"zh": "相关发布", "en": "Releases"},
    "topic_page": {"zh": "查看本专题", "en": "See the topic"},
    "nothing_public": {"zh": "暂无已发布数据。", "en": "Nothing has been published yet."},
    "no_upcoming": {"zh": "暂无已排定的发布。", "en": "No release is scheduled."},
    "indicator": {"zh": "指标", "en": "Indicator"},
    "period": {"zh": "时期", "en": "Period"},
    "value": {"zh": "数值", "en": "Value"},
    "unit": {"zh": "单位", "en": "Unit"},
    "flag": {"zh": "标志", "en": "Flag"},
    "note": {"zh": "注", "en": "Note"},
    "growth": {"zh": "增长", "en": "Growth"},
    "decrease": {"zh": "下降", "en": "Decrease"},
    "trend": {"zh": "走势", "en": "Trend"},
    "release": {"zh": "发布", "en": "Release"},
    "instant": {"zh": "发布时间", "en": "Release time"},
    "public_since": {"zh": "实际公开时间（审核通过后）", "en": "Public since (after approval)"},
    "state": {"zh": "状态", "en": "State"},
    "title": {"zh": "标题", "en": "Title"},
    "notices": {"zh": "变更公告", "en": "Change notices"},
    "no_notices": {"zh": "无变更。", "en": "No change."},
    "previous_instant": {"zh": "原定时间", "en": "Previously scheduled"},
    "reason": {"zh": "原因", "en": "Reason"},
    "interpretation": {"zh": "解读", "en": "Interpretation"},
    "no_interpretation": {"zh": "本次发布无解读。", "en": "This release has no interpretation."},
    "key_figures": {"zh": "主要数据", "en": "Key figures"},
    "charts": {"zh": "图表", "en": "Charts"},
    "downloads": {"zh": "下载", "en": "Downloads"},
    "revisions": {"zh": "修订说明", "en": "Revisions"},
    "no_revisions": {"zh": "本次发布未修订此前公布的数据。",
                     "en": "This release revised no previously published figure."},
    "revised_from": {"zh": "原值", "en": "Previously"},
    "revised_to": {"zh": "修订值", "en": "Revised"},
    "previous_release": {"zh": "原发布", "en": "Published in"},
    "prerelease_access": {"zh": "发布前知悉人员名单", "en": "Pre-release access"},
    "role_press": {"zh": "新闻发布", "en": "press"},
    "role_reviewer": {"zh": "审核", "en": "reviewer"},
    "download_pack": {"zh": "新闻发布材料包（ZIP）", "en": "Briefing pack (ZIP)"},
    "no_prerelease_access": {"zh": "无人在发布前获得数据。",
                             "en": "Nobody had access before the release."},
    "embargoed_notice": {"zh": "本次发布将于上述时间公开。届时本页显示数据和解读。",
                         "en": "This release goes public at the time above. Its figures and "
                               "interpretation appear here then."},
    "not_found": {"zh": "未找到", "en": "Not found"},
    "release_not_found": {"zh": "发布日程中没有这项发布。", "en": "The calendar has no such release."},
    "series_not_found": {"zh": "没有这个已发布的指标。", "en": "No published series has this code."},
    "year": {"zh": "年份", "en": "Year"},
    "all_years": {"zh": "全部年份", "en": "All years"},
    "calendar_intro": {"zh": "发布时间均为北京时间。日程变更均公告原因。",
                       "en": "Times are Beijing time. Every change of date is announced with its reason."},
    "series": {"zh": "指标", "en": "Series"},
    "code": {"zh": "代码", "en": "Code"},
    "frequency": {"zh": "频率", "en": "Frequency"},
    "definition": {"zh": "定义", "en": "Definition"},
    "source": {"zh": "数据来源", "en": "Source"},
    "cumulative": {"zh": "累计值", "en": "Cumulative"},
    "measure": {"zh": "类型", "en": "Measure"},
    "prices": {"zh": "价格", "en": "Prices"},
    "yes": {"zh": "是（1—N期累计）", "en": "Yes (year to date)"},
    "no": {"zh": "否", "en": "No"},
    "vintages": {"zh": "历次发布（版本）", "en": "Vintages (what was published when)"},
    "citation": {"zh": "引用", "en": "Citation"},
    "explore_series": {"zh": "在数据查询中打开", "en": "Open in the explorer"},
    "latest_values": {"zh": "最新数据", "en": "Latest figures"},
    "catalogue_intro": {"zh": "本机构主动公开的全部数据集和指标，按专题排列。",
                        "en": "Every dataset and series this office publishes proactively, by topic."},
    "search": {"zh": "搜索指标（中文、英文或代码）", "en": "Search series (Chinese, English or code)"},
    "topic": {"zh": "专题", "en": "Topic"},
    "all_topics": {"zh": "全部专题", "en": "All topics"},
    "choose_series": {"zh": "选择指标", "en": "Choose series"},
    "transform": {"zh": "计算方式", "en": "Transform"},
    "start": {"zh": "起始时期", "en": "From"},
    "download_png": {"zh": "下载图片 PNG", "en": "Download chart (PNG)"},
    "download_svg": {"zh": "下载图片 SVG", "en": "Download chart (SVG)"},
    "embed_code": {"zh": "嵌入代码（复制到您的网页）", "en": "Embed code (paste into your page)"},
    "download_zip": {"zh": "下载 ZIP（数据、说明、datapackage.json）", "en": "Download ZIP (data, README, datapackage.json)"},
    "last_n": {"zh": "只看最近几期", "en": "Only the latest periods"},
    "all_periods": {"zh": "全部", "en": "All"},
    "end": {"zh": "截止时期", "en": "To"},
    "chart_type": {"zh": "图表类型", "en": "Chart type"},
    "line": {"zh": "折线图", "en": "Line"},
    "bar": {"zh": "柱状图", "en": "Bar"},
    "table_caption": {"zh": "图表数据", "en": "The numbers in the chart"},
    "no_data": {"zh": "所选条件下没有数据。", "en": "No figures for this choice."},
    "not_applicable": {"zh": "该计算方式不适用于：", "en": "This transform does not apply to: "},
    "derived_note": {"zh": "推算值，非公布数。", "en": "Derived, not published."},
    "share": {"zh": "占合计比重（%，推算）", "en": "Share of total (%, derived)"},
    "download_csv": {"zh": "下载 CSV", "en": "Download CSV"},
    "download_xlsx": {"zh": "下载 Excel", "en": "Download Excel"},
    "download_parquet": {"zh": "下载 Parquet", "en": "Download Parquet"},
    "share_link": {"zh": "本视图链接", "en": "Link to this view"},
    "flags_legend": {"zh": "标志说明", "en": "Flags"},
    "licence": {"zh": "许可协议", "en": "Licence"},
    "contact": {"zh": "联系方式", "en": "Contact"},
    "logo_alt": {"zh": "标志", "en": "logo"},
    "health": {"zh": "服务状态", "en": "Service status"},
    "delayed": {"zh": "延迟", "en": "delayed"},
    "view_release": {"zh": "查看发布", "en": "View release"},
}

STATES: dict[str, dict[str, str]] = {
    "provisional": {"zh": "暂定", "en": "provisional"},
    "confirmed": {"zh": "已确定", "en": "confirmed"},
    "postponed": {"zh": "推迟", "en": "postponed"},
    "cancelled": {"zh": "取消", "en": "cancelled"},
    "published": {"zh": "已发布", "en": "published"},
    "delayed": {"zh": "延迟发布", "en": "delayed"},
    "history": {"zh": "往期发布（待导入）", "en": "published before this site (not yet imported)"},
}

CHANGES: dict[str, dict[str, str]] = {
    "announced": {"zh": "列入计划", "en": "announced"},
    "confirmed": {"zh": "确定", "en": "confirmed"},
    "rescheduled": {"zh": "改期", "en": "rescheduled"},
    "postponed": {"zh": "推迟", "en": "postponed"},
    "cancelled": {"zh": "取消", "en": "cancelled"},
    "delayed": {"zh": "延迟", "en": "delayed"},
}

FREQUENCIES = {"A": {"zh": "年度", "en": "annual"}, "Q": {"zh": "季度", "en": "quarterly"},
               "M": {"zh": "月度", "en": "monthly"}}
MEASURES = {"flow": {"zh": "流量", "en": "flow"}, "stock": {"zh": "存量", "en": "stock"},
            "rate": {"zh": "比率", "en": "rate"}, "index": {"zh": "指数", "en": "index"}}
PRICES = {"current": {"zh": "现价", "en": "current prices"},
          "comparable": {"zh": "按可比价格计算", "en": "at comparable prices (real)"}}
MONTHS = {"zh": tuple(f"{m}月" for m in range(1, 13)),
          "en": ("January", "February", "March", "April", "May", "June", "July", "August",
                 "September", "October", "November", "December")}
QUARTERS = {"zh": ("一季度", "二季度", "三季度", "四季度"),
            "en": ("first quarter", "second quarter", "third quarter", "fourth quarter")}


def lang_or_default(value: object) -> str:
    """The language asked for, or Chinese for anything unknown (a URL is user input)."""
    return value if isinstance(value, str) and value in LANGS else DEFAULT_LANG


def t(key: str, lang: str) -> str:
    return LABELS[key][lang]


def word(table: Mapping[str, Mapping[str, str]], key: str | None, lang: str) -> str:
    """A word from one of the small vocabularies, or the key itself if the vocabulary lacks it."""
    if key is None:
        return ""
    return table.get(key, {}).get(lang, key)


def other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


def period_label(code: str, lang: str, *, cumulative: bool = False) -> str:
    try:
        return period_from_code(code).label(lang, cumulative=cumulative)
    except PeriodError:
        return code


def format_instant(instant: datetime, lang: str) -> str:
    """A release instant in Beijing time, as the office announces it."""
    local = beijing(instant)
    if lang == "zh":
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}（北京时间）"
    return f"{local.day} {MONTHS['en'][local.month - 1]} {local.year}, {local:%H:%M} Beijing time"


def format_date(day: date, lang: str) -> str:
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {MONTHS['en'][day.month - 1]} {day.year}"


def href(path: str, lang: str, **query: object) -> str:
    """A link inside the site that keeps the language (Chinese, the default, is left implicit)."""
    params = {k: v for k, v in query.items() if v not in (None, "", [], ())}
    if lang != DEFAULT_LANG:
        params = {"lang": lang, **params}
    flat = {k: ",".join(v) if isinstance(v, list | tuple) else v for k, v in params.items()}
    return path + ("?" + urlencode(flat) if flat else "")
