"""`/staff/register` (and `?format=json`): the office's view of the register's deadlines — items
overdue, due (not yet public, with their due date in working days and what holds them back: an
approval, 三同步), survey projects and report systems lapsing soon or lapsed. Only for signed-in
staff (reviewers and responders, `current_reader()`); never cacheable. The same rows as
`statpub register --due`."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, redirect, request

from statpub.dashboards.services import current_reader, services
from statpub.features.register.deadlines import StaffRow, due_report, staff_rows
from statpub.features.register.words import bi, kind_name, w
from statpub.kernel.errors import StatpubError, UserError
from statpub.kernel.workdays import work_calendar
from statpub.warehouse.register_gate import STAFF_ROLES

blueprint = Blueprint("register_staff", __name__)
PATH = "/staff/register"
LOGIN_PATH = "/staff/login"  # the site's one sign-in for every role (the staff feature)
VIEWS = ("overdue", "due", "lapsing", "lapsed")


class StaffOnly(StatpubError):
    status = 403
    title = "Staff only"


def report_for_reader() -> dict[str, list[StaffRow]]:
    reader = current_reader()
    if reader.role not in STAFF_ROLES or not reader.name:
        raise StaffOnly(f"staff only: sign in at {LOGIN_PATH} as a reviewer or responder")
    svc = services()
    gate = svc.gate(reader)
    state = gate.register.staff_state()
    return due_report(staff_rows(state, work_calendar(svc.settings.root), gate.now, gate.register.time_limit))


def _rows_html(rows: list[StaffRow], lang: str) -> str:
    if not rows:
        return "<p>—</p>"
    head = "".join(f'<th scope="col">{escape(w(k, lang))}</th>' for k in
                   ("title", "items", "changed", "due", "status", "valid_until"))
    body = []
    for row in rows:
        v, when = row.version, row.timeliness
        due = when.due.isoformat() + (escape(w("provisional", lang)) if when.provisional else "")
        state = escape(w(when.state, lang)) + (f"<br><small>{escape(row.why)}</small>" if row.why else "")
        body.append(f'<tr><th scope="row">{escape(v.title(lang))}<br><code>{escape(v.item_id)}</code></th>'
                    f"<td>{escape(kind_name(v.kind, lang))}</td><td>{when.counts_from.isoformat()}</td>"
                    f"<td>{due}</td><td>{state}</td><td>{escape(v.data.get('valid_until') or '—')}</td></tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


@blueprint.get(PATH)
def staff_register() -> Response:
    unknown = sorted(set(request.args) - {"lang", "format"})
    if unknown:
        raise UserError(f"{unknown[0]}: unknown parameter")
    if not current_reader().name and request.args.get("format") != "json":
        # Nobody signed in: the sign-in page, coming back here (a signed-in press account is refused).
        return redirect(f"{LOGIN_PATH}?{urlencode({'next': PATH})}", code=303)
    report = report_for_reader()
    lang = "en" if request.args.get("lang") == "en" else "zh"
    if request.args.get("format") == "json":
        response = jsonify({view: [r.to_dict() for r in report[view]] for view in VIEWS})
    else:
        titles = {"overdue": bi({"zh": "已逾期未公开", "en": "Overdue"}, lang),
                  "due": bi({"zh": "待公开", "en": "Due"}, lang),
                  "lapsing": bi({"zh": "即将到期", "en": "Lapsing soon"}, lang),
                  "lapsed": bi({"zh": "已失效", "en": "Lapsed"}, lang)}
        sections = "".join(f'<section><h2>{escape(titles[v])}（{len(report[v])}）</h2>{_rows_html(report[v], lang)}'
                           "</section>" for v in VIEWS)
        html = (f'<!doctype html><html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
                f"<title>{escape(w('staff_register', lang))}</title><style>table{{border-collapse:collapse}}"
                "th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left}</style></head><body><main>"
                f"<h1>{escape(w('staff_register', lang))}</h1>{sections}</main></body></html>")
        response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers.add("Vary", "Cookie")
    return response
