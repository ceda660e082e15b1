"""Every word the board shows, Chinese first, English alongside."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "board": ("政策留言板", "Message board"),
    "ask": ("提问 · 评价 · 建议", "Ask, rate or suggest"),
    "ask_intro": ("您可以就本页内容咨询、评价、提出建议或报告数据错误。答复期限按工作日计算。",
                  "Ask about this page, rate it, suggest or report an error. Replies are due within working days."),
    "category": ("类别", "Category"),
    "consultation": ("咨询", "Question"),
    "evaluation": ("评价", "Rating"),
    "suggestion": ("建议", "Suggestion"),
    "error": ("数据差错报告", "Error report"),
    "rating": ("评分（仅评价，1–5）", "Rating (ratings only, 1–5)"),
    "no_rating": ("不评分", "No rating"),
    "text": ("留言内容", "Your message"),
    "text_hint": ("{min}至{max}个字。请勿填写身份证号等个人信息。",
                  "{min}–{max} characters. Please do not include ID numbers or other personal data."),
    "contact": ("联系方式（可选：电子邮箱或电话，不会公开）", "Contact (optional: e-mail or phone, never shown)"),
    "consent": ("我同意本机关为答复留言而处理我提交的内容和联系方式；留言经隐私处理后可能与答复一并公开，"
                "联系方式不会公开，并在保存期满后删除。",
                "I agree that the office processes my message and contact to reply; the message may be published "
                "with the reply after editing for privacy; the contact is never published and is deleted after "
                "the retention period."),
    "website": ("请勿填写此项", "Leave this empty"),
    "submit": ("提交", "Send"),
    "received_title": ("留言已收到", "Message received"),
    "your_code": ("查询码", "Query code"),
    "keep_code": ("请保存查询码，凭此查询办理状态和答复。", "Keep this code: it shows the status and the reply."),
    "due": ("答复期限", "Reply due by"),
    "provisional": ("（暂定：该年度节假日尚未公布）", " (provisional: that year's holidays are not announced yet)"),
    "status": ("状态", "Status"),
    "received": ("已收到", "Received"),
    "assigned": ("办理中", "Assigned"),
    "answered": ("已答复", "Answered"),
    "closed": ("已办结", "Closed"),
    "not_accepted": ("不予受理", "Not accepted"),
    "reason": ("理由", "Reason"),
    "reply": ("答复", "Reply"),
    "question": ("问题", "Question"),
    "department": ("答复部门", "Department"),
    "received_on": ("收到日期", "Received"),
    "answered_on": ("答复日期", "Replied"),
    "about": ("涉及", "About"),
    "published_replies": ("已公开的答复", "Published replies"),
    "no_replies": ("暂无已公开的答复。", "No published replies yet."),
    "search": ("搜索", "Search"),
    "search_label": ("关键词", "Words"),
    "faq": ("常见问题", "Frequently asked questions"),
    "faq_none": ("暂无常见问题。", "No frequently asked questions yet."),
    "answer": ("解答", "Answer"),
    "sources": ("来源", "Sources"),
    "last_reviewed": ("最近审核", "Last reviewed"),
    "from_messages": ("来自留言", "From messages"),
    "statistics": ("留言办理统计", "Message statistics"),
    "period": ("期间", "Period"),
    "total": ("合计", "Total"),
    "on_time": ("按期答复", "Answered on time"),
    "received_count": ("收到", "Received"),
    "median_days": ("答复用时中位数（工作日）", "Median working days to reply"),
    "open": ("办理中", "Open"),
    "by_category": ("按类别", "By category"),
    "by_topic": ("按专题", "By topic"),
    "by_month": ("按月", "By month"),
    "mean_rating": ("平均评分", "Mean rating"),
    "home": ("返回首页", "Home"),
    "skip": ("跳到正文", "Skip to content"),
    "lang_switch": ("English", "中文"),
    "not_found": ("未找到", "Not found"),
    "apply": ("政府信息公开申请", "Apply for government information"),
    "application_received": ("申请已收到", "Application received"),
    "application_number": ("申请编号", "Application number"),
    "query_status": ("查询办理状态", "Check a status"),
    "staff": ("工作人员", "Staff"),
    "topic": ("专题", "Topic"),
    "release": ("发布", "Release"),
    "series": ("指标", "Series"),
    "previous": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "results": ("共{n}条", "{n} found"),
}


def w(key: str, lang: str, **values: object) -> str:
    zh, en = WORDS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def both(key: str) -> str:
    """Chinese, then English: for answers that have no language (errors, API)."""
    zh, en = WORDS[key]
    return f"{zh} · {en}"
