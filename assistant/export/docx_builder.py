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
from assistant.forms.application import ApplicationInfo, MediaInfo, Person
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


def _units(info: ApplicationInfo) -> list[str]:
    return [info.applicant or MISSING] + info.co_applicants


def _cover(document, form: FormSpec, info: ApplicationInfo, day: date) -> None:
    """Title, then each cover field of the form ("案例名称：…", "申报单位：…"), then the date line."""
    for _ in range(4):
        document.add_paragraph()
    add_text(document, form.cover.title, font=TITLE_FONT, size=26, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _ in range(5):
        document.add_paragraph()
    for field in form.cover.fields:
        if field.id == "date":
            continue
        value = "、".join(_units(info)) if field.id == "applicant" else _printable(info.value(field.id))
        add_text(document, f"{field.label}：{value or MISSING}", size=16, indent=False)
    if any(f.id == "date" for f in form.cover.fields):
        document.add_paragraph()
        add_text(document, _chinese_date(day), align=WD_ALIGN_PARAGRAPH.CENTER)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _printable(value: str | list[str] | Person) -> str:
    if isinstance(value, Person):
        return value.name
    return "\n".join(value) if isinstance(value, list) else value


def _cell(cell, text: str, bold: bool = False) -> None:
    cell.text = ""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        set_run_font(paragraph.add_run(line), BODY_FONT, 14, bold)


def _wide_row(table, label: str, value: str) -> None:
    cells = table.add_row().cells
    _cell(cells[0], label, bold=True)
    _cell(cells[1].merge(cells[5]), value)


def _person_row(table, form: FormSpec, label: str, person: Person) -> None:
    title_label, phone_label = form.info.person_labels
    texts = (label, person.name or MISSING, title_label, person.title or MISSING, phone_label, person.phone or MISSING)
    for cell, text, bold in zip(table.add_row().cells, texts, (True, False, True, False, True, False), strict=True):
        _cell(cell, text, bold)


def _info_table(document, form: FormSpec, info: ApplicationInfo) -> None:
    """One row per printed info field of the form, then the 申报单位意见 row with each unit's seal line."""
    add_heading(document, f"{form.info.number}、{form.info.title}", 1)
    table = document.add_table(rows=0, cols=6)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for spec in form.info.fields:
        if not spec.printed:
            continue
        value = info.value(spec.id)
        if isinstance(value, Person):
            _person_row(table, form, spec.label, value)
            continue
        lines = [_printable(value) or MISSING] + [_printable(info.value(j)) for j in spec.joined]
        _wide_row(table, spec.label, "\n".join(line for line in lines if line))
    seals = [f"{u}{form.info.seal_suffix}" for u in [info.applicant or "主申报单位"] + info.co_applicants]
    _wide_row(table, form.info.opinion_label, "\n".join([*seals, "", form.info.opinion_text]))
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
    add_heading(document, spec.images_heading, 2)
    for index, kind in enumerate(spec.images, start=1):
        add_text(document, f"{index}.{kind}（{spec.image_format}格式）")
    if media.images:
        add_text(document, "已准备的图片文件：" + "、".join(media.images))
    add_heading(document, spec.video_heading, 2)
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
    add_text(document, form.pledge.date_line.format(year=day.year), align=WD_ALIGN_PARAGRAPH.RIGHT)


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
