"""Plain HTML tables with what screen readers need: a caption, column headers with scope, and
row headers. Every chart on the site has one of these beside it with the same numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dash import html

from statpub.kernel.flags import describe


def data_table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[object]], *,
               numeric_from: int = 1, numeric_to: int | None = None, row_header: bool = True,
               table_id: str | None = None, class_name: str = "data-table") -> html.Div:
    """A table whose first column holds row headers and whose columns from `numeric_from` (to
    `numeric_to`, exclusive) are right-aligned figures. The wrapper scrolls on narrow screens and
    is keyboard focusable."""
    last = len(headers) if numeric_to is None else numeric_to
    head = html.Thead(html.Tr([html.Th(h, scope="col", className="num" if numeric_from <= i < last else None)
                               for i, h in enumerate(headers)]))
    # Rows are written in Dash's own JSON form (type, namespace, props): a table runs to thousands
    # of cells, and building a component object per cell costs more than the query behind it.
    body_rows = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            if i == 0 and row_header:
                cells.append(_element("Th", value, scope="row"))
            elif isinstance(value, Cell):
                cells.append(_element("Td", value.text, className="num" if numeric_from <= i < last else None,
                                      title=value.title))
            else:
                cells.append(_element("Td", value, className="num" if numeric_from <= i < last else None))
        body_rows.append(_element("Tr", cells))
    table = html.Table([html.Caption(caption), head, html.Tbody(body_rows)], className=class_name,
                       **({"id": table_id} if table_id else {}))
    return html.Div(table, className="table-wrap", tabIndex="0", role="region",
                    **{"aria-label": caption})


def _element(tag: str, children: object, **props: object) -> dict:
    """An html component as the Dash renderer receives it."""
    clean = {k: v for k, v in props.items() if v is not None}
    return {"type": tag, "namespace": "dash_html_components", "props": {"children": children, **clean}}


@dataclass(frozen=True)
class Cell:
    """A table cell's text with a tooltip (one element per cell: tables run to thousands of cells)."""

    text: str
    title: str | None = None


def flagged(text: str, status: str | None, lang: str) -> str | Cell:
    """A formatted figure followed by its flag letters, spelled out in the cell's title; the
    flags legend under each table says what the letters mean."""
    if not status:
        return text
    return Cell(f"{text} {status}", describe(status, lang))


def flags_legend(statuses: Sequence[str], lang: str, title: str) -> html.Div | None:
    letters = sorted({f for s in statuses for f in (s or "")})
    if not letters:
        return None
    return html.Div(className="legend", children=[
        html.Span(title + ": "),
        *[html.Span(f"{f} = {describe(f, lang)}", className="legend-item") for f in letters],
    ])
