"""The content of a statistics office: the series catalogue and the release calendar.

A content root is a folder holding `calendar.yaml` and `releases/` (with `releases/catalogue.yaml`
and one folder per release). Both files are validated into these models; every error names the
file, line and field.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from statpub.kernel.errors import Problem, UserError, ValidationFailed
from statpub.kernel.lang import in_lang
from statpub.kernel.yamlfile import load_model

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,63}$"
CODE_PATTERN = r"^[A-Z][A-Z0-9_]{1,47}$"
MAX_PRERELEASE_HOURS = 24


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(Strict):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def __call__(self, lang: str) -> str:
        return in_lang(lang, self.zh, self.en)


class Topic(Strict):
    code: str = Field(pattern=ID_PATTERN)
    name: Bilingual


class Series(Strict):
    code: str = Field(pattern=CODE_PATTERN)
    topic: str
    name: Bilingual
    unit: Bilingual
    frequency: Literal["A", "Q", "M"]
    measure: Literal["flow", "stock", "rate", "index"]
    cumulative: bool = False
    decimals: int = Field(ge=0, le=6)
    prices: Literal["current", "comparable"] | None = None
    definition: Bilingual
    source: Bilingual
    # A total and the series that add up to it, within `tolerance` (in the series' unit).
    components: tuple[str, ...] = ()
    tolerance: float = Field(default=0.0, ge=0)
    # For a published growth rate: the level series it describes (for consistency checks).
    growth_of: str | None = None
    # Contributor data (n_units, top2_share) accompanies this series: disclosure control applies.
    disclosure_control: bool = False

    @model_validator(mode="after")
    def _cumulative_needs_subannual(self) -> Series:
        if self.cumulative and self.frequency == "A":
            raise ValueError("an annual series cannot be cumulative (1—N periods within a year)")
        return self


class Catalogue(Strict):
    office: Bilingual
    licence: Bilingual
    base_url: str = "https://stats.example.gov.cn"
    topics: tuple[Topic, ...]
    series: tuple[Series, ...]

    @model_validator(mode="after")
    def _references(self) -> Catalogue:
        topics = {t.code for t in self.topics}
        codes = [s.code for s in self.series]
        dupes = sorted(c for c, n in Counter(codes).items() if n > 1)
        if dupes:
            raise ValueError(f"series codes listed twice: {', '.join(dupes)}")
        known = set(codes)
        for s in self.series:
            if s.topic not in topics:
                raise ValueError(f"series {s.code}: unknown topic {s.topic!r}")
            missing = [c for c in (*s.components, *([s.growth_of] if s.growth_of else [])) if c not in known]
            if missing:
                raise ValueError(f"series {s.code}: refers to unknown series {', '.join(missing)}")
        return self

    @cached_property
    def by_code(self) -> dict[str, Series]:
        return {s.code: s for s in self.series}


class SourceFile(Strict):
    file: str
    layout: Literal["long", "wide"]
    encoding: Literal["utf-8", "utf-8-sig", "utf-16", "gbk", "gb18030"] | None = None
    sheet: str | None = None
    mapping: str | None = None  # wide layout: the declaration file; default `<file>.mapping.yaml`

    @field_validator("file", "mapping")
    @classmethod
    def _plain_name(cls, value: str | None) -> str | None:
        if value is not None and (not re.fullmatch(r"[\w.\-\u4e00-\u9fff]+", value) or ".." in value):
            raise ValueError(f"{value!r} must be a plain file name inside the release folder")
        return value

    @property
    def mapping_name(self) -> str:
        return self.mapping or f"{self.file}.mapping.yaml"


class Change(Strict):
    """One entry of a release's public history (kept for ever)."""

    date: date
    change: Literal["announced", "confirmed", "rescheduled", "postponed", "cancelled", "corrected"]
    reason: Bilingual | None = None
    previous_instant: datetime | None = None

    @field_validator("previous_instant")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("previous_instant needs an offset, e.g. +08:00")
        return value


