"""The pre-release area on the site's Flask server: login, logout, the session's reader, the
figures as JSON and the briefing-pack download. `install(app)` is the one line in `create_app`.

Every check is on the server. The reader comes from the session cookie alone (HttpOnly,
SameSite=Strict, Secure over HTTPS); the gate decides what that reader may see now. A release
outside the reader's rights answers exactly as a release that does not exist (404), whether asked
by a page, a Dash callback POSTed directly, the JSON route or a guessed download URL. Every
pre-release view and export is logged before anything is handed out; if the log cannot be
written, nothing is.
"""

from __future__ import annotations

import shutil
import tempfile
from html import escape
from pathlib import Path

import dash
import pandas  # noqa: F401 - imported once here: plotly's JSON encoder imports it lazily in requests
from flask import (
    Blueprint,
    Response,
    after_this_request,
    g,
    jsonify,
    redirect,
    request,
    send_file,
)

from statpub.dashboards.filecache import FileCache
from statpub.dashboards.http import bounded_max_age
from statpub.dashboards.services import current_gate, current_reader, note_access, services
from statpub.features.press import pages
from statpub.features.press.pack.content import embargo_notice
from statpub.features.press.pages import INDEX_PATH, LOGIN_PATH
from statpub.features.press.service import accounts_for, deliver_pack
from statpub.kernel.errors import NotFound
from statpub.warehouse.gate import PUBLIC

COOKIE = "statpub_press"
ZIP_MIMETYPE = "application/zip"

blueprint = Blueprint("press", __name__)


# -- login and logout -----------------------------------------------------------------------------
def _same_origin() -> bool:
    """A form POST must come from this site (SameSite=Strict covers the cookie; this covers login)."""
    origin = request.headers.get("Origin")
    return origin is None or origin.rstrip("/") == request.host_url.rstrip("/")


def _login_page(message: str = "", status: int = 200, name: str = "") -> Response:
    error = f'<p role="alert" class="error">{escape(message)}</p>' if message else ""
    body = f"""<!doctype html><html lang="zh"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>预发布登录 · Pre-release login</title>
<style>body{{font-family:"Noto Sans CJK SC",sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}}
label{{display:block;margin-top:1rem}}input{{width:100%;padding:.5rem;font-size:1rem}}
button{{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem}}.error{{color:#b00020;font-weight:bold}}</style>
</head><body><main><h1>预发布区登录<br><small>Pre-release area: sign in</small></h1>
<p>仅限新闻发布会工作人员和审核人员；每次查看和下载都会记录。<br>
For press-conference staff and reviewers only; every view and download is logged.</p>{error}
<form method="post" action="{LOGIN_PATH}">
<label for="name">用户名 Account</label><input id="name" name="name" autocomplete="username" required value="{escape(name)}">
<label for="password">密码 Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">登录 Sign in</button></form>
<p><a href="/">返回首页 · Home</a></p></main></body></html>"""
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get(LOGIN_PATH)
def login_form():
    if current_reader().has_prerelease_rights:
        return redirect(INDEX_PATH, code=303)
    return _login_page()


