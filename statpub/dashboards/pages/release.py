"""One page per release, at a stable address by release id. Before the instant it is only a
calendar entry (title, instant, state, notices): no figure, no word of the interpretation."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import dcc, html

from statpub.dashboards.components.charts import GRAPH_CONFIG, Trace, series_chart
from statpub.dashboards.components.releases import (
    feature_blocks,
    interpretation_markdown,
    notices,
    release_status,
    status_badge,
)
from statpub.dashboards.components.shell import page
from statpub.dashboards.components.tables import data_table, flagged, flags_legend
from statpub.dashboards.i18n import LABELS, format_instant, href, lang_or_default, period_label, t
from statpub.dashboards.office_site import titled
from statpub.dashboards.pages.explorer_model import ExplorerState, vintage_code
from statpub.dashboards.services import current_gate, services
from statpub.kernel.numbers import format_number, with_unit
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import ReleaseInfo, SeriesInfo

PATH_TEMPLATE = "/release/<release_id>"
CHART_POINTS = 12
# A page lists at most this many figures or revisions; the downloads carry all of them.
MAX_ROWS = 200
FORMATS = ("csv", "xlsx", "parquet", "zip")


def key_figures(gate: Gate, release: ReleaseInfo, info: dict[str, SeriesInfo], lang: str) -> html.Div:
    rows, statuses = [], []
    carried = gate.release_observations(release.id)
    statuses = list(dict.fromkeys(carried.column("status").to_pylist()))
    for r in carried.slice(0, MAX_ROWS).to_pylist():
        s = info.get(r["series_code"])
        if s is None:
            continue
        rows.append([s.name(lang), period_label(r["period"], lang, cumulative=s.cumulative),
                     flagged(format_number(r["value"], s.decimals, lang), r["status"], lang),
                     s.unit(lang), r["note"] or ""])
    headers = [t("indicator", lang), t("period", lang), t("value", lang), t("unit", lang), t("note", lang)]
    return html.Div([data_table(t("key_figures", lang), headers, rows, numeric_from=2, numeric_to=3),
                     truncated_note(carried.num_rows, lang),
                     flags_legend(statuses, lang, t("flags_legend", lang))])


def truncated_note(total: int, lang: str) -> html.P | None:
    if total <= MAX_ROWS:
        return None
    if lang == "zh":
        return html.P(f"共{total:,}行，此处列出前{MAX_ROWS}行；全部数据请下载。")
    return html.P(f"{total:,} rows; the first {MAX_ROWS} are listed here. The downloads carry all of them.")


def history_chart(gate: Gate, release: ReleaseInfo, info: dict[str, SeriesInfo], lang: str) -> list:
    """The release's first series as it stood once this release was out, with its table."""
    code = next((c for c in release.series if c in info), None)
    if code is None:
        return []
    s = info[code]
    as_of = gate.public_since(release) if gate.is_public(release) else None
    rows = [r for r in gate.observations([code], as_of=as_of).to_pylist()][-CHART_POINTS:]
    if not rows:
        return []
    labels = [period_label(r["period"], lang) for r in rows]
    values = [r["value"] for r in rows]
    hover = [with_unit(format_number(v, s.decimals, lang), s.unit(lang), lang) for v in values]
    fig = series_chart([Trace(s.name(lang), labels, values, hover)], kind="bar",
                       title=s.name(lang), y_title=s.unit(lang))
    table = data_table(f"{s.name(lang)}（{s.unit(lang)}）" if lang == "zh" else f"{s.name(lang)} ({s.unit(lang)})",
                       [t("period", lang), t("value", lang)],
                       [[period_label(r["period"], lang, cumulative=s.cumulative),
                         flagged(format_number(r["value"], s.decimals, lang), r["status"], lang)] for r in rows])
    return [dcc.Graph(figure=fig, config=GRAPH_CONFIG, className="chart", id="release-chart",
                      style={"height": "380px"}),
            html.Details([html.Summary(t("table_caption", lang)), table], open=True),
            *chart_take_away(gate, release, code, lang)]


def chart_take_away(gate: Gate, release: ReleaseInfo, code: str, lang: str) -> list:
    """The chart's picture (PNG, SVG), its data (CSV) and an embed code, pinned to this release's
    vintage: the explorer's addresses for the same view (once public; not in a pre-release window)."""
    if not gate.is_public(release):
        return []
    from statpub.dashboards.components.publisher import publisher
    from statpub.dashboards.takeaway import embed_code, view_query

    state = ExplorerState(series=(code,), chart="bar", last_n=CHART_POINTS)
    pinned = view_query(state, lang, vintage=vintage_code(release.instant))
    data = {k: v for k, v in pinned.items() if k not in ("chart", "lang")}
    embed = f"{publisher().base_url}/embed/explorer?{urlencode(pinned)}"
    return [html.Div([
        *(html.A(t(f"download_{fmt}", lang), href=f"/download/chart.{fmt}?{urlencode(pinned)}", className="button",
                 download="") for fmt in ("png", "svg")),
        html.A(t("download_csv", lang), href=f"/download/view.csv?{urlencode(data)}", className="button", download=""),
        html.Label(t("embed_code", lang), htmlFor="release-embed-code"),
        dcc.Textarea(id="release-embed-code", value=embed_code(embed, release.title(lang)), readOnly=True, rows=3,
                     className="embed-code", style={"width": "100%"}),
    ], className="downloads")]


