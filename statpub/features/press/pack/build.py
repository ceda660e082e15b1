"""Build one briefing pack: a ZIP of press text, tables, charts, slides, data and a manifest.

The pack is built for a `Gate` made for the requesting reader: a press or reviewer account sees a
release only inside its pre-release window, the public only after the instant. Before the instant
every document and every file name carries the embargo mark; after it, the same pack has none.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from statpub.dashboards.filecache import FileCache
from statpub.dashboards.formats import FORMATS, ExportTable
from statpub.features.press.pack import charts as chart_images
from statpub.features.press.pack.content import PackContent, PackOffice, embargo_file_tag, gather
from statpub.kernel.clock import format_beijing
from statpub.kernel.diskfull import disk_full_said
from statpub.kernel.hashing import sha256_file
from statpub.warehouse.gate import Gate

MANIFEST = "manifest.json"
# Files already compressed inside: deflating them again costs most of a warm build and saves nothing.
PACKED = (".png", ".docx", ".xlsx", ".pptx", ".parquet")


@dataclass(frozen=True)
class Pack:
    path: Path
    download_name: str
    sha256: str
    manifest: dict
    content: PackContent

    @property
    def embargoed(self) -> bool:
        return self.content.embargoed


def file_name(name: str, content: PackContent) -> str:
    """The name a file has inside the pack: prefixed with the mark while embargoed."""
    if not content.embargoed:
        return name
    folder, _, base = name.rpartition("/")
    tagged = f"{embargo_file_tag(content.release)}_{base}"
    return f"{folder}/{tagged}" if folder else tagged


def download_name(content: PackContent) -> str:
    return file_name(f"{content.release.id}-briefing-pack.zip", content)


def _export_table(content: PackContent) -> ExportTable:
    release = content.release
    extra = {"release_id": release.id, "vintage": content.snapshot_name, "instant": release.instant.isoformat()}
    if content.notice:
        extra["embargo"] = content.notice[0]
    return ExportTable(
        rows=content.observations, series=content.series,
        title_zh=release.title_zh, title_en=release.title_en,
        source_zh=content.source("zh"), source_en=content.source("en"),
        citation=f"{content.office[0]}：{release.title_zh}，{format_beijing(release.instant, 'zh')}",
        extra_metadata=extra, licence=content.office.licence,
    )


def _manifest(content: PackContent, files: list[tuple[str, Path]], generated_for: dict) -> dict:
    release = content.release
    return {
        "release_id": release.id,
        "title": {"zh": release.title_zh, "en": release.title_en},
        "vintage": content.snapshot_name,
        "instant": release.instant.isoformat(),
        "instant_beijing": {"zh": format_beijing(release.instant, "zh"), "en": format_beijing(release.instant, "en")},
        "embargoed": content.embargoed,
        "embargo_notice": {"en": content.notice[0], "zh": content.notice[1]} if content.notice else None,
        "publisher": {"zh": content.office.names[0], "en": content.office.names[1]},
        "licence": content.office.licence,
        "notice": ({"zh": content.office.notice[0], "en": content.office.notice[1]}
                   if content.office.notice else None),
        "generated_at": content.now.isoformat(),
        "generated_for": generated_for,
        "figures": len(content.rows),
        "files": [{"name": name, "bytes": path.stat().st_size, "sha256": sha256_file(path)} for name, path in files],
    }


def build_pack(gate: Gate, release_id: str, out_dir: Path, *, cache: FileCache,
               office: PackOffice | tuple[str, str] = ("", ""), generated_for: dict | None = None) -> Pack:
    """Build the pack for this gate's reader into `out_dir`. Raises NotFound when the reader may
    not see the release now (exactly as for a release that does not exist)."""
    with disk_full_said(f"building the briefing pack of {release_id}", out_dir,
                        "No pack was written and the site is unchanged."):
        return _build_pack(gate, release_id, out_dir, cache=cache, office=office, generated_for=generated_for)


def _build_pack(gate: Gate, release_id: str, out_dir: Path, *, cache: FileCache, office: tuple[str, str],
                generated_for: dict | None) -> Pack:
    content = gather(gate, release_id, office)
    if generated_for is None:
        generated_for = {"name": gate.reader.name, "role": gate.reader.role}
    rendered = chart_images.render(list(content.charts), content.notice, cache)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="statpub-pack-", dir=out_dir) as tmp:
        stage = Path(tmp)
        files: list[tuple[str, Path]] = []

        def add(name: str) -> Path:
            path = stage / f"{len(files):02d}-{Path(name).name}"
            files.append((file_name(name, content), path))
            return path

        # The office-format writers (python-docx, python-pptx, openpyxl: ~35 MB a process) load
        # with the first pack, not in every web worker.
        from statpub.features.press.pack.docx_writer import write_docx
        from statpub.features.press.pack.pptx_writer import write_pptx
        from statpub.features.press.pack.xlsx_writer import write_xlsx

        write_docx(content, rendered, add("press-release.docx"))
        write_xlsx(content, add("tables.xlsx"))
        write_pptx(content, rendered, add("slides.pptx"))
        table = _export_table(content)
        FORMATS["csv"].write(table, add("data.csv"))
        FORMATS["parquet"].write(table, add("data.parquet"))
        for chart in rendered:
            shutil.copyfile(chart.png, add(f"charts/{chart.slug}.png"))
            shutil.copyfile(chart.svg, add(f"charts/{chart.slug}.svg"))
        manifest = _manifest(content, files, generated_for)
        manifest_path = stage / MANIFEST
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        files.append((file_name(MANIFEST, content), manifest_path))

        name = download_name(content)
        partial = stage / name
        # Entries carry the release instant as their date, so the same pack unzips the same way.
        stamp = content.release.instant.timetuple()[:6]
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for arcname, path in files:
                info = zipfile.ZipInfo(arcname, date_time=stamp)
                info.compress_type = zipfile.ZIP_STORED if arcname.endswith(PACKED) else zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, path.read_bytes())
        target = out_dir / name
        partial.replace(target)
    return Pack(target, name, sha256_file(target), manifest, content)
