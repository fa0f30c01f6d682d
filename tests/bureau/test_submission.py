"""Submission, the deadline and the freeze; comments as Word comments; scores, disagreement, moves; the audit log.

Time is injected (``Service(clock=…)``), never waited for.
"""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import docx
import pytest

from assistant.core.errors import InvalidInputError, PermissionDeniedError
from assistant.service.call_views import GateInput, ScoreInput
from assistant.store.errors import ConflictError
from tests.bureau import variants as v

GOOD = "agri-citrus-credit"


def test_after_the_deadline_submit_and_withdraw_are_refused_until_staff_reopen(tmp_path: Path) -> None:
    before = v.make_service(tmp_path)
    submitted, draft = v.create(before, GOOD, "good"), v.create(before, "finance-smb-credit", "good")
    before.call.submit(v.ALICE, submitted)
    after = v.make_service(tmp_path, v.AFTER_DEADLINE)
    assert not after.call.call_info(v.ALICE).open
    for action, app_id in ((after.call.submit, draft), (after.call.withdraw, submitted)):
        with pytest.raises(InvalidInputError) as refused:
            action(v.ALICE, app_id)
        assert refused.value.code == "call_closed"
        assert "截止" in refused.value.message and "重新开放" in refused.value.message
    status = after.call.status(v.ALICE, draft)
    assert not status.can_submit and "已截止" in status.call.description
    with pytest.raises(PermissionDeniedError):
        after.call.reopen(v.ALICE, "2024-08-31", "申报单位不能自己延期")
    after.call.reopen(v.STAFF, "2024-08-31", "系统故障，延长受理")
    assert after.call.submit(v.ALICE, draft).status == "submitted"
    assert after.call.withdraw(v.ALICE, submitted).status == "draft"
    reopened = [e for e in after.board.audit(v.STAFF) if e.action == "call"]
    assert reopened and reopened[0].new == "2024-08-31" and reopened[0].reason == "系统故障，延长受理"


def test_a_returned_application_may_be_resubmitted_after_the_deadline(tmp_path: Path) -> None:
    service = v.make_service(tmp_path)
    app_id = v.create(service, GOOD, "good")
    service.call.submit(v.ALICE, app_id)
    late = v.make_service(tmp_path, v.AFTER_DEADLINE)
    late.call.return_application(v.STAFF, app_id, "请补充数据量。", "intro.solution")
    assert late.call.status(v.ALICE, app_id).can_submit
    assert late.call.submit(v.ALICE, app_id).submission == 2


def test_submission_is_refused_while_the_review_has_errors_unless_staff_allow_it(tmp_path: Path) -> None:
    service = v.make_service(tmp_path)
    app_id = v.create(service, GOOD, "placeholder")
    with pytest.raises(InvalidInputError) as refused:
        service.call.submit(v.ALICE, app_id)
    assert refused.value.code == "review_errors"
    assert "【待补充】" in refused.value.message and "工作人员允许" in refused.value.message
    with pytest.raises(PermissionDeniedError):
        service.call.allow_errors(v.ALICE, app_id, "我自己允许")
    service.call.allow_errors(v.STAFF, app_id, "材料齐全前先受理")
    assert service.call.submit(v.ALICE, app_id).status == "submitted"
    assert not service.store.call_entry(app_id).allow_errors  # one submission only
    with pytest.raises(PermissionDeniedError):
        service.call.submit(v.STAFF, app_id)  # staff never submit (or edit) an applicant's text


def test_later_edits_never_change_what_staff_review(tmp_path: Path) -> None:
    service = v.make_service(tmp_path)
    app_id = v.create(service, GOOD, "good")
    service.call.submit(v.ALICE, app_id)
    frozen = service.call.snapshot(v.STAFF, app_id)
    name, frozen_docx = service.call.submitted_file(v.STAFF, app_id)
    head = service.store.head_versions(app_id)["intro.problem"]
    service.store.add_version(app_id, "intro.problem", "改写后的问题描述。", 9, head.budget, "offline", "revise", {},
                              expected_head=head.version)
    service.update_application(v.ALICE, app_id, info={"address": "重庆市示例区新地址1号"})
    assert service.call.snapshot(v.STAFF, app_id) == frozen
    assert service.call.submitted_file(v.STAFF, app_id) == (name, frozen_docx)
    assert "改写后的问题描述" not in "\n".join(p.text for p in docx.Document(io.BytesIO(frozen_docx)).paragraphs)
    assert service.call.status(v.ALICE, app_id).changed_since_submission


