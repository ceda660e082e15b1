"""Who publishes: the office's identity, from `releases/office.yaml` in its content root (beside
the catalogue, so whatever carries the content — a copy, a backup, version control — carries it).

Everything the site, the API, the files, the feeds and the briefing packs say about the office
(its names, logo, colours, contact, licence, public address, and whether the content is a
demonstration) comes from here; nothing of an office is written in code. Before `office.yaml`
existed the catalogue carried `office`, `licence` and `base_url`: a content root that still does
so keeps working (`from_catalogue`), and `statpub check` suggests moving them.

    # releases/office.yaml
    name: {zh: 某市统计局, en: Statistics Bureau of Some City}     # the office, in full
    short_name: {zh: 某市统计, en: Some City Statistics}          # the site's name, tabs, feeds
    base_url: https://stats.example.org                          # the public address of the site
    licence:
      name: {zh: 开放数据共享公共领域许可, en: Open Data Commons Public Domain Dedication and License}
      url: https://opendatacommons.org/licenses/pddl/1-0/
      spdx: PDDL-1.0                                             # optional, for machine readers
    contact: {email: data@example.org, phone: '+86 10 0000 0000'}  # optional
    logo: logo.svg                                               # optional, beside office.yaml
    colours: {accent: '#1f4e9c', accent_dark: '#163a75'}         # optional
    demo: false                                                  # true: invented figures
    notice: {zh: …, en: …}                                       # shown under the name; a demo needs one
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from coloraide import Color
from pydantic import Field, field_validator, model_validator

from statpub.kernel.config import ENV_BASE_URL, Settings
from statpub.kernel.content import Bilingual, Catalogue, ContentRoot, Strict
from statpub.kernel.errors import Problem, ValidationFailed
from statpub.kernel.fielddoc import doc
from statpub.kernel.yamlfile import load_model

OFFICE_FILE = "releases/office.yaml"
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".webp": "image/webp"}
# Text in these colours sits on white and on the site's pale panels: WCAG AA asks 4.5:1.
BACKGROUNDS = ("#ffffff", "#f3f5f9")
MIN_CONTRAST = 4.5
_HEX = r"^#[0-9a-fA-F]{6}$"
# An older catalogue without `base_url`: absolute links point at the local server until one is set.
LOCAL_BASE_URL = "http://127.0.0.1:8050"


def _web_address(value: str, what: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"{what} must be an http(s) address such as https://stats.example.org, not {value!r}")
    return value


class Licence(Strict):
    """The licence under which the office publishes its data."""

    name: Bilingual = Field(**doc("许可名称（读者所见）", "The licence's name as readers see it",
                                  {"zh": "知识共享 CC0 1.0 公共领域贡献", "en": "CC0 1.0 public domain dedication"}))
    # Where its text is: required in office.yaml; only an older catalogue's bare licence lacks it.
    url: str | None = Field(default=None, **doc("许可全文的网址", "Address of the licence's text",
                                                "https://creativecommons.org/publicdomain/zero/1.0/"))
    spdx: str | None = Field(default=None, pattern=r"^[A-Za-z0-9.+-]{2,64}$", **doc(
        "SPDX 许可标识符（可选）", "SPDX identifier of the licence (optional)", "CC0-1.0"))

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else _web_address(value, "licence.url")


class Contact(Strict):
    """How readers reach the office (shown on the site and in files)."""

    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", **doc(
        "联系邮箱", "Contact e-mail address", "data@stats.example.org"))
    phone: str | None = Field(default=None, **doc("联系电话", "Contact telephone", "+86 21 0000 0000"))
    address: Bilingual | None = Field(default=None, **doc("通信地址", "Postal address",
                                                          {"zh": "某市某路 1 号", "en": "1 Some Road, Some City"}))
    url: str | None = Field(default=None, **doc("联系页面网址", "Address of a contact page",
                                                "https://stats.example.org/contact"))

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else _web_address(value, "contact.url")


class Colours(Strict):
    """The site's colours (checked for contrast on white: WCAG AA)."""

    accent: str = Field(default="#1f4e9c", pattern=_HEX, **doc(
        "主色：链接、分隔线、按钮", "Accent: links, rules, buttons", "#1f4e9c"))
    accent_dark: str = Field(default="#163a75", pattern=_HEX, **doc(
        "深色：悬停、突出的数字", "Dark accent: hover, highlighted figures", "#163a75"))

    @model_validator(mode="after")
    def _readable(self) -> Colours:
        for name in ("accent", "accent_dark"):
            colour = Color(getattr(self, name))
            worst = min(colour.contrast(background) for background in BACKGROUNDS)
            if worst < MIN_CONTRAST:
                raise ValueError(f"colours.{name} {getattr(self, name)} is too light to read on white "
                                 f"(contrast {worst:.1f}:1, at least {MIN_CONTRAST}:1 is needed); choose a darker one")
        return self


