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
from statpub.kernel.fielddoc import doc

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

    file: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.(pdf|docx|html)$", **doc(
        "与条目 YAML 同目录的文件名：.pdf、.docx 或 .html", "File name beside the item's YAML: .pdf, .docx or .html",
        "2026-budget.docx"))
    title: Bilingual | None = Field(default=None, **doc("附件标题", "The attachment's title", {"zh": "部门预算全文", "en": "Full text of the budget"}))


class Item(Strict):
    """What every register item has."""

    matter: str = Field(pattern=ID_PATTERN, **doc("所属主动公开事项（catalogue.yaml 中 matters 的 id）",
                                                  "The catalogue entry (matters[].id) it falls under", "survey-projects"))
    title: Bilingual = Field(**doc("标题", "Title", {"zh": "某市统计调查项目管理办法", "en": "Survey management measures"}))
    instant: datetime = Field(**doc("审核通过后公开的时刻（须带时区）", "When it goes public once approved (an offset is "
                                    "required)", "2026-03-10T10:00:00+08:00"))
    created: date = Field(**doc("信息形成之日", "The date the information was made", "2026-02-20"))
    changed: date | None = Field(default=None, **doc("最近一次变更之日（如有）", "The date of its latest change, if any",
                                                     "2026-03-01"))
    summary: Bilingual | None = Field(default=None, **doc("摘要", "Summary", {"zh": "规范部门统计调查项目的审批与管理", "en": "How survey projects are approved and managed"}))
    tags: tuple[str, ...] = Field(default=(), **doc("主题标签", "Topic tags", ["统计调查", "surveys"]))
    files: tuple[Attachment, ...] = Field(default=(), **doc("随条目公开的附件", "Files published with the item",
                                                            [{"file": "2026-budget.docx"}]))

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

    number: str | None = Field(default=None, **doc("文号", "Document number", "某统规〔2026〕2号"))
    issuer: Bilingual = Field(**doc("发文机关", "Issuer", {"zh": "某市统计局", "en": "City Statistics Bureau"}))
    issued: date = Field(**doc("成文日期", "Date issued", "2026-02-20"))
    effective: date | None = Field(default=None, **doc("施行日期", "Takes effect on", "2026-04-01"))
    expires: date | None = Field(default=None, **doc("有效期至", "Expires on", "2031-03-31"))
    repealed: date | None = Field(default=None, **doc("废止日期（如已废止）", "The date it was repealed, if it was",
                                                      "2030-01-01"))

    @model_validator(mode="after")
    def _dates(self) -> Document:
        if self.expires and self.effective and self.expires < self.effective:
            raise ValueError(f"expires ({self.expires}) before it takes effect ({self.effective})")
        return self


class Interpretation(Item):
    """The interpretation (政策解读) of a document: approved and published together with it (三同步)."""

    interprets: str = Field(pattern=ID_PATTERN, **doc("所解读文件的 id", "The id of the document it interprets",
                                                      "2026-survey-management-measures"))
    text: Bilingual = Field(**doc("解读正文（Markdown）", "The interpretation in Markdown", {"zh": "## 出台背景", "en": "## Background"}))


class Form(Strict):
    number: str = Field(min_length=1, max_length=40, **doc("表号", "Form number", "A101表"))
    name: Bilingual = Field(**doc("表名", "Form name", {"zh": "住户收支调查表", "en": "Household income and expenditure"}))
    frequency: Bilingual | None = Field(default=None, **doc("报送频率", "How often it is reported", {"zh": "季报", "en": "quarterly"}))