def test_two_submits_of_one_draft_make_one_submission(tmp_path: Path) -> None:
    service = v.make_service(tmp_path)
    app_id = v.create(service, GOOD, "good")
    service.call.submit(v.ALICE, app_id)
    with pytest.raises(InvalidInputError, match="已提交"):
        service.call.submit(v.ALICE, app_id)
    with pytest.raises(ConflictError):  # a racing writer that read 草稿 before the first one committed
        service.store.update_entry(app_id, [], expected_status="draft", status="submitted")
    assert [s.number for s in service.store.submissions(app_id)] == [1]


def test_open_comments_travel_as_word_comments_at_their_part(tmp_path: Path) -> None:
    service = v.make_service(tmp_path)
    app_id = v.create(service, GOOD, "good")
    service.call.submit(v.ALICE, app_id)
    service.call.add_comment(v.STAFF, app_id, "intro.results", "请写明授信金额的统计口径。")
    service.call.add_comment(v.STAFF, app_id, "info.contact", "联系人电话请写座机。")
    service.call.add_comment(v.STAFF, app_id, "intro.problem", "内部：与去年案例相似", internal=True)
    done = service.call.add_comment(v.STAFF, app_id, "intro.solution", "已处理的意见")
    service.call.resolve(v.STAFF, app_id, done.id)
    first = service.call.comments(v.ALICE, app_id)[0]
    service.call.add_comment(v.ALICE, app_id, "general", "口径为银行放款统计。", parent_id=first.id)
    name, data = service.export_docx(v.ALICE, app_id)
    document = docx.Document(io.BytesIO(data))
    comments = list(document.comments)
    assert [c.text.split("\n")[0] for c in comments] == ["请写明授信金额的统计口径。", "联系人电话请写座机。"]
    assert "申报单位回复：口径为银行放款统计。" in comments[0].text
    assert all(c.author == "工作人员" for c in comments)
    xml = document.element.xml
    heading = next(p for p in document.paragraphs if "commentRangeStart" in p._p.xml)
    assert heading.text == "（三）应用成效" and "内部" not in xml
    chat = [m.content for m in service.get_application(v.ALICE, app_id).messages]
    assert any("【工作人员意见·（三）应用成效】请写明授信金额的统计口径。" == m for m in chat)
    assert not any("内部" in m for m in chat)
    assert all(not c.internal for c in service.call.comments(v.ALICE, app_id))


def test_scores_need_a_reason_to_change_the_proposal_and_disagreement_is_flagged(tmp_path: Path) -> None:
    service = v.make_service(tmp_path)
    app_id = v.create(service, GOOD, "good")
    service.call.submit(v.ALICE, app_id)
    sheet = service.board.score_sheet(v.STAFF, app_id)
    results = next(c for c in sheet.criteria if c.criterion_id == "results")
    assert results.proposal.evidence and results.proposal.evidence[0].quote
    proposed = results.proposal.level
    other = 0 if proposed >= 2 else 3
    with pytest.raises(InvalidInputError) as refused:
        service.board.put_scores(v.STAFF, app_id, [ScoreInput(criterion="results", level=other)])
    assert refused.value.code == "reason_required"
    service.board.put_scores(v.STAFF, app_id, [ScoreInput(criterion="results", level=proposed)])
    service.board.put_scores(v.STAFF_2, app_id, [ScoreInput(criterion="results", level=other, reason="数字无出处")])
    row = service.board.board(v.STAFF).rows[0]
    cell = next(c for c in row.criteria if c.criterion_id == "results")
    assert sorted(cell.staff_levels) == sorted([proposed, other]) and cell.disagreement
    assert cell.mean == (proposed + other) / 2 and row.basis == "mixed"
    with pytest.raises(PermissionDeniedError):
        service.board.score_sheet(v.ALICE, app_id)
    entries = [e for e in service.board.audit(v.STAFF, app_id) if e.action == "score"]
    assert [(e.actor_name, e.reason) for e in entries] == [("sam", "接受预评分"), ("tess", "数字无出处")]


