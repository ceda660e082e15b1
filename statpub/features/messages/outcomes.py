"""The words of the regulation (政府信息公开条例, 2019) and of the yearly report's tables on
applications: national terms, the same for every office."""

from __future__ import annotations

APPLICANT_TYPES = {
    "natural_person": ("自然人", "Natural person"),
    "company": ("商业企业", "Commercial enterprise"),
    "research": ("科研机构", "Research institution"),
    "public_interest": ("社会公益组织", "Public-interest organisation"),
    "legal_service": ("法律服务机构", "Legal-service institution"),
    "other": ("其他", "Other"),
}
CHANNELS = {"online": ("网上申请", "Online"), "post": ("信函申请", "By post"), "in_person": ("当面申请", "In person"),
            "fax": ("传真申请", "By fax"), "email": ("电子邮件申请", "By e-mail")}
FORMS = {"paper": ("纸质", "Paper"), "electronic": ("电子", "Electronic")}
DELIVERY = {"post": ("邮寄", "Post"), "email": ("电子邮件", "E-mail"), "collect": ("自行领取", "Collect in person"),
            "online": ("网上获取", "Online")}

# Reply types and their grounds, in the order of the yearly report's table (第三部分).
OUTCOMES: dict[str, tuple[str, str, dict[str, tuple[str, str]]]] = {
    "disclosed": ("予以公开", "Disclosed", {}),
    "partly_disclosed": ("部分公开", "Partly disclosed (what may be disclosed, separated)", {}),
    "not_disclosed": ("不予公开", "Not disclosed", {
        "state_secret": ("属于国家秘密", "State secret"),
        "law_forbids": ("其他法律行政法规禁止公开", "Forbidden by other laws or regulations"),
        "three_safeties": ("危及“三安全一稳定”", "Would endanger national, public, economic security or stability"),
        "third_party": ("保护第三方合法权益", "Protects a third party's lawful rights"),
        "internal": ("属于三类内部事务信息", "Internal affairs information"),
        "process": ("属于四类过程性信息", "Process information"),
        "enforcement": ("属于行政执法案卷", "Administrative enforcement files"),
        "inquiry": ("属于行政查询事项", "Administrative inquiry matters"),
    }),
    "unavailable": ("无法提供", "Cannot be provided", {
        "not_held": ("本机关不掌握相关政府信息", "The office does not hold the information"),
        "not_made": ("没有现成信息需要另行制作", "No existing information; it would have to be made"),
        "unclear": ("补正后申请内容仍不明确", "Still unclear after completion"),
    }),
    "not_processed": ("不予处理", "Not processed", {
        "petition": ("信访举报投诉类申请", "A petition, report or complaint"),
        "duplicate": ("重复申请", "A repeated application"),
        "publications": ("要求提供公开出版物", "Asks for published publications"),
        "excessive": ("无正当理由大量反复申请", "Many repeated applications without good reason"),
        "confirmation": ("要求行政机关确认或重新出具已获取信息", "Asks to confirm or reissue information already obtained"),
    }),
    "other": ("其他处理", "Other handling", {
        "not_corrected": ("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                          "Not completed in time without good reason: no longer processed"),
        "fee_unpaid": ("申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                       "Fee not paid in time: no longer processed"),
        "other": ("其他", "Other"),
    }),
}

# Administrative reconsideration and litigation after a reply (yearly report, 第四部分).
REVIEW_RESULTS = {"upheld": ("结果维持", "Upheld"), "corrected": ("结果纠正", "Corrected"),
                  "other": ("其他结果", "Other result"), "pending": ("尚未审结", "Pending")}

STATES = {"received": ("办理中", "In progress"), "awaiting_correction": ("待补正", "Awaiting completion (补正)"),
          "consulting": ("征求意见中", "Consulting third parties"), "replied": ("已答复", "Replied"),
          "withdrawn": ("已撤回", "Withdrawn"), "closed": ("已终止", "Closed")}
OPEN_STATES = ("received", "awaiting_correction", "consulting")


def label(table: dict, key: str | None, lang: str) -> str:
    if key is None or key not in table:
        return ""
    entry = table[key]
    return entry[0] if lang == "zh" else entry[1]


def ground_label(outcome: str | None, ground: str | None, lang: str) -> str:
    if not outcome or not ground or outcome not in OUTCOMES:
        return ""
    return label(OUTCOMES[outcome][2], ground, lang)
