"""A real office suite opens the pack: LibreOffice (headless) converts the DOCX, PPTX and XLSX, and
what it reads back carries the figures and the mark."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from statpub.dashboards.filecache import FileCache
from statpub.features.press.pack import build_pack
from statpub.features.press.pack.content import embargo_notice
from statpub.warehouse.gate import Gate, Reader
from statpub.warehouse.reader import WarehouseReader
from tests.fixtures.press import LATER

pytestmark = pytest.mark.slow


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.fail("LibreOffice not found; run tools/install_system_deps.sh")
    return found


def convert(source: Path, target_format: str, out: Path, profile: Path) -> Path:
    result = subprocess.run(
        [soffice(), "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
         "--convert-to", target_format, "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=240)
    produced = out / (source.stem + "." + target_format.split(":")[0])
    assert result.returncode == 0 and produced.is_file(), result.stdout + result.stderr
    return produced


def test_libreoffice_opens_docx_pptx_and_xlsx(demo_settings, tmp_path):
    snapshot = WarehouseReader(demo_settings.warehouse_dir).snapshot()
    release = snapshot.releases[LATER]
    gate = Gate(snapshot, release.instant - timedelta(hours=3), Reader("alice", "press"))
    pack = build_pack(gate, LATER, tmp_path / "pack", cache=FileCache(tmp_path / "cache"),
                      office=("示例市统计局", "Example City Statistics Bureau"))
    shutil.unpack_archive(pack.path, tmp_path / "files")
    files = {p.name.split("_", 1)[1]: p for p in (tmp_path / "files").iterdir() if p.is_file()}
    out, profile = tmp_path / "converted", tmp_path / "lo-profile"
    gdp = next(r for r in pack.content.rows if r.series.code == "GDP").formatted()
    notice = embargo_notice(release)[0]

    text = convert(files["press-release.docx"], "txt:Text (encoded):UTF8", out, profile).read_text("utf-8-sig")
    assert gdp in text and release.title_zh in text and "{{" not in text
    assert notice in text

    csv_text = convert(files["tables.xlsx"], "csv:Text - txt - csv (StarCalc):44,34,76", out, profile).read_text("utf-8")
    assert notice in csv_text.splitlines()[0]  # the first sheet's first row

    for name in ("slides.pptx", "press-release.docx", "tables.xlsx"):
        pdf = convert(files[name], "pdf", out, profile)
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF") and data.count(b"/Type /Page") + data.count(b"/Type/Page") >= 2, name
