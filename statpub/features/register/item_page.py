"""One register item's page: what every item shows (matter, dates, on time or late, files, the
record of its published versions) and what its kind adds (a document's metadata and its
interpretation, a survey project's validity and forms, a classification's codes and mappings, an
enforcement result's parties as the privacy rules of its kind allow)."""

from __future__ import annotations

from dash import dcc, html

from statpub.dashboards.i18n import format_date, format_instant, href
from statpub.features.register import shapes
from statpub.features.register.deadlines import timeliness
from statpub.features.register.htmltable import table
from statpub.features.register.words import bi, kind_name, w
from statpub.kernel.workdays import WorkCalendar
from statpub.warehouse.register_gate import PublicItem, RegisterView

ID_META = "register-item-meta"
ID_DETAIL = "register-item-detail"
ID_FILES = "register-item-files"


def _dl(pairs: list[tuple[str, object]], element_id: str | None = None) -> html.Dl:
    shown = [(k, v) for k, v in pairs if v not in (None, "", [])]
    return html.Dl([x for k, v in shown for x in (html.Dt(k), html.Dd(v))], className="meta",
                   **({"id": element_id} if element_id else {}))


def _day(value: str | None, lang: str) -> str | None:
    from datetime import date

    return format_date(date.fromisoformat(value), lang) if value else None


def _person(value: str | None, lang: str) -> str:
    return value if value else w("withheld", lang)


def common_meta(view: RegisterView, item: PublicItem, calendar: WorkCalendar, lang: str) -> html.Dl:
    matter = view.matter(item.matter_id)
    limit = view.time_limit(item.matter_id)
    when = timeliness(calendar, item.version, limit, item.published, view.now)
    version = item.version
    taken = f"{w(when.state, lang)} · {w('days_taken', lang)}：{when.working_days}" if lang == "zh" else \
        f"{w(when.state, lang)} · {w('days_taken', lang)}: {when.working_days}"
    return _dl([
        (w("matter", lang), matter.text("name", lang) if matter else item.matter_id),
        (w("domain", lang), matter.text("domain", lang) if matter else None),
        (w("level", lang), matter.text("level", lang) if matter else None),
        (w("basis", lang), matter.text("basis", lang) if matter else None),
        (w("department", lang), matter.text("department", lang) if matter else None),
        (w("time_limit", lang), w("working_days", lang, n=limit)),
        (w("created", lang), format_date(version.created, lang)),
        (w("changed", lang), format_date(version.changed, lang) if version.changed else None),
        (w("due", lang), format_date(when.due, lang) + (w("provisional", lang) if when.provisional else "")),
        (w("published", lang), html.Time(format_instant(item.published, lang), dateTime=item.published.isoformat())),
        (w("timeliness", lang), html.Span(taken, className=f"timeliness timeliness-{when.state}")),
    ], ID_META)


def _document(view: RegisterView, item: PublicItem, lang: str) -> list:
    d = item.data
    out = [_dl([(w("number", lang), d.get("number")), (w("issuer", lang), bi(d.get("issuer"), lang)),
                (w("issued", lang), _day(d.get("issued"), lang)), (w("effective", lang), _day(d.get("effective"), lang)),
                (w("expires", lang), _day(d.get("expires"), lang)), (w("repealed", lang), _day(d.get("repealed"), lang))])]
    partner = view.item(item.version.partner_id or "")
    if partner is not None:
        out.append(html.P([w("interpretation", lang), "：" if lang == "zh" else ": ",
                           dcc.Link(partner.title(lang), href=href(shapes.page_path(partner), lang))]))
    return out


def _interpretation(view: RegisterView, item: PublicItem, lang: str) -> list:
    out = [dcc.Markdown(bi(item.data.get("text"), lang), className="interpretation", id="register-interpretation")]
    document = view.item(item.data.get("interprets", ""))
    if document is not None:
        out.insert(0, html.P([w("interprets", lang), "：" if lang == "zh" else ": ",
                              dcc.Link(document.title(lang), href=href(shapes.page_path(document), lang))]))
    return out


def _scheme(view: RegisterView, item: PublicItem, lang: str) -> list:
    d = item.data
    state = "lapsed" if item.lapsed else "current"
    out = [_dl([(w("status", lang), html.Strong(w(state, lang), className=f"validity validity-{state}")),
                (w("organiser", lang), bi(d.get("organiser"), lang)), (w("approver", lang), bi(d.get("approver"), lang)),
                (w("approval_number", lang), d.get("approval_number")),
                (w("valid_until", lang), _day(d.get("valid_until"), lang)),
                (w("respondents", lang), bi(d.get("respondents"), lang))])]
    rows = [[f["number"], bi(f["name"], lang), bi(f.get("frequency"), lang)] for f in d.get("forms", [])]
    headers = [w("form_number", lang), w("form_name", lang), w("frequency", lang)]
    if item.lapsed:
        out += [html.P(w("forms_lapsed", lang), className="lapsed-note"), table(w("forms", lang), headers, rows)]
    else:
        out.append(table(w("forms_current", lang), headers, rows))
    return out


