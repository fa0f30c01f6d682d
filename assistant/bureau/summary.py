"""The 汇总表 sent upward: the recommended cases in priority order, as .xlsx (openpyxl) and .docx.

Columns: 序号、案例名称、申报单位（含联合申报单位）、所属领域、总分、各项得分、推荐理由, and
optionally 联系人 and 联系方式. Scores are points (weight × level / 3, one decimal) so the
columns add up to the total. The 推荐理由 is the staff's text when they wrote one, else
a draft made only of the evidence quotes of the strongest criteria.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from pydantic import BaseModel, Field

from assistant.bureau.board import Board, BoardRow
from assistant.bureau.models import Assessment
from assistant.export.styles import TITLE, add_cell_text, add_text, setup_document
from assistant.forms.rubric import Rubric

REASON_QUOTE_CHARS = 60


class SummaryRow(BaseModel):
    number: int
    application_id: int
    case_name: str
    units: str
    field: str
    total: float
    points: list[float]
    reason: str
    contact: str = ""
    phone: str = ""


class Summary(BaseModel):
    title: str
    headers: list[str]
    rows: list[SummaryRow] = Field(default_factory=list)
    contacts: bool = False


def points(rubric: Rubric, row: BoardRow) -> list[float]:
    return [round(c.weight * x.used / 3, 1) for c, x in zip(rubric.criteria, row.criteria, strict=True)]


def draft_reason(rubric: Rubric, row: BoardRow, assessment: Assessment) -> str:
    """The criteria at level 2 or more (as the board uses them), each with its first quoted sentence."""
    pieces = []
    for criterion, cell in zip(rubric.criteria, row.criteria, strict=True):
        if cell.used < 2:
            continue
        proposal = assessment.proposal(criterion.id)
        quote = next((e.quote for e in (proposal.evidence if proposal else []) if e.kind == "quote"), "")
        quote = quote.rstrip("。；;，, ")
        if len(quote) > REASON_QUOTE_CHARS:
            quote = quote[:REASON_QUOTE_CHARS] + "……"
        pieces.append(f"{criterion.title}：{quote}" if quote else criterion.title)
    return "；".join(pieces) + ("。" if pieces else "")


def headers(rubric: Rubric, contacts: bool) -> list[str]:
    names = ["序号", "案例名称", "申报单位（含联合申报单位）", "所属领域", f"总分（满分{rubric.max_total:g}）"]
    names += [f"{c.title}（{c.weight:g}）" for c in rubric.criteria]
    names += ["推荐理由"]
    return names + (["联系人", "联系方式"] if contacts else [])


def values(row: SummaryRow, contacts: bool) -> list[object]:
    cells: list[object] = [row.number, row.case_name, row.units, row.field, row.total, *row.points, row.reason]
    return cells + ([row.contact, row.phone] if contacts else [])


def build_summary(
    rubric: Rubric,
    board: Board,
    reasons: dict[int, str],
    contacts: dict[int, tuple[str, str]] | None = None,
    title: str = "“数据要素×”典型案例推荐汇总表",
) -> Summary:
    """The rows above the line, in board order; ``reasons`` are the final texts by application id."""
    rows = []
    for number, row in enumerate((r for r in board.rows if r.above_line), 1):
        contact, phone = (contacts or {}).get(row.application_id, ("", ""))
        rows.append(
            SummaryRow(
                number=number,
                application_id=row.application_id,
                case_name=row.case_name,
                units="、".join([row.applicant, *row.co_applicants]),
                field=row.field,
                total=round(row.total, 1),
                points=points(rubric, row),
                reason=reasons.get(row.application_id, ""),
                contact=contact,
                phone=phone,
            )
        )
    return Summary(title=title, headers=headers(rubric, contacts is not None), rows=rows, contacts=contacts is not None)


def summary_xlsx(summary: Summary) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "汇总表"
    sheet.append([summary.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(summary.headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row in summary.rows:
        sheet.append(values(row, summary.contacts))
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # an applicant's “=HYPERLINK(…)” is text, never a formula
    widths = {"A": 6, "B": 36, "C": 36, "D": 10, "E": 10}
    for index, _ in enumerate(summary.headers, 1):
        letter = sheet.cell(row=2, column=index).column_letter
        sheet.column_dimensions[letter].width = widths.get(letter, 14)
    reason_col = sheet.cell(row=2, column=summary.headers.index("推荐理由") + 1).column_letter
    sheet.column_dimensions[reason_col].width = 60
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def summary_docx(summary: Summary) -> bytes:
    document = Document()
    setup_document(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Cm(1.8)
    add_text(document, summary.title, TITLE)
    table = document.add_table(rows=1, cols=len(summary.headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, summary.headers, strict=True):
        add_cell_text(cell, text, document, bold=True)
    for row in summary.rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values(row, summary.contacts), strict=True):
            add_cell_text(cell, f"{value:g}" if isinstance(value, float) else str(value), document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
