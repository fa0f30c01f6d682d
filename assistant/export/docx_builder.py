"""Assemble the application as a .docx in the template's order and layout, driven by the form spec.

Order: cover → the info table (a real table) → each group with its parts (（一）, （二）…) →
the media list → the pledge, numbered as the form YAML numbers them. Before writing, each group is
checked against its limit once more, so no exported file ever exceeds one. The
publishable group is published on its own, so it can also be exported alone.
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.shared import Cm, Pt

from assistant.core.textlen import count_words, trim_to_limit
from assistant.export.layout import balanced_lines
from assistant.export.layout import width as text_width
from assistant.export.styles import (
    COVER_DATE,
    COVER_LINE,
    SIGNATURE,
    TITLE,
    add_cell_text,
    add_heading,
    add_text,
    setup_document,
)
from assistant.forms.application import ApplicationInfo, MediaInfo, Person
from assistant.forms.checks import image_kind
from assistant.forms.spec import FormSpec, PartGroup

MISSING = "【待补充】"
# Six columns across the 15.6 cm text width: label, name, 部门职务, title, 联系方式, phone (a full mobile fits).
COLUMN_WIDTHS_CM = (2.4, 2.1, 2.2, 3.1, 2.2, 3.6)
BLANK_DATE = "年  月  日"
# Full-width characters of 三号 (16 pt) that fit the 15.6 cm text width, less one for safety: a hand-broken
# cover line must never be wrapped again by the renderer, or the orphan it avoids comes back.
COVER_LINE_CHARS = 26
BODY_POINTS = 16


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


def cover_date(info: ApplicationInfo) -> str:
    """The applicant's date as “2024年8月15日”, or the template's blank “年  月  日”."""
    try:
        day = date.fromisoformat(info.date.strip())
    except ValueError:
        return BLANK_DATE
    return f"{day.year}年{day.month}月{day.day}日"


def _page_break(document: DocumentObject) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _units(info: ApplicationInfo) -> list[str]:
    return [info.applicant or MISSING] + info.co_applicants


def _printable(value: str | list[str] | Person) -> str:
    if isinstance(value, Person):
        return value.name
    return "\n".join(value) if isinstance(value, list) else value


def _cover(document: DocumentObject, form: FormSpec, info: ApplicationInfo) -> None:
    """Title, then each cover field of the form ("案例名称：…", "申报单位：…"), then the date line."""
    for _ in range(4):
        add_text(document, "", COVER_LINE)
    add_text(document, form.cover.title, TITLE)
    for _ in range(5):
        add_text(document, "", COVER_LINE)
    for field in form.cover.fields:
        if field.id != "date":
            value = "、".join(_units(info)) if field.id == "applicant" else _printable(info.value(field.id))
            _cover_line(document, f"{field.label}：", value or MISSING)
    if any(f.id == "date" for f in form.cover.fields):
        add_text(document, "", COVER_LINE)
        add_text(document, cover_date(info), COVER_DATE)
    _page_break(document)


def _cover_line(document: DocumentObject, label: str, value: str) -> None:
    """“标签：值”, the value broken by hand (no orphan character) and wrapped lines aligned under it."""
    lines = balanced_lines(value, COVER_LINE_CHARS - text_width(label))
    paragraph = add_text(document, label + lines[0], COVER_LINE)
    for line in lines[1:]:
        run = paragraph.add_run()
        run.add_break()
        run.add_text(line)
    if len(lines) > 1:
        paragraph.paragraph_format.left_indent = Pt(BODY_POINTS * text_width(label))
        paragraph.paragraph_format.first_line_indent = Pt(-BODY_POINTS * text_width(label))


def _wide_row(document: DocumentObject, table, label: str, value: str) -> None:
    cells = table.add_row().cells
    add_cell_text(cells[0], label, document, bold=True)
    add_cell_text(cells[1].merge(cells[5]), value, document)


def _person_row(document: DocumentObject, table, form: FormSpec, label: str, person: Person) -> None:
    title_label, phone_label = form.info.person_labels
    texts = (label, person.name or MISSING, title_label, person.title or MISSING, phone_label, person.phone or MISSING)
    for cell, text, bold in zip(table.add_row().cells, texts, (True, False, True, False, True, False), strict=True):
        add_cell_text(cell, text, document, bold=bold)


def _info_table(document: DocumentObject, form: FormSpec, info: ApplicationInfo) -> None:
    """One row per printed info field of the form, then the 申报单位意见 row with each unit's seal line."""
    add_heading(document, f"{form.info.number}、{form.info.title}", 1)
    table = document.add_table(rows=0, cols=6)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for spec in form.info.fields:
        if not spec.printed:
            continue
        value = info.value(spec.id)
        if isinstance(value, Person):
            _person_row(document, table, form, spec.label, value)
            continue
        lines = [_printable(value) or MISSING] + [_printable(info.value(j)) for j in spec.joined]
        _wide_row(document, table, spec.label, "\n".join(line for line in lines if line))
    seals = [f"{u}{form.info.seal_suffix}" for u in [info.applicant or "主申报单位"] + info.co_applicants]
    _wide_row(document, table, form.info.opinion_label, "\n".join([*seals, "", form.info.opinion_text]))
    for column, width in zip(table.columns, COLUMN_WIDTHS_CM, strict=True):
        column.width = Cm(width)  # the grid LibreOffice and WPS lay out by
        for cell in column.cells:
            cell.width = Cm(width)  # the per-cell width Word prefers
    _page_break(document)


