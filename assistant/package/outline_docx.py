"""The video outline as a .docx: a title and one table row per segment, in the application's styles."""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Cm

from assistant.export.styles import TITLE, add_cell_text, add_text, setup_document
from assistant.package.outline import VideoOutline

HEADERS = ("段落", "时长", "画面", "解说词")
WIDTHS_CM = (2.6, 1.6, 4.4, 7.0)


def _clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def outline_docx(outline: VideoOutline) -> bytes:
    document = Document()
    setup_document(document)
    document.sections[0].different_first_page_header_footer = False
    add_text(document, outline.title, TITLE)
    minutes, seconds = divmod(outline.total_seconds, 60)
    add_text(document, f"总时长约{minutes}分{seconds}秒；解说词按每秒约4个字估算。")
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, HEADERS, strict=True):
        add_cell_text(cell, header, document, bold=True)
    start = 0
    for shot in outline.shots:
        cells = table.add_row().cells
        add_cell_text(cells[0], shot.segment, document)
        add_cell_text(cells[1], f"{shot.seconds}秒\n{_clock(start)}–{_clock(start + shot.seconds)}", document)
        add_cell_text(cells[2], shot.picture, document)
        add_cell_text(cells[3], shot.narration, document)
        start += shot.seconds
    for column, width in zip(table.columns, WIDTHS_CM, strict=True):
        for cell in column.cells:
            cell.width = Cm(width)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