def revisions_block(gate: Gate, release: ReleaseInfo, info: dict[str, SeriesInfo], lang: str) -> list:
    rows = []
    titles = {r.id: r for r in gate.calendar()}
    revised = gate.revisions(release.id)
    for r in revised.slice(0, MAX_ROWS).to_pylist():
        s = info.get(r["series_code"])
        if s is None:
            continue
        previous = titles.get(r["previous_release_id"])
        rows.append([s.name(lang), period_label(r["period"], lang, cumulative=s.cumulative),
                     format_number(r["previous_value"], s.decimals, lang),
                     format_number(r["value"], s.decimals, lang), s.unit(lang),
                     dcc.Link(previous.title(lang), href=href(f"/release/{previous.id}", lang))
                     if previous else r["previous_release_id"]])
    if not rows:
        return [html.P(t("no_revisions", lang))]
    out: list = []
    reason = release.revision_reason(lang)
    if reason:
        out.append(html.P([html.Strong(t("reason", lang) + ": "), reason]))
    out.append(data_table(t("revisions", lang),
                          [t("indicator", lang), t("period", lang), t("revised_from", lang),
                           t("revised_to", lang), t("unit", lang), t("previous_release", lang)],
                          rows, numeric_from=2, numeric_to=4))
    out.append(truncated_note(revised.num_rows, lang))
    return out


def public_since_note(gate: Gate, release: ReleaseInfo, lang: str) -> list:
    """When a release went public later than its instant (approved late), say when: its figures'
    vintage is that time, everywhere."""
    since = gate.public_since(release)
    if since is None or since == release.instant or not gate.is_public(release):
        return []
    return [html.Br(), html.Strong(t("public_since", lang) + ": "),
            html.Time(format_instant(since, lang), dateTime=since.isoformat())]


def layout(release_id: str = "", lang: object = None, **_query: object) -> html.Div:
    lang = lang_or_default(lang)
    gate = current_gate()
    path = f"/release/{release_id}"
    release = gate.calendar_entry(release_id) if isinstance(release_id, str) else None
    if release is None:
        return page(lang, path, [html.H1(t("not_found", lang)), html.P(t("release_not_found", lang))])
    status = release_status(gate, release)
    head = [html.H1(release.title(lang)),
            html.P([html.Strong(t("instant", lang) + ": "),
                    html.Time(format_instant(release.instant, lang), dateTime=release.instant.isoformat()),
                    " ", status_badge(status, lang), *public_since_note(gate, release, lang)],
                   className="release-meta"),
            html.H2(t("notices", lang)), notices(release, lang, gate.public_history(release))]
    if not gate.can_see(release.id):
        return page(lang, path, [*head, html.P(t("embargoed_notice", lang), className="embargoed")])
    info = {s.code: s for s in gate.series()}
    text = interpretation_markdown(gate, release.id, lang)
    body = [
        html.Section(id="interpretation", children=[html.H2(t("interpretation", lang)),
                      dcc.Markdown(text, className="interpretation") if text
                      else html.P(t("no_interpretation", lang))]),
        html.Section(id="key-figures", children=[html.H2(t("key_figures", lang)), key_figures(gate, release, info, lang)]),
        html.Section(id="charts", children=[html.H2(t("charts", lang)), *history_chart(gate, release, info, lang)]),
        html.Section(id="downloads", children=[html.H2(t("downloads", lang)), html.Div(
            [*(html.A(t(f"download_{fmt}", lang), href=f"/download/release/{release.id}.{fmt}",
                      className="button", download="") for fmt in FORMATS),
             html.A(t("download_pack", lang), href=f"/packs/{release.id}.zip", className="button", download="")],
            className="downloads")]),
        html.Section(id="revisions", children=[html.H2(t("revisions", lang)), *revisions_block(gate, release, info, lang)]),
    ]
    if gate.is_public(release):
        holders = services().hooks.prerelease_access_list(gate=gate, release_id=release.id) or []
        listing = (html.Ul([html.Li(f"{name}（{t('role_' + role, lang)}）" if lang == "zh"
                                    else f"{name} ({t('role_' + role, lang)})") for name, role in holders])
                   if holders else html.P(t("no_prerelease_access", lang)))
        body.append(html.Section(id="prerelease-access", children=[html.H2(t("prerelease_access", lang)), listing]))
    if services().gate().is_public(release):  # questions only about what the public sees
        body.extend(feature_blocks(f"release:{release.id}", lang))
    return page(lang, path, [*head, *body])


def register(app: dash.Dash) -> None:
    dash.register_page("release", path_template=PATH_TEMPLATE, layout=layout, title=titled(LABELS["release"]))

