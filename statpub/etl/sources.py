"""Source files as they arrive: checksums, encodings, provenance sidecars."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from statpub.kernel.errors import Problem
from statpub.kernel.hashing import sha256_of

CHUNK = 1 << 20


def provenance_path(path: Path) -> Path:
    return path.with_name(path.name + ".provenance.yaml")


@dataclass(frozen=True)
class Provenance:
    data: dict
    problems: tuple[Problem, ...]


def read_provenance(path: Path, sha256: str, display: str) -> Provenance:
    """The sidecar `<file>.provenance.yaml` says where a file came from. When present, its
    checksum must match the file: a mismatch means the file is not what the producer delivered."""
    sidecar = provenance_path(path)
    if not sidecar.is_file():
        return Provenance({}, ())
    name = f"{display}.provenance.yaml"
    try:
        data = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return Provenance({}, (Problem(name, None, None, None, f"unreadable sidecar: {exc}"),))
    if not isinstance(data, dict):
        return Provenance({}, (Problem(name, None, None, None, "expected a mapping"),))
    problems = []
    for key in ("source", "producer", "sha256", "date"):
        if key not in data:
            problems.append(Problem(name, None, None, key, f"missing field {key!r}"))
    recorded = str(data.get("sha256", "")).lower()
    if recorded and recorded != sha256:
        problems.append(Problem(name, None, None, "sha256",
                                f"checksum {recorded[:12]}… does not match the file ({sha256[:12]}…); "
                                "the file changed after its provenance was recorded"))
    return Provenance({k: str(v) for k, v in data.items()}, tuple(problems))


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
