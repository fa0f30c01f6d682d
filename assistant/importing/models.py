"""What an import produces: the blocks read from the file, where each paragraph landed, the info read."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Method = Literal["heading", "alias", "meaning", "moved", "unplaced"]


class Block(BaseModel):
    """One paragraph of the source, with what hints at a heading (style, bold, typed numbering)."""

    text: str
    style: str = ""
    bold: bool = False
    heading_level: int | None = None
    """From the Word style (标题 1 / Heading 2 …) or the PDF layout; None for body text."""


class Table(BaseModel):
    rows: list[list[str]]


class SourceDocument(BaseModel):
    """A file as read: blocks and tables in reading order (``order`` says which comes where)."""

    name: str
    kind: Literal["docx", "pdf", "text"]
    blocks: list[Block] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    order: list[tuple[Literal["block", "table"], int]] = Field(default_factory=list)


class Placement(BaseModel):
    """One paragraph of the applicant's text and the part it goes to (None: not placed yet)."""

    index: int
    text: str
    part_id: str | None
    method: Method
    heading: str = ""
    """The source heading it stood under, shown so the applicant can judge the mapping."""


class PartSummary(BaseModel):
    part_id: str
    title: str
    paragraphs: int
    words: int
    budget: int
    over: bool


class ImportResult(BaseModel):
    """What the applicant confirms before anything is stored: paragraphs by part, the info read, notes."""

    form_id: str
    source: str
    kind: Literal["docx", "pdf", "text"]
    old_notice: bool = False
    """The file answers the first call (渝大数据发〔2024〕39号): it must be resubmitted in the new shape."""
    info: dict = Field(default_factory=dict)
    info_read: list[str] = Field(default_factory=list)
    """Labels of the 申报信息表 items found in the file."""
    paragraphs: list[Placement] = Field(default_factory=list)
    headings: list[tuple[str, list[str]]] = Field(default_factory=list)
    """Each heading found and the part ids it was mapped to (several: merged headings)."""
    parts: list[PartSummary] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def texts(self) -> dict[str, list[str]]:
        """Part id -> its paragraphs, in the order they were read."""
        out: dict[str, list[str]] = {}
        for placement in self.paragraphs:
            if placement.part_id:
                out.setdefault(placement.part_id, []).append(placement.text)
        return out
