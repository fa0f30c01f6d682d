"""Must show: 40 applications (the scenario files and generated variants) submitted, pre-scored and ranked.

The gated ones are marked and never above the line, exactly the form's number (15) is above it,
the ranking is the same when computed again (and by another service over the same database),
ties are stated on the row, and the 汇总表 read back with openpyxl lists the rows in board order.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assistant.bureau.board import Board
from assistant.forms.spec import load_form
from tests.bureau import variants as v

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast

COUNT = 40


@pytest.fixture(scope="module")
def call(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, tuple[str, str]]]:
    data_dir = tmp_path_factory.mktemp("ranking")
    service = v.make_service(data_dir)
    made = {}
    for name, kind, serial in v.plan(COUNT):
        app_id = v.create(service, name, kind, serial=serial)
        v.submit(service, app_id)
        made[app_id] = (name, kind)
    return data_dir, made


def order(board: Board) -> list[int]:
    return [r.application_id for r in board.rows]


def test_forty_applications_are_ranked_with_the_line_and_the_gates(call) -> None:
    data_dir, made = call
    service = v.make_service(data_dir)
    board = service.board.board(v.STAFF)
    limit = load_form("cq-2024-batch2").recommend_limit
    assert len(board.rows) == COUNT and board.limit == limit == 15
    assert sum(r.above_line for r in board.rows) == limit
    assert [r.rank for r in board.rows] == list(range(1, COUNT + 1))
    gated = [r for r in board.rows if not r.gates_passed]
    assert {made[r.application_id][1] for r in gated} >= {"placeholder", "over", "unsealed"}
    for row in gated:
        assert not row.above_line and row.note.startswith("未通过资格条件")
        assert any(not g.passed and g.reason for g in row.gates)
    last_eligible = max(r.rank for r in board.rows if r.eligible)
    assert all(r.rank > last_eligible for r in gated)
    kinds_above = {made[r.application_id][1] for r in board.rows if r.above_line}
    assert kinds_above <= {"good", "copy", "thin"}
    totals = [r.total for r in board.rows if r.eligible and r.pinned is None]
    assert totals == sorted(totals, reverse=True)
    assert all(r.basis == "proposal" for r in board.rows)  # nobody scored yet: the board says so


def test_ties_are_stated_never_silent(call) -> None:
    data_dir, made = call
    board = v.make_service(data_dir).board.board(v.STAFF)
    eligible = [r for r in board.rows if r.eligible]
    tied = [(a, b) for a, b in zip(eligible, eligible[1:], strict=False) if a.total == b.total]
    assert tied, "the copies are meant to tie with their originals"
    for _, later in tied:
        assert later.tie_note.startswith("与“") and "同分" in later.tie_note


def test_the_ranking_is_reproducible(call) -> None:
    data_dir, _ = call
    first = v.make_service(data_dir).board.board(v.STAFF)
    second = v.make_service(data_dir).board.board(v.STAFF)
    assert order(first) == order(second)
    assert [r.total for r in first.rows] == [r.total for r in second.rows]


def test_the_summary_xlsx_has_the_rows_in_board_order(call) -> None:
    data_dir, _ = call
    service = v.make_service(data_dir)
    board = service.board.board(v.STAFF)
    name, data = service.board.summary_file(v.STAFF, "xlsx", contacts=True)
    assert name == "汇总表.xlsx"
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[2]]
    assert header[:4] == ["序号", "案例名称", "申报单位（含联合申报单位）", "所属领域"]
    assert header[-3:] == ["推荐理由", "联系人", "联系方式"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    above = [r for r in board.rows if r.above_line]
    assert [r[1] for r in rows] == [r.case_name for r in above]
    assert [r[0] for r in rows] == list(range(1, 16))
    assert [r[4] for r in rows] == [round(r.total, 1) for r in above]
    assert all(r[header.index("推荐理由")] for r in rows)  # drafted from the evidence


def test_the_package_holds_the_summary_and_each_recommended_file(call) -> None:
    import zipfile

    data_dir, _ = call
    service = v.make_service(data_dir)
    name, data = service.board.package(v.STAFF)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert {"汇总表.xlsx", "汇总表.docx"} <= set(names)
    folders = sorted({n.split("/")[0] for n in names if "/" in n})
    assert len(folders) == 15 and folders[0].startswith("01-")
    assert all(any(n.startswith(f + "/") and n.endswith("宣传推广材料.docx") for n in names) for f in folders)
