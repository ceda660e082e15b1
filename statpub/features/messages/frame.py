"""Server-rendered pages of the board: one frame (skip link, header, language switch, main,
footer), and the pieces pages share. Everything a citizen or staff member typed goes through
`e()` (HTML-escaped) — there is no other way onto a page."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from flask import Response, request

from statpub.dashboards.components.publisher import publisher
from statpub.features.messages.words import w

CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;margin:0;color:#1a1a1a;line-height:1.6}
main{max-width:60rem;margin:0 auto;padding:1rem 1.5rem 3rem}
.site-header{display:flex;flex-wrap:wrap;gap:1rem 2rem;align-items:center;padding:.75rem 1.5rem;
  background:#0b3d6e;color:#fff}
.site-header a{color:#fff}
.skip-link{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;z-index:10}
.skip-link:focus{left:.5rem}
label{display:block;margin-top:1rem;font-weight:600}
input,select,textarea{font:inherit;padding:.4rem;max-width:100%;border:1px solid #555;border-radius:3px}
textarea{width:100%;min-height:8rem}
button,.button{margin-top:1rem;padding:.5rem 1.1rem;font:inherit;background:#0b3d6e;color:#fff;border:0;
  border-radius:4px;cursor:pointer;text-decoration:none;display:inline-block}
.hint{color:#444;font-size:.92rem;margin:.2rem 0}
.honeypot{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.error{color:#a00018;font-weight:700}
.ok{border-left:4px solid #1d6b2f;padding:.5rem 1rem;background:#eef7ef}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #999;padding:.3rem .6rem;text-align:left}
td.num,th.num{text-align:right}
.reply{border-left:3px solid #0b3d6e;padding:.2rem 1rem;margin:1rem 0}
.meta{color:#444;font-size:.92rem}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f0a500;outline-offset:2px}
"""


def e(value: object) -> str:
    """Escaped text for HTML (quotes too: safe in attributes)."""
    return escape("" if value is None else str(value), quote=True)


def lang_of_request() -> str:
    return "en" if request.args.get("lang") == "en" else "zh"


def link(path: str, lang: str, **query: object) -> str:
    params = {k: v for k, v in query.items() if v not in (None, "")}
    if lang == "en":
        params["lang"] = "en"
    return e(path + ("?" + urlencode(params) if params else ""))


def frame(title: str, body: str, lang: str, *, status: int = 200, private: bool = False,
          nav: list[tuple[str, str]] | None = None) -> Response:
    other = "en" if lang == "zh" else "zh"
    args = {k: v for k, v in request.args.items() if k != "lang"}
    switch = link(request.path, other, **args)
    links = "".join(f'<li><a href="{link(p, lang)}">{e(label)}</a></li>' for label, p in (nav or []))
    site = publisher().site_title(lang)  # the office's site name (office.yaml), as on every page
    html = f"""<!doctype html><html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{e(title)} · {e(site)}</title>
<style>{CSS}</style></head><body>
<a class="skip-link" href="#main">{e(w("skip", lang))}</a>
<header class="site-header"><a href="{link("/", lang)}">{e(w("home", lang))}</a>
<nav aria-label="{e(w("board", lang))}"><ul style="display:flex;gap:1rem;list-style:none;margin:0;padding:0">
<li><a href="{link("/messages", lang)}">{e(w("board", lang))}</a></li>{links}</ul></nav>
<a href="{switch}" lang="{other}">{e(w("lang_switch", lang))}</a></header>
<main id="main" tabindex="-1"><h1>{e(title)}</h1>{body}</main></body></html>"""
    response = Response(html, status=status, mimetype="text/html")
    # Answers about one person's message or to staff are never kept by any cache.
    response.headers["Cache-Control"] = "private, no-store" if private else "public, max-age=30"
    response.headers.add("Vary", "Cookie")
    return response


def paragraphs(text: str | None) -> str:
    """Plain text (typed by someone) as escaped paragraphs."""
    return "".join(f"<p>{e(part)}</p>" for part in (text or "").split("\n") if part.strip())


def pick(zh: str | None, en: str | None, lang: str) -> str | None:
    """The text in the page's language where given, else the Chinese."""
    return en if lang == "en" and en else zh


def pager(total: int, offset: int, limit: int, lang: str, **query: object) -> str:
    parts = [f'<p class="meta">{e(w("results", lang, n=total))}</p>']
    if offset > 0:
        parts.append(f'<a href="{link(request.path, lang, **query, offset=max(0, offset - limit))}">'
                     f'{e(w("previous", lang))}</a> ')
    if offset + limit < total:
        parts.append(f'<a href="{link(request.path, lang, **query, offset=offset + limit)}">{e(w("next", lang))}</a>')
    return "".join(parts)
