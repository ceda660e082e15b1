"""Plotly figures drawn to PNG and SVG by kaleido with Chromium, for every picture the site and
its features hand out (chart downloads, embeds' fallback, briefing packs).

kaleido's Chromium starts once per process (the first picture otherwise pays ~3 s) and answers one
caller at a time; pictures are cached by the callers (`FileCache`), keyed by everything they show
and by `code_version()` of the module that drew them."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go

from statpub.dashboards.filecache import CachedFile, FileCache

FORMATS = ("png", "svg")
MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
KALEIDO_TABS = 2  # the machines have 2 cores
# kaleido (1.x) reloads each tab after a picture; under load a tab is now and then handed the next
# picture before its page script is back ("ReferenceError: kaleido_scopes is not defined", seen as
# a briefing pack's 500 in the leak sweep). The pictures not yet drawn are asked again; the second
# time on a restarted Chromium.
ATTEMPTS = 3

log = logging.getLogger("statpub.charts")

_lock = threading.Lock()  # kaleido's sync server answers one caller at a time
_started_pid: int | None = None


def start_renderer(restart: bool = False) -> None:
    """Start kaleido's Chromium once per process (again if `restart`)."""
    global _started_pid
    import kaleido

    with _lock:
        if restart and _started_pid == os.getpid():
            kaleido.stop_sync_server(silence_warnings=True)
            _started_pid = None
        if _started_pid != os.getpid():
            # No MathJax: the charts use no TeX, and its default source is a CDN we never reach.
            kaleido.start_sync_server(n=KALEIDO_TABS, mathjax=False, silence_warnings=True)
            _started_pid = os.getpid()


def code_version(path: str | Path) -> str:
    """Changes whenever the module at `path` (which builds the figures) changes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


@dataclass(frozen=True)
class Picture:
    """One picture to draw: the figure (built only if the picture is not cached), its format and
    size (CSS pixels; PNGs at `scale`), and the cache key naming everything it shows."""

    key: str
    fmt: str
    width: int
    height: int
    scale: int
    figure: object  # a go.Figure, or a callable returning one


def _figure(picture: Picture) -> go.Figure:
    return picture.figure() if callable(picture.figure) else picture.figure


def _write(jobs: list[dict]) -> None:
    """Draw every job's picture to its path; those a failed call left undrawn are asked again."""
    import kaleido
    from kaleido.errors import JavascriptError

    for attempt in range(1, ATTEMPTS + 1):
        start_renderer(restart=attempt == ATTEMPTS)
        todo = [job for job in jobs if not Path(job["path"]).exists()]
        try:
            with _lock:
                kaleido.write_fig_from_object_sync(todo, cancel_on_error=True)
            return
        except JavascriptError as error:
            if attempt == ATTEMPTS:
                raise
            log.warning("chart renderer failed, asking again (%s of %s): %s", attempt, ATTEMPTS - 1,
                        str(error)[:200])


def draw(pictures: list[Picture], cache: FileCache) -> list[CachedFile]:
    """Each picture from the cache, drawing those missing in one kaleido call."""
    missing = [p for p in pictures if not cache.has(p.key, "." + p.fmt)]
    with tempfile.TemporaryDirectory(prefix="statpub-charts-") as tmp:
        if missing:
            _write([{"fig": _figure(p), "path": str(Path(tmp) / f"{p.key}.{p.fmt}"),
                     "opts": {"format": p.fmt, "width": p.width, "height": p.height,
                              "scale": p.scale if p.fmt == "png" else 1}} for p in missing])
        return [cache.get_or_build(p.key, "." + p.fmt,
                                   lambda out, src=Path(tmp) / f"{p.key}.{p.fmt}": shutil.copyfile(src, out))
                for p in pictures]
