"""Malformed callback requests get a 4xx answer, never a 500: the body is user input."""

from __future__ import annotations

import copy

from tests.dashboards.dash_payloads import UPDATE, body_for, router_body

VIEW = "explorer-graph.figure"


def view_output(app) -> str:
    return next(k for k in app.callback_map if VIEW in k)


def good_view_body(app) -> dict:
    return body_for(app, view_output(app), {("explorer-series", "value"): ["GDP"],
                                            ("explorer-transform", "value"): "lin",
                                            ("explorer-chart", "value"): "line",
                                            ("explorer-lang", "data"): "en"})


def mutations(app) -> list[tuple[str, object]]:
    good = good_view_body(app)
    out: list[tuple[str, object]] = [("not json", b"{{{"), ("a list", [1, 2]), ("empty", {}),
                                     ("unknown output", {**good, "output": "nope.children"}),
                                     ("output not text", {**good, "output": 42})]
    for key in ("inputs", "state", "outputs"):
        out.append((f"{key} missing", {k: v for k, v in good.items() if k != key}))
        out.append((f"{key} wrong type", {**good, key: "x"}))
        out.append((f"{key} too short", {**good, key: good[key][:-1] if isinstance(good[key], list) else []}))
    swapped = copy.deepcopy(good)
    swapped["inputs"][0]["id"] = "explorer-other"
    out.append(("input id changed", swapped))
    noprop = copy.deepcopy(good)
    del noprop["inputs"][1]["property"]
    out.append(("input without property", noprop))
    out.append(("changedPropIds wrong", {**good, "changedPropIds": [1]}))
    bad_values = [("explorer-series", ["GDP; DROP TABLE"]), ("explorer-series", [{"a": 1}]),
                  ("explorer-series", 7), ("explorer-series", ["A"] * 50), ("explorer-transform", "evil"),
                  ("explorer-transform", ["lin"]), ("explorer-start", "2024-Q9"), ("explorer-start", 2024),
                  ("explorer-end", {"x": 1}), ("explorer-chart", "pie")]
    for ident, value in bad_values:
        body = copy.deepcopy(good)
        for item in body["inputs"]:
            if item["id"] == ident:
                item["value"] = value
        out.append((f"{ident}={value!r}", body))
    search_output = next(k for k in app.callback_map if k == "explorer-series.options")
    for value in (["x"], 5, "x" * 500):
        out.append((f"search {value!r:.20}", body_for(app, search_output, {("explorer-search", "value"): value})))
    router = router_body(app, "/")
    for value in (5, ["/"], {"p": 1}):
        body = copy.deepcopy(router)
        body["inputs"][0]["value"] = value
        out.append((f"router pathname {value!r}", body))
    return out


def test_a_good_body_is_answered(after_client):
    app = after_client.application.config["dash_app"]
    response = after_client.post(UPDATE, json=good_view_body(app))
    assert response.status_code == 200
    assert "Gross domestic product" in response.get_data(as_text=True)


def test_malformed_bodies_are_client_errors(after_client):
    app = after_client.application.config["dash_app"]
    cases = mutations(app)
    assert len(cases) >= 25
    wrong = []
    for label, body in cases:
        if isinstance(body, bytes):
            response = after_client.post(UPDATE, data=body, content_type="application/json")
        else:
            response = after_client.post(UPDATE, json=body)
        if not 400 <= response.status_code < 500 or response.headers["Cache-Control"] != "no-store":
            wrong.append((label, response.status_code, response.get_data(as_text=True)[:120]))
    assert not wrong


def test_malformed_router_search_still_renders(after_client):
    """Any text in the address is a page request: odd queries fall back to defaults."""
    app = after_client.application.config["dash_app"]
    for search in ("?lang=xx", "?series=%%%&transform=evil&start=abc", "?year=99999", "?lang=en&lang=zh",
                   "?release_id=x"):
        for path in ("/", "/explorer", "/calendar", "/release/2024-q3-economy", "/series/GDP"):
            response = after_client.post(UPDATE, json=router_body(app, path, search))
            assert response.status_code == 200, (path, search)