def _group(document: DocumentObject, group: PartGroup, texts: dict[str, str]) -> None:
    add_heading(document, f"{group.number}、{group.title}", 1)
    for part in group.parts:
        add_heading(document, f"{part.number}{part.title}", 2)
        for line in texts[part.id].split("\n"):
            if line.strip():
                add_text(document, line.strip())


def _media(document: DocumentObject, form: FormSpec, media: MediaInfo) -> None:
    spec = form.media
    add_heading(document, f"{spec.number}、{spec.title}", 1)
    add_heading(document, spec.images_heading, 2)
    by_kind: dict[str, list[str]] = {}
    loose: list[str] = []
    for entry in media.images:
        kind, name = image_kind(form, entry)
        (by_kind.setdefault(kind, []) if kind else loose).append(name)
    for index, kind in enumerate(spec.images, start=1):
        line = f"{index}.{kind}（{spec.image_format}格式）"
        if by_kind:  # pictures declared by kind (the UI): each kind says what it has, or that it is missing
            line += "：" + ("、".join(by_kind[kind]) if kind in by_kind else MISSING)
        add_text(document, line)
    if loose:
        add_text(document, "已准备的图片文件：" + "、".join(loose))
    add_heading(document, spec.video_heading, 2)
    add_text(document, spec.video.guidance)
    missing = f"视频文件：{MISSING}（{spec.video.format}格式，约{spec.video.minutes}分钟）"
    add_text(document, f"视频文件：{media.video}" if media.video else missing)


def _pledge(document: DocumentObject, form: FormSpec, info: ApplicationInfo, day: date) -> None:
    """The 承诺书 on its own page, kept whole: its signature block never spills onto a near-empty last page."""
    _page_break(document)
    block = [add_heading(document, f"{form.pledge.number}、{form.pledge.title}", 1)]
    block.append(add_text(document, form.pledge.text))
    block.append(add_text(document, "", SIGNATURE))
    for unit in [info.applicant or "主申报单位"] + info.co_applicants:
        block.append(add_text(document, unit, SIGNATURE))
    block.append(add_text(document, form.pledge.seal_note, SIGNATURE))
    dated = cover_date(info)
    block.append(
        add_text(document, dated if dated != BLANK_DATE else form.pledge.date_line.format(year=day.year), SIGNATURE)
    )
    for paragraph in block:
        paragraph.paragraph_format.keep_together = True
        paragraph.paragraph_format.keep_with_next = paragraph is not block[-1]


def _texts_for_export(form: FormSpec, texts: dict[str, str]) -> dict[str, str]:
    marked = {p.id: (texts.get(p.id) or "").strip() or f"【待补充：{p.title}】" for p in form.all_parts()}
    return enforce_group_limits(form, marked)


def _saved(document: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_docx(
    form: FormSpec,
    info: ApplicationInfo,
    texts: dict[str, str],
    media: MediaInfo | None = None,
    day: date | None = None,
) -> bytes:
    """The application as .docx bytes; ``texts`` maps part ids to their current drafts."""
    day = day or date.today()
    texts = _texts_for_export(form, texts)
    document = Document()
    setup_document(document)
    _cover(document, form, info)
    _info_table(document, form, info)
    for group in form.groups:
        _group(document, group, texts)
    _media(document, form, media or MediaInfo())
    _pledge(document, form, info, day)
    return _saved(document)


def build_publishable_docx(form: FormSpec, info: ApplicationInfo, texts: dict[str, str]) -> bytes:
    """Only the publishable groups (宣传推广材料), titled with the case name, for publishing on its own."""
    texts = _texts_for_export(form, texts)
    document = Document()
    setup_document(document)
    document.sections[0].different_first_page_header_footer = False
    add_text(document, info.case_name or form.title, TITLE)
    add_text(document, "", COVER_LINE)
    for group in form.groups:
        if group.publishable:
            _group(document, group, texts)
    return _saved(document)
