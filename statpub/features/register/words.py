"""Every word the register shows, Chinese first, English alongside."""

from __future__ import annotations

KIND_NAMES: dict[str, tuple[str, str]] = {
    "document": ("文件", "Documents"),
    "interpretation": ("政策解读", "Interpretations"),
    "survey": ("统计调查项目", "Statistical survey projects"),
    "report-system": ("统计报表制度", "Statistical report systems"),
    "classification": ("统计分类", "Statistical classifications"),
    "inspection": ("双随机抽查结果", "Random inspection results"),
    "penalty": ("行政处罚", "Administrative penalties"),
    "dishonest-entity": ("统计严重失信企业", "Seriously dishonest entities"),
    "budget": ("预算决算", "Budgets and final accounts"),
    "annual-report": ("政府信息公开工作年度报告", "Annual reports on open government information"),
}

WORDS: dict[str, tuple[str, str]] = {
    "register": ("主动公开目录", "Disclosure register"),
    "register_intro": ("本机关主动公开的全部事项：按领域和层级列出公开依据、责任部门、公开时限，以及每一项信息的形成、"
                       "变更和公开日期与是否按时公开（工作日）。数据目录列在最后。",
                       "Everything this office publishes proactively: by domain and level, with the legal basis, the "
                       "department responsible and the time limit, and for every item the dates it was made, changed "
                       "and published and whether it was published on time (working days). The dataset catalogue "
                       "follows."),
    "matters": ("主动公开事项目录", "Catalogue of proactive disclosure"),
    "matter": ("公开事项", "Matter"),
    "domain": ("领域", "Domain"),
    "level": ("层级", "Level"),
    "basis": ("公开依据", "Legal basis"),
    "item_basis": ("依据", "Basis"),
    "department": ("责任部门", "Department"),
    "time_limit": ("公开时限", "Time limit"),
    "working_days": ("{n}个工作日", "{n} working days"),
    "method": ("公开方式", "How published"),
    "items": ("条目", "Items"),
    "count": ("数量", "Count"),
    "title": ("标题", "Title"),
    "created": ("形成日期", "Made"),
    "changed": ("变更日期", "Changed"),
    "published": ("公开日期", "Published"),
    "due": ("公开期限", "Due"),
    "timeliness": ("是否按时", "On time"),
    "on-time": ("按时", "on time"),
    "late": ("逾期", "late"),
    "overdue": ("已逾期未公开", "overdue"),
    "pending": ("待公开", "due"),
    "days_taken": ("用时（工作日）", "Working days taken"),
    "provisional": ("（暂定）", " (provisional)"),
    "status": ("状态", "Status"),
    "current": ("有效", "current"),
    "lapsed": ("已失效", "lapsed"),
    "lapsing": ("即将到期", "lapsing"),
    "valid_until": ("有效期至", "Valid until"),
    "approver": ("批准机关", "Approving authority"),
    "approval_number": ("批准文号", "Approval number"),
    "organiser": ("制定机关", "Made by"),
    "respondents": ("调查对象", "Respondents"),
    "forms": ("调查表式", "Forms"),
    "forms_current": ("现行表式", "Forms in use"),
    "forms_lapsed": ("已失效，表式不再使用", "Lapsed: its forms are no longer in use"),
    "form_number": ("表号", "Form number"),
    "form_name": ("表名", "Form"),
    "frequency": ("报送频率", "Frequency"),
    "number": ("文号", "Number"),
    "issuer": ("发文机关", "Issued by"),
    "issued": ("成文日期", "Issued"),
    "effective": ("施行日期", "In force from"),
    "expires": ("失效日期", "Expires"),
    "repealed": ("废止日期", "Repealed"),
    "interpretation": ("政策解读", "Interpretation"),
    "interprets": ("解读的文件", "Interprets"),
    "files": ("附件", "Files"),
    "download": ("下载", "Download"),
    "scheme": ("分类", "Classification"),
    "version": ("版本", "Version"),
    "codes": ("代码表", "Codes"),
    "code": ("代码", "Code"),
    "name": ("名称", "Name"),
    "parent": ("上级", "Parent"),
    "mappings": ("对照关系", "Correspondence"),
    "mapped_to": ("对照到", "Mapped onto"),
    "plan": ("抽查事项", "Inspection"),
    "inspected_on": ("抽查日期", "Inspected on"),
    "inspectors": ("执法检查人员", "Inspectors"),
    "units": ("抽查对象及结果", "Units inspected and results"),
    "result": ("检查结果", "Result"),
    "party": ("当事人", "Party"),
    "credit_code": ("统一社会信用代码", "Credit code"),
    "legal_representative": ("法定代表人", "Legal representative"),
    "decision_number": ("处罚决定书文号", "Decision number"),
    "decided_on": ("处罚决定日期", "Decided on"),
    "violation": ("违法事实", "Violation"),
    "penalty": ("处罚内容", "Penalty"),
    "fine": ("罚款金额（元）", "Fine (yuan)"),
    "authority": ("处罚机关", "Authority"),
    "listed_on": ("列入日期", "Listed on"),
    "reason": ("失信行为", "Conduct"),
    "year": ("年度", "Year"),
    "budget_type": ("类型", "Type"),
    "budget": ("预算", "budget"),
    "final-accounts": ("决算", "final accounts"),
    "withheld": ("不予公开", "withheld"),
    "summary": ("摘要", "Summary"),
    "tags": ("主题词", "Topics"),
    "history": ("公开记录", "Publication record"),
    "version_published": ("版本公开于", "Version published"),
    "not_found": ("未找到", "Not found"),
    "item_not_found": ("该条目不存在或尚未公开。", "This item does not exist or is not public yet."),
    "all_kinds": ("全部类别", "All kinds"),
    "datasets": ("数据目录", "Dataset catalogue"),
    "datasets_intro": ("已发布的全部统计指标，按专题列出。", "Every published series, by topic."),
    "search": ("站内搜索", "Search"),
    "search_label": ("搜索关键词", "Search for"),
    "search_button": ("搜索", "Search"),
    "search_hint": ("可搜索发布、解读、文件、常见问题和指标，中英文均可；用引号搜索短语。",
                    "Searches releases, interpretations, documents, FAQ and series in Chinese or English; "
                    "quote a phrase to find it as written."),
    "results": ("共找到{n}条结果", "{n} results"),
    "no_results": ("没有找到结果。", "Nothing found."),
    "result_kinds": ("结果类别", "Kinds of results"),
    "kind_release": ("发布", "Release"),
    "kind_interpretation": ("解读", "Interpretation"),
    "kind_series": ("指标", "Series"),
    "kind_faq": ("常见问题", "FAQ"),
    "kind_register": ("公开目录", "Register"),
    "previous": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "annual_report": ("政府信息公开工作年度报告", "Annual report on open government information"),
    "staff_register": ("主动公开工作台", "Disclosure register: staff view"),
    "staff_only": ("请以工作人员身份登录。", "Sign in as staff."),
}


def w(key: str, lang: str, **values: object) -> str:
    zh, en = WORDS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def kind_name(kind: str, lang: str) -> str:
    zh, en = KIND_NAMES.get(kind, (kind, kind))
    return zh if lang == "zh" else en


def bi(value: dict | None, lang: str) -> str:
    """A {zh, en} text from an item's data in the page's language (Chinese if English is missing)."""
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    return (value.get("en") if lang == "en" else None) or value.get("zh") or ""
