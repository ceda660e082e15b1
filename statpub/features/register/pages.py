"""The register's pages on the site: `/register` — the catalogue of proactive disclosure (matters by
domain and level, with legal basis, department and time limit), every public item by kind with its
dates and whether it went out on time, and the dataset catalogue — and `/register/<kind>/<id>`,
one item. Everything comes from `gate.register` at the request's instant (privacy rules applied);
an item not public is "not found", exactly like one that does not exist."""

from __future__ import annotations

import dash
from dash import dcc, html

from statpub.dashboards.components.shell import page
from statpub.dashboards.i18n import format_date, href, lang_or_default
from statpub.dashboards.pages.catalogue import series_sections
from statpub.dashboards.services import current_gate, services
from statpub.features.register import item_page, shapes
from statpub.features.register.deadlines import timeliness
from statpub.features.register.htmltable import table
from statpub.features.register.words import kind_name, w
from statpub.kernel.clock import beijing
from statpub.kernel.register_models import KINDS
from statpub.kernel.workdays import WorkCalendar, work_calendar
from statpub.warehouse.register_gate import PublicItem, RegisterView

PATH = "/register"
ITEM_TEMPLATE = "/register/<kind>/<item_id>"
ID_MATTERS = "register-matters"
ID_DATASETS = "register-datasets"
ID_KINDS = "register-kinds"


def timeliness_cell(state: str, days: int | None, lang: str) -> html.Span:
    label = w(state, lang) + (f"（{days}）" if lang == "zh" and days is not None else
                              f" ({days})" if days is not None else "")
    return html.Span(label, className=f"timeliness timeliness-{state}")


def matters_table(view: RegisterView, lang: str) -> html.Div:
    counts: dict[str, int] = {}
    for item in view.items():
        counts[item.matter_id] = counts.get(item.matter_id, 0) + 1
    rows = [[m.text("name", lang), m.text("domain", lang), m.text("level", lang), m.text("basis", lang),
             m.text("department", lang), w("working_days", lang, n=m.time_limit),
             html.A(str(counts.get(m.id, 0)), href=href(PATH, lang) + f"#kind-{m.kind}") if counts.get(m.id)
             else "0"] for m in view.matters()]
    headers = [w(k, lang) for k in ("matter", "domain", "level", "basis", "department", "time_limit", "items")]
    return table(w("matters", lang), headers, rows, ID_MATTERS)


def _extra(item: PublicItem, lang: str) -> str | html.Span:
    data = item.data
    if item.lapsed is not None:
        state = "lapsed" if item.lapsed else "current"
        return html.Span(f"{w(state, lang)} · {w('valid_until', lang)} {data.get('valid_until')}",
                         className=f"validity validity-{state}")
    for key in ("number", "decision_number", "version", "approval_number"):
        if data.get(key):
            return str(data[key])
    if data.get("year"):
        return str(data["year"])
    return ""


def kind_section(view: RegisterView, kind: str, calendar: WorkCalendar, lang: str) -> html.Section | None:
    items = view.items(kind)
    if not items:
        return None
    rows = []
    for item in items:
        when = timeliness(calendar, item.version, view.time_limit(item.matter_id), item.published, view.now)
        version = item.version
        rows.append([dcc.Link(item.title(lang), href=href(shapes.page_path(item), lang)), _extra(item, lang),
                     format_date(version.created, lang), format_date(version.changed, lang) if version.changed else "—",
                     format_date(beijing(item.published).date(), lang),
                     timeliness_cell(when.state, when.working_days, lang)])
    headers = [w(k, lang) for k in ("title", "status" if kind in ("survey", "report-system") else "number",
                                    "created", "changed", "published", "timeliness")]
    return html.Section([html.H2(kind_name(kind, lang), id=f"kind-{kind}"),
                         table(kind_name(kind, lang), headers, rows)])


def layout(lang: object = None, kind: object = None, **_query: object) -> html.Div:
    lang = lang_or_default(lang)
    gate = current_gate()
    view = gate.register
    calendar = work_calendar(services().settings.root)
    chosen = kind if isinstance(kind, str) and kind in KINDS else None
    present = [k for k in KINDS if view.items(k)]
    # The kinds as a table of contents of the whole register (one page: links never multiply its
    # address); `?kind=` still narrows it to one kind for a shared link.
    links = [html.Li(html.A(f"{kind_name(k, lang)}（{len(view.items(k))}）" if lang == "zh" else
                            f"{kind_name(k, lang)} ({len(view.items(k))})", href=href(PATH, lang) + f"#kind-{k}"))
             for k in present]
    sections = [kind_section(view, k, calendar, lang) for k in ([chosen] if chosen else present)]
    children = [html.H1(w("register", lang)), html.P(w("register_intro", lang)),
                html.Nav(html.Ul(links, className="kind-list"), id=ID_KINDS, **{"aria-label": w("items", lang)}),
                html.Section([html.H2(w("matters", lang)), matters_table(view, lang)]),
                *(s for s in sections if s is not None)]
    if chosen is None:
        children.append(html.Section([html.H2(w("datasets", lang)), html.P(w("datasets_intro", lang)),
                                      *series_sections(gate, lang, heading="H3")], id=ID_DATASETS))
    return page(lang, PATH, children, query={"kind": chosen}, active=PATH)


def item_layout(kind: str = "", item_id: str = "", lang: object = None, **_query: object) -> html.Div:
    lang = lang_or_default(lang)
    view = current_gate().register
    found = view.item(item_id) if isinstance(item_id, str) else None
    path = f"/register/{kind}/{item_id}"
    if found is None or found.kind != kind:
        return page(lang, path, [html.Div([html.H1(w("not_found", lang)), html.P(w("item_not_found", lang)),
                                           dcc.Link(w("register", lang), href=href(PATH, lang))],
                                          **{"data-status-code": "404"})])
    calendar = work_calendar(services().settings.root)
    return page(lang, path, item_page.item_children(view, found, calendar, lang), active=PATH)


def register_pages() -> None:
    dash.register_page("register.index", path=PATH, layout=layout, title="主动公开目录 · Disclosure register")
    dash.register_page("register.item", path_template=ITEM_TEMPLATE, layout=item_layout,
                       title="主动公开目录 · Disclosure register")
