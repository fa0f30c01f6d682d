"""Open staff comments as Word comments (批注) in the applicant's .docx, anchored at their part.

python-docx (≥ 1.2) writes the comments part; we only find the anchor: the heading of the
part (“（一）……” under its group's heading), the label cell of an info row
(“联系人”), or the document's title for a general comment.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocumentObject
from docx.text.paragraph import Paragraph
from pydantic import BaseModel, Field

from assistant.forms.spec import FormSpec


class WordComment(BaseModel):
    target: str
    """A part id, ``info.<field id>`` or ``general``."""
    author: str
    text: str
    replies: list[str] = Field(default_factory=list)


def _first_with_text(paragraphs: list[Paragraph], text: str, start: int = 0) -> int | None:
    return next((i for i in range(start, len(paragraphs)) if paragraphs[i].text.strip() == text), None)


def _part_anchor(document: DocumentObject, form: FormSpec, part_id: str) -> Paragraph | None:
    paragraphs = document.paragraphs
    group = form.group_of(part_id)
    part = form.part(part_id)
    at = _first_with_text(paragraphs, f"{group.number}、{group.title}") or 0
    found = _first_with_text(paragraphs, f"{part.number}{part.title}", at)
    return paragraphs[found] if found is not None else None


def _info_anchor(document: DocumentObject, form: FormSpec, field_id: str) -> Paragraph | None:
    field = form.info.field(field_id)
    if field is None:
        return None
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                if cell.text.strip() == field.label and cell.paragraphs:
                    return cell.paragraphs[0]
    return None


def anchor(document: DocumentObject, form: FormSpec, target: str) -> Paragraph | None:
    """The paragraph a comment on ``target`` is attached to (None: the first non-empty paragraph)."""
    found = None
    if target.startswith("info."):
        found = _info_anchor(document, form, target.removeprefix("info."))
    elif target in form.part_ids():
        found = _part_anchor(document, form, target)
    if found is None or not found.runs:
        found = next((p for p in document.paragraphs if p.runs and p.text.strip()), None)
    return found


def add_word_comments(data: bytes, form: FormSpec, comments: list[WordComment]) -> bytes:
    """The .docx with each comment attached to its anchor; unchanged bytes when there are none."""
    if not comments:
        return data
    document = Document(io.BytesIO(data))
    for item in comments:
        paragraph = anchor(document, form, item.target)
        if paragraph is None:
            continue
        comment = document.add_comment(paragraph.runs, text=item.text, author=item.author, initials="")
        for reply in item.replies:
            comment.add_paragraph(reply)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