def test_moves_across_the_line_are_logged_and_gated_ones_cannot_cross(tmp_path: Path) -> None:
    service = v.make_service(tmp_path)
    ids = [v.create(service, name, "thin", serial=n) for n in range(2) for name in v.NAMES]  # 16 eligible
    for app_id in ids:
        service.call.submit(v.ALICE, app_id)
    gated = v.create(service, GOOD, "unsealed")
    service.call.submit(v.ALICE, gated)
    board = service.board.board(v.STAFF)
    below = next(r for r in board.rows if r.eligible and not r.above_line)
    moved = service.board.move(v.STAFF, below.application_id, 3, "专家评议认为示范性突出")
    row = next(r for r in moved.rows if r.application_id == below.application_id)
    assert row.rank == 3 and row.above_line and "调整至第3位" in row.tie_note
    assert sum(r.above_line for r in moved.rows) == 15
    with pytest.raises(InvalidInputError) as refused:
        service.board.move(v.STAFF, gated, 1, "想排第一")
    assert refused.value.code == "not_rankable"
    service.board.put_scores(v.STAFF, gated, [], [GateInput(gate="pledge", passed=True, reason="纸质承诺书已收到")])
    assert next(r for r in service.board.board(v.STAFF).rows if r.application_id == gated).gates_passed
    log = [(e.action, e.new) for e in service.board.audit(v.STAFF)]
    assert ("move", "第3位（推荐线以上）") in log and ("gate", "通过") in log


def test_the_audit_log_cannot_be_rewritten(tmp_path: Path) -> None:
    service = v.make_service(tmp_path)
    app_id = v.create(service, GOOD, "good")
    service.call.submit(v.ALICE, app_id)
    raw = sqlite3.connect(service.settings.sqlite_path)
    for statement in ("UPDATE audit_log SET reason = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(sqlite3.DatabaseError, match="审计日志只能追加"):
            raw.execute(statement)
    assert len(service.board.audit(v.STAFF)) == 1


def test_withdrawn_applications_leave_the_board_and_submitted_ones_cannot_be_deleted(tmp_path: Path) -> None:
    service = v.make_service(tmp_path)
    app_id = v.create(service, GOOD, "good")
    service.call.submit(v.ALICE, app_id)
    with pytest.raises(InvalidInputError, match="不能删除"):
        service.delete_application(v.ALICE, app_id)
    assert [r.application_id for r in service.board.board(v.STAFF).rows] == [app_id]
    service.call.withdraw(v.ALICE, app_id)
    assert service.board.board(v.STAFF).rows == []
    service.delete_application(v.ALICE, app_id)


def test_a_reply_to_a_reply_stays_in_its_thread(tmp_path: Path) -> None:
    service = v.make_service(tmp_path)
    app_id = v.create(service, GOOD, "good")
    service.call.submit(v.ALICE, app_id)
    first = service.call.add_comment(v.STAFF, app_id, "intro.results", "口径？")
    answer = service.call.add_comment(v.ALICE, app_id, "general", "按放款统计。", parent_id=first.id)
    again = service.call.add_comment(v.STAFF, app_id, "general", "请写进正文。", parent_id=answer.id)
    assert again.parent_id == first.id and again.target == "intro.results"
    threads = service.call.comments(v.ALICE, app_id)
    assert [c.id for c in threads] == [first.id]
    assert [r.text for r in threads[0].replies] == ["按放款统计。", "请写进正文。"]
