"""A captioned, keyboard-scrollable table whose first cell of each row is its row header (cells may
hold links), in the site's table style."""

from __future__ import annotations

from dash import html


def table(caption: str, headers: list[str], rows: list[list], table_id: str | None = None) -> html.Div:
    head = html.Thead(html.Tr([html.Th(h, scope="col") for h in headers]))
    body = html.Tbody([html.Tr([html.Th(row[0], scope="row"), *(html.Td(c) for c in row[1:])]) for row in rows])
    return html.Div(html.Table([html.Caption(caption), head, body], className="data-table",
                               **({"id": table_id} if table_id else {})),
                    className="table-wrap", tabIndex="0", role="region", **{"aria-label": caption})
