"""Charts to take away: every chart's picture (PNG, SVG), its data (the explorer's CSV and ZIP), a
citation line, and an embed — the chart alone, framable by any site, with the office's attribution
and a link back. All from the explorer's URL state, so one address means one view everywhere.

    /download/chart.png|svg?series=&transform=&start=&end=&last_n=&chart=&lang=[&vintage=]
    /embed/explorer?series=&transform=&start=&end=&last_n=&chart=&lang=[&vintage=]

Pictures name their vintage like every download (without one, a redirect to the current one) and
are drawn once per vintage by kaleido (statpub.dashboards.chart_images), then served immutable.
Only /embed/ may be framed (CSP `frame-ancestors *` on that route alone). These and the site's ZIPs
are rate limited per client address and process (`STATPUB_DOWNLOAD_RATE`, default 120/60, `0` for
none), since each may make a file on demand."""

from __future__ import annotations

import os
from datetime import datetime
from html import escape
from urllib.parse import urlencode

import plotly.graph_objects as go
from flask import Blueprint, Flask, Response, current_app, redirect, request

from statpub.dashboards import chart_images, plotlyjs
from statpub.dashboards.components.publisher import Publisher, publisher
from statpub.dashboards.downloads import file_cache
from statpub.dashboards.http import CSP, immutable_file, too_many
from statpub.dashboards.i18n import format_instant, lang_or_default
from statpub.dashboards.pages.explorer_chart import chart_figure, named_with_unit
from statpub.dashboards.pages.explorer_model import (
    ExplorerState,
    ExplorerView,
    compute_view,
    parse_vintage,
    state_from_query,
    vintage_code,
)
from statpub.dashboards.services import current_gate
from statpub.kernel.errors import NotFound

blueprint = Blueprint("takeaway", __name__)
WIDTH, HEIGHT, PNG_SCALE = 1200, 675, 2
EMBED_CSP = CSP.replace("frame-ancestors 'none'", "frame-ancestors *")
LIMITER_KEY = "statpub.takeaway.limiter"
ENV_RATE = "STATPUB_DOWNLOAD_RATE"


def view_query(state: ExplorerState, lang: str, **extra: object) -> dict[str, object]:
    """The query that reproduces `state` on every take-away address."""
    query = {k: v for k, v in state.query().items() if k != "topic"}
    if lang != "zh":
        query["lang"] = lang
    return {**query, **{k: v for k, v in extra.items() if v not in (None, "")}}


def attribution(pub: Publisher, view: ExplorerView, lang: str, separator: str = " ") -> str:
    """Source, office and vintage, licence: under every picture and embed."""
    sources = "；".join(dict.fromkeys(s.info.source_zh for s in view.series)) if lang == "zh" else \
        "; ".join(dict.fromkeys(s.info.source_en for s in view.series))
    when = format_instant(view.vintage, lang) if view.vintage else ""
    if lang == "zh":
        lines = [f"数据来源：{sources or pub.office_zh}。", f"{pub.office_zh}，{when}发布版本。", pub.licence_text('zh')]
    else:
        lines = [f"Source: {sources or pub.office_en}.", f"{pub.office_en}, vintage of {when}.", pub.licence_text('en')]
    return separator.join(lines)


def citation_line(pub: Publisher, view: ExplorerView, lang: str, url: str) -> str:
    names = ("、" if lang == "zh" else "; ").join(named_with_unit(s.info, lang) for s in view.series)
    when = format_instant(view.vintage, lang) if view.vintage else ""
    if lang == "zh":
        return f"{pub.office_zh}。{names}。{when}发布版本。{url}"
    return f"{pub.office_en}. {names}. Vintage of {when}. {url}"


def print_figure(view: ExplorerView, lang: str, pub: Publisher) -> go.Figure:
    """The explorer's chart as a picture: a title naming the series and units, the source,
    the office, the vintage and the licence under it."""
    fig = chart_figure(view, lang)
    title = ("、" if lang == "zh" else "; ").join(named_with_unit(s.info, lang) for s in view.series)
    fig.update_layout(width=WIDTH, height=HEIGHT, title={"text": title, "x": 0.01, "font": {"size": 20}},
                      margin={"l": 80, "r": 30, "t": 70, "b": 170}, legend={"orientation": "h", "y": -0.1})
    fig.add_annotation(text=attribution(pub, view, lang, "<br>"), xref="paper", yref="paper", x=0, y=-0.19,
                       xanchor="left", yanchor="top", showarrow=False, align="left",
                       font={"size": 13, "color": "#444"})
    return fig


def _state_and_lang() -> tuple[ExplorerState, str]:
    args = request.args.to_dict()
    return state_from_query(args), lang_or_default(args.get("lang"))


def _pinned_view(state: ExplorerState) -> tuple[ExplorerView, datetime | None]:
    gate = current_gate()
    raw = request.args.get("vintage")
    as_of = parse_vintage(raw) if raw else None
    if as_of is not None and as_of > gate.now:
        raise NotFound("no such vintage")  # a vintage not yet published does not exist
    view = compute_view(gate, state, as_of=as_of)
    if view.empty or view.vintage is None:
        raise NotFound("no published figures for this choice")
    return view, as_of


