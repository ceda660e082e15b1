"""Downloads hold exactly what is on screen, carry series, range and vintage in their names, and
are immutable per vintage (long max-age, strong ETag, 304 on revalidation)."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlparse

import pyarrow.parquet as pq
from openpyxl import load_workbook

from statpub.dashboards.pages.explorer_model import ExplorerState, compute_view
from tests.fixtures.site import EMBARGOED

QUERY = "series=GDP,GDP_PRIMARY&transform=pc1&start=2024-Q1&end=2025-Q4"


def follow(client, url):
    first = client.get(url)
    assert first.status_code == 302
    assert int(first.headers["Cache-Control"].split("max-age=")[1]) <= 60
    return first.headers["Location"], client.get(first.headers["Location"])


def test_view_download_redirects_to_its_vintage_and_matches_the_screen(after_client, gate_after):
    location, response = follow(after_client, f"/download/view.parquet?{QUERY}")
    assert parse_qs(urlparse(location).query)["vintage"] == ["20261210T020000Z"]
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    etag = response.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith('W/')
    name = response.headers["Content-Disposition"]
    assert "GDP+GDP_PRIMARY_pc1_2024-Q1_2025-Q4_v20261210T020000Z.parquet" in name
    table = pq.read_table(io.BytesIO(response.get_data()))
    view = compute_view(gate_after, ExplorerState(series=("GDP", "GDP_PRIMARY"), transform="pc1",
                                                  start="2024-Q1", end="2025-Q4"))
    screen = {(s.info.code, p.period): p.value for s in view.series for p in s.points}
    got = dict(zip(zip(table.column("series_code").to_pylist(), table.column("period").to_pylist(), strict=True),
                   table.column("value").to_pylist(), strict=True))
    assert got == screen and len(got) == 16
    assert b"statpub.series" in table.schema.metadata
    again = after_client.get(location, headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_csv_has_a_bom_and_xlsx_has_formats(after_client):
    _, csv_response = follow(after_client, "/download/view.csv?series=GDP&start=2025-Q1&end=2025-Q4")
    body = csv_response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("series_code,series_name_zh") and len(lines) == 5
    _, xlsx_response = follow(after_client, "/download/view.xlsx?series=GDP&start=2025-Q1&end=2025-Q4")
    sheet = load_workbook(io.BytesIO(xlsx_response.get_data())).active
    assert sheet.freeze_panes == "A3"
    assert sheet.cell(row=3, column=1).value == "GDP"
    assert sheet.cell(row=3, column=5).number_format == "#,##0.00"


def test_a_past_vintage_stays_retrievable(after_client, before_client):
    """The file as published before the final verification, asked for after it: the old figures."""
    location, old = follow(before_client, "/download/view.csv?series=GDP&start=2025-Q1&end=2025-Q4")
    later = after_client.get(location)
    assert later.status_code == 200 and later.get_data() == old.get_data()
    assert "2025-q4-economy" in old.get_data(as_text=True)


def test_unpublished_vintages_and_releases_do_not_exist(before_client):
    assert before_client.get("/download/view.csv?series=GDP&vintage=20261210T020000Z").status_code == 404
    assert before_client.get(f"/download/release/{EMBARGOED}.xlsx").status_code == 404
    assert before_client.get("/download/release/nope.csv").status_code == 404
    assert before_client.get("/download/view.csv?series=bad code").status_code == 400
    assert before_client.get("/download/view.csv?series=GDP&vintage=yesterday").status_code == 400
    # An unknown format is no download route: the site's shell answers (and shows "not found").
    assert before_client.get("/download/view.pdf?series=GDP").mimetype == "text/html"


def test_release_download_names_its_vintage(after_client, gate_after):
    response = after_client.get(f"/download/release/{EMBARGOED}.parquet")
    assert response.status_code == 200
    assert f"{EMBARGOED}_v20261210T020000Z.parquet" in response.headers["Content-Disposition"]
    table = pq.read_table(io.BytesIO(response.get_data()))
    assert table.num_rows == gate_after.release_observations(EMBARGOED).num_rows
