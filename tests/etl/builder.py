"""A small content root built in a test: the ETL-cases catalogue plus releases written on demand."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from statpub.kernel.config import Settings
from statpub.review.scaffold import write_provenance

CATALOGUE = Path(__file__).resolve().parent / "cases" / "catalogue.yaml"
# A second office, nothing like the demo's: every path must name this one when it serves this root.
OFFICE = {
    "name": {"zh": "测试市统计局", "en": "Statistics Office of Testville"},
    "short_name": {"zh": "测试市数据", "en": "Testville Data"},
    "base_url": "https://data.testville.example",
    "licence": {"name": {"zh": "CC0 1.0 公共领域贡献", "en": "CC0 1.0 Universal Public Domain Dedication"},
                "url": "https://creativecommons.org/publicdomain/zero/1.0/", "spdx": "CC0-1.0"},
    "contact": {"email": "stats@testville.example"},
    "colours": {"accent": "#0b6e4f", "accent_dark": "#084c37"},
}


class MiniRoot:
    def __init__(self, root: Path):
        self.root = root
        (root / "releases").mkdir(parents=True, exist_ok=True)
        shutil.copy(CATALOGUE, root / "releases" / "catalogue.yaml")
        self.write_office(OFFICE)
        self.releases: list[dict] = []
        self.calendar_top: dict = {}  # e.g. {"adopted": ...}: calendar.yaml's top level beside releases

    @property
    def settings(self) -> Settings:
        return Settings(root=self.root, warehouse_dir=self.root / "warehouse" / "data")

    def add(self, release_id: str, instant: str, series: list[str], sources: list[dict],
            files: dict[str, bytes | str] | None = None, *, provenance: bool = False, **extra) -> MiniRoot:
        """A release and its files; `provenance` records each source file's sidecar as
        `statpub source add` would (a release must have them to be approved)."""
        folder = self.root / "releases" / release_id
        if files is not None:
            folder.mkdir(parents=True, exist_ok=True)
            for name, data in files.items():
                (folder / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        if provenance:
            for source in sources:
                write_provenance(folder / source["file"], source="测试数据 / test data", producer="tests",
                                 day="2024-01-01")
        self.releases = [r for r in self.releases if r["id"] != release_id]
        self.releases.append({"id": release_id, "title": {"zh": release_id, "en": release_id}, "kind": "quarterly",
                              "instant": instant, "state": "confirmed", "series": series, "sources": sources, **extra})
        self.write()
        return self

    def write_office(self, office: dict) -> None:
        (self.root / "releases" / "office.yaml").write_text(yaml.safe_dump(office, allow_unicode=True, sort_keys=False),
                                               encoding="utf-8")

    def write(self) -> None:
        (self.root / "calendar.yaml").write_text(
            yaml.safe_dump({**self.calendar_top, "releases": self.releases}, allow_unicode=True, sort_keys=False),
            encoding="utf-8")



def approve_all(settings: Settings, clock, reviewer: str = "测试审核员 Test Reviewer") -> None:
    from tools.synthetic_approvals import approve_loaded

    approve_loaded(settings, clock, reviewer)
