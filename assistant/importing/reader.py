"""Read an applicant's existing file into blocks and tables: .docx, .pdf with a text layer, or pasted text.

Word files keep what tells a heading apart (the style name, bold runs, the outline level);
tables are read cell by cell (merged cells once). PDFs are read from pypdf's text runs with their
positions: a line that starts right of the margin, or follows a line that stopped short of the
right edge, starts a paragraph (the template indents the first line by two characters), so lines
wrapped by the page are joined back into the paragraphs the applicant wrote; runs far apart on
one line are table cells; page numbers (“— 3 —”) are dropped. Spaces a PDF puts between Chinese
and digits (“2023 年”) are removed, so the figures read back exactly as written.

Bounds: the caller has capped the file size; a .docx whose XML would inflate past
``MAX_XML_BYTES`` is refused before parsing (a zip bomb costs nothing here).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from assistant.core.errors import InvalidInputError
from assistant.core.text_input import clean_block
from assistant.importing.models import Block, SourceDocument, Table

MAX_XML_BYTES = 50 * 1024 * 1024
MAX_BLOCKS = 5000
SUFFIXES = (".docx", ".pdf", ".txt", ".md")
_HEADING_STYLE = re.compile(r"(?:Heading|标题)\s*(\d)", re.I)
_PAGE_NUMBER = re.compile(r"^[—\-–]*\s*\d{1,3}\s*[—\-–]*$|^第\s*\d+\s*页(共\s*\d+\s*页)?$")
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_SPACE_BY_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")
_ENDS = "。！？；：…”）"
CELL = " | "
"""How a PDF table row's cells are kept apart in its block (``info_table`` splits on it)."""


class ImportReadError(InvalidInputError):
    code = "unreadable_import"


def tidy(text: str) -> str:
    """One paragraph's text: control characters out, spaces beside Chinese characters removed."""
    text = clean_block(text.replace("\u3000", " ").replace("\xa0", " "))
    return _SPACE_BY_CJK.sub("", text).strip()


