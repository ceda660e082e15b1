"""Callback requests are user input like any other. Dash's dispatcher trusts the shape of the
POST body to `/_dash-update-component`; a hand-made body would surface as a 500. This guard
checks the shape against the registered callback first and answers 400 for anything a real
page could not have sent, so errors stay the client's, not the server's."""

from __future__ import annotations

import inspect
from functools import wraps

import dash
from flask import request

from statpub.kernel.errors import UserError

ENDPOINT_SUFFIX = "_dash-update-component"
# The pages router takes the location's pathname and search: both strings (or absent).
ROUTER_INPUT = "_pages_location"
MAX_LOCATION = 4096  # characters of a pathname or search; browsers' own limits are of this order


class BadCallback(UserError):
    title = "Bad callback request"


def _declared_outputs(callback_id: str) -> list[tuple[str, str]]:
    # Dash names a multi-output callback "..id1.prop1...id2.prop2.." and a single one "id.prop".
    if callback_id.startswith("..") and callback_id.endswith(".."):
        parts = callback_id[2:-2].split("...")
    else:
        parts = [callback_id]
    out = []
    for part in parts:
        ident, _, prop = part.rpartition(".")
        out.append((ident, prop))
    return out


def _check_deps(given: object, declared: list[dict], what: str) -> None:
    if not isinstance(given, list) or len(given) != len(declared):
        raise BadCallback(f"{what} must list {len(declared)} item(s)")
    for item, want in zip(given, declared, strict=True):
        if not isinstance(item, dict) or not isinstance(item.get("property"), str):
            raise BadCallback(f"each of {what} needs an id and a property")
        # Pattern-matching ids (dicts with wildcards) are resolved by Dash itself.
        same_id = isinstance(want["id"], dict) or item.get("id") == want["id"]
        if not same_id or item["property"] != want["property"]:
            raise BadCallback(f"{what} do not match the callback")
        if want["id"] == ROUTER_INPUT:
            _check_location(item["property"], item.get("value"))


def _check_location(prop: str, value: object) -> None:
    """The browser always sends its pathname (absolute) and its search (possibly empty)."""
    if prop == "pathname" and not (isinstance(value, str) and value.startswith("/")):
        raise BadCallback("the location's pathname must be an absolute path")
    if value is not None and not isinstance(value, str):
        raise BadCallback("the location must be text")
    if value is not None and len(value) > MAX_LOCATION:
        raise BadCallback(f"the location is longer than {MAX_LOCATION} characters")


def check_body(app: dash.Dash, body: object) -> None:
    if not isinstance(body, dict):
        raise BadCallback("the body must be a JSON object")
    output = body.get("output")
    if not isinstance(output, str) or output not in app.callback_map:
        raise BadCallback("no such callback")
    spec = app.callback_map[output]
    if spec.get("callback") is None:  # a clientside callback: it runs in the browser, never here
        raise BadCallback("no such callback on the server")
    _check_deps(body.get("inputs"), spec["inputs"], "inputs")
    _check_deps(body.get("state", []), spec["state"], "state")
    outputs = body.get("outputs")
    declared = _declared_outputs(output)
    if not spec.get("no_output"):
        listed = outputs if isinstance(outputs, list) else [outputs]
        if len(listed) != len(declared) or not all(
                isinstance(o, dict) and (str(o.get("id")), o.get("property")) == d
                for o, d in zip(listed, declared, strict=True)):
            raise BadCallback("outputs do not match the callback")
        if len(declared) > 1 and not isinstance(outputs, list):
            raise BadCallback("outputs must be a list")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise BadCallback("changedPropIds must be a list of strings")


def request_body() -> object:
    """The parsed JSON body, or None if it is not JSON. A body nested deeply enough to exhaust
    the parser's recursion is refused as bad input rather than surfacing as a server error."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        raise BadCallback("the body is nested too deeply") from None


def install(app: dash.Dash) -> None:
    server = app.server
    endpoint = next(rule.endpoint for rule in server.url_map.iter_rules()
                    if rule.rule.endswith(ENDPOINT_SUFFIX))
    dispatch = server.view_functions[endpoint]

    if inspect.iscoroutinefunction(dispatch):
        @wraps(dispatch)
        async def guarded(*args, **kwargs):
            check_body(app, request_body())
            return await dispatch(*args, **kwargs)
    else:
        @wraps(dispatch)
        def guarded(*args, **kwargs):
            check_body(app, request_body())
            return dispatch(*args, **kwargs)

    server.view_functions[endpoint] = guarded
