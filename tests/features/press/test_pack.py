"""The briefing pack built through the gate and read back with openpyxl, python-docx, python-pptx
and pyarrow: every figure compared with the gate, the embargo mark everywhere before the instant
and nowhere after, a manifest that checks out, the same figures for the same request."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from statpub.dashboards.filecache import FileCache
from statpub.dashboards.formats import excel_number_format
from statpub.features.press.pack import build_pack
from statpub.features.press.pack.charts import HEIGHT, PNG_SCALE, WIDTH
from statpub.features.press.pack.content import embargo_file_tag, embargo_notice
from statpub.features.press.service import deliver_pack
from statpub.kernel.errors import NotFound
from statpub.kernel.numbers import format_number
from statpub.warehouse.gate import PUBLIC, Gate, Reader
from statpub.warehouse.reader import WarehouseReader
from tests.features.press.packs import docx_text, open_pack, slide_texts
from tests.fixtures.press import LATER, TARGET, private_site

OFFICE = ("示例市统计局", "Statistics Bureau of the Example City")
ALICE = Reader("alice", "press")


@pytest.fixture(scope="module")
def snapshot(demo_settings):
    return WarehouseReader(demo_settings.warehouse_dir).snapshot()


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return FileCache(tmp_path_factory.mktemp("chart-cache"))


@pytest.fixture(scope="module")
def packs(snapshot, cache, tmp_path_factory):
    """The demo's biggest release (most series) in its window for a press account, and after."""
    release = snapshot.releases[LATER]
    out = tmp_path_factory.mktemp("packs")
    window = Gate(snapshot, release.instant - timedelta(hours=1), ALICE)
    after = Gate(snapshot, release.instant + timedelta(minutes=1), PUBLIC)
    built = {"window": build_pack(window, LATER, out / "w", cache=cache, office=OFFICE),
             "after": build_pack(after, LATER, out / "a", cache=cache, office=OFFICE)}
    return built, {"window": window, "after": after}


def gate_rows(gate: Gate, release_id: str) -> dict[tuple[str, str], dict]:
    return {(r["series_code"], r["period"]): r for r in gate.release_observations(release_id).to_pylist()}


@pytest.mark.parametrize("when", ["window", "after"])
def test_data_files_carry_every_figure_of_the_gate(packs, when):
    built, gates = packs
    expected = gate_rows(gates[when], LATER)
    opened = open_pack(built[when].path)
    table = opened.parquet().to_pylist()
    assert {(r["series_code"], r["period"]): (r["value"], r["status"]) for r in table} == \
        {k: (v["value"], v["status"] or "") for k, v in expected.items()}
    records = list(csv.DictReader(io.StringIO(opened.csv_text())))
    assert len(records) == len(expected)
    for record in records:
        row = expected[(record["series_code"], record["period"])]
        assert float(record["value"]) == row["value"]


@pytest.mark.parametrize("when", ["window", "after"])
def test_tables_xlsx_matches_the_gate_cell_by_cell(packs, snapshot, when):
    built, gates = packs
    expected = gate_rows(gates[when], LATER)
    wb = open_pack(built[when].path).xlsx()
    notice = embargo_notice(snapshot.releases[LATER])
    seen = set()
    for ws in wb.worksheets:
        first = ws.cell(row=1, column=1).value
        if when == "window":
            assert first.startswith(notice[0]) and notice[0] in ws.oddFooter.center.text
            assert notice[0] in ws.oddHeader.center.text
        else:
            assert "EMBARGOED" not in str(first) and not ws.oddHeader.center.text
        assert ws.freeze_panes is not None
        if ws.title.startswith("0."):
            continue
        header_row = next(r for r in range(1, 8) if ws.cell(row=r, column=1).value == "指标")
        periods = [c.value for c in ws[header_row][4::2] if c.value and "\n" in c.value]
        for row in ws.iter_rows(min_row=header_row + 1):
            name = row[0].value
            info = next((s for s in snapshot.series.values() if s.name_zh == name), None)
            if info is None:
                continue
            for k, _label in enumerate(periods):
                cell = row[4 + 2 * k]
                if cell.value is None:
                    continue
                matches = [v for (code, _p), v in expected.items() if code == info.code]
                assert cell.value in [m["value"] for m in matches]
                assert cell.number_format == excel_number_format(info.decimals)
                seen.add(info.code)
    assert seen == {code for code, _ in expected}


@pytest.mark.parametrize("when", ["window", "after"])
def test_docx_has_key_figures_interpretation_charts_and_the_mark(packs, snapshot, when):
    built, gates = packs
    release = snapshot.releases[LATER]
    expected = gate_rows(gates[when], LATER)
    opened = open_pack(built[when].path)
    document = opened.docx()
    text = docx_text(document)
    for (code, _), row in expected.items():
        assert format_number(row["value"], snapshot.series[code].decimals) in text, code
    # the interpretation is rendered from the warehouse, with no tag left
    gdp = expected[("GDP", "2026-Q4")]["value"]
    assert f"实现地区生产总值{format_number(gdp, 2)}亿元" in text
    assert "{{" not in text
    assert len(document.inline_shapes) == len(built[when].content.charts)
    header = "\n".join(p.text for p in document.sections[0].header.paragraphs)
    footer = "\n".join(p.text for p in document.sections[0].footer.paragraphs)
    notice = embargo_notice(release)[0]
    if when == "window":
        assert notice in header and notice in footer and text.startswith(notice)
    else:
        assert "EMBARGOED" not in opened.xml_text("press-release.docx")
    styles = opened.xml_text("press-release.docx")
    assert 'w:eastAsia="宋体"' in styles and 'w:eastAsia="zh-CN"' in styles


