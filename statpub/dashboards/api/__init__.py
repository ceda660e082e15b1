"""The researchers' HTTP API (`/api/v1/...`) and files (`/api/v1/files/...`), on the site's server.

`register_api(server)` is the one line the app factory needs."""

from __future__ import annotations

import os

from flask import Flask
from flask_cors import CORS

from statpub.dashboards.api.changes import changes_bp
from statpub.dashboards.api.files import files_bp
from statpub.dashboards.api.ratelimit import SharedCounts
from statpub.dashboards.api.respond import API_KEY, ApiParts
from statpub.dashboards.api.routes import bp
from statpub.dashboards.api.sdmx_routes import sdmx_bp
from statpub.dashboards.api.state import (
    ENV_MEMO,
    ApiFastPath,
    Memo,
    PublicState,
    RateLimiter,
    memo_enabled,
)
from statpub.dashboards.filecache import FileCache
from statpub.dashboards.services import EXTENSION_KEY
from statpub.store import open_store

ENV_RATE = "STATPUB_API_RATE"
ENV_MEMO_MB = "STATPUB_API_MEMO_MB"
# Seconds between a worker's batched syncs of its request counts through the operational store
# (the limit then holds across every worker of every node); 0 keeps the limit per worker.
ENV_RATE_SYNC = "STATPUB_API_RATE_SYNC"
EXPOSED = ["ETag", "Link", "Content-Range", "Accept-Ranges", "Retry-After", "RateLimit-Policy", "RateLimit-Remaining"]


def register_api(server: Flask) -> None:
    svc = server.extensions[EXTENSION_KEY]
    state = PublicState(svc)
    # Read from the server's environment at start, like the clock; never from a request.
    keep_answers = memo_enabled(os.environ.get(ENV_MEMO))
    server.extensions[API_KEY] = ApiParts(state, FileCache(svc.settings.warehouse_dir / "cache" / "api"),
                                          keep_answers=keep_answers)
    server.register_blueprint(bp)
    server.register_blueprint(files_bp)
    server.register_blueprint(sdmx_bp)
    server.register_blueprint(changes_bp)
    CORS(server, resources={r"/api/*": {"origins": "*"}}, methods=["GET", "HEAD", "OPTIONS"],
         send_wildcard=True, expose_headers=EXPOSED, max_age=86400)
    memo = Memo(max_bytes=int(os.environ.get(ENV_MEMO_MB, "64")) << 20) if keep_answers else None
    limiter = RateLimiter.from_setting(os.environ.get(ENV_RATE))
    sync = float(os.environ.get(ENV_RATE_SYNC, "1") or 0)
    if limiter is not None and sync > 0:
        limiter.shared = SharedCounts(open_store(svc.settings), limiter.burst, limiter.window,
                                      sync_seconds=sync)
    server.wsgi_app = ApiFastPath(server.wsgi_app, state, memo, limiter)
