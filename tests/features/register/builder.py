"""A second office's register, written by tests into a MiniRoot: a small county office with its own
matters, time limits and privacy rules (nothing from the demo), and helpers to add items and
record approvals of exactly their content."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import yaml

from statpub.etl.register_approvals import ItemApproval, append_approval
from statpub.etl.register_hash import item_hash
from statpub.kernel.register_models import KIND_FOLDER
from statpub.kernel.register_root import approvals_path, load_register, register_dir
from tests.etl.builder import MiniRoot
from tests.paths import REPO_ROOT

REVIEWER = "测试审核员 Test Reviewer"


def bi(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


MATTERS = [
    {"id": "county-rules", "kind": "document", "name": bi("县统计规范性文件", "County statistical rules"),
     "domain": bi("政策文件", "Policy documents"), "level": bi("县级", "county"),
     "basis": bi("《政府信息公开条例》第二十条", "Regulations on Open Government Information, art. 20"),
     "department": bi("县统计局办公室", "County office secretariat"), "time_limit": 20,
     "interpretation_required": True},
    {"id": "county-readings", "kind": "interpretation", "name": bi("政策解读", "Interpretations"),
     "domain": bi("政策文件", "Policy documents"), "level": bi("县级", "county"),
     "basis": bi("三同步", "Published with the document"), "department": bi("县统计局办公室", "Secretariat")},
    {"id": "county-surveys", "kind": "survey", "name": bi("县级统计调查项目", "County survey projects"),
     "domain": bi("统计调查", "Surveys"), "level": bi("县级", "county"),
     "basis": bi("《统计法》第十七条", "Statistics Law, art. 17"), "department": bi("调查科", "Survey section"),
     "time_limit": 10},
    {"id": "county-systems", "kind": "report-system", "name": bi("报表制度", "Report systems"),
     "domain": bi("统计调查", "Surveys"), "level": bi("县级", "county"), "basis": bi("统计法", "Statistics Law"),
     "department": bi("调查科", "Survey section")},
    {"id": "county-classes", "kind": "classification", "name": bi("统计分类", "Classifications"),
     "domain": bi("统计标准", "Standards"), "level": bi("县级", "county"), "basis": bi("统计法", "Statistics Law"),
     "department": bi("综合科", "General section")},
    {"id": "county-penalties", "kind": "penalty", "name": bi("行政处罚", "Penalties"),
     "domain": bi("统计执法", "Enforcement"), "level": bi("县级", "county"), "basis": bi("行政处罚法", "Penalties Law"),
     "department": bi("执法队", "Enforcement team"), "time_limit": 7},
    {"id": "county-inspections", "kind": "inspection", "name": bi("双随机抽查", "Random inspections"),
     "domain": bi("统计执法", "Enforcement"), "level": bi("县级", "county"), "basis": bi("统计法", "Statistics Law"),
     "department": bi("执法队", "Enforcement team")},
    {"id": "county-reports", "kind": "annual-report", "name": bi("年度报告", "Annual reports"),
     "domain": bi("信息公开", "Openness"), "level": bi("县级", "county"), "basis": bi("条例第四十九条", "Art. 49"),
     "department": bi("县统计局办公室", "Secretariat")},
]
PRIVACY = {"penalty": {"person_name": "hidden", "id_number": "hidden", "show_days": 365},
           "inspection": {"person_name": "masked", "official_name": "full"}}


class MiniRegister:
    def __init__(self, root: Path, *, workdays: bool = True):
        self.mini = MiniRoot(root)
        self.mini.write()
        if workdays:
            shutil.copy(REPO_ROOT / "workdays.yaml", root / "workdays.yaml")
        self.base = register_dir(root)
        self.base.mkdir(parents=True, exist_ok=True)
        self.write_catalogue()

    @property
    def settings(self):
        return self.mini.settings

    def write_catalogue(self, **extra) -> None:
        data = {"matters": MATTERS, "privacy": PRIVACY, "lapsing_days": 30, **extra}
        (self.base / "catalogue.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                                  encoding="utf-8")

    def item(self, kind: str, item_id: str, **fields) -> Path:
        folder = self.base / KIND_FOLDER[kind]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{item_id}.yaml"
        data = {**DEFAULTS[kind](item_id), **fields}
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    def attach(self, kind: str, name: str, data: bytes) -> None:
        folder = self.base / KIND_FOLDER[kind]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)

    def approve(self, item_id: str, at: datetime, reviewer: str = REVIEWER) -> None:
        """Record an approval of the item's current content (tests: no checks, no reload)."""
        item = load_register(self.mini.root).items[item_id]
        append_approval(approvals_path(self.mini.root), ItemApproval(
            item=item_id, reviewer=reviewer, approved_at=at, content_hash=item_hash(item), user="test"))


