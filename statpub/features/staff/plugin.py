"""How staff accounts plug into the site (`statpub.dashboards.hooks`): who is asking (the session
cookie), which cookies make an answer private, and the signed-in bar above every page."""

from __future__ import annotations

from dash import dcc, html

from statpub.dashboards import csrf
from statpub.dashboards.hooks import hookimpl
from statpub.features.staff import web
from statpub.features.staff.roles import ROLES
from statpub.features.staff.service import accounts_for

BAR_ID = "staff-bar"


@hookimpl
def install_site(app):
    web.install(app)


@hookimpl
def reader_from_request(request, services):
    token = request.cookies.get(web.COOKIE)
    if not token:
        return None
    account = accounts_for(services.settings).session_account(token, services.clock.now())
    return account.reader() if account is not None else None


@hookimpl
def session_cookies():
    return [web.COOKIE]


@hookimpl
def page_banners(gate, lang):
    """Who is signed in, a way to the staff home and out, on every page a staff member sees."""
    reader = gate.reader
    if not reader.name:
        return []
    role = ROLES.get(reader.role)
    who = f"{reader.display_name or reader.name}（{role.label(lang) if role else reader.role}）"
    return [html.Div([
        html.Span(("已登录：" if lang == "zh" else "Signed in: ") + who),
        html.A("工作人员 · Staff", href=web.HOME_PATH, style={"margin": "0 1rem"}),
        html.Form([dcc.Input(type="hidden", name=csrf.FIELD, value=csrf.token("logout")),
                   html.Button("退出登录 Sign out", type="submit")],
                  method="post", action=web.LOGOUT_PATH, style={"display": "inline"}),
    ], id=BAR_ID, className="staff-bar")]
