"""Letters generated from an application's record (DOCX, Chinese, python-docx): the
acknowledgement (受理回执), the request to complete it (补正告知书), the extension notice (延期答复
告知书) and the reply (答复书) for its type and ground, with the applicant's remedies. The office's
name comes from the content root's catalogue; the legal wording is the regulation's."""

from __future__ import annotations

import io

from statpub.features.messages.applications import Application
from statpub.features.messages.outcomes import OUTCOMES, ground_label, label
from statpub.kernel.errors import NotFound

KINDS = ("acknowledgement", "correction", "extension", "reply")
REMEDIES = ("如对本答复不服，可以自收到本答复之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。")
REPLY_TEXT = {
    "disclosed": "经审查，您申请获取的政府信息属于公开范围，现予以提供（见附件）。",
    "partly_disclosed": "经审查，您申请获取的政府信息中部分内容可以公开，现提供可以公开的部分（见附件）；其余部分不予公开，理由如下：{ground}。",
    "not_disclosed": "经审查，您申请获取的政府信息不予公开，理由：{ground}。",
    "unavailable": "经审查，本机关无法提供您申请获取的政府信息，理由：{ground}。",
    "not_processed": "经审查，本机关对您的申请不予处理，理由：{ground}。",
    "other": "经审查，本机关对您的申请作如下处理：{ground}。",
}


def _event(application: Application, action: str) -> dict | None:
    return next((ev for ev in reversed(application.events) if ev["action"] == action), None)


def paragraphs(application: Application, kind: str, office: str) -> tuple[str, list[str]]:
    """The title and paragraphs of a letter (plain text, for tests and the DOCX alike)."""
    name = application.applicant_name or "申请人"
    received = application.received_on
    head = f"{name}："
    if kind == "acknowledgement":
        due = application.clock.due.isoformat() if application.clock and application.clock.due else "（另行告知）"
        return "政府信息公开申请受理回执", [
            head, f"本机关于{received}收到您提出的政府信息公开申请（编号：{application.number}），所需信息：",
            application.description, f"本机关将依照《中华人民共和国政府信息公开条例》在规定期限内答复，答复期限至{due}。"]
    if kind == "correction":
        ev = _event(application, "correction_requested")
        if ev is None:
            raise NotFound("no request to complete this application")
        return "政府信息公开申请补正告知书", [
            head, f"您于{received}提出的政府信息公开申请（编号：{application.number}）内容不够明确，请补正以下事项：",
            ev["reason"], "答复期限自本机关收到补正后的申请之日起计算。逾期无正当理由不补正的，视为放弃申请。"]
    if kind == "extension":
        ev = _event(application, "extended")
        if ev is None:
            raise NotFound("no extension for this application")
        import json

        days = json.loads(ev["data"])["days"]
        due = application.clock.due.isoformat() if application.clock and application.clock.due else ""
        return "政府信息公开申请延期答复告知书", [
            head, f"您于{received}提出的政府信息公开申请（编号：{application.number}），因{ev['reason']}，"
            f"经批准，答复期限延长{days}个工作日，延长后的答复期限至{due}。"]
    if application.outcome is None:
        raise NotFound("this application has no reply yet")
    text = REPLY_TEXT[application.outcome].format(ground=ground_label(application.outcome, application.ground, "zh"))
    return f"政府信息公开申请答复书（{label(OUTCOMES, application.outcome, 'zh')}）", [
        head, f"本机关于{received}收到您提出的政府信息公开申请（编号：{application.number}），所需信息：",
        application.description, text, REMEDIES]


def letter_docx(application: Application, kind: str, office: str, date_text: str) -> bytes:
    if kind not in KINDS:
        raise NotFound("no such letter")
    # python-docx loads with the first letter (staff only), not in every web worker.
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    title, body = paragraphs(application, kind, office)
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")  # the East Asian slot
    heading = document.add_heading(title, level=1)
    for run in heading.runs:
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")
    document.add_paragraph(f"编号：{application.number}")
    for text in body:
        document.add_paragraph(text)
    document.add_paragraph(office)
    document.add_paragraph(date_text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