def _common(item_id: str, matter: str, instant: str = "2026-03-10T10:00:00+08:00") -> dict:
    return {"matter": matter, "title": bi(f"{item_id} 标题", f"{item_id} title"), "instant": instant,
            "created": "2026-03-02"}


DEFAULTS = {
    "document": lambda i: {**_common(i, "county-rules"), "number": f"县统字〔2026〕{len(i)}号",
                           "issuer": bi("某县统计局", "A county statistics office"), "issued": "2026-03-02"},
    "interpretation": lambda i: {**_common(i, "county-readings"), "interprets": "doc-one",
                                 "text": bi("解读正文。", "The interpretation.")},
    "survey": lambda i: {**_common(i, "county-surveys"), "organiser": bi("某县统计局", "County office"),
                         "approver": bi("某市统计局", "City bureau"), "approval_number": "某统制〔2026〕1号",
                         "valid_until": "2026-06-30",
                         "forms": [{"number": "X101表", "name": bi("基本情况", "Basic data")}]},
    "report-system": lambda i: {**_common(i, "county-systems"), "organiser": bi("某县统计局", "County office"),
                                "approver": bi("某市统计局", "City bureau"), "approval_number": "某统制〔2026〕2号",
                                "valid_until": "2027-12-31",
                                "forms": [{"number": "Y201表", "name": bi("月报", "Monthly report")}]},
    "classification": lambda i: {**_common(i, "county-classes"), "scheme": "sectors", "version": "2026",
                                 "effective": "2026-01-01",
                                 "codes": [{"code": "1", "name": bi("第一产业", "Primary")},
                                           {"code": "2", "name": bi("第二产业", "Secondary")}]},
    "penalty": lambda i: {**_common(i, "county-penalties"), "decision_number": f"县统罚〔2026〕{len(i)}号",
                          "decided_on": "2026-03-01", "party": {"type": "person", "name": "李四", "id_number":
                                                                "110101199001011234"},
                          "violation": bi("虚报统计资料", "False statistical data"), "basis": bi("统计法", "Statistics Law"),
                          "penalty": bi("警告", "Warning"), "authority": bi("某县统计局", "County office")},
    "inspection": lambda i: {**_common(i, "county-inspections"), "plan": bi("2026年抽查", "2026 inspections"),
                             "inspected_on": "2026-02-20", "inspectors": ["王五", "赵六"],
                             "units": [{"type": "person", "name": "孙七", "result": bi("未发现问题", "No problem found")},
                                       {"type": "organisation", "name": "某县甲公司",
                                        "result": bi("责令改正", "Ordered to correct")}]},
    "annual-report": lambda i: {**_common(i, "county-reports"), "year": 2025,
                                "overview": bi("总体情况。", "Overview."), "problems": bi("问题。", "Problems."),
                                "other": bi("无。", "None.")},
}


def beijing(text: str) -> datetime:
    from statpub.kernel.clock import BEIJING

    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


def before(text: str, hours: int = 1) -> datetime:
    return beijing(text) - timedelta(hours=hours)
