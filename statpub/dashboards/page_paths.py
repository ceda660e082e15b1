"""Honest status codes for addresses the site does not have.

Dash answers every GET it has no route for with its page shell (200) and lets the browser render a
"not found" page; for a hostile or mistyped address (`/../../etc/passwd`, `/api/v1/nope`,
`/release/%00`) the status should say so. Here the catch-all answers 404 — with the shell, so a
browser still shows the bilingual not-found page — unless the path is one of the registered pages
with well-formed path variables; unmatched `/api/` paths get the API's JSON 404; and a request for
a script bundle Dash does not have is a 404, not an internal error."""

from __future__ import annotations

import re

import dash
from dash.exceptions import DependencyException
from flask import Flask, Response, request
from werkzeug.exceptions import NotFound

from statpub.dashboards.api.params import RELEASE_ID, SERIES_CODE, TOPIC_CODE
from statpub.dashboards.http import error_response

CATCH_ALL = "/<path:path>"
# What a page's path variable may look like; anything else is not one of our pages.
VARIABLE_PATTERNS = {"release_id": RELEASE_ID, "code": SERIES_CODE, "topic": TOPIC_CODE}
DEFAULT_VARIABLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_VARIABLE = re.compile(r"<([^<>]+)>")


def _template_regex(template: str) -> tuple[re.Pattern, list[str]]:
    names = _VARIABLE.findall(template)
    pattern = "^" + "".join(
        "([^/]+)" if i % 2 else re.escape(part)
        for i, part in enumerate(_VARIABLE.split(template))
    ) + "$"
    return re.compile(pattern), names


def is_page_path(path: str) -> bool:
    """Whether `path` names a registered page (its variables well formed)."""
    path = "/" + path.strip("/")
    for entry in dash.page_registry.values():
        template = entry.get("path_template")
        if not template:
            if path == "/" + entry["path"].strip("/"):
                return True
            continue
        regex, names = _template_regex("/" + template.strip("/"))
        found = regex.match(path)
        if found and all(VARIABLE_PATTERNS.get(name, DEFAULT_VARIABLE).match(value)
                         for name, value in zip(names, found.groups(), strict=True)):
            return True
    return False


def install(server: Flask) -> None:
    @server.before_request
    def _api_paths_are_json() -> None:
        rule = request.url_rule
        if rule is not None and rule.rule == CATCH_ALL and request.path.startswith("/api/"):
            raise NotFound("Nothing is published at this address.")

    @server.after_request
    def _unknown_pages_are_404(response: Response) -> Response:
        rule = request.url_rule
        if rule is not None and rule.rule == CATCH_ALL and response.status_code == 200 \
                and not is_page_path(request.path):
            response.status_code = 404
            response.headers["Cache-Control"] = "no-store"
        return response

    @server.errorhandler(DependencyException)
    def _no_such_bundle(_exc: DependencyException) -> Response:
        return error_response(404, "Not Found", "No such file.")
