"""Every download offers a ZIP: the data (CSV and Parquet), a bilingual README (what, units,
flags, source, licence, how to cite) and a datapackage.json that frictionless validates — on the
site (explorer view, release) and in the API (observations, files), for the demo and a second office."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from frictionless import validate

from tests.fixtures.api import FINAL
from tests.fixtures.mini import MINI_OFFICE

MEMBERS = {"data.csv", "data.parquet", "README.md", "datapackage.json"}


def opened(response) -> zipfile.ZipFile:
    assert response.status_code == 200 and response.mimetype == "application/zip", response.data[:300]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert set(archive.namelist()) == MEMBERS
    return archive


def check_package(archive: zipfile.ZipFile, folder: Path) -> str:
    archive.extractall(folder)
    report = validate(folder / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    return archive.read("README.md").decode("utf-8")


@pytest.mark.parametrize("path", [
    "/api/v1/series/GDP/observations?format=zip&last_n=4", f"/api/v1/releases/{FINAL}/observations?format=zip",
    "/api/v1/files/latest/series/GDP.zip", f"/api/v1/files/{FINAL}/releases/{FINAL}.zip",
    f"/download/release/{FINAL}.zip", "/download/view.zip?series=GDP,GDP_GROWTH&transform=pc1",
])
def test_every_download_has_its_zip(after_client, tmp_path, path):
    archive = opened(after_client.get(path, follow_redirects=True))
    text = check_package(archive, tmp_path)
    unit = "%" if "pc1" in path else "亿元"
    for words in ("## 单位", "## Units", unit, "## 标志", "provisional", "## Source", "## Licence",
                  "CC BY 4.0", "## How to cite"):
        assert words in text, (path, words)


def test_the_same_figures_give_the_same_bytes(after_client):
    url = f"/download/release/{FINAL}.zip"
    assert after_client.get(url).data == after_client.get(url).data


def test_a_second_office(mini_client, tmp_path):
    text = check_package(opened(mini_client.get("/api/v1/series/GDP/observations?format=zip")), tmp_path)
    assert MINI_OFFICE["en"] in text and "Open data licence (test)" in text