@blueprint.get("/download/chart.<any(png, svg):fmt>")
def chart_picture(fmt: str) -> Response:
    state, lang = _state_and_lang()
    view, as_of = _pinned_view(state)
    if as_of is None:
        query = view_query(state, lang, vintage=vintage_code(view.vintage))
        return redirect(f"/download/chart.{fmt}?{urlencode(query)}")
    pub = publisher()
    key = file_cache().key("chart", chart_images.code_version(__file__), fmt, lang, sorted(state.query().items()),
                           vintage_code(as_of), pub)
    [picture] = chart_images.draw([chart_images.Picture(key, fmt, WIDTH, HEIGHT, PNG_SCALE,
                                                        lambda: print_figure(view, lang, pub))], file_cache())
    name = "+".join(s.info.code for s in view.series[:4]) + f"_{state.transform}_v{vintage_code(as_of)}.{fmt}"
    return immutable_file(picture.path, picture.sha256, mimetype=chart_images.MEDIA_TYPES[fmt], download_name=name)


EMBED_PAGE = """<!doctype html><html lang="{html_lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<style>body{{margin:0;font-family:"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif;color:#1a1a1a;
background:#fff}}main{{padding:8px 12px}}h1{{font-size:16px;margin:4px 0}}#chart{{width:100%;height:360px}}
footer{{font-size:12px;color:#444;margin-top:4px}}a{{color:#1f4e9c}}</style></head><body><main>
<h1>{title}</h1>{chart}
<footer><p>{attribution}</p><p><a href="{back}" target="_blank" rel="noopener">{back_text}</a> ·
<a href="{csv}" target="_blank" rel="noopener">CSV</a></p></footer></main>{script}</body></html>"""


def embed_html(view: ExplorerView, state: ExplorerState, lang: str, pub: Publisher, host: str) -> str:
    title = ("、" if lang == "zh" else "; ").join(named_with_unit(s.info, lang) for s in view.series)
    query = view_query(state, lang)
    bundle = plotlyjs.chosen_bundle()
    if bundle is not None:
        figure = chart_figure(view, lang).to_json().replace("<", "\\u003c")
        chart = (f'<div id="chart" role="img" aria-label="{escape(title)}"></div>'
                 f'<script type="application/json" id="figure">{figure}</script>')
        script = (f'<script src="{bundle.url}"></script><script>var f=JSON.parse(document.getElementById('
                  '"figure").textContent);Plotly.newPlot("chart",f.data,f.layout,{responsive:true,displaylogo:false});'
                  '</script>')
    else:  # without plotly.js's basic bundle: the same chart as a picture
        pinned = view_query(state, lang, vintage=vintage_code(view.vintage))
        chart = f'<img src="/download/chart.svg?{escape(urlencode(pinned))}" alt="{escape(title)}" style="width:100%">'
        script = ""
    back = f"{host}explorer?{urlencode(query)}"
    csv = f"{host}download/view.csv?{urlencode({k: v for k, v in query.items() if k not in ('chart', 'lang')})}"
    return EMBED_PAGE.format(html_lang="zh-CN" if lang == "zh" else "en", title=escape(title), chart=chart,
                             attribution=escape(attribution(pub, view, lang)), back=escape(back), csv=escape(csv),
                             back_text="在统计网站查看和下载" if lang == "zh" else "View and download on the office's site",
                             script=script)


@blueprint.get("/embed/explorer")
def embed_explorer() -> Response:
    state, lang = _state_and_lang()
    view, _as_of = _pinned_view(state)
    response = Response(embed_html(view, state, lang, publisher(), publisher().base_url + "/"), mimetype="text/html")
    # This route alone may be framed by other sites.
    response.headers["Content-Security-Policy"] = EMBED_CSP
    return response


def embed_code(url: str, title: str) -> str:
    return (f'<iframe src="{escape(url)}" width="800" height="480" style="border:0" loading="lazy" '
            f'title="{escape(title)}"></iframe>')


def on_demand(path: str) -> bool:
    """Addresses that may make a file on demand: pictures, embeds, ZIPs."""
    return path.startswith(("/download/chart.", "/embed/")) or (path.startswith("/download/")
                                                                and path.endswith(".zip"))


def _limit() -> Response | None:
    limiter = current_app.extensions.get(LIMITER_KEY)
    if limiter is None or not on_demand(request.path):
        return None
    return too_many(limiter, "Rate limit reached for this address")


def register(server: Flask) -> None:
    from statpub.dashboards.api.state import RateLimiter

    # Read from the server's environment at start, like the clock; never from a request.
    limiter = RateLimiter.from_setting(os.environ.get(ENV_RATE) or "120/60")
    if limiter is not None:
        server.extensions[LIMITER_KEY] = limiter
    server.before_request(_limit)
    server.register_blueprint(blueprint)
