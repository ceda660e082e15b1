"""Dash pages of the pre-release area: the index of releases in the reader's window now, and one
release's view (key figures, interpretation, downloads) under its EMBARGOED banner.

Dash renders a page's layout inside its routing callback (a POST to `/_dash-update-component`),
so the reader is taken from that request's session cookie; a callback POSTed without a session is
answered for the public, which sees nothing of an embargoed release.
"""

from __future__ import annotations

import dash
from dash import dcc, html

from statpub.dashboards.services import current_gate, current_reader, services
from statpub.features.press.pack.content import KeyFigure, embargo_notice, gather
from statpub.features.press.service import office_of
from statpub.kernel.clock import format_beijing
from statpub.warehouse.reader import ReleaseInfo

INDEX_PATH = "/prerelease"
LOGIN_PATH = "/staff/login?next=/prerelease"  # the staff area's sign-in, coming back here
STAFF_PATH = "/staff"  # the staff home: who is signed in, sign out
ID_INDEX = "prerelease-index"
ID_RELEASE = "prerelease-release"
ID_KEY_FIGURES = "prerelease-key-figures"
ID_UNAVAILABLE = "prerelease-unavailable"
BANNER_CLASS = "embargo-banner"
BANNER_STYLE = {"border": "3px solid #b00020", "background": "#fff5f5", "color": "#b00020", "padding": "0.8rem 1rem",
                "margin": "0.5rem 0 1rem", "fontWeight": "bold", "textAlign": "center"}
CELL = {"border": "1px solid #ccc", "padding": "0.3rem 0.6rem"}
NUMBER = {**CELL, "textAlign": "right", "fontVariantNumeric": "tabular-nums"}


def embargo_banner(release: ReleaseInfo) -> html.Div:
    """The visible mark on every page showing an embargoed release to a pre-release reader."""
    english, chinese = embargo_notice(release)
    return html.Div([html.Div(chinese, lang="zh"), html.Div(english, lang="en")], role="alert",
                    className=BANNER_CLASS, style=BANNER_STYLE, **{"data-release": release.id})


def _staff_home() -> html.P:
    return html.P(html.A("工作人员主页（退出登录）· Staff home (sign out)", href=STAFF_PATH))


def _sign_in() -> html.P:
    return html.P(html.A("请先登录 · Sign in to the pre-release area", href=LOGIN_PATH))


def index_layout(**_query) -> html.Div:
    reader = current_reader()
    if not reader.has_prerelease_rights:
        return html.Div([html.H1("预发布区 · Pre-release area"), _sign_in()], id=ID_INDEX, lang="zh")
    gate = current_gate()
    open_now = [r for r in gate.visible_releases() if not gate.is_public(r)]
    coming = [r for r in gate.calendar() if r.publishable_state and r.instant > gate.now and r not in open_now]
    items = [html.Li([embargo_banner(r), html.A(f"{r.title_zh} · {r.title_en}", href=f"{INDEX_PATH}/{r.id}"), " — ",
                      html.A("下载简报包 Briefing pack (ZIP)", href=f"/packs/{r.id}.zip")]) for r in open_now]
    blocks = [html.H1("预发布区 · Pre-release area"),
              html.P(f"{reader.display_name or reader.name}（{reader.role}）— 每次查看和下载都会记录 · "
                     "every view and download is logged"),
              _staff_home(), html.H2("现在可查看 · Open to you now")]
    blocks.append(html.Ul(items) if items else html.P("目前没有处于预发布时段的发布 · No release is in its "
                                                       "pre-release window now."))
    if coming:
        blocks += [html.H2("即将开放 · Opening later"),
                   html.Ul([html.Li(f"{r.title_zh} — 开放 opens {format_beijing(r.instant - r.window, 'zh')}，"
                                    f"发布 release {format_beijing(r.instant, 'zh')}") for r in coming[:5]])]
    return html.Div(blocks, id=ID_INDEX, lang="zh")


def _key_table(keys: tuple[KeyFigure, ...]) -> html.Table:
    head = html.Thead(html.Tr([html.Th(t, style=CELL) for t in
                               ("指标 Indicator", "时期 Period", "数值 Value", "单位 Unit", "同比增长（%）", "标志 Flag")]))
    body = []
    for key in keys:
        row, growth = key.row, key.growth
        body.append(html.Tr([
            html.Td([row.series.name_zh, html.Br(), html.Small(row.series.name_en)], style=CELL),
            html.Td(row.period_label("zh"), style=CELL),
            html.Td(row.formatted(), style=NUMBER, **{"data-series": row.series.code, "data-period": row.period}),
            html.Td(row.series.unit_zh, style=CELL),
            html.Td(growth.formatted() if growth else "", style=NUMBER),
            html.Td(key.flags, style=CELL),
        ]))
    return html.Table([head, html.Tbody(body)], id=ID_KEY_FIGURES, style={"borderCollapse": "collapse"})


def _unavailable() -> html.Div:
    reader = current_reader()
    return html.Div([html.H1("无法查看 · Not available"),
                     html.P("没有这项发布，或它不在您的预发布时段内。 · There is no such release, or it is not in "
                            "your pre-release window now."),
                     html.P(html.A("预发布区 · Pre-release area", href=INDEX_PATH))
                     if reader.has_prerelease_rights else _sign_in()], id=ID_UNAVAILABLE, lang="zh")


def release_layout(release_id: str | None = None, **_query) -> html.Div:
    if release_id is None:  # Dash's validation pass calls every layout without arguments
        return html.Div(id=ID_RELEASE)
    gate = current_gate()
    release = gate.calendar_entry(release_id)
    if release is None or not gate.can_see(release_id) or not release.observation_count:
        return _unavailable()
    content = gather(gate, release_id, office_of(services().settings, gate))
    blocks = [embargo_banner(release)] if content.embargoed else []
    blocks += [html.H1(release.title_zh), html.P(release.title_en, lang="en"),
               html.P(f"发布时间 Release: {format_beijing(release.instant, 'zh')} · {format_beijing(release.instant, 'en')}"),
               html.P([html.A("下载简报包 Briefing pack (ZIP)", href=f"/packs/{release.id}.zip"), " · ",
                       html.A("数据 Figures (JSON)", href=f"{INDEX_PATH}/{release.id}/figures.json")]),
               html.H2("主要指标 Key figures"), _key_table(content.key_figures)]
    for lang in ("zh", "en"):
        if lang in content.interpretation:
            blocks.append(html.Div(dcc.Markdown(content.interpretation[lang]), lang=lang))
    if content.embargoed:
        blocks.append(embargo_banner(release))
    return html.Div(blocks, id=ID_RELEASE, lang="zh")


def _release_title(release_id: str | None = None) -> str:
    return "预发布 · Pre-release"


def register() -> None:
    """Register the pages with the app being built (called from `press.web.install`)."""
    dash.register_page("press.prerelease_index", path=INDEX_PATH, title="预发布区 · Pre-release area",
                       name="Pre-release", layout=index_layout)
    dash.register_page("press.prerelease_release", path_template=f"{INDEX_PATH}/<release_id>",
                       title=_release_title, name="Pre-release release", layout=release_layout)
