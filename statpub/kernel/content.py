"""The content of a statistics office: the series catalogue and the release calendar.

A content root is a folder holding `calendar.yaml` and `releases/` (with `releases/catalogue.yaml`
and one folder per release). Both files are validated into these models; every error names the
file, line and field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from datetime import date as Day
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from statpub.kernel.content_checks import calendar_problems, catalogue_problems, series_codes
from statpub.kernel.errors import Problem, UserError, ValidationFailed
from statpub.kernel.fielddoc import doc
from statpub.kernel.lang import in_lang
from statpub.kernel.suggest import did_you_mean
from statpub.kernel.yamlfile import load_model, read_yaml

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,63}$"
CODE_PATTERN = r"^[A-Z][A-Z0-9_]{1,47}$"
MAX_PRERELEASE_HOURS = 24


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(Strict):
    """A text in Chinese and in English (中文在前，英文在后)."""

    zh: str = Field(min_length=1, **doc("中文文本", "The Chinese text", "地区生产总值"))
    en: str = Field(min_length=1, **doc("英文文本", "The English text", "Gross domestic product"))

    def __call__(self, lang: str) -> str:
        return in_lang(lang, self.zh, self.en)


class Topic(Strict):
    """A topic (专题) grouping series on the site, e.g. national accounts, prices."""

    code: str = Field(pattern=ID_PATTERN, **doc("专题代码：小写字母、数字和连字符", "Topic code: lower-case "
                                                "letters, digits and hyphens", "national-accounts"))
    name: Bilingual = Field(**doc("专题名称", "Topic name", {"zh": "国民经济核算", "en": "National accounts"}))


class Series(Strict):
    """One indicator (指标) the office publishes: its code, names, unit and how it behaves."""

    code: str = Field(pattern=CODE_PATTERN, **doc(
        "指标代码：大写字母、数字和下划线，以字母开头", "Series code: capital letters, digits and "
        "underscores, starting with a letter", "GDP_GROWTH"))
    topic: str = Field(**doc("所属专题的代码（topics 中的 code）", "Code of its topic (a `code` under "
                             "`topics`)", "national-accounts"))
    name: Bilingual = Field(**doc("指标名称", "Series name", {"zh": "地区生产总值", "en": "Gross domestic product"}))
    unit: Bilingual = Field(**doc(
        "计量单位；以数字开头的单位（如 1982—1984年=100）在正文中加括号", "Unit of measure; a unit "
        "starting with a digit (e.g. 1982–1984=100) is set in parentheses in text",
        {"zh": "亿元", "en": "100 million yuan"}))
    frequency: Literal["A", "Q", "M"] = Field(**doc(
        "频度：A 年度，Q 季度，M 月度", "Frequency: A annual, Q quarterly, M monthly", "Q"))
    measure: Literal["flow", "stock", "rate", "index"] = Field(**doc(
        "度量：flow 流量（一段时间的总量），stock 存量（期末余额），rate 比率或增长速度（%），index 指数",
        "Measure: flow (a total over a period), stock (a level at the end of the period), rate (a ratio "
        "or growth rate, %), index", "flow"))
    cumulative: bool = Field(default=False, **doc(
        "是否为累计值（1—N月、1—N季度）；年度指标不能累计", "Whether values are cumulative from January "
        "(year to date); an annual series cannot be", True))
    decimals: int = Field(ge=0, le=6, **doc("显示的小数位数（0—6）", "Decimals shown (0–6)", 2))
    prices: Literal["current", "comparable"] | None = Field(default=None, **doc(
        "价格口径：current 现价，comparable 按可比价格计算", "Prices: current (nominal) or comparable "
        "(real)", "current"))
    definition: Bilingual = Field(**doc("指标解释", "Definition", {"zh": "……", "en": "…"}))
    source: Bilingual = Field(**doc("数据来源", "Source", {"zh": "地区生产总值统计调查", "en": "Regional GDP survey"}))
    components: tuple[str, ...] = Field(default=(), **doc(
        "构成项：加总应等于本指标的指标代码（在容差内）", "Component series that add up to this total "
        "(within `tolerance`)", ["GDP_PRIMARY", "GDP_SECONDARY", "GDP_TERTIARY"]))
    tolerance: float = Field(default=0.0, ge=0, **doc(
        "构成项加总与合计之差的容差（本指标单位）", "Tolerance between the total and the sum of its "
        "components, in the series' unit", 0.01))
    growth_of: str | None = Field(default=None, **doc(
        "增长速度所描述的水平指标代码（用于一致性检查）", "For a published growth rate: the level "
        "series it describes (for consistency checks)", "GDP"))
    disclosure_control: bool = Field(default=False, **doc(
        "是否附有单位数和前两位占比，需进行保密审查（防止泄密）", "Contributor data (n_units, top2_share) "
        "accompanies this series: disclosure control applies", False))

    @model_validator(mode="after")
    def _cumulative_needs_subannual(self) -> Series:
        if self.cumulative and self.frequency == "A":
            raise ValueError("an annual series cannot be cumulative (1—N periods within a year); "
                             "set `cumulative: false` or a frequency of Q or M")
        return self


class Catalogue(Strict):
    """The series catalogue (公开目录), `releases/catalogue.yaml`: its topics and series. The office's
    identity lives in `office.yaml` (statpub.kernel.office); a catalogue written before that existed
    may still name the office, its licence and address here, and is read as such."""

    office: Bilingual | None = Field(default=None, **doc(
        "发布机构名称（旧写法，现写在 office.yaml）", "Name of the publishing office (older place: now office.yaml)",
        {"zh": "某市统计局", "en": "Some City Statistics Bureau"}))
    licence: Bilingual | None = Field(default=None, **doc(
        "数据使用许可（旧写法，现写在 office.yaml）", "Licence of the published data (older place: now office.yaml)",
        {"zh": "知识共享 CC0 1.0 公共领域贡献", "en": "CC0 1.0 public domain dedication"}))
    base_url: str | None = Field(default=None, **doc(
        "网站的公开地址（旧写法，现写在 office.yaml）", "The site's public address (older place: now office.yaml)",
        "https://stats.example.org"))
    topics: tuple[Topic, ...] = Field(**doc("专题列表", "The topics", [{"code": "national-accounts", "name": {
        "zh": "国民经济核算", "en": "National accounts"}}]))
    series: tuple[Series, ...] = Field(**doc("指标列表", "The series", []))

    @model_validator(mode="after")
    def _unique_codes(self) -> Catalogue:
        # Also checked with its line by `catalogue_problems`; here so that no Catalogue holds two.
        codes = [s.code for s in self.series]
        if len(set(codes)) != len(codes):
            raise ValueError("a series code is listed twice; list each series once")
        return self

    @cached_property
    def by_code(self) -> dict[str, Series]:
        return {s.code: s for s in self.series}


class SourceFile(Strict):
    """One source table of a release, in the release's folder."""

    file: str = Field(**doc("文件名（发布文件夹内）", "File name, inside the release's folder", "gdp.xlsx"))
    layout: Literal["long", "wide"] = Field(**doc(
        "版式：long 长表（每行一个数据：指标代码、时期、数值），wide 宽表（办公室的报表，需映射文件）",
        "Layout: long (one observation per row: series_code, period, value) or wide (the office's own "
        "table, mapped by `<file>.mapping.yaml`)", "long"))
    encoding: Literal["utf-8", "utf-8-sig", "utf-16", "gbk", "gb18030"] | None = Field(default=None, **doc(
        "CSV 的编码；不填则自动识别 UTF-8 或 GBK", "Encoding of a CSV; detected (UTF-8 or GBK) when "
        "left out", "gbk"))
    sheet: str | None = Field(default=None, **doc("XLSX 的工作表名；不填则用第一个", "Sheet of an XLSX; "
                                                  "the first when left out", "表1"))
    mapping: str | None = Field(default=None, **doc(
        "宽表的映射文件名；默认 `<file>.mapping.yaml`", "Wide layout: the mapping file; "
        "`<file>.mapping.yaml` by default", "gdp.levels.mapping.yaml"))

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

    date: Day = Field(**doc("变更日期", "Date of the change", "2025-12-15"))
    change: Literal["announced", "confirmed", "rescheduled", "postponed", "cancelled", "corrected"] = Field(**doc(
        "变更：announced 列入计划，confirmed 确认，rescheduled 改期，postponed 推迟，cancelled 取消，corrected 更正",
        "Change: announced, confirmed, rescheduled, postponed, cancelled, corrected", "announced"))
    reason: Bilingual | None = Field(default=None, **doc("原因（公开）", "Reason (public)", {
        "zh": "列入年度发布计划", "en": "included in the annual release plan"}))
    previous_instant: datetime | None = Field(default=None, **doc(
        "改期前的发布时刻", "The instant before a reschedule", "2026-01-20T10:00:00+08:00"))

    @field_validator("previous_instant")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("previous_instant needs an offset, e.g. +08:00")
        return value


