"""The proactive-disclosure register (主动公开事项目录) as content: the catalogue of matters the office
must publish proactively, with their legal basis, department and time limit, the privacy rules per
item kind, and one model per item kind (documents, their interpretations, survey projects, report
systems, classifications, inspection results, penalties, seriously dishonest entities, budgets and
final accounts, the annual openness report).

Each item is one YAML file under `<root>/register/<folder>/<id>.yaml` (the folder names the kind);
`statpub/kernel/register_root.py` reads them with errors naming file, line and field. Every item has
an instant and goes public only through the gate, once a named reviewer approved its content hash.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field, field_validator, model_validator

from statpub.kernel.content import ID_PATTERN, Bilingual, Strict

# Item kinds by the folder holding them (a schema, not an office's wording).
FOLDERS: dict[str, str] = {
    "documents": "document", "interpretations": "interpretation", "surveys": "survey",
    "report-systems": "report-system", "classifications": "classification", "inspections": "inspection",
    "penalties": "penalty", "dishonest-entities": "dishonest-entity", "budgets": "budget",
    "annual-reports": "annual-report",
}
KINDS: tuple[str, ...] = tuple(FOLDERS.values())
KIND_FOLDER = {kind: folder for folder, kind in FOLDERS.items()}
ATTACHMENT_TYPES = {".pdf": "application/pdf", ".html": "text/html",
                    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
Kind = Literal["document", "interpretation", "survey", "report-system", "classification", "inspection",
               "penalty", "dishonest-entity", "budget", "annual-report"]


class Attachment(Strict):
    """A file published with the item (PDF, DOCX or HTML), beside its YAML file."""

    file: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.(pdf|docx|html)$",
                      description="File name beside the item's YAML: .pdf, .docx or .html")
    title: Bilingual | None = None


class Item(Strict):
    """What every register item has."""

    matter: str = Field(pattern=ID_PATTERN, description="The catalogue entry (matters[].id) it falls under")
    title: Bilingual
    instant: datetime = Field(description="When it goes public once approved (an offset is required)")
    created: date = Field(description="The date the information was made (形成之日)")
    changed: date | None = Field(default=None, description="The date of its latest change (变更之日), if any")
    summary: Bilingual | None = None
    tags: tuple[str, ...] = ()
    files: tuple[Attachment, ...] = ()

    @field_validator("instant")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("the instant needs an offset, e.g. 2026-03-10T10:00:00+08:00")
        return value

    @model_validator(mode="after")
    def _changed_after_created(self) -> Item:
        if self.changed is not None and self.changed < self.created:
            raise ValueError(f"changed ({self.changed}) is before created ({self.created})")
        names = [a.file for a in self.files]
        if len(set(names)) != len(names):
            raise ValueError("a file is listed twice")
        return self

    @property
    def made_or_changed(self) -> date:
        """The date the publication time limit counts from."""
        return self.changed or self.created

    def record_date(self) -> date:
        """The date the privacy rules count from (the decision, the listing...)."""
        return self.made_or_changed


class Document(Item):
    """A normative or policy document (规范性文件、政策文件) with its metadata."""

    number: str | None = Field(default=None, description="Document number (文号)")
    issuer: Bilingual
    issued: date
    effective: date | None = None
    expires: date | None = None
    repealed: date | None = Field(default=None, description="The date it was repealed (废止), if it was")

    @model_validator(mode="after")
    def _dates(self) -> Document:
        if self.expires and self.effective and self.expires < self.effective:
            raise ValueError(f"expires ({self.expires}) before it takes effect ({self.effective})")
        return self


class Interpretation(Item):
    """The interpretation (政策解读) of a document: approved and published together with it (三同步)."""

    interprets: str = Field(pattern=ID_PATTERN, description="The id of the document it interprets")
    text: Bilingual = Field(description="The interpretation in Markdown, Chinese and English")


class Form(Strict):
    number: str = Field(min_length=1, max_length=40, description="Form number (表号), e.g. A101表")
    name: Bilingual
    frequency: Bilingual | None = None


class ApprovedScheme(Item):
    """A survey project or report system approved by an authority, valid until a date."""

    organiser: Bilingual = Field(description="The body that made it (制定机关)")
    approver: Bilingual = Field(description="The approving authority (批准机关)")
    approval_number: str = Field(min_length=1, description="Approval number (批准文号)")
    valid_from: date | None = None
    valid_until: date = Field(description="Last valid day (有效期至): it lapses at midnight after it")
    respondents: Bilingual | None = Field(default=None, description="Who reports (调查对象)")
    forms: tuple[Form, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _validity(self) -> ApprovedScheme:
        if self.valid_from and self.valid_until < self.valid_from:
            raise ValueError(f"valid_until ({self.valid_until}) is before valid_from ({self.valid_from})")
        numbers = [f.number for f in self.forms]
        if len(set(numbers)) != len(numbers):
            raise ValueError("a form number is listed twice")
        return self


class Survey(ApprovedScheme):
    """A statistical survey project (统计调查项目)."""


class ReportSystem(ApprovedScheme):
    """A statistical report system (统计报表制度)."""


class Code(Strict):
    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,19}$")
    name: Bilingual
    parent: str | None = None


class CodeMapping(Strict):
    """Codes of this version mapped onto those of another classification version."""

    to: str = Field(pattern=ID_PATTERN, description="The id of the classification mapped onto")
    pairs: tuple[tuple[str, str], ...] = Field(min_length=1, description="[this code, the other's code] pairs")


class Classification(Item):
    """One version of a statistical classification (统计分类), with mappings onto other versions."""

    scheme: str = Field(pattern=ID_PATTERN, description="The classification this is a version of")
    version: str = Field(min_length=1, max_length=60)
    effective: date
    codes: tuple[Code, ...] = Field(min_length=1)
    mappings: tuple[CodeMapping, ...] = ()

    @model_validator(mode="after")
    def _codes(self) -> Classification:
        seen: set[str] = set()
        for code in self.codes:
            if code.code in seen:
                raise ValueError(f"code {code.code} is listed twice")
            seen.add(code.code)
        for code in self.codes:
            if code.parent is not None and code.parent not in seen:
                raise ValueError(f"code {code.code}: parent {code.parent} is not a code of this version")
        for mapping in self.mappings:
            unknown = sorted({a for a, _ in mapping.pairs} - seen)
            if unknown:
                raise ValueError(f"mapping to {mapping.to}: {unknown[0]} is not a code of this version")
        return self


class Party(Strict):
    """An organisation or a person named in an enforcement result (privacy rules apply to persons)."""

    type: Literal["organisation", "person"]
    name: str = Field(min_length=1, max_length=200)
    credit_code: str | None = Field(default=None, description="Unified social credit code (统一社会信用代码)")
    id_number: str | None = Field(default=None, description="A person's identity document number")
    legal_representative: str | None = None


class InspectedUnit(Party):
    result: Bilingual


class Inspection(Item):
    """Results of a random inspection (双随机、一公开): the inspectors, the list inspected, the results."""

    plan: Bilingual
    inspected_on: date
    inspectors: tuple[str, ...] = Field(min_length=1, description="Law-enforcement officers (执法检查人员)")
    units: tuple[InspectedUnit, ...] = Field(min_length=1)

    def record_date(self) -> date:
        return self.inspected_on


class Penalty(Item):
    """An administrative penalty decision (行政处罚决定)."""

    decision_number: str = Field(min_length=1)
    decided_on: date
    party: Party
    violation: Bilingual
    basis: Bilingual
    penalty: Bilingual
    fine_yuan: float | None = Field(default=None, ge=0)
    authority: Bilingual

    def record_date(self) -> date:
        return self.decided_on


class DishonestEntity(Item):
    """An entity found seriously dishonest in statistics (统计严重失信企业)."""

    party: Party
    listed_on: date
    reason: Bilingual
    basis: Bilingual

    def record_date(self) -> date:
        return self.listed_on


class Budget(Item):
    """A budget or final accounts (部门预算、决算)."""

    year: int = Field(ge=1990, le=2200)
    type: Literal["budget", "final-accounts"]
    department: Bilingual


class AnnualReport(Item):
    """The yearly report on government information disclosure (政府信息公开工作年度报告): the text
    sections staff write; the tables are computed from the records."""

    year: int = Field(ge=1990, le=2200)
    overview: Bilingual = Field(description="一、总体情况 Overview")
    problems: Bilingual = Field(description="五、存在的主要问题及改进情况 Problems and improvements")
    other: Bilingual = Field(description="六、其他需要报告的事项 Other matters")


MODELS: dict[str, type[Item]] = {
    "document": Document, "interpretation": Interpretation, "survey": Survey, "report-system": ReportSystem,
    "classification": Classification, "inspection": Inspection, "penalty": Penalty,
    "dishonest-entity": DishonestEntity, "budget": Budget, "annual-report": AnnualReport,
}
LAPSING_KINDS = ("survey", "report-system")


class PrivacyRule(Strict):
    """What an item kind shows of a person, and for how long the item stays public."""

    person_name: Literal["full", "masked", "hidden"] = Field(
        default="masked", description="A natural person's name: full, masked (张某) or hidden")
    id_number: Literal["masked", "hidden"] = Field(default="hidden", description="Identity numbers of persons")
    official_name: Literal["full", "masked", "hidden"] = Field(
        default="full", description="Names of officials acting for the office (inspectors)")
    show_days: int | None = Field(default=None, ge=1, le=36500, description=(
        "Days after the record date (decision, listing, inspection) the item stays public; none: for ever"))


class Matter(Strict):
    """One entry of the catalogue of proactive disclosure (主动公开事项)."""

    id: str = Field(pattern=ID_PATTERN)
    kind: Kind
    name: Bilingual
    domain: Bilingual = Field(description="Domain (领域), e.g. 统计调查管理")
    level: Bilingual = Field(description="Level (层级), e.g. 市级 / city")
    basis: Bilingual = Field(description="Legal basis (公开依据)")
    department: Bilingual = Field(description="Department responsible (责任部门)")
    time_limit: int = Field(default=20, ge=1, le=200, description=(
        "Working days from the item being made or changed to its publication (条例第二十六条: 20)"))
    method: Bilingual | None = Field(default=None, description="How it is published (公开方式)")
    interpretation_required: bool = Field(default=False, description=(
        "Documents of this matter go out only with their interpretation (三同步)"))


class RegisterCatalogue(Strict):
    """`register/catalogue.yaml`: the matters, the privacy rules per kind, staff view settings."""

    matters: tuple[Matter, ...] = Field(min_length=1)
    privacy: dict[Kind, PrivacyRule] = {}
    lapsing_days: int = Field(default=60, ge=1, le=3650, description=(
        "Staff views list survey projects and report systems whose validity ends within this many days"))

    @model_validator(mode="after")
    def _unique(self) -> RegisterCatalogue:
        ids = [m.id for m in self.matters]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"matter {twice[0]} is listed twice")
        return self

    def rule(self, kind: str) -> PrivacyRule:
        return self.privacy.get(kind) or PrivacyRule()  # type: ignore[call-overload]