def read_source(name: str, data: bytes) -> SourceDocument:
    """The blocks of an uploaded file; a Chinese error naming the file when it cannot be read."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportReadError(f"文件“{name}”的类型不受支持：请上传 .docx、带文字层的 .pdf，或直接粘贴文字。")
    if not data.strip():
        raise ImportReadError(f"文件“{name}”是空文件，没有可导入的内容。")
    if suffix == ".docx":
        document = _read_docx(name, data)
    elif suffix == ".pdf":
        document = _read_pdf(name, data)
    else:
        document = read_text(_decode(name, data), name)
    if not any(b.text for b in document.blocks) and not document.tables:
        raise ImportReadError(f"文件“{name}”中没有可提取的文字（可能是扫描件），请提供文字版或直接粘贴文字。")
    return document


def read_text(text: str, name: str = "粘贴的文字") -> SourceDocument:
    """Pasted text: one block per non-empty line (what a paste from Word or WPS gives)."""
    blocks = [Block(text=t) for t in (tidy(line) for line in text.splitlines()) if t][:MAX_BLOCKS]
    return SourceDocument(name=name, kind="text", blocks=blocks, order=[("block", i) for i in range(len(blocks))])


def _decode(name: str, data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportReadError(f"文件“{name}”的编码无法识别：请另存为 UTF-8 文本，或直接粘贴文字。")


def _check_zip(name: str, data: bytes) -> None:
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise ImportReadError(f"文件“{name}”是旧版 .doc 或已加密：请在 Word/WPS 中另存为 .docx 后再导入。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(i.file_size for i in archive.infolist() if i.filename.endswith(".xml"))
    except zipfile.BadZipFile as exc:
        raise ImportReadError(f"文件“{name}”不是有效的 .docx 文件，请用 Word/WPS 重新保存后再导入。") from exc
    if inflated > MAX_XML_BYTES:
        raise ImportReadError(f"文件“{name}”解压后过大，无法导入：请删除其中的大段内容或拆分后再试。")


def _paragraph_block(paragraph) -> Block | None:
    text = tidy(paragraph.text)
    if not text:
        return None
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    level = _HEADING_STYLE.search(style)
    outline = paragraph._p.find(".//{*}outlineLvl")
    heading_level = int(level.group(1)) if level else None
    if heading_level is None and outline is not None:
        heading_level = int(outline.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val", "8")) + 1
        heading_level = heading_level if heading_level <= 3 else None
    runs = [r for r in paragraph.runs if r.text.strip()]
    style_bold = bool(paragraph.style is not None and paragraph.style.font.bold)
    bold = bool(runs) and all(r.bold or (r.bold is None and style_bold) for r in runs)
    return Block(text=text, style=style, bold=bold, heading_level=heading_level)


def _table(table) -> Table:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = tidy(cell.text)
            if not cells or cells[-1] != text:  # a merged cell repeats in every grid column
                cells.append(text)
        rows.append(cells)
    return Table(rows=rows)


def _read_docx(name: str, data: bytes) -> SourceDocument:
    _check_zip(name, data)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ImportReadError(f"文件“{name}”不是有效的 .docx 文件，请用 Word/WPS 重新保存后再导入。") from exc
    source = SourceDocument(name=name, kind="docx")
    for item in document.iter_inner_content():
        if hasattr(item, "rows"):
            source.order.append(("table", len(source.tables)))
            source.tables.append(_table(item))
        elif (block := _paragraph_block(item)) is not None and len(source.blocks) < MAX_BLOCKS:
            source.order.append(("block", len(source.blocks)))
            source.blocks.append(block)
    return source


@dataclass
class _Line:
    x: float  # where the line starts (points from the left edge)
    text: str
    full: bool  # ends near the right edge: the paragraph goes on


def _page_lines(page) -> list[_Line]:
    """The page's lines from pypdf's text runs and their positions: cells apart by a wide gap get ``CELL``."""
    runs: list[tuple[float, float, float, str]] = []  # (y, x, size, text)

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((y, x, abs(size * tm[0] * cm[0]) or size, text))

    page.extract_text(visitor_text=visit)
    rows: dict[float, list[tuple[float, float, str]]] = {}
    for y, x, size, text in runs:
        key = next((k for k in rows if abs(k - y) < 2.0), y)
        rows.setdefault(key, []).append((x, size, text))
    width = float(page.mediabox.width)
    lines = []
    for y in sorted(rows, reverse=True):
        parts = sorted(rows[y])
        text, end = "", 0.0
        for x, size, piece in parts:
            if text and x - end > 1.2 * size:
                text += CELL
            text += piece
            end = x + sum(size if unicodedata.east_asian_width(c) in "WFA" else size / 2 for c in piece)
        lines.append(_Line(parts[0][0], text, end > width * 0.8))
    return lines


def _pdf_lines(name: str, data: bytes) -> list[_Line]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ImportReadError(f"文件“{name}”已加密：请去除打开密码后再导入。")
        lines = [line for page in reader.pages for line in _page_lines(page)]
    except ImportReadError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError, NotImplementedError) as exc:
        raise ImportReadError(f"文件“{name}”无法读取：PDF 已损坏或格式不受支持，请导出 Word 后再导入。") from exc
    return [line for line in lines if line.text.strip() and not _PAGE_NUMBER.match(line.text.strip())]


def _read_pdf(name: str, data: bytes) -> SourceDocument:
    """Join wrapped lines: a paragraph starts at an indented line, a table row, or after a line that stopped short."""
    lines = _pdf_lines(name, data)
    margin = min((line.x for line in lines), default=0.0)
    paragraphs: list[str] = []
    previous: _Line | None = None
    for line in lines:
        text = tidy(line.text)
        row = CELL.strip() in text
        starts = previous is None or line.x > margin + 4 or not previous.full or row or CELL.strip() in previous.text
        if starts:
            paragraphs.append(text)
        else:
            paragraphs[-1] += text
        previous = line
    blocks = [Block(text=p) for p in paragraphs[:MAX_BLOCKS] if p]
    return SourceDocument(name=name, kind="pdf", blocks=blocks, order=[("block", i) for i in range(len(blocks))])
