"""The HTML shell Dash serves for every page, hardened.

- `<html lang>` for the language in the URL (zh unless ?lang=en): the switch is a full page load.
- The canonical address from the configured base URL, never from the request's Host (the shell is
  cached publicly); Dash's own per-request meta tags (`twitter:url` = the URL as the client named
  it) are turned off.
- No versions: `_dash-config` loses Dash's, Plotly's and Python's versions, the favicon its `?v=`.
- Every inline script it carries is hashed, and the page's Content-Security-Policy allows exactly
  those hashes (http.py): scripts run without 'unsafe-inline' or 'unsafe-eval'.
"""

from __future__ import annotations

import base64
import hashlib
import re

import dash
from flask import g, has_request_context, request

from statpub.dashboards.components.publisher import site_url
from statpub.dashboards.i18n import HTML_LANG, lang_or_default

VERSION_KEYS = ("dash_version", "dash_version_url", "python_version", "plotly_version", "ddk_version")
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)
_NOT_RUN = ("application/json",)  # data blocks: never executed, so not in the policy
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
        kwargs["favicon"] = _FAVICON_VERSION.sub("", kwargs.get("favicon", ""))
        page = super().interpolate_index(**kwargs)
        lang = lang_or_default(request.args.get("lang")) if has_request_context() else "zh"
        page = page.replace("<html>", f'<html lang="{HTML_LANG[lang]}">', 1)
        if has_request_context():
            canonical = site_url(request.path + ("?lang=en" if lang == "en" else ""))
            page = page.replace("</head>", f'<link rel="canonical" href="{canonical}">\n'
                                f'<meta property="og:url" content="{canonical}">\n</head>', 1)
            g.statpub_script_hashes = script_hashes(page)
        return page
