"""`/report/annual/<year>`: the yearly report on open government information as a page, once the
report itself (an `annual-report` item of the register) has been approved and passed the gate;
before that, "not found" like anything unpublished. Its tables are computed from the records."""

from __future__ import annotations

import dash
from dash import dcc, html

from statpub.dashboards.components.shell import page
from statpub.dashboards.i18n import href, lang_or_default
from statpub.dashboards.services import current_gate, services
from statpub.features.register.htmltable import table
from statpub.features.register.report.build import annual_report
from statpub.features.register.words import bi, w

PATH_TEMPLATE = "/report/annual/<year>"
ID_REPORT = "annual-report"


def _cell(value: object, lang: str) -> object:
    if isinstance(value, dict):
        return bi(value, lang)
    return f"{value:,}" if isinstance(value, int) else value


def layout(year: str = "", lang: object = None, **_query: object) -> html.Div:
    lang = lang_or_default(lang)
    path = f"/report/annual/{year}"
    gate = current_gate()
    report = None
    if isinstance(year, str) and year.isdigit() and len(year) == 4:
        svc = services()
        report = annual_report(svc.settings, gate.snapshot, int(year), gate.now, svc.hooks, public_only=True)
    if report is None:
        return page(lang, path, [html.Div([html.H1(w("not_found", lang)), html.P(w("item_not_found", lang)),
                                           dcc.Link(w("register", lang), href=href("/register", lang))],
                                          **{"data-status-code": "404"})])
    children = [html.H1(bi(report.title, lang))]
    for section in report.sections:
        block = [html.H2(bi(section["title"], lang))]
        if section.get("text"):
            block += [html.P(part) for part in bi(section["text"], lang).split("\n") if part.strip()]
        for found in section.get("tables", []):
            rows = [[_cell(v, lang) for v in row] for row in found["rows"]]
            block.append(table(bi(found["caption"], lang), [bi(c, lang) for c in found["columns"]], rows))
        children.append(html.Section(block, id=f"report-section-{section['number']}"))
    return page(lang, path, [html.Div(children, id=ID_REPORT)], active="/register")


def register_page() -> None:
    dash.register_page("register.annual_report", path_template=PATH_TEMPLATE, layout=layout,
                       title="政府信息公开工作年度报告 · Annual report")
