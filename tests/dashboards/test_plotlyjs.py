"""The browser's plotly.js: the basic bundle is installed, matches plotly.py's plotly.js, is served
for ever-caching and named in the page shell; a missing or mismatched bundle falls back to Dash's
full one (the site still draws)."""

from __future__ import annotations

import json
import logging

import pytest

from statpub.dashboards import plotlyjs


def test_make_install_gives_the_basic_bundle_of_plotly_pys_version():
    bundle = plotlyjs.basic_bundle()
    assert bundle is not None, "run `make install` (npm ci in dashboards/vendor)"
    assert bundle.version == plotlyjs.expected_version()
    assert bundle.url.startswith(plotlyjs.ROUTE_PREFIX) and bundle.version in bundle.url


def test_vendor_pin_is_plotly_pys_plotlyjs_version():
    pinned = json.loads((plotlyjs.PACKAGE.parents[1] / "package.json").read_text())["dependencies"]
    assert pinned["plotly.js-basic-dist-min"] == plotlyjs.expected_version()


@pytest.mark.parametrize("version", [None, "0.0.1"])
def test_missing_or_mismatched_bundle_falls_back(tmp_path, version, caplog):
    if version:
        (tmp_path / "package.json").write_text(json.dumps({"version": version}))
        (tmp_path / plotlyjs.BUNDLE_NAME).write_text("/* not the right plotly */")
    with caplog.at_level(logging.INFO, logger="statpub.site"):
        assert plotlyjs.basic_bundle(tmp_path) is None
    assert "full plotly.js" in caplog.text


def test_bundle_is_served_immutable_and_named_in_the_shell(after_client):
    bundle = plotlyjs.basic_bundle()
    client = after_client
    shell = client.get("/").get_data(as_text=True)
    assert f'src="{bundle.url}"' in shell
    # before Dash's own scripts, so `window.Plotly` exists when the first graph mounts
    assert shell.index(bundle.url) < shell.index("dash_renderer")
    response = client.get(bundle.url)
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["ETag"] == f'"{bundle.sha256}"'
    assert response.get_data() == bundle.path.read_bytes()
    assert client.get(bundle.url, headers={"If-None-Match": f'"{bundle.sha256}"'}).status_code == 304


def test_the_sites_charts_use_only_traces_of_the_basic_bundle():
    from statpub.dashboards.components import charts

    traces = [charts.Trace(name="a", x=["2024-Q1", "2024-Q2"], y=[1.0, 2.0], hover=["1", "2"])]
    figures = [charts.series_chart(traces, kind=kind, title="t", y_title="y") for kind in ("line", "bar")]
    figures.append(charts.sparkline([1.0, 2.0], ["2024-Q1", "2024-Q2"], "a"))
    assert {trace.type for figure in figures for trace in figure.data} <= plotlyjs.BASIC_TRACES
