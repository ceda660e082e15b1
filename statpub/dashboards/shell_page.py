"""The HTML shell Dash serves for every page, hardened.

- `<html lang>` for the language in the URL (zh unless ?lang=en): the switch is a full page load.
- The office's title, meta tags, colours and canonical address (office_site.py), from the
  configured base URL, never from the request's Host (the shell is cached publicly); Dash's own
  per-request meta tags (`twitter:url` = the URL as the client named it) are turned off.
- A series or release page carries its schema.org Dataset for crawlers.
- No versions: `_dash-config` loses Dash's, Plotly's and Python's versions, the favicon its `?v=`.
- Every inline script it carries is hashed, and the page's Content-Security-Policy allows exactly
  those hashes (http.py): scripts run without 'unsafe-inline' or 'unsafe-eval'.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html import escape

import dash
from flask import g, has_request_context, request

from statpub.dashboards import office_site
from statpub.dashboards import services as request_services
from statpub.dashboards.components.publisher import publisher
from statpub.dashboards.i18n import HTML_LANG, lang_or_default
from statpub.dashboards.structured_data import dataset_for_path, script_tag

VERSION_KEYS = ("dash_version", "dash_version_url", "python_version", "plotly_version", "ddk_version")
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)
_NOT_RUN = ("application/json", "application/ld+json")  # data blocks: never executed, so not in the policy
_FAVICON_VERSION = re.compile(r"\?v=[^\"']*")


def script_hashes(page: str) -> list[str]:
    """CSP source expressions ('sha256-…') for the inline scripts of an HTML page."""
    found = []
    for attributes, body in _INLINE_SCRIPT.findall(page):
        if any(kind in attributes for kind in _NOT_RUN):
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        found.append(f"'sha256-{digest}'")
    return sorted(set(found))


class StatpubDash(dash.Dash):
    def _config(self) -> dict:
        config = super()._config()
        for key in VERSION_KEYS:
            config.pop(key, None)
        return config

    def interpolate_index(self, **kwargs) -> str:
        """The shell for the language in the URL (zh unless ?lang=en); the title, meta tags and
        colours are the office's as the public sees them, read per request."""
        kwargs["favicon"] = _FAVICON_VERSION.sub("", kwargs.get("favicon", ""))
        lang = lang_or_default(request.args.get("lang")) if has_request_context() else "zh"
        if has_request_context():
            office = publisher()
            title = office_site.page_title(office, lang)
            kwargs["title"] = escape(title)
            kwargs["metas"] = kwargs.get("metas", "") + "\n      " + office_site.meta_tags(office, lang, title)
            kwargs["css"] = kwargs.get("css", "") + f'\n      <link rel="stylesheet" href="{office_site.css_url(office)}">'
        page = super().interpolate_index(**kwargs)
        page = page.replace("<html>", f'<html lang="{HTML_LANG[lang]}">', 1)
        if has_request_context():
            page = page.replace("</head>", _structured_data(lang) + "</head>", 1)
            g.statpub_script_hashes = script_hashes(page)
        return page


def _structured_data(lang: str) -> str:
    """The schema.org Dataset of a series or release page, for crawlers (empty elsewhere)."""
    if not request.path.startswith(("/series/", "/release/")):
        return ""
    data = dataset_for_path(request_services.current_gate(), publisher(), request.path, lang)
    return script_tag(data) if data else ""
