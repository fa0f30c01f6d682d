"""Assemble the whole application as a .docx in the template's order and layout.

Order: cover → 一、申报信息表 (a real table) → 二、案例简介 (一)–(六) →
三、宣传推广材料 → 四、多媒体材料目录 → 五、申报承诺书. Before writing, each group is
checked against its limit once more, so no exported file ever exceeds one.
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

from assistant.core.textlen import count_words, trim_to_limit
from assistant.export.styles import (
    BODY_FONT,
    TITLE_FONT,
    add_heading,
    add_text,
    set_run_font,
    setup_document,
)
from assistant.forms.application import ApplicationInfo, MediaInfo
from assistant.forms.spec import FormSpec

MISSING = "【待补充】"


def enforce_group_limits(form: FormSpec, texts: dict[str, str]) -> dict[str, str]:
    """Last guard: while a group is over its limit, cut its longest real part at a sentence end.

    【待补充】 markers count toward the total (they are printed) but are never cut.
    """
    texts = dict(texts)
    for group in form.groups:
        ids = [p.id for p in group.parts]
        cuttable = [pid for pid in ids if not _is_marker(texts.get(pid, ""))]
        while cuttable and sum(count_words(texts.get(pid, "")) for pid in ids) > group.limit:
            longest = max(cuttable, key=lambda pid: count_words(texts.get(pid, "")))
            excess = sum(count_words(texts.get(pid, "")) for pid in ids) - group.limit
            texts[longest], _ = trim_to_limit(texts[longest], max(0, count_words(texts[longest]) - excess))
            if not texts[longest].strip():
                texts[longest] = f"【待补充：{form.part(longest).title}】"
                cuttable.remove(longest)
    return texts


def _is_marker(text: str) -> bool:
    return text.startswith("【待补充：") and text.endswith("】") and "\n" not in text


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _cover(document, form: FormSpec, info: ApplicationInfo, day: date) -> None:
    for _ in range(4):
        document.add_paragraph()
    add_text(document, form.cover.title, font=TITLE_FONT, size=26, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _ in range(5):
        document.add_paragraph()
    units = "、".join([info.applicant or MISSING] + info.co_applicants)
    for label, value in (("案例名称", info.case_name or MISSING), ("申报单位", units)):
        add_text(document, f"{label}：{value}", size=16, indent=False)
    document.add_paragraph()
    add_text(document, _chinese_date(day), align=WD_ALIGN_PARAGRAPH.CENTER)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _cell(cell, text: str, bold: bool = False) -> None:
    cell.text = ""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        set_run_font(paragraph.add_run(line), BODY_FONT, 14, bold)


def _info_table(document, form: FormSpec, info: ApplicationInfo) -> None:
    add_heading(document, f"{form.info.number}、{form.info.title}", 1)
    table = document.add_table(rows=0, cols=6)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER

    def wide_row(label: str, value: str) -> None:
        cells = table.add_row().cells
        _cell(cells[0], label, bold=True)
        merged = cells[1].merge(cells[5])
        _cell(merged, value)

    def person_row(label: str, name: str, title: str, phone: str) -> None:
        cells = table.add_row().cells
        for cell, text, bold in zip(
            cells,
            (label, name or MISSING, "部门职务", title or MISSING, "联系方式", phone or MISSING),
            (True, False, True, False, True, False),
            strict=False,
        ):
            _cell(cell, text, bold)

    wide_row("申报单位", "\n".join([info.applicant or MISSING] + info.co_applicants))
    wide_row("案例名称", info.case_name or MISSING)
    person_row("负责人", info.leader.name, info.leader.title, info.leader.phone)
    person_row("联系人", info.contact.name, info.contact.title, info.contact.phone)
    wide_row("通讯地址", info.address or MISSING)
    wide_row("申报理由", info.reason or MISSING)
    seals = "\n".join(
        [f"{u}（盖章）" for u in [info.applicant or "主申报单位"] + info.co_applicants] + ["", "年  月  日"]
    )
    wide_row(form.info.opinion_label, seals)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _groups(document, form: FormSpec, texts: dict[str, str]) -> None:
    for group in form.groups:
        add_heading(document, f"{group.number}、{group.title}", 1)
        for part in group.parts:
            add_heading(document, f"{part.number}{part.title}", 2)
            for line in texts[part.id].split("\n"):
                if line.strip():
                    add_text(document, line.strip())


def _media(document, form: FormSpec, media: MediaInfo) -> None:
    spec = form.media
    add_heading(document, f"{spec.number}、{spec.title}", 1)
    add_heading(document, "（一）图片", 2)
    for index, kind in enumerate(spec.images, start=1):
        add_text(document, f"{index}.{kind}（{spec.image_format}格式）")
    if media.images:
        add_text(document, "已准备的图片文件：" + "、".join(media.images))
    add_heading(document, "（二）视频", 2)
    add_text(document, spec.video.guidance)
    add_text(
        document,
        f"视频文件：{media.video}"
        if media.video
        else f"视频文件：{MISSING}（{spec.video.format}格式，约{spec.video.minutes}分钟）",
    )


def _pledge(document, form: FormSpec, info: ApplicationInfo, day: date) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    add_heading(document, f"{form.pledge.number}、{form.pledge.title}", 1)
    add_text(document, form.pledge.text)
    document.add_paragraph()
    for unit in [info.applicant or "主申报单位"] + info.co_applicants:
        add_text(document, unit, align=WD_ALIGN_PARAGRAPH.RIGHT)
    add_text(document, form.pledge.seal_note, align=WD_ALIGN_PARAGRAPH.RIGHT)
    add_text(document, f"{day.year}年  月  日", align=WD_ALIGN_PARAGRAPH.RIGHT)


def build_docx(
    form: FormSpec,
    info: ApplicationInfo,
    texts: dict[str, str],
    media: MediaInfo | None = None,
    day: date | None = None,
) -> bytes:
    """The application as .docx bytes; ``texts`` maps part ids to their current drafts."""
    day = day or date.today()
    marked = {p.id: (texts.get(p.id) or "").strip() or f"【待补充：{p.title}】" for p in form.all_parts()}
    texts = enforce_group_limits(form, marked)
    document = Document()
    setup_document(document)
    _cover(document, form, info, day)
    _info_table(document, form, info)
    _groups(document, form, texts)
    _media(document, form, media or MediaInfo())
    _pledge(document, form, info, day)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