class ApprovedScheme(Item):
    """A survey project or report system approved by an authority, valid until a date."""

    organiser: Bilingual = Field(**doc("制定机关", "The body that made it", {"zh": "某市统计局", "en": "City Statistics Bureau"}))
    approver: Bilingual = Field(**doc("批准机关", "The approving authority", {"zh": "某省统计局", "en": "Provincial Statistics Bureau"}))
    approval_number: str = Field(min_length=1, **doc("批准文号", "Approval number", "某统制〔2024〕15号"))
    valid_from: date | None = Field(default=None, **doc("有效期起", "Valid from", "2024-07-01"))
    valid_until: date = Field(**doc("有效期至（当日24时失效）", "Last valid day: it lapses at midnight after it",
                                    "2027-06-30"))
    respondents: Bilingual | None = Field(default=None, **doc("调查对象", "Who reports", {"zh": "抽中住户", "en": "Sampled households"}))
    forms: tuple[Form, ...] = Field(min_length=1, **doc("调查表式", "Its forms", [{"number": "A101表", "name": {"zh": "住户收支调查表", "en": "Household income and expenditure"}}]))

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
    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,19}$", **doc("代码", "Code", "A01"))
    name: Bilingual = Field(**doc("名称", "Name", {"zh": "农业", "en": "Agriculture"}))
    parent: str | None = Field(default=None, **doc("上级代码（同一版本内）", "Parent code (in this version)", "A"))


class CodeMapping(Strict):
    """Codes of this version mapped onto those of another classification version."""

    to: str = Field(pattern=ID_PATTERN, **doc("对照的分类版本 id", "The id of the classification mapped onto",
                                              "industry-classification-2017"))
    pairs: tuple[tuple[str, str], ...] = Field(min_length=1, **doc("[本版本代码, 对方代码] 对", "[this code, the other's "
                                                                   "code] pairs", [["1", "A"]]))


class Classification(Item):
    """One version of a statistical classification (统计分类), with mappings onto other versions."""

    scheme: str = Field(pattern=ID_PATTERN, **doc("所属分类标准", "The classification this is a version of",
                                                  "industry-classification"))
    version: str = Field(min_length=1, max_length=60, **doc("版本", "Version", "GB/T 4754-2017"))
    effective: date = Field(**doc("施行日期", "Effective from", "2017-10-01"))
    codes: tuple[Code, ...] = Field(min_length=1, **doc("代码表", "The codes", [{"code": "A", "name": {"zh": "农、林、牧、渔业", "en": "Agriculture, forestry, animal husbandry and fishery"}}]))
    mappings: tuple[CodeMapping, ...] = Field(default=(), **doc("与其他版本的对照", "Mappings onto other versions",
                                                                [{"to": "industry-classification-2017",
                                                                  "pairs": [["1", "A"]]}]))

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

    type: Literal["organisation", "person"] = Field(**doc("单位或个人（个人适用隐私规则）", "An organisation or a person "
                                                          "(privacy rules apply to persons)", "organisation"))
    name: str = Field(min_length=1, max_length=200, **doc("名称或姓名", "Name", "某贸易有限公司"))
    credit_code: str | None = Field(default=None, **doc("统一社会信用代码", "Unified social credit code",
                                                        "91110000000000000X"))
    id_number: str | None = Field(default=None, **doc("个人身份证件号码", "A person's identity document number",
                                                      "110101199001011234"))
    legal_representative: str | None = Field(default=None, **doc("法定代表人", "Legal representative", "王某某"))


class InspectedUnit(Party):
    result: Bilingual = Field(**doc("检查结果", "Result", {"zh": "未发现问题", "en": "No problem found"}))


class Inspection(Item):
    """Results of a random inspection (双随机、一公开): the inspectors, the list inspected, the results."""

    plan: Bilingual = Field(**doc("抽查计划", "The inspection plan", {"zh": "2026年第一批双随机抽查", "en": "2026 first random inspection"}))
    inspected_on: date = Field(**doc("检查日期", "Inspected on", "2026-05-20"))
    inspectors: tuple[str, ...] = Field(min_length=1, **doc("执法检查人员", "Law-enforcement officers", ["李明", "周红"]))
    units: tuple[InspectedUnit, ...] = Field(min_length=1, **doc("检查对象名单及结果", "The units inspected and results",
                                                                 [{"type": "organisation", "name": "某贸易有限公司",
                                                                   "result": {"zh": "未发现问题", "en": "No problem found"}}]))

    def record_date(self) -> date:
        return self.inspected_on


