"""Source files as they arrive: checksums, encodings, provenance sidecars."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, replace
from datetime import date as Day
from pathlib import Path

from pydantic import Field

from statpub.kernel.content import Strict
from statpub.kernel.errors import Problem, ValidationFailed
from statpub.kernel.fielddoc import doc
from statpub.kernel.yamlfile import load_model

CHUNK = 1 << 20


def provenance_path(path: Path) -> Path:
    return path.with_name(path.name + ".provenance.yaml")


class Provenance(Strict):
    """Where a source file came from (`<file>.provenance.yaml` beside it). Written by
    `statpub source add`; its checksum must match the file."""

    file: str | None = Field(default=None, **doc("所描述的文件名", "The file it describes", "gdp.xlsx"))
    source: str = Field(min_length=1, **doc("数据来源（处室、系统或公开出处）", "Where the data come from "
                                            "(division, system or public origin)", "综合处 / National accounts division"))
    producer: str = Field(min_length=1, **doc("制表人或生成程序", "Who or what produced the file",
                                              "张三 / Zhang San"))
    description: str | None = Field(default=None, **doc("文件内容说明", "What the file holds",
                                                         "地区生产总值（初步核算）"))
    url: str | None = Field(default=None, **doc("公开出处的网址（如有）", "Public address it was taken "
                                                "from, if any", "https://data.example.org/gdp.csv"))
    date: Day = Field(**doc("收到或制作的日期", "Date it was received or made", "2024-10-15"))
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", **doc(
        "文件的 SHA-256 校验值（由 statpub source add 计算，勿手填）", "SHA-256 of the file (computed by "
        "`statpub source add`; never typed by hand)", "7908e10bc6de7e23c69937bb8b79c14a19bed51dd975543241b957afb39bffa0",
        fix="never type it: `statpub source add RELEASE FILE --update` computes and records it"))


@dataclass(frozen=True)
class ProvenanceCheck:
    data: dict
    problems: tuple[Problem, ...]
    missing: bool = False


def update_hint(display: str) -> str:
    """How to record (or re-record) a file's provenance, for messages."""
    parts = display.split("/")
    release, name = (parts[1], parts[-1]) if len(parts) >= 3 and parts[0] == "releases" else ("RELEASE", parts[-1])
    return f"statpub source add {release} {name} --update"


def read_provenance(path: Path, sha256: str, display: str) -> ProvenanceCheck:
    """The sidecar `<file>.provenance.yaml` says where a file came from. When present, its
    checksum must match the file: a mismatch means the file is not what the producer delivered.
    A missing sidecar is no load error (`statpub check` reports it: it blocks approval)."""
    sidecar = provenance_path(path)
    if not sidecar.is_file():
        return ProvenanceCheck({}, (), missing=True)
    name = f"{display}.provenance.yaml"
    try:
        record = load_model(sidecar, Provenance, display_name=name)
    except ValidationFailed as exc:
        command = update_hint(display)
        return ProvenanceCheck({}, tuple(replace(p, message=p.message.replace(
            "statpub source add RELEASE FILE --update", command)) for p in exc.problems))
    problems = []
    if record.sha256 != sha256:
        problems.append(Problem(name, None, None, "sha256",
                                f"checksum {record.sha256[:12]}… does not match the file ({sha256[:12]}…): the "
                                "file changed after its provenance was recorded; if the change is intended, "
                                f"record it with `{update_hint(display)}`, otherwise restore the file as delivered"))
    data = {k: str(v) for k, v in record.model_dump(exclude_none=True).items()}
    return ProvenanceCheck(data, tuple(problems))


def detect_encoding(path: Path, declared: str | None) -> tuple[str, Problem | None]:
    """Return the file's text encoding: declared, or UTF-8 (with or without BOM), or GBK
    (read as GB18030, its superset). A file that is none of these is a problem naming the row."""
    if declared:
        return declared, _check_decodes(path, declared)
    with open(path, "rb") as handle:
        head = handle.read(3)
    if head == codecs.BOM_UTF8:
        return "utf-8-sig", _check_decodes(path, "utf-8-sig")
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):  # Excel's "Unicode text" export
        return "utf-16", _check_decodes(path, "utf-16")
    if _check_decodes(path, "utf-8") is None:
        return "utf-8", None
    problem = _check_decodes(path, "gb18030")
    if problem is None:
        return "gb18030", None
    return "utf-8", Problem(problem.file, None, problem.row, None,
                            "the file is neither UTF-8 nor GBK; save it as UTF-8 (CSV UTF-8 in Excel)")


def _check_decodes(path: Path, encoding: str) -> Problem | None:
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line += chunk[: exc.start].count(b"\n")
                return Problem(path.name, None, line, None, f"bytes not valid {encoding} ({exc.reason})")
            line += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return Problem(path.name, None, line, None, f"file ends inside a character ({exc.reason})")
    return None


def transcode_to_utf8(path: Path, encoding: str, target: Path) -> None:
    """DuckDB reads UTF-8; other encodings are converted first, streaming."""
    with open(path, encoding=encoding, newline="") as src, open(target, "w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(CHUNK):
            dst.write(chunk)