@pytest.mark.parametrize("when", ["window", "after"])
def test_slides_title_key_figures_one_per_chart_and_the_mark(packs, snapshot, when):
    built, gates = packs
    release = snapshot.releases[LATER]
    pack = built[when]
    texts = slide_texts(open_pack(pack.path).pptx())
    keys = len(pack.content.key_figures)
    key_slides = -(-keys // 10)
    assert len(texts) == 1 + key_slides + len(pack.content.charts)
    assert release.title_zh in texts[0]
    notice = embargo_notice(release)[0]
    for text in texts:
        assert (notice in text) is (when == "window")
    key_text = "\n".join(texts[1:1 + key_slides])
    for key in pack.content.key_figures:
        assert key.row.formatted() in key_text
        value = gate_rows(gates[when], LATER)[(key.row.series.code, key.row.period)]["value"]
        assert key.row.value == value


def test_charts_are_sized_for_slides_and_print_and_legible_in_chinese(packs):
    built, _ = packs
    opened = open_pack(built["window"].path)
    pngs = [n for n in opened.names if n.startswith("charts/") and n.endswith(".png")]
    svgs = [n for n in opened.names if n.startswith("charts/") and n.endswith(".svg")]
    assert len(pngs) == len(svgs) == len(built["window"].content.charts) >= 8
    for name in pngs:
        image = Image.open(io.BytesIO(opened.files[name]))
        assert image.size == (WIDTH * PNG_SCALE, HEIGHT * PNG_SCALE)
    svg = opened.files[svgs[0]].decode()
    assert "国民经济核算" in svg and "Noto Sans CJK SC" in svg and "EMBARGOED" in svg
    after = open_pack(built["after"].path)
    assert all(b"EMBARGOED" not in after.files[n] for n in after.names if n.endswith(".svg"))


def test_file_names_and_manifest(packs, snapshot):
    built, _ = packs
    release = snapshot.releases[LATER]
    tag = embargo_file_tag(release)
    window, after = open_pack(built["window"].path), open_pack(built["after"].path)
    assert built["window"].download_name == f"{tag}_{LATER}-briefing-pack.zip"
    assert all(Path(n).name.startswith(tag + "_") for n in window.names)
    assert built["after"].download_name == f"{LATER}-briefing-pack.zip"
    assert not any("EMBARGOED" in n for n in after.names)
    for opened, embargoed in ((window, True), (after, False)):
        manifest = opened.manifest
        assert manifest["release_id"] == LATER and manifest["embargoed"] is embargoed
        assert manifest["instant"] == release.instant.isoformat()
        assert manifest["vintage"] == snapshot.name
        assert (manifest["embargo_notice"] is not None) is embargoed
        listed = {f["name"]: f["sha256"] for f in manifest["files"]}
        assert set(listed) | {n for n in opened.names if n.endswith("manifest.json")} == set(opened.names)
        for name, digest in listed.items():
            assert hashlib.sha256(opened.files[name]).hexdigest() == digest
    assert window.manifest["generated_for"] == {"name": "alice", "role": "press"}
    assert after.manifest["generated_for"] == {"name": None, "role": "public"}
    assert re.match(r"\d{4}-\d\d-\d\dT", window.manifest["generated_at"])


def test_same_request_at_the_same_vintage_gives_the_same_figures(packs, snapshot, cache, tmp_path):
    built, gates = packs
    again = build_pack(gates["window"], LATER, tmp_path, cache=cache, office=OFFICE)
    first, second = open_pack(built["window"].path), open_pack(again.path)
    assert first.parquet().equals(second.parquet())
    assert first.csv_text() == second.csv_text()
    charts = [n for n in first.names if n.startswith("charts/")]
    assert all(first.files[n] == second.files[n] for n in charts)


def test_pack_refused_outside_the_readers_rights(snapshot, cache, tmp_path):
    release = snapshot.releases[TARGET]
    before_window = release.instant - release.window - timedelta(seconds=1)
    in_window = release.instant - timedelta(seconds=1)
    for gate in (Gate(snapshot, before_window, ALICE), Gate(snapshot, in_window, PUBLIC),
                 Gate(snapshot, in_window, Reader("anon", "public"))):
        with pytest.raises(NotFound):
            build_pack(gate, TARGET, tmp_path, cache=cache, office=OFFICE)
    with pytest.raises(NotFound):
        build_pack(Gate(snapshot, in_window, ALICE), "no-such-release", tmp_path, cache=cache, office=OFFICE)
    assert list(tmp_path.iterdir()) == []


def test_verification_release_pack_uses_its_own_revised_figures(snapshot, cache, tmp_path):
    release = snapshot.releases[TARGET]
    gate = Gate(snapshot, release.instant - timedelta(minutes=5), Reader("rita", "reviewer"))
    pack = build_pack(gate, TARGET, tmp_path, cache=cache, office=OFFICE)
    expected = gate_rows(gate, TARGET)
    table = open_pack(pack.path).parquet().to_pylist()
    assert len(table) == len(expected) == 32
    assert all(r["status"] == "r" for r in table)
    [chart] = pack.content.charts
    for code, values in chart.values.items():
        for period, value in values.items():
            if (code, period) in expected:
                assert value == expected[(code, period)]["value"]


def test_nothing_is_handed_out_when_the_log_cannot_be_written(demo_settings, tmp_path, monkeypatch):
    site = private_site(tmp_path, demo_settings)
    snapshot = WarehouseReader(site.warehouse_dir).snapshot()
    release = snapshot.releases[TARGET]
    gate = Gate(snapshot, release.instant - timedelta(minutes=30), ALICE)

    def refuse(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("statpub.features.press.access.AccessLog.record", refuse)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="disk full"):
        deliver_pack(gate, TARGET, out, site, channel="cli")
    assert list(out.iterdir()) == []