@blueprint.post(LOGIN_PATH)
def login():
    if not _same_origin():
        return _login_page("请求来源不符 · The form was not sent from this site.", 403)
    svc = services()
    accounts = accounts_for(svc.settings)
    name = request.form.get("name", "").strip()[:64]
    password = request.form.get("password", "")[:1024]
    subjects = [f"user:{name.lower()}", f"ip:{request.remote_addr or 'unknown'}"]
    now = svc.clock.now()
    throttle = accounts.throttle(subjects, now)
    if not throttle.allowed:
        response = _login_page(f"尝试次数过多，请 {throttle.retry_after} 秒后再试 · Too many failed attempts: "
                               f"try again in {throttle.retry_after} s.", 429, name)
        response.headers["Retry-After"] = str(throttle.retry_after)
        return response
    account = accounts.authenticate(name, password)
    if account is None:
        accounts.record_failure(subjects, now)
        return _login_page("用户名或密码不正确 · Wrong account name or password.", 401, name)
    accounts.clear_failures(subjects[0])
    token, expires = accounts.open_session(account, now)
    response = redirect(INDEX_PATH, code=303)
    response.set_cookie(COOKIE, token, max_age=int((expires - now).total_seconds()), path="/",
                        httponly=True, samesite="Strict", secure=request.is_secure)
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.post("/prerelease/logout")
def logout():
    if not _same_origin():
        return _login_page("请求来源不符 · The form was not sent from this site.", 403)
    token = request.cookies.get(COOKIE)
    if token:
        accounts_for(services().settings).close_session(token)
    response = redirect("/", code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Strict", secure=request.is_secure)
    response.headers["Cache-Control"] = "no-store"
    return response


# -- figures and the pack -------------------------------------------------------------------------
@blueprint.get("/prerelease/<release_id>/figures.json")
def figures_json(release_id: str):
    """The release's figures for this reader (the same rows the pack carries)."""
    gate = current_gate()
    release = gate.calendar_entry(release_id)
    if release is None or not gate.can_see(release_id):
        raise NotFound(f"no release {release_id!r}")
    rows = gate.release_observations(release_id).to_pylist()
    note_access("figures")
    embargoed = not gate.is_public(release)
    return jsonify(release_id=release_id, embargoed=embargoed,
                   embargo_notice=embargo_notice(release)[0] if embargoed else None,
                   instant=release.instant.isoformat(),
                   observations=[{**r, "vintage": r["vintage"].isoformat()} for r in rows])


@blueprint.get("/packs/<release_id>.zip")
def pack_download(release_id: str):
    """The briefing pack: personal, embargoed and logged inside the reader's pre-release window;
    the public pack (built once per vintage) after the instant; 404 otherwise."""
    svc = services()
    gate = current_gate()
    release = gate.calendar_entry(release_id)
    if release is None or not gate.can_see(release_id):
        raise NotFound(f"no briefing pack for {release_id!r}")
    if gate.is_public(release):
        public = svc.gate()
        cache = FileCache(svc.settings.warehouse_dir / "cache" / "press-packs")
        key = FileCache.key("press-pack", 1, public.snapshot.name, release_id)

        def build(path: Path) -> None:
            with tempfile.TemporaryDirectory(prefix="statpub-pack-") as tmp:
                pack = deliver_pack(public, release_id, Path(tmp), svc.settings, channel="web",
                                    generated_for={"name": None, "role": "public"})
                shutil.copyfile(pack.path, path)

        cached = cache.get_or_build(key, ".zip", build)
        response = send_file(cached.path, mimetype=ZIP_MIMETYPE, as_attachment=True,
                             download_name=f"{release_id}-briefing-pack.zip", conditional=True, etag=cached.sha256)
        response.headers["Cache-Control"] = f"public, max-age={bounded_max_age()}"
        return response
    work = Path(tempfile.mkdtemp(prefix="statpub-pack-"))
    pack = deliver_pack(gate, release_id, work, svc.settings, channel="web",
                        generated_for={"name": gate.reader.name, "role": gate.reader.role, "via": "web"})

    @after_this_request
    def _cleanup(response: Response) -> Response:
        response.call_on_close(lambda: shutil.rmtree(work, ignore_errors=True))
        return response

    response = send_file(pack.path, mimetype=ZIP_MIMETYPE, as_attachment=True, download_name=pack.download_name,
                         conditional=False, etag=False)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-SHA256"] = pack.sha256
    return response


# -- wiring -----------------------------------------------------------------------------------------
def _no_store_for_prerelease_readers(response: Response) -> Response:
    """Nothing answered to a signed-in reader may be kept by any cache (the cookie is enough:
    checking it would cost a lookup on every public request)."""
    if COOKIE in request.cookies or g.get("press_reader", PUBLIC).has_prerelease_rights:
        response.headers["Cache-Control"] = "private, no-store"
    response.headers.add("Vary", "Cookie")
    return response


def install(app: dash.Dash) -> None:
    """Register the pre-release area on a Dash app built by `create_app` (one call)."""
    server = app.server
    # Without this, Dash renders every page layout once, for whoever sends the first request, and
    # embeds the result ("validation_layout") in the HTML shell served to everyone afterwards: a
    # pre-release reader arriving first would put embargoed figures in every visitor's page.
    app.config.suppress_callback_exceptions = True
    server.register_blueprint(blueprint)
    server.after_request(_no_store_for_prerelease_readers)
    pages.register()
