"""Attack: an applicant writes a spreadsheet formula where staff will open it in Excel.

The 申报单位 lands in the 汇总表 and a reply lands in the audit log's CSV; both must arrive as
text, never as a formula (openpyxl would otherwise store “=…” as a formula; Excel would run
“=cmd|…” in a CSV).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook

from assistant.export.scripted import parse_answers
from tests.bureau import variants as v

FORMULA = '=HYPERLINK("http://127.0.0.1:9/steal","点击查看")'


def test_formulas_from_applicants_stay_text_in_the_summary_and_the_audit_csv(tmp_path: Path) -> None:
    service = v.make_service(tmp_path)
    data = v.variant("agri-citrus-credit", "good")
    data["info"]["applicant"] = FORMULA
    app_id = service.call.create_from_answers(v.ALICE, parse_answers(data), offline=True)
    v.submit(service, app_id)
    comment = service.call.add_comment(v.STAFF, app_id, "intro.problem", "请补充。")
    service.call.add_comment(v.ALICE, app_id, "general", "=cmd|' /C calc'!A0", parent_id=comment.id)

    _, xlsx = service.board.summary_file(v.STAFF, "xlsx")
    cell = load_workbook(io.BytesIO(xlsx)).active["C3"]
    assert cell.value.startswith(FORMULA) and cell.data_type == "s"

    _, text = service.board.audit_file(v.STAFF)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    values = [value for row in rows for value in row]
    assert "'=cmd|' /C calc'!A0" in values
    assert not any(value.startswith(("=", "+", "-", "@")) for value in values)
