"""Page and font set-up for Chinese official-style Word documents.

python-docx only sets the Latin font name; Chinese text needs ``w:eastAsia`` on
each run's fonts or Word/WPS falls back to a default font. Body text is 仿宋_GB2312
三号 (16pt), headings 黑体/楷体, the title 方正小标宋简体, on A4 as the notice expects.
"""

from __future__ import annotations

from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
TITLE_FONT = "方正小标宋简体"


def set_run_font(run: Run, east_asian: str, size_pt: float, bold: bool = False) -> None:
    run.font.name = "Times New Roman"
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)


def setup_document(document: DocumentObject) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    normal.paragraph_format.line_spacing = Pt(28)


def add_text(
    document: DocumentObject,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = 16,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = True,
) -> Paragraph:
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent and align is None:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    set_run_font(paragraph.add_run(text), font, size, bold)
    return paragraph


def add_heading(document: DocumentObject, text: str, level: int) -> Paragraph:
    """Level 1 = 一、…（黑体）, level 2 = （一）…（楷体）; real Word heading styles for the outline."""
    paragraph = document.add_paragraph(style=f"Heading {level}")
    paragraph.paragraph_format.first_line_indent = Pt(32) if level == 2 else None
    font = HEADING_FONT if level == 1 else SUBHEADING_FONT
    run = paragraph.add_run(text)
    set_run_font(run, font, 16, bold=level == 1)
    run.font.color.rgb = None
    return paragraph