class Penalty(Item):
    """An administrative penalty decision (行政处罚决定)."""

    decision_number: str = Field(min_length=1, **doc("处罚决定书文号", "Decision number", "某统罚〔2026〕3号"))
    decided_on: date = Field(**doc("处罚决定日期", "Decided on", "2026-06-10"))
    party: Party = Field(**doc("被处罚的单位或个人", "The party penalised", {"type": "organisation", "name": "某贸易有限公司"}))
    violation: Bilingual = Field(**doc("违法事实", "The violation", {"zh": "提供不真实统计资料", "en": "False statistical data"}))
    basis: Bilingual = Field(**doc("处罚依据", "Legal basis", {"zh": "《统计法》第四十一条", "en": "Statistics Law, Art. 41"}))
    penalty: Bilingual = Field(**doc("处罚内容", "The penalty", {"zh": "警告并处罚款", "en": "Warning and fine"}))
    fine_yuan: float | None = Field(default=None, ge=0, **doc("罚款金额（元）", "Fine in yuan", 20000))
    authority: Bilingual = Field(**doc("作出决定的机关", "Deciding authority", {"zh": "某市统计局", "en": "City Statistics Bureau"}))

    def record_date(self) -> date:
        return self.decided_on


class DishonestEntity(Item):
    """An entity found seriously dishonest in statistics (统计严重失信企业)."""

    party: Party = Field(**doc("被认定的单位", "The entity", {"type": "organisation", "name": "某贸易有限公司"}))
    listed_on: date = Field(**doc("认定日期", "Listed on", "2026-07-01"))
    reason: Bilingual = Field(**doc("认定理由", "Reason", {"zh": "拒报统计资料", "en": "Refused to report"}))
    basis: Bilingual = Field(**doc("认定依据", "Legal basis", {"zh": "统计严重失信企业信用管理办法", "en": "Rules on seriously dishonest entities"}))

    def record_date(self) -> date:
        return self.listed_on


class Budget(Item):
    """A budget or final accounts (部门预算、决算)."""

    year: int = Field(ge=1990, le=2200, **doc("年度", "Year", 2026))
    type: Literal["budget", "final-accounts"] = Field(**doc("预算或决算", "Budget or final accounts", "budget"))
    department: Bilingual = Field(**doc("部门", "Department", {"zh": "某市统计局", "en": "City Statistics Bureau"}))


class AnnualReport(Item):
    """The yearly report on government information disclosure (政府信息公开工作年度报告): the text
    sections staff write; the tables are computed from the records."""

    year: int = Field(ge=1990, le=2200, **doc("报告年度", "Year reported on", 2025))
    overview: Bilingual = Field(**doc("一、总体情况", "Overview", {"zh": "本年度……", "en": "This year…"}))
    problems: Bilingual = Field(**doc("五、存在的主要问题及改进情况", "Problems and improvements", {"zh": "……", "en": "…"}))
    other: Bilingual = Field(**doc("六、其他需要报告的事项", "Other matters", {"zh": "无", "en": "None"}))


MODELS: dict[str, type[Item]] = {
    "document": Document, "interpretation": Interpretation, "survey": Survey, "report-system": ReportSystem,
    "classification": Classification, "inspection": Inspection, "penalty": Penalty,
    "dishonest-entity": DishonestEntity, "budget": Budget, "annual-report": AnnualReport,
}
LAPSING_KINDS = ("survey", "report-system")


