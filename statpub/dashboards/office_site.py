"""The office's identity on every page: its colours (a small stylesheet), its logo, the page
shell's `<title>` and meta tags. All from `publisher()` (office.yaml), re-read when it changes;
absolute addresses from `base_url()` only, never from the Host a client sent."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from html import escape
from urllib.parse import parse_qs

from flask import Flask, Response, abort, has_request_context, request, send_file

from statpub.dashboards.callback_guard import ROUTER_INPUT
from statpub.dashboards.components.publisher import publisher
from statpub.dashboards.i18n import DEFAULT_LANG, lang_or_default
from statpub.dashboards.services import services
from statpub.kernel.office import LOGO_TYPES, Office

CSS_PATH = "/_statpub/office.css"
LOGO_PATH = "/_statpub/office/logo"


def office_css(office: Office) -> str:
    colours = office.colours
    return f":root {{ --accent: {colours.accent}; --accent-dark: {colours.accent_dark}; }}\n"


def _version(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def css_url(office: Office) -> str:
    return f"{CSS_PATH}?v={_version(office_css(office))}"


def logo_url(office: Office) -> str | None:
    """The logo's address, versioned by its bytes (so it can be cached for ever)."""
    path = office.logo_path(services().settings.content)
    if path is None or not path.is_file():
        return None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return f"{LOGO_PATH}{path.suffix.lower()}?v={digest}"


def page_title(office: Office, lang: str, what: str | None = None) -> str:
    """`<page> · <site>` in the reader's language (the site's name alone for the home page)."""
    site = office.site_title(lang)
    return f"{what} · {site}" if what else site


def request_lang() -> str:
    """The reader's language: `?lang=` of a page request, or of the location the pages router
    was asked to render (a callback POST carries it in its `search` input)."""
    if not has_request_context():
        return DEFAULT_LANG
    if "lang" in request.args:
        return lang_or_default(request.args.get("lang"))
    body = request.get_json(silent=True) if request.method == "POST" else None
    for item in (body or {}).get("inputs", []) if isinstance(body, dict) else []:
        if isinstance(item, dict) and item.get("id") == ROUTER_INPUT and item.get("property") == "search":
            found = parse_qs(str(item.get("value") or "").lstrip("?")).get("lang", [None])[0]
            return lang_or_default(found)
    return DEFAULT_LANG


def titled(words: Mapping[str, str] | None) -> Callable[..., str]:
    """A page's title for `dash.register_page`: its name, then the office's site name, in the
    reader's language. `words`: the page's name in zh and en (None for the home page)."""
    def title(**_path_variables: object) -> str:
        lang = request_lang()
        return page_title(publisher(), lang, words[lang] if words else None)
    return title


def meta_tags(office: Office, lang: str, title: str) -> str:
    """Description, canonical address and social-card tags, with the office's public address
    (no `twitter:url`: og:url says it, and Dash's own would echo the Host a client sent)."""
    url = office.base_url + request.path + ("?lang=en" if lang == "en" else "")
    description = office.office(lang) + (f" · {office.notice(lang)}" if office.notice else "")
    tags = [("name", "description", description), ("property", "og:site_name", office.site_title(lang)),
            ("property", "og:title", title), ("property", "og:type", "website"), ("property", "og:url", url),
            ("property", "og:description", description), ("name", "twitter:card", "summary"),
            ("name", "twitter:title", title),
            ("name", "twitter:description", description)]
    if office.demo:  # invented figures are not for search engines to index as statistics
        tags.append(("name", "robots", "noindex"))
    out = [f'<meta {kind}="{escape(key)}" content="{escape(value)}">' for kind, key, value in tags]
    out.append(f'<link rel="canonical" href="{escape(url)}">')
    return "\n      ".join(out)


def _immutable(response: Response) -> Response:
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def register(server: Flask) -> None:
    @server.get(CSS_PATH)
    def office_stylesheet() -> Response:
        body = office_css(publisher())
        response = Response(body, mimetype="text/css")
        if request.args.get("v") == _version(body):
            return _immutable(response)
        response.headers["Cache-Control"] = "public, max-age=60"
        return response

    @server.get(f"{LOGO_PATH}.<ext>")
    def office_logo(ext: str) -> Response:
        office = publisher()
        path = office.logo_path(services().settings.content)
        if path is None or not path.is_file() or path.suffix.lower() != f".{ext}":
            abort(404)
        response = send_file(path, mimetype=LOGO_TYPES[path.suffix.lower()], conditional=True)
        if request.args.get("v") == hashlib.sha256(path.read_bytes()).hexdigest()[:16]:
            return _immutable(response)
        response.headers["Cache-Control"] = "public, max-age=60"
        return response
