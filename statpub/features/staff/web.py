"""The staff area on the site's Flask server: `/staff/login` for every role, `/staff/logout`, and the
staff home `/staff` linking to what each feature offers the signed-in role (`staff_links` hook).
`/prerelease/login` and `/prerelease/logout` still work: they redirect here.

Every check is on the server. Forms carry an anti-forgery token (statpub.dashboards.csrf) and must
come from this site's origin. The session cookie is HttpOnly, SameSite=Strict, Secure over HTTPS;
a second, long-lived cookie marks the browser as a known device of the account (path /staff only).
Nothing answered to a request carrying a session cookie is cacheable.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

import dash
from flask import Blueprint, Response, redirect, request

from statpub.dashboards import csrf
from statpub.dashboards.services import current_reader, services
from statpub.features.staff.roles import ROLES
from statpub.features.staff.service import accounts_for, alerts_for, throttle_for
from statpub.features.staff.throttle import subjects_for
from statpub.kernel.errors import Forbidden

COOKIE = "statpub_staff"
DEVICE_COOKIE = "statpub_device"
HOME_PATH = "/staff"
LOGIN_PATH = "/staff/login"
LOGOUT_PATH = "/staff/logout"
MAX_NEXT = 512

blueprint = Blueprint("staff", __name__)
_STYLE = ('body{font-family:"Noto Sans CJK SC",sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem}'
          "label{display:block;margin-top:1rem}input{width:100%;padding:.5rem;font-size:1rem}"
          "button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem}.error{color:#b00020;font-weight:bold}")


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this site only (never another host)."""
    if (not value or not value.startswith("/") or value.startswith("//") or "\\" in value
            or len(value) > MAX_NEXT or any(ord(c) < 33 for c in value)):
        return HOME_PATH
    return value


