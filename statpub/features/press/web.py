"""The pre-release area on the site's Flask server: the figures as JSON and the briefing-pack
download (sign-in is the staff area's, `/staff/login`). `install(app)` is called by the plugin.

Every check is on the server. The reader is whoever the site says is asking (`current_reader()`,
from the staff session); the gate decides what that reader may see now. A release
outside the reader's rights answers exactly as a release that does not exist (404), whether asked
by a page, a Dash callback POSTed directly, the JSON route or a guessed download URL. Every
pre-release view and export is logged before anything is handed out; if the log cannot be
written, nothing is.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import dash
import pandas  # noqa: F401 - imported once here: plotly's JSON encoder imports it lazily in requests
from flask import Blueprint, Response, after_this_request, jsonify, send_file

from statpub.dashboards.filecache import FileCache
from statpub.dashboards.http import bounded_max_age
from statpub.dashboards.services import current_gate, note_access, services
from statpub.features.press import pages
from statpub.features.press.pack.content import embargo_notice
from statpub.features.press.service import deliver_pack
from statpub.kernel.errors import NotFound

ZIP_MIMETYPE = "application/zip"

blueprint = Blueprint("press", __name__)


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
def install(app: dash.Dash) -> None:
    """Register the pre-release area on a Dash app built by `create_app` (one call)."""
    server = app.server
    # Without this, Dash renders every page layout once, for whoever sends the first request, and
    # embeds the result ("validation_layout") in the HTML shell served to everyone afterwards: a
    # pre-release reader arriving first would put embargoed figures in every visitor's page.
    app.config.suppress_callback_exceptions = True
    server.register_blueprint(blueprint)
    pages.register()
