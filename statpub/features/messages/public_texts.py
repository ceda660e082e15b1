"""What the board gives the rest of the site: its FAQ for the site's search (only entries about a
subject the public gate shows now), and the applications tables of the yearly report on open
government information (第三、四部分), in the shape the `annual_report_sections` hook asks for."""

from __future__ import annotations

from statpub.features.messages import subjects
from statpub.features.messages.outcomes import APPLICANT_TYPES, OUTCOMES, REVIEW_RESULTS
from statpub.features.messages.report import yearly_report
from statpub.features.messages.service import Office
from statpub.kernel.errors import NotFound
from statpub.warehouse.gate import Gate


def faq_documents(office: Office, gate: Gate) -> list[dict]:
    docs = []
    for scope, _count in office.faq.scopes():
        try:
            subjects.resolve(gate, scope)
        except NotFound:
            continue  # about a release not public yet (or no longer a subject): not searchable
        kind, _, ident = scope.partition(":")
        for entry in office.faq.entries(scope):
            url = f"/faq/{kind}/{ident}#faq-{entry.id}"
            docs.append({"id": entry.id, "kind": "faq", "lang": "zh", "title": entry.question_zh,
                         "body": entry.answer_zh, "url": url, "published": None})
            if entry.question_en and entry.answer_en:
                docs.append({"id": entry.id, "kind": "faq", "lang": "en", "title": entry.question_en,
                             "body": entry.answer_en, "url": f"/faq/{kind}/{ident}?lang=en#faq-{entry.id}",
                             "published": None})
    return docs


def _bi(pair: tuple[str, str]) -> dict:
    return {"zh": pair[0], "en": pair[1]}


def _by_type(counts: dict) -> list[int]:
    return [counts[t] for t in APPLICANT_TYPES] + [counts["total"]]


def report_sections(office: Office, year: int) -> list[dict]:
    """Sections three (applications received and handled) and four (reconsideration, litigation)."""
    report = yearly_report(office.store, year)
    columns = [_bi(("项目", "Item")), *(_bi(v) for v in APPLICANT_TYPES.values()), _bi(("总计", "Total"))]
    rows = [[_bi(("一、本年新收政府信息公开申请数量", "New applications this year")), *_by_type(report["new"])],
            [_bi(("二、上年结转政府信息公开申请数量", "Carried over from last year")),
             *_by_type(report["carried_over_from_last_year"])]]
    for outcome, (zh, en, grounds) in OUTCOMES.items():
        found = report["outcomes"][outcome]
        if grounds:
            for ground, (gzh, gen) in grounds.items():
                rows.append([_bi((f"{zh}：{gzh}", f"{en}: {gen}")), *_by_type(found[ground])])
        else:
            rows.append([_bi((zh, en)), *_by_type(found)])
    rows += [[_bi(("三、本年度办理结果总计", "Handled this year, total")), *_by_type(report["finished"])],
             [_bi(("四、结转下年度继续办理", "Carried over to next year")),
              *_by_type(report["carried_over_to_next_year"])]]
    results = [_bi(v) for v in REVIEW_RESULTS.values()]
    review_rows = [[_bi(("行政复议", "Administrative reconsideration")),
                    *(report["reconsideration"][k] for k in REVIEW_RESULTS), sum(report["reconsideration"].values())],
                   [_bi(("行政诉讼", "Administrative litigation")),
                    *(report["litigation"][k] for k in REVIEW_RESULTS), sum(report["litigation"].values())]]
    return [
        {"number": 3, "title": _bi(("三、收到和处理政府信息公开申请情况",
                                    "3. Applications for government information received and handled")),
         "tables": [{"caption": _bi(("申请办理情况（件）", "Applications by applicant type (number)")),
                     "columns": columns, "rows": rows}]},
        {"number": 4, "title": _bi(("四、政府信息公开行政复议、行政诉讼情况",
                                    "4. Administrative reconsideration and litigation")),
         "tables": [{"caption": _bi(("行政复议和行政诉讼（件）", "Reconsideration and litigation (number)")),
                     "columns": [_bi(("项目", "Item")), *results, _bi(("总计", "Total"))], "rows": review_rows}]},
    ]
