"""Hand-built bodies for POST /_dash-update-component, as the Dash renderer sends them, so tests
can replay every callback directly (without a browser) against a test client or a live server."""

from __future__ import annotations

import json

import dash

UPDATE = "/_dash-update-component"


def body_for(app: dash.Dash, output: str, values: dict[tuple[str, str], object],
             changed: list[str] | None = None) -> dict:
    """A well-formed body for the callback `output`, with the given input/state values."""
    spec = app.callback_map[output]

    def deps(items):
        return [{"id": d["id"], "property": d["property"], "value": values.get((d["id"], d["property"]))}
                for d in items]

    inputs = deps(spec["inputs"])
    outputs = outputs_of(output)
    return {"output": output, "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": inputs, "state": deps(spec["state"]),
            "changedPropIds": changed if changed is not None else [f"{i['id']}.{i['property']}" for i in inputs[:1]]}


def outputs_of(output: str) -> list[dict]:
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [{"id": p.rpartition(".")[0], "property": p.rpartition(".")[2]} for p in parts]


def router_output(app: dash.Dash) -> str:
    return next(k for k in app.callback_map if "_pages_content.children" in k)


def router_body(app: dash.Dash, pathname: str, search: str = "") -> dict:
    return body_for(app, router_output(app), {("_pages_location", "pathname"): pathname,
                                               ("_pages_location", "search"): search})


def server_callbacks(app: dash.Dash) -> list[str]:
    """Every callback the server runs (clientside ones have no Python function)."""
    return [k for k, v in app.callback_map.items() if v.get("callback") is not None]


def response_text(response) -> str:
    """The callback answer as text (JSON, unicode unescaped) for searching figures in it."""
    raw = response.get_data(as_text=True) if hasattr(response, "get_data") else response.text
    try:
        return json.dumps(json.loads(raw), ensure_ascii=False)
    except ValueError:
        return raw
