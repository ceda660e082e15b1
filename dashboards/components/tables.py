"""Plain HTML tables with what screen readers need: a caption, column headers with scope, and
row headers. Every chart on the site has one of these beside it with the same numbers."""

from __future__ import annotations

from collections.abc import Sequence

from dash import html

from statpub.flags import describe


def data_table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[object]], *,
               numeric_from: int = 1, numeric_to: int | None = None, row_header: bool = True,
               table_id: str | None = None, class_name: str = "data-table") -> html.Div:
    """A table whose first column holds row headers and whose columns from `numeric_from` (to
    `numeric_to`, exclusive) are right-aligned figures. The wrapper scrolls on narrow screens and
    is keyboard focusable."""
    last = len(headers) if numeric_to is None else numeric_to
    head = html.Thead(html.Tr([html.Th(h, scope="col", className="num" if numeric_from <= i < last else None)
                               for i, h in enumerate(headers)]))
    body_rows = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            cls = "num" if numeric_from <= i < last else None
            if i == 0 and row_header:
                cells.append(html.Th(value, scope="row"))
            else:
                cells.append(html.Td(value, className=cls))
        body_rows.append(html.Tr(cells))
    table = html.Table([html.Caption(caption), head, html.Tbody(body_rows)], className=class_name,
                       **({"id": table_id} if table_id else {}))
    return html.Div(table, className="table-wrap", tabIndex="0", role="region",
                    **{"aria-label": caption})


def flagged(text: str, status: str | None, lang: str) -> object:
    """A formatted figure with its flags spelled out for assistive technology."""
    if not status:
        return text
    return html.Span([text, " ", html.Abbr(status, title=describe(status, lang), className="flag")])


def flags_legend(statuses: Sequence[str], lang: str, title: str) -> html.Div | None:
    letters = sorted({f for s in statuses for f in (s or "")})
    if not letters:
        return None
    return html.Div(className="legend", children=[
        html.Span(title + ": "),
        *[html.Span(f"{f} = {describe(f, lang)}", className="legend-item") for f in letters],
    ])