class Revision(Strict):
    """What a release revises, and why (修订)."""

    # `correction`: an error found after publishing, corrected by a new vintage (`statpub correct`),
    # as distinct from the scheduled revisions.
    stage: Literal["preliminary-verification", "final-verification", "census", "routine", "correction"] = Field(
        **doc("修订阶段：preliminary-verification 初步核实，final-verification 最终核实，census 普查修订，"
              "routine 例行修订，correction 更正", "Stage: preliminary verification, final verification, "
              "census revision, routine revision, or a correction of an error", "final-verification"))
    reason: Bilingual = Field(**doc("修订原因（公开）", "Reason for the revision (public)", {
        "zh": "根据最终核实结果修订", "en": "revised by the final verification"}))
    corrects: str | None = Field(default=None, pattern=ID_PATTERN, **doc(
        "更正所针对的发布（仅 stage 为 correction 时）", "The release a correction corrects (only for "
        "stage `correction`)", "2024-q3-economy"))

    @model_validator(mode="after")
    def _correction_names_release(self) -> Revision:
        if (self.stage == "correction") != (self.corrects is not None):
            raise ValueError("a revision of stage `correction` names the release it corrects (`corrects`), "
                             "and only a correction does")
        return self


class Release(Strict):
    """One release (一次发布) of the calendar: when it goes public and what it carries."""

    id: str = Field(pattern=ID_PATTERN, **doc(
        "发布标识：小写字母、数字和连字符，也是 releases/ 下文件夹的名称", "Release id: lower-case letters, "
        "digits and hyphens; also the name of its folder under releases/", "2024-q3-economy"))
    title: Bilingual = Field(**doc("标题", "Title", {"zh": "2024年前三季度全市经济运行情况",
                                                    "en": "Performance of the economy, Q1–Q3 2024"}))
    kind: Literal["quarterly", "annual", "verification", "monthly", "ad-hoc"] = Field(**doc(
        "类别：quarterly 季度，annual 年度（公报），verification 核实，monthly 月度，ad-hoc 不定期",
        "Kind: quarterly, annual (communiqué), verification, monthly, ad-hoc", "quarterly"))
    instant: datetime = Field(**doc(
        "公开时刻，必须带时区（如 +08:00）", "The instant it goes public, with an offset or zone",
        "2024-10-21T10:00:00+08:00"))
    state: Literal["provisional", "confirmed", "postponed", "cancelled"] = Field(**doc(
        "状态：provisional 暂定，confirmed 确定，postponed 推迟，cancelled 取消（后两者需 history 中说明原因）",
        "State: provisional, confirmed, postponed, cancelled (the last two need a history entry with a "
        "reason)", "confirmed"))
    prerelease_window_hours: float | None = Field(default=None, gt=0, le=MAX_PRERELEASE_HOURS, **doc(
        "发布前可提前查看的小时数（至多 24）", "Hours before the instant that press accounts may see it "
        "(at most 24)", 24))
    series: tuple[str, ...] = Field(min_length=1, **doc(
        "本次发布承诺发布的指标代码", "Codes of the series the release carries", ["GDP", "GDP_GROWTH"]))
    sources: tuple[SourceFile, ...] = Field(default=(), **doc(
        "源数据文件（数据到达前可为空：显示为等待数据）", "Its source files (empty until the data arrive: "
        "shown as awaiting data)", [{"file": "gdp.xlsx", "layout": "wide"}]))
    revision: Revision | None = Field(default=None, **doc(
        "修订说明（修订以前发布的数据时）", "What it revises and why (when it revises published figures)",
        {"stage": "final-verification", "reason": {"zh": "最终核实", "en": "final verification"}}))
    history: tuple[Change, ...] = Field(default=(), **doc(
        "公开的变更记录（永久保留）", "Public history of changes (kept for ever)",
        [{"date": "2025-12-15", "change": "announced"}]))

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
    """The release calendar (发布日程表), `calendar.yaml`."""

    timezone: Literal["Asia/Shanghai"] = Field(default="Asia/Shanghai", **doc(
        "办公时区", "The office's time zone", "Asia/Shanghai"))
    prerelease_window_hours: float = Field(default=24, gt=0, le=MAX_PRERELEASE_HOURS, **doc(
        "默认的发布前查看窗口（小时，至多 24）", "Default pre-release window in hours (at most 24)", 24))
    # When the office began publishing with statpub. Releases whose instant is before it are its
    # history, published elsewhere: they come in with `statpub import-history`, keep their
    # original instants as vintages and are never "delayed". Without it, every release is live.
    adopted: datetime | None = Field(default=None, **doc(
        "开始使用 statpub 发布的时间：此前的发布为历史发布，以导入方式审签",
        "When the office began publishing with statpub: earlier releases are history, approved as an import",
        "2026-06-01T00:00:00+08:00"))
    releases: tuple[Release, ...] = Field(**doc("发布列表", "The releases", []))

    @field_validator("adopted")
    @classmethod
    def _adopted_aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and (value.tzinfo is None or value.utcoffset() is None):
            raise ValueError("adopted has no offset or zone; write e.g. 2026-06-01T00:00:00+08:00")
        return value.astimezone(UTC) if value is not None else None

    def is_history(self, release: Release) -> bool:
        """Published before the office adopted statpub (imported, never delayed)."""
        return self.adopted is not None and release.instant < self.adopted

    @model_validator(mode="after")
    def _unique_ids(self) -> Calendar:
        # Also checked with its line by `calendar_problems`; here so that no Calendar holds two.
        ids = [r.id for r in self.releases]
        if len(set(ids)) != len(ids):
            raise ValueError("a release id is listed twice; list each release once")
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
            hints = "".join(did_you_mean(r, self.by_id) for r in unknown)
            raise UserError(f"calendar.yaml has no release {', '.join(map(repr, unknown))}{hints} "
                            "(see `statpub calendar`)")
        return [self.by_id[r] for r in release_ids]


