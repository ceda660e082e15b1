"""The yearly report's content (政府信息公开工作年度报告), in its usual sections:

一、总体情况 overview (staff's text) · 二、主动公开政府信息情况 proactive disclosure (tables from the
register: per matter, items made, changed, published, on time, late, in force at the year's end;
enforcement counts) · 三、收到和处理政府信息公开申请情况 and 四、行政复议、行政诉讼 (from the features'
records, through the `annual_report_sections` hook) · 五、存在的主要问题及改进情况 and 六、其他需要报告的事项
(staff's text). Counts only: nothing personal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from statpub.features.register.deadlines import timeliness
from statpub.kernel.clock import beijing
from statpub.kernel.workdays import WorkCalendar
from statpub.warehouse.register_state import (
    ItemVersion,
    RegisterState,
    lapse_instant,
    midnight_after,
)

TEXT_SECTIONS = {1: ("overview", "一、总体情况", "1. Overview"),
                 5: ("problems", "五、存在的主要问题及改进情况", "5. Problems and improvements"),
                 6: ("other", "六、其他需要报告的事项", "6. Other matters")}
IN_FORCE_KINDS = ("document", "survey", "report-system", "classification")


def _bi(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


@dataclass
class Report:
    year: int
    public: bool  # the report itself is public (its annual-report item passed the gate)
    title: dict
    sections: list[dict] = field(default_factory=list)  # {number, title, text?, tables}


def _in_year(day: date | None, year: int) -> bool:
    return day is not None and day.year == year


def in_force_at(state: RegisterState, version: ItemVersion, instant: datetime) -> bool:
    """Public at `instant` and still in force then (not lapsed, repealed or expired)."""
    since = state.since.get(version.key)
    if since is None or since > instant:
        return False
    lapses = lapse_instant(version)
    if lapses is not None and lapses <= instant:
        return False
    day = beijing(instant).date()
    for key in ("repealed", "expires"):
        value = version.data.get(key)
        if value and date.fromisoformat(value) < day:
            return False
    return True


def proactive_counts(state: RegisterState, calendar: WorkCalendar, year: int, now: datetime) -> list[dict]:
    """Per matter: made, changed, published, on time, late in `year`, and in force at its end."""
    year_end = min(midnight_after(date(year, 12, 31)) - timedelta(seconds=1), now)
    out = []
    for matter in state.matters:
        versions = [v for v in state.versions if v.matter_id == matter.id]
        made = {v.item_id for v in versions if _in_year(v.created, year)}
        changed = {(v.item_id, v.changed) for v in versions if _in_year(v.changed, year)}
        published, on_time = [], 0
        for v in versions:
            since = state.since.get(v.key)
            if since is not None and since <= now and beijing(since).year == year:
                published.append(v)
                on_time += timeliness(calendar, v, matter.time_limit, since, now).state == "on-time"
        in_force = None
        if matter.kind in IN_FORCE_KINDS:
            newest: dict[str, ItemVersion] = {}
            for v in versions:
                since = state.since.get(v.key)
                if since is not None and since <= year_end and (
                        v.item_id not in newest or since > state.since[newest[v.item_id].key]):
                    newest[v.item_id] = v
            in_force = sum(in_force_at(state, v, year_end) for v in newest.values())
        out.append({"matter": matter.id, "name": matter.data["name"], "made": len(made), "changed": len(changed),
                    "published": len(published), "on_time": on_time, "late": len(published) - on_time,
                    "in_force": in_force})
    return out


def enforcement_counts(state: RegisterState, year: int) -> dict:
    current = [v for v in state.versions if v.current]
    penalties = [v for v in current if v.kind == "penalty" and v.data.get("decided_on", "")[:4] == str(year)]
    inspections = [v for v in current if v.kind == "inspection" and v.data.get("inspected_on", "")[:4] == str(year)]
    listed = [v for v in current if v.kind == "dishonest-entity" and v.data.get("listed_on", "")[:4] == str(year)]
    return {"penalties": len(penalties), "fines_yuan": sum(v.data.get("fine_yuan") or 0 for v in penalties),
            "inspections": len(inspections), "units_inspected": sum(len(v.data.get("units", [])) for v in inspections),
            "dishonest_listed": len(listed)}


def proactive_section(state: RegisterState, calendar: WorkCalendar, year: int, now: datetime) -> dict:
    counts = proactive_counts(state, calendar, year, now)
    columns = [_bi("事项", "Matter"), _bi("本年新制作", "Made"), _bi("本年变更", "Changed"), _bi("本年公开", "Published"),
               _bi("其中按时公开", "On time"), _bi("逾期公开", "Late"), _bi("年末现行有效", "In force at year end")]
    rows = [[c["name"], c["made"], c["changed"], c["published"], c["on_time"], c["late"],
             "—" if c["in_force"] is None else c["in_force"]] for c in counts]
    rows.append([_bi("合计", "Total"), *(sum(c[k] for c in counts) for k in ("made", "changed", "published", "on_time",
                                                                           "late")),
                 sum(c["in_force"] or 0 for c in counts)])
    enforcement = enforcement_counts(state, year)
    enforcement_rows = [[_bi("行政处罚决定（件）", "Penalty decisions"), enforcement["penalties"]],
                        [_bi("罚款金额（万元）", "Fines (10,000 yuan)"), round(enforcement["fines_yuan"] / 10000, 2)],
                        [_bi("“双随机、一公开”抽查（批次）", "Random inspection batches"), enforcement["inspections"]],
                        [_bi("抽查对象（家）", "Units inspected"), enforcement["units_inspected"]],
                        [_bi("列入统计严重失信企业（家）", "Entities listed as seriously dishonest"),
                         enforcement["dishonest_listed"]]]
    return {"number": 2, "title": _bi("二、主动公开政府信息情况", "2. Proactive disclosure"), "tables": [
        {"caption": _bi("主动公开事项（件）", "Proactive disclosure by matter (number of items)"), "columns": columns,
         "rows": rows},
        {"caption": _bi("统计执法", "Statistical enforcement"), "columns": [_bi("项目", "Item"), _bi("本年", "This year")],
         "rows": enforcement_rows}]}


def build_report(state: RegisterState, calendar: WorkCalendar, year: int, now: datetime,
                 texts: dict | None, public: bool, feature_sections: list[dict]) -> Report:
    """The whole report: staff's texts (None: not written yet), tables from the records."""
    report = Report(year, public, _bi(f"{year}年政府信息公开工作年度报告",
                                      f"Annual report on open government information, {year}"))
    pending = _bi("（待撰写）", "(to be written)")
    by_number = {s["number"]: s for s in [proactive_section(state, calendar, year, now), *feature_sections]}
    for number in range(1, 7):
        if number in TEXT_SECTIONS:
            key, zh, en = TEXT_SECTIONS[number]
            report.sections.append({"number": number, "title": _bi(zh, en),
                                    "text": (texts or {}).get(key) or pending, "tables": []})
        elif number in by_number:
            report.sections.append(by_number[number])
    return report
