"""Turn intents in natural wording, through the state machine and through the service."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.auth.principal import Principal
from assistant.core.settings import Settings
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.forms.application import ApplicationInfo
from assistant.forms.spec import FormSpec, load_form
from assistant.interview import machine as iv
from assistant.service.service import Service
from assistant.store.sql import Store
from assistant.understanding.acts import TurnContext
from assistant.understanding.shipped import turn_reader
from tests.spine_helpers import record_answer

ALICE = Principal(id=1, username="alice", role="applicant")


@pytest.fixture(scope="module")
def form() -> FormSpec:
    return load_form("cq-2024-batch2")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("没有了", "draft_now"),
        ("先这样", "draft_now"),
        ("直接写吧", "draft_now"),
        ("没有了，请直接起草", "draft_now"),
        ("没有了，就这些。", "draft_now"),
        ("不清楚", "dont_know"),
        ("不清楚，这个要问领导。", "dont_know"),
        ("这个我们也说不好", "dont_know"),
        ("跳过", "skip"),
        ("下一部分", "next"),
        ("上一部分", "back"),
        ("结束吧，全部起草", "finish"),
        ("数据来自区气象局，签了数据共享协议。", "answer"),
        ("平台不清楚的地方由银行提供数据，累计授信12亿元，服务3800户。", "answer"),
    ],
)
def test_intents_in_natural_wording(form: FormSpec, text: str, kind: str) -> None:
    context = TurnContext(current_part="intro.problem", last_question=form.part("intro.problem").questions[0])
    assert turn_reader(form).read(text, context).kind == kind


@pytest.mark.parametrize(
    ("text", "part_id"),
    [
        ("回到解决方案", "intro.solution"),
        ("我想改一下创新点", "intro.innovation"),
        ("回到（三）应用成效", "intro.results"),
    ],
)
def test_go_to_a_named_part(form: FormSpec, text: str, part_id: str) -> None:
    turn = turn_reader(form).read(text, TurnContext(current_part="intro.problem"))
    assert turn.kind == "goto" and turn.target == part_id
    state, _ = iv.start(form)
    state, prompt = record_answer(state, form, text, 2)
    assert state.current == part_id and prompt.part_id == part_id


def test_answer_then_draft_now_keeps_the_content(form: FormSpec) -> None:
    state, _ = iv.start(form)
    state, _ = iv.jump_to(state, form, "intro.results")
    text = "累计获得超12亿元的银行预授信，缓解了小微企业融资难。没有了，请直接起草"
    state, prompt = record_answer(state, form, text, 2)
    progress = state.parts["intro.results"]
    assert progress.done and progress.answers == ["累计获得超12亿元的银行预授信，缓解了小微企业融资难。"]
    assert prompt.completed_part == "intro.results"
    assert progress.unresolved == []  # 12亿元 and 缓解了 are numbers and results


def test_draft_now_twice_never_repeats_the_followup(form: FormSpec) -> None:
    state, _ = iv.start(form)
    state, _ = record_answer(state, form, "行业问题突出。", 2)
    state, first = record_answer(state, form, "环节多，效率低。", 2)
    assert first.kind == "followup"
    state, second = record_answer(state, form, "没有了，请直接起草", 2)
    assert second.kind == "question" and second.part_id == "intro.solution"
    assert second.text != first.text and "还缺少" in second.text
    assert state.parts["intro.problem"].answers[-1].startswith("【待补充：")


def test_back_goes_to_the_previous_part(form: FormSpec) -> None:
    state, _ = iv.start(form)
    state, _ = record_answer(state, form, "跳过", 2)
    state, prompt = record_answer(state, form, "上一部分", 2)
    assert state.current == "intro.problem" and prompt.part_id == "intro.problem"


def test_finish_closes_every_part(form: FormSpec) -> None:
    state, _ = iv.start(form)
    state, prompt = record_answer(state, form, "结束吧，全部起草", 2)
    assert state.current is None and prompt.kind == "done"
    assert prompt.completed_parts == form.part_ids()


@pytest.fixture()
def service(tmp_path: Path) -> Service:
    settings = Settings(data_dir=tmp_path, limit_message_chars=500)
    return Service(settings, Store.open(settings.sqlite_path), OfflineDrafter())


def _info() -> ApplicationInfo:
    return ApplicationInfo(applicant="重庆示例科技有限公司", case_name="金融服务领域——县域信用贷款", field="金融服务")


def test_service_draft_now_twice_moves_on_without_repeating(service: Service) -> None:
    app = service.create_application(ALICE, _info())
    service.send_message(ALICE, app.id, "县里小微企业贷款难。")
    first = service.send_message(ALICE, app.id, "银行不了解企业。")
    assert first.prompt.kind == "followup"
    second = service.send_message(ALICE, app.id, "没有了，请直接起草")
    assert second.prompt.part_id == "intro.solution" and second.prompt.text != first.prompt.text
    assert second.drafted_part == "intro.problem"
    view = service.get_application(ALICE, app.id)
    problem = next(p for p in view.parts if p.part_id == "intro.problem")
    assert "【待补充" in problem.text


def test_service_results_answer_is_not_told_results_are_missing(service: Service) -> None:
    app = service.create_application(ALICE, _info())
    service.send_message(ALICE, app.id, "回到应用成效")
    service.send_message(ALICE, app.id, "2023年上线，已在3个区县落地。")
    turn = service.send_message(ALICE, app.id, "累计获得超12亿元的银行预授信，缓解了小微企业融资难。")
    assert turn.drafted_part == "intro.results"
    assert "缺少：应用成效" not in turn.reply


def test_service_goto_after_done_is_navigation_not_a_revision(service: Service) -> None:
    app = service.create_application(ALICE, _info())
    service.send_message(ALICE, app.id, "结束吧，全部起草")
    turn = service.send_message(ALICE, app.id, "回到解决方案")
    assert turn.prompt.part_id == "intro.solution" and turn.revised_part is None