def _classification(view: RegisterView, item: PublicItem, lang: str) -> list:
    d = item.data
    codes = shapes.code_rows(item)
    out = [_dl([(w("scheme", lang), d.get("scheme")), (w("version", lang), d.get("version")),
                (w("effective", lang), _day(d.get("effective"), lang))]),
           html.P([html.A("CSV", href=f"{shapes.API}/items/{item.id}/codes?format=csv"), " · ",
                   html.A("JSON", href=f"{shapes.API}/items/{item.id}/codes")])]
    targets = [m["to"] for m in d.get("mappings", [])]
    headers = [w("code", lang), w("name", lang), w("parent", lang),
               *(f"{w('mapped_to', lang)} {t}" for t in targets)]
    rows = [[c["code"], c["name_en"] if lang == "en" else c["name_zh"], c["parent"] or "",
             *("、".join(c["maps_to"].get(t, [])) for t in targets)] for c in codes]
    out.append(table(w("codes", lang), headers, rows))
    for target in targets:
        other = view.item(target)
        if other is not None:
            out.append(html.P([w("mappings", lang), "：" if lang == "zh" else ": ",
                               dcc.Link(other.title(lang), href=href(shapes.page_path(other), lang))]))
    return out


def _party(party: dict, lang: str) -> list[tuple[str, object]]:
    return [(w("party", lang), _person(party.get("name"), lang)), (w("credit_code", lang), party.get("credit_code")),
            (w("legal_representative", lang), party.get("legal_representative"))]


def _enforcement(view: RegisterView, item: PublicItem, lang: str) -> list:
    d = item.data
    if item.kind == "inspection":
        rows = [[_person(u.get("name"), lang), u.get("credit_code") or "", bi(u.get("result"), lang)]
                for u in d.get("units", [])]
        return [_dl([(w("plan", lang), bi(d.get("plan"), lang)), (w("inspected_on", lang), _day(d.get("inspected_on"), lang)),
                     (w("inspectors", lang), "、".join(d.get("inspectors", [])) or w("withheld", lang))]),
                table(w("units", lang), [w("party", lang), w("credit_code", lang), w("result", lang)], rows)]
    if item.kind == "penalty":
        fine = d.get("fine_yuan")
        return [_dl([(w("decision_number", lang), d.get("decision_number")),
                     (w("decided_on", lang), _day(d.get("decided_on"), lang)), *_party(d.get("party", {}), lang),
                     (w("violation", lang), bi(d.get("violation"), lang)), (w("item_basis", lang), bi(d.get("basis"), lang)),
                     (w("penalty", lang), bi(d.get("penalty"), lang)),
                     (w("fine", lang), f"{fine:,.2f}" if fine is not None else None),
                     (w("authority", lang), bi(d.get("authority"), lang))])]
    return [_dl([*_party(d.get("party", {}), lang), (w("listed_on", lang), _day(d.get("listed_on"), lang)),
                 (w("reason", lang), bi(d.get("reason"), lang)), (w("item_basis", lang), bi(d.get("basis"), lang))])]


def _budget(view: RegisterView, item: PublicItem, lang: str) -> list:
    d = item.data
    return [_dl([(w("year", lang), str(d.get("year"))), (w("budget_type", lang), w(d.get("type", "budget"), lang)),
                 (w("department", lang), bi(d.get("department"), lang))])]


def _annual(view: RegisterView, item: PublicItem, lang: str) -> list:
    year = item.data.get("year")
    return [html.P(dcc.Link(f"{w('annual_report', lang)} {year}", href=href(f"/report/annual/{year}", lang)))]


DETAIL = {"document": _document, "interpretation": _interpretation, "survey": _scheme, "report-system": _scheme,
          "classification": _classification, "inspection": _enforcement, "penalty": _enforcement,
          "dishonest-entity": _enforcement, "budget": _budget, "annual-report": _annual}


def item_children(view: RegisterView, item: PublicItem, calendar: WorkCalendar, lang: str) -> list:
    children = [html.P(dcc.Link(f"{w('register', lang)} › {kind_name(item.kind, lang)}",
                                href=href(shapes.REGISTER_PAGE, lang) + f"#kind-{item.kind}")),
                html.H1(item.title(lang))]
    if item.data.get("summary"):
        children.append(html.P(bi(item.data["summary"], lang), className="summary"))
    children.append(html.Section(DETAIL[item.kind](view, item, lang), id=ID_DETAIL))
    if item.files:
        children.append(html.Section([html.H2(w("files", lang)), html.Ul([
            html.Li(html.A(f"{f.name}（{f.size:,} B）" if lang == "zh" else f"{f.name} ({f.size:,} B)",
                           href=shapes.file_path(item, f.name))) for f in item.files])], id=ID_FILES))
    children.append(html.Section([html.H2(w("history", lang)), common_meta(view, item, calendar, lang),
                                  html.Ul([html.Li(f"{w('version_published', lang)} "
                                                   f"{format_instant(since, lang)}") for _h, since in item.versions])]))
    return children