class Office(Strict):
    """Who publishes (`releases/office.yaml`): names, address, licence, contact, logo, colours."""

    name: Bilingual = Field(**doc("发布机构全称", "Full name of the publishing office",
                                  {"zh": "某市统计局", "en": "Some City Statistics Bureau"}))
    short_name: Bilingual = Field(**doc("网站名称（页眉、标题）", "The site's name (page header and titles)",
                                        {"zh": "某市统计数据发布", "en": "Some City statistics"}))
    base_url: str = Field(**doc("网站的公开地址（不含路径）：引用、链接和订阅都用它",
                                "The site's public address, without a path: citations, links and feeds use it",
                                "https://stats.example.org"))
    licence: Licence = Field(**doc("数据使用许可", "Licence of the published data",
                                   {"name": {"zh": "知识共享 CC0 1.0 公共领域贡献", "en": "CC0 1.0 public domain dedication"},
                                    "url": "https://creativecommons.org/publicdomain/zero/1.0/"}))
    contact: Contact | None = Field(default=None, **doc("联系方式", "Contact", {"email": "data@stats.example.org"}))
    logo: str | None = Field(default=None, **doc("标志文件（与 office.yaml 同在 releases/）",
                                                 "Logo file, beside office.yaml in releases/", "logo.svg"))
    colours: Colours = Field(default=Colours(), **doc("网站配色", "The site's colours", {"accent": "#1f4e9c"}))
    demo: bool = Field(default=False, **doc("内容是否仅供演示（是则须有 notice）",
                                            "Whether the content is a demo (then `notice` is required)", False))
    notice: Bilingual | None = Field(default=None, **doc(
        "每页显示的提示（演示内容必填）", "A notice shown on every page (required for a demo)",
        {"zh": "本站数字为虚构，仅供试用", "en": "The figures here are invented, for trying the site"}))

    @field_validator("base_url")
    @classmethod
    def _base(cls, value: str) -> str:
        _web_address(value, "base_url")
        if urlsplit(value).path not in ("", "/"):
            raise ValueError("base_url is the site's address without a path, e.g. https://stats.example.org")
        return _web_address(value, "base_url").rstrip("/")

    @field_validator("logo")
    @classmethod
    def _logo(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value.startswith("/") or ".." in Path(value).parts or not re.fullmatch(r"[\w./\-]+", value):
            raise ValueError(f"logo {value!r} must be a file beside office.yaml in releases/, e.g. logo.svg")
        if Path(value).suffix.lower() not in LOGO_TYPES:
            raise ValueError(f"logo {value!r} must be one of {', '.join(LOGO_TYPES)}")
        return value

    @model_validator(mode="after")
    def _demo_says_so(self) -> Office:
        if self.demo and self.notice is None:
            raise ValueError("demo content must say so to every reader: give `notice` (zh and en), "
                             "e.g. that the figures are invented")
        return self

    # -- what the site and the files say ---------------------------------------------------------
    def office(self, lang: str) -> str:
        return self.name(lang)

    def site_title(self, lang: str) -> str:
        return self.short_name(lang)

    def licence_text(self, lang: str) -> str:
        return self.licence.name(lang)

    def licence_line(self) -> str:
        """The licence in one line, for files: its names (both languages) and its address."""
        name = self.licence.name
        names = name.zh if name.zh == name.en else f"{name.zh} / {name.en}"
        return f"{names} {self.licence.url}" if self.licence.url else names

    @property
    def office_zh(self) -> str:
        return self.name.zh

    @property
    def office_en(self) -> str:
        return self.name.en

    @property
    def licence_zh(self) -> str:
        return self.licence.name.zh

    @property
    def licence_en(self) -> str:
        return self.licence.name.en

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or "localhost"

    def logo_path(self, content: ContentRoot) -> Path | None:
        return content.releases_dir / self.logo if self.logo else None


def office_path(content: ContentRoot) -> Path:
    return content.releases_dir / "office.yaml"


def from_catalogue(catalogue: Catalogue) -> Office | None:
    """The identity an older content root gives in its catalogue (`office`, `licence`,
    `base_url`), or None when it gives none."""
    if catalogue.office is None:
        return None
    return Office(name=catalogue.office, short_name=catalogue.office,
                  base_url=catalogue.base_url or LOCAL_BASE_URL,
                  licence=Licence(name=catalogue.licence or catalogue.office))


def load_office(content: ContentRoot, catalogue: Catalogue | None = None) -> Office:
    """The office of this content root: `office.yaml`, else the catalogue's `office` block.
    Every problem names the file, line and field; a logo that is not there is one of them."""
    path = office_path(content)
    if path.is_file():
        office = load_model(path, Office, display_name=OFFICE_FILE)
        problems = []
        if office.licence.url is None:
            problems.append(Problem(OFFICE_FILE, None, None, "licence.url",
                                    "give the address of the licence's text, e.g. "
                                    "https://opendatacommons.org/licenses/pddl/1-0/"))
        logo = office.logo_path(content)
        if logo is not None and not logo.is_file():
            problems.append(Problem(OFFICE_FILE, None, None, "logo",
                                    f"logo file {office.logo} not found beside office.yaml (in releases/)"))
        if problems:
            raise ValidationFailed(problems, context=OFFICE_FILE)
        return office
    found = from_catalogue(catalogue or content.load_catalogue())
    if found is None:
        raise ValidationFailed([Problem(OFFICE_FILE, None, None, None,
                                        "the content root says nothing of its office: write releases/office.yaml "
                                        "(beside catalogue.yaml) with name, short_name, base_url and licence "
                                        "(see README, 'Start your own office')")], context=OFFICE_FILE)
    return found


@lru_cache(maxsize=16)
def _cached(root: Path, stamps: tuple[int, ...]) -> Office:
    return load_office(ContentRoot(root))


def _stamp(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return -1


def published_office(settings: Settings) -> Office:
    """The office as the content holds it now, re-read when `office.yaml` (or the catalogue it
    falls back on) changes, with its public address from `STATPUB_BASE_URL` when that is set (a
    local or test server), else from office.yaml. Public paths with a gate use `public_office`
    with the approved version."""
    return public_office(settings, None)


@lru_cache(maxsize=16)
def _approved(body: str) -> Office | None:
    import json

    try:
        return Office.model_validate(json.loads(body))
    except (ValueError, TypeError):
        return None  # a version this statpub cannot read (an older format): the content's stands


def public_office(settings: Settings, approved: str | None) -> Office:
    """The office as the public sees it now: `approved` (the canonical JSON of the version of
    office.yaml approved by now, from the gate's public metadata: 先审查、后公开), or the content's
    when there is none yet (a snapshot from before metadata review). STATPUB_BASE_URL still sets
    the public address of a local or test server."""
    office = (_approved(approved) if approved else None) or _cached(
        settings.content.root, (_stamp(office_path(settings.content)), _stamp(settings.content.catalogue_path)))
    if settings.base_url_override:
        return office.model_copy(update={"base_url": _web_address(settings.base_url_override, ENV_BASE_URL).rstrip("/")})
    return office