# Everything an office keeps in its content root beside calendar.yaml (what a backup copies and a
# copy of the content takes): the releases with their approvals, the disclosure register, the
# working-day calendar, the message board's settings. Absent parts are simply not there.
# calendar.yaml comes last: until it is there, a folder is not a content root and serves nothing.
CONTENT_PARTS = ("releases", "register", "workdays.yaml", "messages.yaml", "calendar.yaml")


def copy_content(source: Path, target: Path, *, skip: tuple[str, ...] = ()) -> None:
    """Copy a content root's parts (CONTENT_PARTS, those present, but `skip`) into `target`."""
    import shutil

    target.mkdir(parents=True, exist_ok=True)
    for part in (p for p in CONTENT_PARTS if p not in skip):
        found = source / part
        if found.is_dir():
            shutil.copytree(found, target / part, symlinks=False, dirs_exist_ok=True)
        elif found.is_file():
            shutil.copy2(found, target / part)


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
        return load_model(self.catalogue_path, Catalogue, display_name="releases/catalogue.yaml",
                          checks=catalogue_problems)

    def load_calendar(self, catalogue: Catalogue | None = None, *,
                      known_codes: Iterable[str] | None = None) -> Calendar:
        """The calendar; with the catalogue (or its codes), the series it promises are checked."""
        codes = list(catalogue.by_code) if catalogue is not None else known_codes
        return load_model(self.calendar_path, Calendar, display_name="calendar.yaml",
                          checks=lambda data: calendar_problems(data, codes))

    def load_content(self) -> tuple[Catalogue, Calendar]:
        """The catalogue and the calendar, with the problems of both reported at once (a broken
        catalogue still lends its series codes to the calendar's check)."""
        problems: list[Problem] = []
        catalogue = calendar = None
        try:
            catalogue = self.load_catalogue()
        except ValidationFailed as exc:
            problems += exc.problems
        codes = None
        if catalogue is None and self.catalogue_path.is_file():
            try:
                raw = read_yaml(self.catalogue_path)[0]
            except ValidationFailed:
                raw = None
            # Only a catalogue whose series list can be read lends its codes (else no code is "unknown").
            if isinstance(raw, dict) and isinstance(raw.get("series"), list):
                codes = series_codes(raw)
        try:
            calendar = self.load_calendar(catalogue, known_codes=codes)
        except ValidationFailed as exc:
            problems += exc.problems
        if problems or catalogue is None or calendar is None:
            raise ValidationFailed(problems, context="content")
        return catalogue, calendar