class PrivacyRule(Strict):
    """What an item kind shows of a person, and for how long the item stays public."""

    person_name: Literal["full", "masked", "hidden"] = Field(default="masked", **doc(
        "自然人姓名：全名、隐去部分（张某）或不显示", "A natural person's name: full, masked (张某) or hidden", "masked"))
    id_number: Literal["masked", "hidden"] = Field(default="hidden", **doc(
        "个人身份证件号码：隐去部分或不显示", "Identity numbers of persons: masked or hidden", "hidden"))
    official_name: Literal["full", "masked", "hidden"] = Field(default="full", **doc(
        "代表本机关的工作人员（检查人员）姓名", "Names of officials acting for the office (inspectors)", "full"))
    show_days: int | None = Field(default=None, ge=1, le=36500, **doc(
        "自记录日期（决定、认定、检查）起公开的天数；不填为长期公开",
        "Days after the record date (decision, listing, inspection) the item stays public; none: for ever", 1095))


class Matter(Strict):
    """One entry of the catalogue of proactive disclosure (主动公开事项)."""

    id: str = Field(pattern=ID_PATTERN, **doc("事项代码", "Matter id", "survey-projects"))
    kind: Kind = Field(**doc("条目类型（决定 register/ 下的文件夹）", "Item kind (names its folder under register/)",
                             "survey"))
    name: Bilingual = Field(**doc("事项名称", "Name", {"zh": "统计调查项目", "en": "Statistical survey projects"}))
    domain: Bilingual = Field(**doc("领域", "Domain", {"zh": "统计调查管理", "en": "Survey management"}))
    level: Bilingual = Field(**doc("层级", "Level", {"zh": "市级", "en": "city"}))
    basis: Bilingual = Field(**doc("公开依据", "Legal basis", {"zh": "《政府信息公开条例》第二十条", "en": "Regulations on Open Government Information, Art. 20"}))
    department: Bilingual = Field(**doc("责任部门", "Department responsible", {"zh": "统计调查处", "en": "Survey Division"}))
    time_limit: int = Field(default=20, ge=1, le=200, **doc(
        "自形成或变更之日起公开的期限（工作日；条例第二十六条为20个工作日）",
        "Working days from the item being made or changed to its publication (Regulations Art. 26: 20)", 20))
    method: Bilingual | None = Field(default=None, **doc("公开方式", "How it is published", {"zh": "门户网站", "en": "The office's website"}))
    interpretation_required: bool = Field(default=False, **doc(
        "本事项的文件须与解读同步公开（三同步）", "Documents of this matter go out only with their interpretation", True))


class RegisterCatalogue(Strict):
    """`register/catalogue.yaml`: the matters, the privacy rules per kind, staff view settings.

    Public metadata, reviewed like the series catalogue (先审查、后公开): the first catalogue an office
    loads is public as it is; after that an edit of a matter, or a matter added, is public only once
    approved with `statpub approve --metadata` (until then the public sees the approved version, and
    items' on-time judgement keeps the approved time limit). A privacy rule that shows less, or for
    less time, applies at the next load; one that shows more waits for that approval.
    """

    matters: tuple[Matter, ...] = Field(min_length=1, **doc("主动公开事项", "The matters published proactively",
                                                            [{"id": "survey-projects", "kind": "survey"}]))
    privacy: dict[Kind, PrivacyRule] = Field(default={}, **doc("各类条目的隐私规则", "Privacy rules per item kind",
                                                               {"penalty": {"person_name": "masked", "show_days": 1095}}))
    lapsing_days: int = Field(default=60, ge=1, le=3650, **doc(
        "工作人员视图列出有效期在此天数内届满的调查项目和报表制度",
        "Staff views list survey projects and report systems whose validity ends within this many days", 60))

    @model_validator(mode="after")
    def _unique(self) -> RegisterCatalogue:
        ids = [m.id for m in self.matters]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"matter {twice[0]} is listed twice")
        return self

    def rule(self, kind: str) -> PrivacyRule:
        return self.privacy.get(kind) or PrivacyRule()  # type: ignore[call-overload]