def html_page(title: str, body: str, status: int = 200) -> Response:
    page = (f'<!doctype html><html lang="zh"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
            f"<style>{_STYLE}</style></head><body><main>{body}"
            f'<p><a href="/">返回首页 · Home</a></p></main></body></html>')
    response = Response(page, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def login_page(message: str = "", status: int = 200, name: str = "", next_path: str = HOME_PATH) -> Response:
    error = f'<p role="alert" class="error">{escape(message)}</p>' if message else ""
    body = f"""<h1>工作人员登录<br><small>Staff: sign in</small></h1>
<p>仅限统计局工作人员及获授权的新闻发布会人员；每次登录和查看都会记录。<br>
For the office's staff and authorised press-conference staff only; sign-ins and views are logged.</p>{error}
<form method="post" action="{LOGIN_PATH}">{csrf.hidden_field("login")}
<input type="hidden" name="next" value="{escape(next_path)}">
<label for="name">用户名 Account</label><input id="name" name="name" autocomplete="username" required value="{escape(name)}">
<label for="password">密码 Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">登录 Sign in</button></form>"""
    return html_page("工作人员登录 · Staff sign-in", body, status)


def logout_form() -> str:
    return (f'<form method="post" action="{LOGOUT_PATH}">{csrf.hidden_field("logout")}'
            '<button type="submit">退出登录 Sign out</button></form>')


def _same_origin() -> bool:
    """A form POST must come from this site (a second check beside the token)."""
    origin = request.headers.get("Origin")
    return origin is None or origin.rstrip("/") == request.host_url.rstrip("/")


def _check_form(purpose: str) -> None:
    if not _same_origin():
        raise Forbidden("the form was not sent from this site · 请求来源不符")
    csrf.check(purpose)


@blueprint.get(LOGIN_PATH)
def login_form():
    next_path = safe_next(request.args.get("next"))
    if current_reader().name:
        return redirect(next_path, code=303)
    return login_page(next_path=next_path)


@blueprint.post(LOGIN_PATH)
def login():
    next_path = safe_next(request.form.get("next") or request.args.get("next"))
    name = request.form.get("name", "").strip()[:64]
    try:
        _check_form("login")
    except Forbidden as refused:
        return login_page(refused.message, 403, name, next_path)
    svc = services()
    accounts, throttle, now = accounts_for(svc.settings), throttle_for(svc.settings), svc.clock.now()
    device = accounts.known_device(request.cookies.get(DEVICE_COOKIE), name, now)
    decision = throttle.begin(subjects_for(name, request.remote_addr, device), now)  # counted before hashing
    if not decision.allowed:
        response = login_page(f"尝试次数过多，请 {decision.retry_after} 秒后再试；若这是您的账户，请在曾登录过的设备上登录，"
                              f"或请管理人员重置 · Too many failed attempts: try again in {decision.retry_after} s, "
                              "sign in from a device you used before, or ask the office to reset the account.",
                              429, name, next_path)
        response.headers["Retry-After"] = str(decision.retry_after)
        return response
    account = accounts.verify(name, request.form.get("password", "")[:1024])
    if account is None:
        for lock in throttle.failed(decision, svc.clock.now()):
            alerts_for(svc.settings).send(
                "login-lock", lock.subject, f"{lock.subject} is locked after {lock.failures} failed sign-ins "
                f"(last from {request.remote_addr or 'unknown'}).", now)
        return login_page("用户名或密码不正确 · Wrong account name or password.", 401, name, next_path)
    throttle.succeeded(decision)
    return _signed_in(accounts, account, now, next_path)


def _signed_in(accounts, account, now, next_path: str) -> Response:
    token, expires = accounts.open_session(account, now)
    device, device_expires = accounts.remember_device(account, now)
    response = redirect(next_path, code=303)
    secure = request.is_secure
    response.set_cookie(COOKIE, token, max_age=int((expires - now).total_seconds()), path="/",
                        httponly=True, samesite="Strict", secure=secure)
    response.set_cookie(DEVICE_COOKIE, device, max_age=int((device_expires - now).total_seconds()),
                        path=HOME_PATH, httponly=True, samesite="Strict", secure=secure)
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.post(LOGOUT_PATH)
def logout():
    try:
        _check_form("logout")
    except Forbidden as refused:
        return html_page("退出登录 · Sign out", f'<p role="alert" class="error">{escape(refused.message)}</p>'
                         + (logout_form() if current_reader().name else ""), 403)
    token = request.cookies.get(COOKIE)
    if token:
        accounts_for(services().settings).close_session(token)
    response = redirect("/", code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Strict", secure=request.is_secure)
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get(HOME_PATH)
def home():
    reader = current_reader()
    if not reader.name:
        return redirect(f"{LOGIN_PATH}?{urlencode({'next': HOME_PATH})}", code=303)
    role = ROLES.get(reader.role)
    links = [link for found in services().hooks.staff_links(reader=reader) for link in found]
    items = "".join(f'<li><a href="{escape(href)}">{escape(zh)} · {escape(en)}</a></li>' for href, zh, en in links)
    body = (f"<h1>工作人员 · Staff</h1><p>{escape(reader.display_name or reader.name)}"
            f"（{escape(reader.organisation or '')}）— {escape(role.label('zh') if role else reader.role)} · "
            f"{escape(role.label('en') if role else reader.role)}</p>"
            + (f"<ul>{items}</ul>" if items else "<p>您的角色暂无可用的工作页面 · Nothing to do for your role yet.</p>")
            + logout_form())
    return html_page("工作人员 · Staff", body)


@blueprint.route("/prerelease/login", methods=["GET", "POST"])
def old_login():
    """The pre-release area's former sign-in: the staff sign-in, coming back to the area."""
    return redirect(f"{LOGIN_PATH}?{urlencode({'next': '/prerelease'})}", code=303 if request.method == "GET" else 308)


@blueprint.post("/prerelease/logout")
def old_logout():
    return redirect(LOGOUT_PATH, code=308)


def _private_for_signed_in(response: Response) -> Response:
    """Nothing answered to a signed-in reader may be kept by any cache (the cookie is enough:
    checking the session would cost a lookup on every public request)."""
    if COOKIE in request.cookies:
        response.headers["Cache-Control"] = "private, no-store"
    response.headers.add("Vary", "Cookie")
    return response


def install(app: dash.Dash) -> None:
    """Register the staff area on a Dash app built by `create_app` (one call, from the plugin)."""
    app.server.register_blueprint(blueprint)
    app.server.after_request(_private_for_signed_in)
