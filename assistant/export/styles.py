"""Page, fonts and named styles for a Chinese official-style Word document (GB/T 9704 conventions).

Every typeface, size, colour and indent lives in a named style, defined once here, so
a user who restyles 正文 or 一级标题 in Word or WPS changes every paragraph of that kind.
Runs carry no direct formatting except bold, which is content.

Why each choice:
- python-docx's default template gives headings a theme font and Word's blue; both
  are removed from the heading styles, so headings print black in 黑体/楷体.
- Chinese text needs ``w:eastAsia``; the GB fonts (仿宋_GB2312, 楷体_GB2312,
  方正小标宋简体) are missing on many machines, so the font table names an
  ``altName`` fallback (仿宋, 楷体, 宋体) that WPS and LibreOffice pick instead of a
  Latin face.
- A4 with the GB/T 9704 margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm),
  body 三号 (16 pt) with 28 pt line spacing, the title 二号 (22 pt), page numbers
  "— 1 —" centred at the foot from page 2 (the cover carries none).
"""

from __future__ import annotations

from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph
from lxml import etree

from assistant.core.text_input import xml_safe

BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
TITLE_FONT = "方正小标宋简体"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
FALLBACK_FONTS = {BODY_FONT: "仿宋", SUBHEADING_FONT: "楷体", TITLE_FONT: "宋体", HEADING_FONT: "SimHei"}

BODY = "申报书正文"
TITLE = "申报书标题"
COVER_LINE = "封面信息"
COVER_DATE = "封面日期"
SIGNATURE = "落款"
TABLE_TEXT = "表格文字"
PAGE_NUMBER = "页码"
HEADING_1 = "Heading 1"  # Word's built-in 标题 1: kept for the outline and the navigation pane
HEADING_2 = "Heading 2"


def _set_fonts(element, east_asian: str) -> None:
    """Latin and East Asian faces on a style's run properties, with theme fonts removed."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)


def _black(style: ParagraphStyle) -> None:
    """Plain black text: drop any theme colour the template gave the style."""
    style.font.color.rgb = RGBColor(0, 0, 0)
    color = style.element.rPr.find(qn("w:color"))
    for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
        color.attrib.pop(qn(attr), None)


def _style(
    document: DocumentObject,
    name: str,
    east_asian: str,
    size: float,
    *,
    base: str | None = "Normal",
    bold: bool = False,
) -> ParagraphStyle:
    styles = document.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base and style.name != base:
        style.base_style = styles[base]
    style.font.size = Pt(size)
    style.font.bold = bold
    _set_fonts(style.element, east_asian)
    _black(style)
    style.paragraph_format.line_spacing = Pt(28)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(0)
    return style


def define_styles(document: DocumentObject) -> None:
    """The named styles, each defined once; paragraphs only pick a style."""
    _style(document, "Normal", BODY_FONT, 16, base=None)
    _style(document, BODY, BODY_FONT, 16).paragraph_format.first_line_indent = Pt(32)
    title = _style(document, TITLE, TITLE_FONT, 22)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(36)
    _style(document, COVER_LINE, BODY_FONT, 16)
    _style(document, COVER_DATE, BODY_FONT, 16).paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _style(document, SIGNATURE, BODY_FONT, 16).paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _style(document, TABLE_TEXT, BODY_FONT, 12).paragraph_format.line_spacing = Pt(20)  # 小四 in tables
    _style(document, PAGE_NUMBER, PAGE_NUMBER_FONT, 14).paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for name, font, indent in ((HEADING_1, HEADING_FONT, None), (HEADING_2, SUBHEADING_FONT, Pt(32))):
        heading = _style(document, name, font, 16)
        heading.paragraph_format.first_line_indent = indent
        heading.paragraph_format.keep_with_next = True


def _declare_fallback_fonts(document: DocumentObject) -> None:
    """Name a common face as ``altName`` for each GB font, so machines without it pick a CJK face."""
    part = document.part.part_related_by(RELATIONSHIP_TYPE.FONT_TABLE)
    root = parse_xml(part.blob)
    for name, alternative in FALLBACK_FONTS.items():
        root.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alternative}"/>'
                '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
            )
        )
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_numbers(document: DocumentObject) -> None:
    """ "— N —" centred at the foot of every page but the cover."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.footer.paragraphs[0]
    paragraph.style = document.styles[PAGE_NUMBER]
    paragraph.add_run("— ")
    field = parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>')
    paragraph._p.append(field)
    paragraph._p.append(paragraph.add_run(" —")._r)


def setup_document(document: DocumentObject) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    define_styles(document)
    _declare_fallback_fonts(document)
    _page_numbers(document)


def add_text(document: DocumentObject, text: str, style: str = BODY, *, bold: bool = False) -> Paragraph:
    """Every text of every exported document is written by these three functions, through ``xml_safe``:
    a character XML cannot hold (U+FFFF stored before the input rule) must not make the file fail."""
    paragraph = document.add_paragraph()
    paragraph._p.get_or_add_pPr().style = style_id(document, style)
    paragraph.add_run(xml_safe(text)).bold = bold or None
    return paragraph


def style_id(document: DocumentObject, name: str) -> str:
    """The style's id, looked up once per document: python-docx searches every style by XPath on each
    lookup (3 ms a paragraph), which made a part of many short paragraphs take seconds."""
    cache: dict[str, str] = document.__dict__.setdefault("_case_assistant_style_ids", {})
    if name not in cache:
        cache[name] = document.styles[name].style_id
    return cache[name]


def add_heading(document: DocumentObject, text: str, level: int) -> Paragraph:
    """Level 1 = 一、…（黑体）, level 2 = （一）…（楷体）; Word's heading styles, so the outline works."""
    paragraph = document.add_paragraph(style=document.styles[HEADING_1 if level == 1 else HEADING_2])
    paragraph.add_run(xml_safe(text))
    return paragraph


def add_cell_text(cell, text: str, document: DocumentObject, *, bold: bool = False) -> None:
    """Fill a table cell, one paragraph per line, in the 表格文字 style."""
    cell.text = ""
    for index, line in enumerate(xml_safe(text).split("\n")):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.style = document.styles[TABLE_TEXT]
        paragraph.add_run(line).bold = bold or None
