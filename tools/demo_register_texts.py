"""The words of the demo register: an illustrative city's documents, interpretations and enforcement
results (invented; names of companies and people are fictional)."""

from __future__ import annotations


def bi(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


MATTERS = [
    {"id": "normative-documents", "kind": "document", "name": bi("规范性文件", "Normative documents"),
     "domain": bi("政策法规", "Policies and rules"), "level": bi("市级", "city"),
     "basis": bi("《中华人民共和国政府信息公开条例》第二十条第一项", "Regulations on Open Government Information, art. 20(1)"),
     "department": bi("政策法规处", "Policy and Legal Affairs Division"), "time_limit": 20,
     "method": bi("政府网站、政务新媒体", "Website and official accounts"), "interpretation_required": True},
    {"id": "policy-interpretations", "kind": "interpretation", "name": bi("政策解读", "Policy interpretations"),
     "domain": bi("政策法规", "Policies and rules"), "level": bi("市级", "city"),
     "basis": bi("《中华人民共和国政府信息公开条例》第二十条；政策文件与解读同步起草、同步审签、同步发布",
                 "Regulations, art. 20; documents and interpretations drafted, approved and published together"),
     "department": bi("政策法规处", "Policy and Legal Affairs Division"), "time_limit": 20},
    {"id": "survey-projects", "kind": "survey", "name": bi("统计调查项目", "Statistical survey projects"),
     "domain": bi("统计调查管理", "Survey management"), "level": bi("市级", "city"),
     "basis": bi("《中华人民共和国统计法》第十七条；《统计调查项目管理办法》", "Statistics Law, art. 17; Measures on "
                 "the Management of Statistical Survey Projects"),
     "department": bi("统计设计管理处", "Statistical Design Division"), "time_limit": 20},
    {"id": "report-systems", "kind": "report-system", "name": bi("统计报表制度", "Statistical report systems"),
     "domain": bi("统计调查管理", "Survey management"), "level": bi("市级", "city"),
     "basis": bi("《中华人民共和国统计法》第十七条", "Statistics Law, art. 17"),
     "department": bi("统计设计管理处", "Statistical Design Division"), "time_limit": 20},
    {"id": "classifications", "kind": "classification", "name": bi("统计标准与分类", "Statistical standards and classifications"),
     "domain": bi("统计标准", "Statistical standards"), "level": bi("市级", "city"),
     "basis": bi("《中华人民共和国统计法》第十七条第三款", "Statistics Law, art. 17(3)"),
     "department": bi("统计设计管理处", "Statistical Design Division"), "time_limit": 20},
    {"id": "random-inspections", "kind": "inspection", "name": bi("“双随机、一公开”抽查结果", "Random inspection results"),
     "domain": bi("统计执法", "Statistical enforcement"), "level": bi("市级", "city"),
     "basis": bi("《统计执法监督检查办法》；随机抽取检查对象、随机选派执法检查人员、抽查情况及查处结果及时向社会公开",
                 "Measures on statistical law enforcement; random inspections and their results made public"),
     "department": bi("统计执法监督处", "Law Enforcement Supervision Division"), "time_limit": 20},
    {"id": "administrative-penalties", "kind": "penalty", "name": bi("行政处罚决定", "Administrative penalty decisions"),
     "domain": bi("统计执法", "Statistical enforcement"), "level": bi("市级", "city"),
     "basis": bi("《中华人民共和国行政处罚法》第四十八条：具有一定社会影响的行政处罚决定应当依法公开，七个工作日内",
                 "Administrative Penalty Law, art. 48: decisions of public concern published within 7 working days"),
     "department": bi("统计执法监督处", "Law Enforcement Supervision Division"), "time_limit": 7},
    {"id": "dishonest-entities", "kind": "dishonest-entity", "name": bi("统计严重失信企业", "Seriously dishonest entities"),
     "domain": bi("统计执法", "Statistical enforcement"), "level": bi("市级", "city"),
     "basis": bi("《统计严重失信企业信用管理办法》", "Measures on the Credit Management of Seriously Dishonest Entities"),
     "department": bi("统计执法监督处", "Law Enforcement Supervision Division"), "time_limit": 20},
    {"id": "budgets", "kind": "budget", "name": bi("部门预算和决算", "Budgets and final accounts"),
     "domain": bi("财政资金", "Public funds"), "level": bi("市级", "city"),
     "basis": bi("《中华人民共和国预算法》第十四条", "Budget Law, art. 14"),
     "department": bi("办公室（财务）", "General Office (finance)"), "time_limit": 20},
    {"id": "annual-reports", "kind": "annual-report", "name": bi("政府信息公开工作年度报告",
                                                                 "Annual reports on open government information"),
     "domain": bi("政务公开", "Open government"), "level": bi("市级", "city"),
     "basis": bi("《中华人民共和国政府信息公开条例》第四十九条、第五十条", "Regulations, arts. 49 and 50"),
     "department": bi("办公室", "General Office"), "time_limit": 20},
]

PRIVACY = {
    "penalty": {"person_name": "masked", "id_number": "hidden", "show_days": 1095},
    "dishonest-entity": {"person_name": "masked", "id_number": "hidden", "show_days": 1095},
    "inspection": {"person_name": "masked", "id_number": "hidden", "official_name": "full"},
}

RULES_2025_HTML = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>示例市统计局关于加强统计数据质量管理的规定</title></head>
<body><h1>示例市统计局关于加强统计数据质量管理的规定</h1>
<p>第一条　为了保障统计数据真实、准确、完整、及时，依据《中华人民共和国统计法》，制定本规定。</p>
<p>第二条　各专业统计机构对基层报送的数据实行全流程质量控制，建立数据审核、评估和追溯制度。</p>
<p>第三条　对统计调查对象的原始记录和统计台账开展常态化核查，核查结果纳入统计执法检查计划。</p>
<p>第四条　本规定自2025年6月1日起施行。</p>
<p lang="en">(Illustrative demo content: the rules of an example city, not an official document.)</p>
</body></html>
"""

READING_2025 = bi(
    "## 为什么制定本规定\n\n"
    "统计数据质量是统计工作的生命线。本规定把数据审核、评估和追溯三项制度写入同一份文件，明确各专业统计机构的责任。\n\n"
    "## 主要内容\n\n"
    "一是实行全流程质量控制，从基层报送到汇总发布每一步都留有记录。二是对原始记录和统计台账开展常态化核查。"
    "三是核查结果纳入统计执法检查计划，做到发现问题、依法处理。\n",
    "## Why these rules\n\n"
    "The quality of statistics is what statistical work stands on. The rules put data checking, assessment and "
    "tracing into one document and say who is responsible for each.\n\n"
    "## What they say\n\n"
    "First, quality is controlled from the first report of a respondent to the published total, with a record of "
    "every step. Second, original records and statistical ledgers are checked routinely. Third, the results of "
    "those checks feed the plan of statistical inspections, so that problems found are dealt with under the law.\n")

MEASURES_2026_PARAGRAPHS = [
    "示例市统计调查项目管理实施办法",
    "第一条　为规范本市统计调查项目的制定、审批和备案，减轻调查对象负担，制定本办法。",
    "第二条　新制定的部门统计调查项目，应当在申请审批前征求调查对象代表的意见，并评估调查的必要性和可行性。",
    "第三条　统计调查项目有效期届满未申请延长的，自动失效，其调查表式不得继续使用。",
    "第四条　本办法自2027年1月1日起施行。",
]

READING_2026 = bi(
    "## 出台背景\n\n"
    "近年来部分部门统计调查存在重复调查、表式过多的问题，给基层企业带来额外负担。本办法从源头上控制调查项目数量。\n\n"
    "## 三个变化\n\n"
    "新项目审批前必须先听取调查对象代表的意见，并提交必要性和可行性评估报告。"
    "有效期届满未申请延长的调查项目自动失效，失效项目的调查表式一律停止使用。"
    "市统计局将在政府网站统一公布现行有效的统计调查项目目录，接受社会监督。\n",
    "## Background\n\n"
    "Some departmental surveys have asked the same questions twice or used too many forms, burdening the businesses "
    "that answer them. These measures control the number of surveys at the source.\n\n"
    "## Three changes\n\n"
    "Before a new survey project is approved, representatives of its respondents must be heard and an assessment of "
    "its necessity and feasibility must be submitted. "
    "A survey project whose validity ends without an extension lapses by itself, and its forms are no longer used. "
    "The city bureau will publish the list of survey projects in force on its website, open to public scrutiny.\n")

INDUSTRY_SECTIONS = [
    ("A", "农、林、牧、渔业", "Agriculture, forestry, animal husbandry and fishery"),
    ("B", "采矿业", "Mining"),
    ("C", "制造业", "Manufacturing"),
    ("D", "电力、热力、燃气及水生产和供应业", "Production and supply of electricity, heat, gas and water"),
    ("E", "建筑业", "Construction"),
    ("F", "批发和零售业", "Wholesale and retail trade"),
    ("G", "交通运输、仓储和邮政业", "Transport, storage and post"),
    ("H", "住宿和餐饮业", "Accommodation and catering"),
    ("I", "信息传输、软件和信息技术服务业", "Information transmission, software and information technology services"),
    ("J", "金融业", "Finance"),
    ("K", "房地产业", "Real estate"),
    ("L", "租赁和商务服务业", "Leasing and business services"),
    ("M", "科学研究和技术服务业", "Scientific research and technical services"),
    ("N", "水利、环境和公共设施管理业", "Water, environment and public facilities management"),
    ("O", "居民服务、修理和其他服务业", "Resident, repair and other services"),
    ("P", "教育", "Education"),
    ("Q", "卫生和社会工作", "Health and social work"),
    ("R", "文化、体育和娱乐业", "Culture, sports and entertainment"),
    ("S", "公共管理、社会保障和社会组织", "Public administration, social security and social organisations"),
    ("T", "国际组织", "International organisations"),
]
THREE_INDUSTRIES = [("1", "第一产业", "Primary industry"), ("2", "第二产业", "Secondary industry"),
                    ("3", "第三产业", "Tertiary industry")]
SECTION_TO_INDUSTRY = {"A": "1", "B": "2", "C": "2", "D": "2", "E": "2"}

ANNUAL_2025 = {
    "overview": bi("2025年，市统计局坚持以公开为常态、不公开为例外，围绕统计数据发布、统计调查管理和统计执法三个领域"
                   "做好主动公开，按照发布日程表准时发布统计数据，依法办理政府信息公开申请。",
                   "In 2025 the bureau kept openness the rule and withholding the exception, published proactively on "
                   "statistical releases, survey management and enforcement, released its figures on the announced "
                   "calendar and handled applications for information within the law."),
    "problems": bi("一是部分统计调查项目到期前的延期申请不够及时；二是政策解读的形式较为单一。2026年将建立调查项目到期"
                   "提醒机制，并增加图表解读。",
                   "Extensions of some survey projects were asked for late, and interpretations came in one form "
                   "only. In 2026 the bureau will remind owners before projects lapse and add charts to "
                   "interpretations."),
    "other": bi("本年度未收取信息处理费。", "No information processing fees were charged this year."),
}
