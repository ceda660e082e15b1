"""The site's chart renderer (kaleido with Debian's Chromium, real): a picture kaleido fails to draw
because its tab was not ready is asked again, the pictures already drawn are not; a renderer that
keeps failing is restarted once and then the error is the caller's."""

from __future__ import annotations

import kaleido
import plotly.graph_objects as go
import pytest
from kaleido.errors import JavascriptError

from statpub.dashboards import chart_images
from statpub.dashboards.chart_images import Picture, draw
from statpub.dashboards.filecache import FileCache

NOT_READY = "ReferenceError: kaleido_scopes is not defined"


def pictures(tag: str) -> list[Picture]:
    figure = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    return [Picture(key=FileCache.key(tag, fmt), fmt=fmt, width=400, height=300, scale=1, figure=figure)
            for fmt in ("png", "svg")]


def test_a_tab_not_ready_is_asked_again_for_what_it_did_not_draw(tmp_path, monkeypatch):
    real = kaleido.write_fig_from_object_sync
    calls: list[list[str]] = []

    def flaky(jobs, **options):
        calls.append([job["opts"]["format"] for job in jobs])
        if len(calls) == 1:  # the first picture drawn, then the second tab fails
            real(jobs[:1], **options)
            raise JavascriptError(NOT_READY)
        return real(jobs, **options)

    monkeypatch.setattr(kaleido, "write_fig_from_object_sync", flaky)
    drawn = draw(pictures("retry"), FileCache(tmp_path))
    assert calls == [["png", "svg"], ["svg"]]
    assert drawn[0].path.read_bytes().startswith(b"\x89PNG") and b"<svg" in drawn[1].path.read_bytes()


def test_a_renderer_that_keeps_failing_is_restarted_then_the_error_is_raised(tmp_path, monkeypatch):
    restarts: list[bool] = []
    start = chart_images.start_renderer

    def counted(restart=False):
        restarts.append(restart)
        start(restart=restart)

    def broken(jobs, **options):
        raise JavascriptError(NOT_READY)

    monkeypatch.setattr(chart_images, "start_renderer", counted)
    monkeypatch.setattr(kaleido, "write_fig_from_object_sync", broken)
    cache = FileCache(tmp_path)
    with pytest.raises(JavascriptError):
        draw(pictures("broken"), cache)
    assert restarts == [False] * (chart_images.ATTEMPTS - 1) + [True]
    assert not any(cache.has(p.key, "." + p.fmt) for p in pictures("broken"))  # nothing half-made is cached
    monkeypatch.undo()
    assert draw(pictures("broken"), cache)[0].path.read_bytes().startswith(b"\x89PNG")  # the restarted one draws
