"""The service object end to end with real SQLite and the offline drafter."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document

from assistant.auth.principal import Principal
from assistant.core.errors import (
    InvalidInputError,
    LimitExceededError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
)
from assistant.core.figures import untraceable_numbers
from assistant.core.settings import Settings
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.forms.application import ApplicationInfo
from assistant.service.service import Service
from assistant.store.sql import Store

EXAMPLE = json.loads((Path(__file__).parents[2] / "examples" / "cq-logistics-example.json").read_text(encoding="utf-8"))
ALICE = Principal(id=1, username="alice", role="applicant")
BOB = Principal(id=2, username="bob", role="applicant")
STAFF = Principal(id=3, username="staff", role="staff")


@pytest.fixture()
def service(tmp_path: Path) -> Service:
    settings = Settings(data_dir=tmp_path, limit_applications_per_user=2, limit_message_chars=500)
    return Service(settings, Store.open(settings.sqlite_path), OfflineDrafter())


def _answer_problem(service: Service, app_id: int) -> list[str]:
    """Answer 问题描述 until it is drafted (an answer holding every required element needs no follow-up)."""
    answers = [*EXAMPLE["answers"]["intro.problem"], "数据来自铁路、港口和船公司的业务系统，通过数据共享协议获取。"]
    sent: list[str] = []
    for text in answers:
        if service.get_application(ALICE, app_id).prompt.part_id != "intro.problem":
            break
        service.send_message(ALICE, app_id, text)
        sent.append(text)
    return sent


def test_interview_drafts_a_part_and_persists_turns_before_replying(service: Service) -> None:
    app = service.create_application(ALICE, ApplicationInfo(**EXAMPLE["info"]))
    assert app.prompt.part_id == "intro.problem"
    sent = _answer_problem(service, app.id)
    view = service.get_application(ALICE, app.id)
    problem = next(p for p in view.parts if p.part_id == "intro.problem")
    assert problem.version == 1 and problem.status in ("已起草", "需补充")
    assert 0 < problem.words <= problem.budget
    assert untraceable_numbers(problem.text, EXAMPLE["answers"]["intro.problem"]) == []
    user_turns = [m.content for m in view.messages if m.role == "user"]
    assert user_turns == sent
    assert view.prompt.part_id == "intro.solution"
    # a second Service over the same database sees everything (nothing only in memory)
    again = Service(service.settings, Store.open(service.settings.sqlite_path), OfflineDrafter())
    assert [m.content for m in again.get_application(ALICE, app.id).messages] == [m.content for m in view.messages]


def test_revise_creates_a_version_and_undo_restores_the_previous(service: Service) -> None:
    app = service.create_application(ALICE, ApplicationInfo(**EXAMPLE["info"]))
    _answer_problem(service, app.id)
    original = service.versions(ALICE, app.id, "intro.problem")[0].text
    turn = service.send_message(ALICE, app.id, "补充：覆盖本地12家港口和物流企业", part_id="intro.problem")
    assert turn.revised_part == "intro.problem"
    versions = service.versions(ALICE, app.id, "intro.problem")
    assert [v.version for v in versions] == [1, 2] and versions[1].is_head
    assert "12家港口" in versions[1].text
    view = service.undo(ALICE, app.id, "intro.problem")
    assert next(p for p in view.parts if p.part_id == "intro.problem").text == original
    assert len(service.versions(ALICE, app.id, "intro.problem")) == 2  # nothing deleted
    with pytest.raises(InvalidInputError):
        service.undo(ALICE, app.id, "intro.problem")


def test_export_reads_back_with_drafted_text(service: Service) -> None:
    app = service.create_application(ALICE, ApplicationInfo(**EXAMPLE["info"]))
    _answer_problem(service, app.id)
    name, data = service.export_docx(ALICE, app.id)
    assert name.endswith(".docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "（一）问题描述" in text and "4个窗口" in text and "【待补充" in text


def test_applicants_are_isolated_and_staff_can_read(service: Service) -> None:
    app = service.create_application(ALICE, ApplicationInfo(**EXAMPLE["info"]))
    with pytest.raises(NotFoundError):
        service.get_application(BOB, app.id)
    with pytest.raises(NotFoundError):
        service.send_message(BOB, app.id, "我的回答")
    with pytest.raises(NotFoundError):
        service.export_docx(BOB, app.id)
    assert service.list_applications(BOB) == []
    assert service.get_application(STAFF, app.id).id == app.id
    with pytest.raises(PermissionDeniedError):
        service.send_message(STAFF, app.id, "工作人员不能替申报单位回答")
    with pytest.raises(NotFoundError):
        service.get_application(ALICE, 9999)


def test_bad_input_gets_chinese_errors(service: Service) -> None:
    with pytest.raises(InvalidInputError, match="案例名称应写成"):
        service.create_application(ALICE, ApplicationInfo(field="交通运输", case_name="多式联运"))
    with pytest.raises(InvalidInputError, match="12个领域"):
        service.create_application(ALICE, ApplicationInfo(field="航空航天", case_name="航空航天领域——某案例"))
    app = service.create_application(ALICE, ApplicationInfo(**EXAMPLE["info"]))
    with pytest.raises(InvalidInputError, match="不能为空"):
        service.send_message(ALICE, app.id, "   ")
    with pytest.raises(LimitExceededError, match="最多500个字符"):
        service.send_message(ALICE, app.id, "字" * 501)
    service.create_application(ALICE, ApplicationInfo(**EXAMPLE["info"]))
    with pytest.raises(QuotaExceededError, match="最多创建2份"):
        service.create_application(ALICE, ApplicationInfo(**EXAMPLE["info"]))


def test_whole_interview_keeps_groups_within_limits(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    service = Service(settings, Store.open(settings.sqlite_path), OfflineDrafter())
    app = service.create_application(ALICE, ApplicationInfo(**EXAMPLE["info"]))
    long_answer = "本平台汇聚多源数据，支撑企业协同。" * 400  # ~6800字, far over any budget
    for _ in range(40):
        view = service.get_application(ALICE, app.id)
        if view.prompt.kind == "done":
            break
        service.send_message(ALICE, app.id, long_answer if view.prompt.part_id == "intro.solution" else "跳过")
    view = service.get_application(ALICE, app.id)
    assert view.prompt.kind == "done"
    for group in view.groups:
        assert group.words <= group.limit
    solution = next(p for p in view.parts if p.part_id == "intro.solution")
    assert 0 < solution.words <= solution.budget
    assert any(p.status == "需补充" for p in view.parts)  # skipped parts keep 【待补充】
