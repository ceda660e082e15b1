"""The plotly.js the browser runs: plotly.js's *basic* bundle (scatter, bar, pie — every trace the
site draws) instead of the full one Dash would fetch when the first chart mounts.

Why: before the first chart the browser must evaluate plotly.js; the full bundle is 4.6 MB of
script (1–1.5 s of CPU on the project's machine), the basic one 1.2 MB. Dash's graph component
uses `window.Plotly` when it is already defined, so the bundle is served as an ordinary script of
the page shell. It is installed from npm (`dashboards/vendor/`, pinned) by `make install`; when it
is missing, or its version is not the plotly.js that plotly.py builds figures for, the site falls
back to Dash's full bundle and says why in the log. `STATPUB_PLOTLY_BASIC=0` chooses the full
bundle on purpose (the benchmark's baseline).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import Flask, Response, send_file

log = logging.getLogger("statpub.site")

PACKAGE = Path(__file__).resolve().parent / "vendor" / "node_modules" / "plotly.js-basic-dist-min"
BUNDLE_NAME = "plotly-basic.min.js"
ROUTE_PREFIX = "/_statpub/js/"
# Trace types the basic bundle draws; figures the site builds use only these.
BASIC_TRACES = frozenset({"scatter", "bar", "pie"})


@dataclass(frozen=True)
class Bundle:
    path: Path
    version: str
    sha256: str

    @property
    def url(self) -> str:
        # The version and digest are in the address, so the file can be cached for ever.
        return f"{ROUTE_PREFIX}plotly-basic-{self.version}-{self.sha256[:12]}.min.js"


def expected_version() -> str:
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version()


@cache
def basic_bundle(package: Path = PACKAGE) -> Bundle | None:
    """The installed basic bundle, if it matches plotly.py's plotly.js; None otherwise."""
    path = package / BUNDLE_NAME
    try:
        version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
        data = path.read_bytes()
    except (OSError, ValueError, KeyError):
        log.info("plotly.js basic bundle not installed (%s); the site uses Dash's full plotly.js "
                 "(run `make install`)", package)
        return None
    wanted = expected_version()
    if version != wanted:
        log.warning("plotly.js basic bundle %s does not match plotly.py's plotly.js %s; the site "
                    "uses Dash's full plotly.js (update dashboards/vendor/package.json)", version, wanted)
        return None
    return Bundle(path, version, hashlib.sha256(data).hexdigest())


ENV_SWITCH = "STATPUB_PLOTLY_BASIC"


def chosen_bundle() -> Bundle | None:
    if os.environ.get(ENV_SWITCH, "1").strip() == "0":
        return None
    return basic_bundle()


def external_scripts() -> list[str]:
    """For the Dash constructor: the basic bundle's address, or nothing (Dash's default)."""
    bundle = chosen_bundle()
    return [bundle.url] if bundle else []


def register(server: Flask) -> None:
    bundle = chosen_bundle()
    if bundle is None:
        return

    @server.get(bundle.url)
    def plotly_basic() -> Response:
        response = send_file(bundle.path, mimetype="text/javascript", conditional=True, etag=bundle.sha256)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