class Revision(Strict):
    # `correction`: an error found after publishing, corrected by a new vintage (`statpub correct`),
    # as distinct from the scheduled revisions.
    stage: Literal["preliminary-verification", "final-verification", "census", "routine", "correction"]
    reason: Bilingual
    corrects: str | None = Field(default=None, pattern=ID_PATTERN)  # the release a correction corrects

    @model_validator(mode="after")
    def _correction_names_release(self) -> Revision:
        if (self.stage == "correction") != (self.corrects is not None):
            raise ValueError("a revision of stage `correction` names the release it corrects (`corrects`), "
                             "and only a correction does")
        return self


class Release(Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: Bilingual
    kind: Literal["quarterly", "annual", "verification", "monthly", "ad-hoc"]
    instant: datetime
    state: Literal["provisional", "confirmed", "postponed", "cancelled"]
    prerelease_window_hours: float | None = Field(default=None, gt=0, le=MAX_PRERELEASE_HOURS)
    series: tuple[str, ...] = Field(min_length=1)
    sources: tuple[SourceFile, ...] = Field(min_length=1)
    revision: Revision | None = None
    history: tuple[Change, ...] = ()

    @field_validator("instant")
    @classmethod
    def _instant_aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("instant has no offset or zone; write e.g. 2026-01-20T10:00:00+08:00")
        return value.astimezone(UTC)

    @model_validator(mode="after")
    def _state_has_reason(self) -> Release:
        if self.state in ("postponed", "cancelled"):
            if not any(c.change == self.state and c.reason for c in self.history):
                raise ValueError(f"state {self.state} needs a history entry `{self.state}` with a reason")
        return self

    @property
    def publishable_state(self) -> bool:
        return self.state in ("provisional", "confirmed")


class Calendar(Strict):
    timezone: Literal["Asia/Shanghai"] = "Asia/Shanghai"
    prerelease_window_hours: float = Field(default=24, gt=0, le=MAX_PRERELEASE_HOURS)
    releases: tuple[Release, ...]

    @model_validator(mode="after")
    def _unique_ids(self) -> Calendar:
        dupes = sorted(i for i, n in Counter(r.id for r in self.releases).items() if n > 1)
        if dupes:
            raise ValueError(f"release ids listed twice: {', '.join(dupes)}")
        return self

    @cached_property
    def by_id(self) -> dict[str, Release]:
        return {r.id: r for r in self.releases}

    def window(self, release: Release) -> timedelta:
        return timedelta(hours=release.prerelease_window_hours or self.prerelease_window_hours)

    def require(self, release_ids: list[str] | tuple[str, ...]) -> list[Release]:
        """The named releases; a UserError naming every id the calendar does not have."""
        unknown = [r for r in release_ids if r not in self.by_id]
        if unknown:
            raise UserError(f"calendar.yaml has no release {', '.join(map(repr, unknown))} "
                            "(see `statpub calendar`)")
        return [self.by_id[r] for r in release_ids]


class ContentRoot:
    """Paths of one office's content; the files are read on demand, never at import."""

    def __init__(self, root: Path):
        self.root = root.resolve()

    @property
    def calendar_path(self) -> Path:
        return self.root / "calendar.yaml"

    @property
    def releases_dir(self) -> Path:
        return self.root / "releases"

    @property
    def catalogue_path(self) -> Path:
        return self.releases_dir / "catalogue.yaml"

    def release_dir(self, release_id: str) -> Path:
        return self.releases_dir / release_id

    def load_catalogue(self) -> Catalogue:
        return load_model(self.catalogue_path, Catalogue, display_name="releases/catalogue.yaml")

    def load_calendar(self, catalogue: Catalogue | None = None) -> Calendar:
        calendar = load_model(self.calendar_path, Calendar, display_name="calendar.yaml")
        if catalogue is not None:
            check_calendar_against_catalogue(calendar, catalogue)
        return calendar


def check_calendar_against_catalogue(calendar: Calendar, catalogue: Catalogue) -> None:
    problems = []
    for index, release in enumerate(calendar.releases):
        unknown = [c for c in release.series if c not in catalogue.by_code]
        if unknown:
            problems.append(Problem("calendar.yaml", None, None, f"releases[{index}].series",
                                    f"release {release.id}: unknown series {', '.join(unknown)}"))
    if problems:
        raise ValidationFailed(problems, context="calendar.yaml")
