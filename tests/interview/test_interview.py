"""The interview state machine: order, follow-ups, 跳过, reload, jump, done."""

from __future__ import annotations

import pytest

from assistant.forms.spec import FormSpec, load_form
from assistant.interview import machine as iv
from tests.spine_helpers import ALL_PART_IDS, FORM_ID, record_answer

# An answer that satisfies every element of every part (numbers, sources, flow, security, results).
COMPLETE = "数据来源于港口和铁路，通过接口共享流通到平台，采用脱敏加密保障安全，服务企业120家，效率提升23%。"


@pytest.fixture(scope="module")
def form() -> FormSpec:
    return load_form(FORM_ID)


def reload(state: iv.InterviewState) -> iv.InterviewState:
    """What the service does between turns: persist as JSON and read back."""
    return iv.InterviewState.model_validate_json(state.model_dump_json())


def test_start_asks_the_first_question_of_the_first_part(form: FormSpec) -> None:
    state, prompt = iv.start(form)
    assert state.current == "intro.problem"
    assert set(state.parts) == set(ALL_PART_IDS)
    assert prompt.kind == "question" and prompt.part_id == "intro.problem"
    assert prompt.text.endswith(form.part("intro.problem").questions[0])
    assert "（一）问题描述" in prompt.text  # the first question of a part names the part
    assert prompt.completed_part is None


def test_walks_every_part_in_form_order_asking_only_what_is_missing(form: FormSpec) -> None:
    state, prompt = iv.start(form)
    seen_parts: list[str] = []
    completed: list[str] = []
    asked: dict[str, list[str]] = {}
    for _ in range(100):
        if prompt.kind == "done":
            break
        assert prompt.kind == "question", prompt  # COMPLETE answers never need a follow-up
        if prompt.part_id not in seen_parts:
            seen_parts.append(prompt.part_id)
        asked.setdefault(prompt.part_id, []).append(prompt.text)
        state, prompt = record_answer(state, form, COMPLETE, max_followups=2)
        if prompt.completed_part:
            completed.append(prompt.completed_part)
    assert prompt.kind == "done"
    assert seen_parts == ALL_PART_IDS
    assert completed == ALL_PART_IDS
    for pid in ALL_PART_IDS:
        questions = form.part(pid).questions
        # a part whose first answer already holds every required element is not asked its other questions
        expected = 1 if form.part(pid).required_elements else len(questions)
        assert len(asked[pid]) == expected, pid
        assert all(text.endswith(q) for text, q in zip(asked[pid], questions, strict=False))
    assert state.current is None
    assert all(p.done and not p.skipped for p in state.parts.values())
    assert iv.unanswered_parts(state) == []


def test_followup_asked_when_numbers_and_sources_are_missing(form: FormSpec) -> None:
    state, _ = iv.start(form)
    state, prompt = record_answer(state, form, "行业里单证重复录入的问题很突出。", max_followups=2)
    assert prompt.kind == "question"  # second question of intro.problem
    state, prompt = record_answer(state, form, "环节多，效率低，企业意见很大。", max_followups=2)
    assert prompt.kind == "followup" and prompt.part_id == "intro.problem"
    assert prompt.missing == ["numbers", "data_sources"]
    assert prompt.text.startswith(form.elements["numbers"].followup)
    assert "跳过" in prompt.text
    assert state.parts["intro.problem"].followups_asked == 1
    assert prompt.completed_part is None


def test_followup_targets_the_remaining_gap(form: FormSpec) -> None:
    state, _ = iv.start(form)
    state, _ = record_answer(state, form, "行业问题突出。", max_followups=3)
    state, prompt = record_answer(state, form, "环节多，效率低。", max_followups=3)
    assert prompt.missing[0] == "numbers"
    state, prompt = record_answer(state, form, "涉及企业120家。", max_followups=3)
    assert prompt.kind == "followup"
    assert prompt.missing == ["data_sources"]
    assert prompt.text.startswith(form.elements["data_sources"].followup)
    state, prompt = record_answer(state, form, "数据来源于港口系统。", max_followups=3)
    assert prompt.kind == "question" and prompt.part_id == "intro.solution"
    assert prompt.completed_part == "intro.problem"


@pytest.mark.parametrize("max_followups", [0, 1, 2, 3])
def test_at_most_max_followups_per_part(form: FormSpec, max_followups: int) -> None:
    state, _ = iv.start(form)
    state, _ = record_answer(state, form, "问题突出。", max_followups)
    followups = 0
    prompt = None
    asked: list[str] = []
    for _ in range(10):
        state, prompt = record_answer(state, form, "企业之间信息不对称，协同很难。", max_followups)
        if prompt.kind != "followup":
            break
        assert prompt.text not in asked  # never the same follow-up twice
        asked.append(prompt.text)
        followups += 1
    # intro.problem lacks two elements: each is asked about at most once, within the limit
    assert followups == min(max_followups, 2)
    assert prompt is not None and prompt.part_id == "intro.solution"
    assert prompt.completed_part == "intro.problem"
    assert state.parts["intro.problem"].followups_asked == min(max_followups, 2)
    assert state.parts["intro.problem"].done
    assert state.parts["intro.problem"].answers[-1] == "【待补充：量化数据、数据来源】"
    assert "还缺少：量化数据、数据来源" in prompt.text


def test_part_without_required_elements_never_follows_up(form: FormSpec) -> None:
    state, _ = iv.start(form)
    state, _ = iv.jump_to(state, form, "intro.innovation")
    state, prompt = record_answer(state, form, "模式创新。", max_followups=5)
    assert prompt.kind == "question" and prompt.completed_part == "intro.innovation"


@pytest.mark.parametrize("word", ["跳过", "跳过。", " skip ", "SKIP", "略过", "下一个"])
def test_skip_moves_on_and_marks_the_part_skipped(form: FormSpec, word: str) -> None:
    state, _ = iv.start(form)
    state, prompt = record_answer(state, form, word, max_followups=2)
    assert prompt.part_id == "intro.solution" and prompt.kind == "question"
    assert prompt.completed_part == "intro.problem"
    assert state.parts["intro.problem"].skipped and state.parts["intro.problem"].done
    assert state.parts["intro.problem"].answers == []
    assert "intro.problem" in iv.unanswered_parts(state)


def test_skip_during_followup_keeps_earlier_answers(form: FormSpec) -> None:
    state, _ = iv.start(form)
    state, _ = record_answer(state, form, "问题突出。", 2)
    state, prompt = record_answer(state, form, "运单数据。", 2)
    assert prompt.kind == "followup"
    state, prompt = record_answer(state, form, "跳过", 2)
    assert prompt.part_id == "intro.solution" and prompt.completed_part == "intro.problem"
    progress = state.parts["intro.problem"]
    assert progress.answers[:2] == ["问题突出。", "运单数据。"]
    assert progress.answers[2:] == ["【待补充：量化数据】"] and progress.unresolved == ["numbers"]
    assert progress.done and not progress.skipped and progress.pending_element is None


def test_record_answer_does_not_mutate_the_given_state(form: FormSpec) -> None:
    state, _ = iv.start(form)
    before = state.model_dump()
    record_answer(state, form, COMPLETE, 2)
    iv.jump_to(state, form, "promo.practice")
    assert state.model_dump() == before


def test_state_round_trips_through_json_and_prompt_is_rederived(form: FormSpec) -> None:
    state, prompt = iv.start(form)
    state = reload(state)
    assert iv.current_prompt(state, form).model_dump(exclude={"completed_part"}) == prompt.model_dump(
        exclude={"completed_part"}
    )
    state, prompt = record_answer(state, form, "问题突出。", 2)
    state = reload(state)
    assert iv.current_prompt(state, form) == prompt  # second question, no header
    state, prompt = record_answer(state, form, "运单数据。", 2)
    assert prompt.kind == "followup"
    state = reload(state)
    again = iv.current_prompt(state, form)
    assert again.kind == "followup" and again.part_id == "intro.problem"
    assert again.text.startswith(form.elements["numbers"].followup)
    # The reloaded state keeps recording where it left off.
    state, prompt = record_answer(state, form, COMPLETE, 2)
    assert prompt.part_id == "intro.solution" and prompt.completed_part == "intro.problem"
    assert reload(state) == state


def test_reloaded_followup_is_the_same_prompt(form: FormSpec) -> None:
    state, _ = iv.start(form)
    state, _ = record_answer(state, form, "问题突出。", 2)
    state, prompt = record_answer(state, form, "运单数据。", 2)
    assert prompt.kind == "followup"
    assert iv.current_prompt(reload(state), form) == prompt


def test_jump_to_reopens_a_finished_part(form: FormSpec) -> None:
    state, prompt = iv.start(form)
    for _ in range(2):  # finish intro.problem and intro.solution (each answer holds every element)
        state, prompt = record_answer(state, form, COMPLETE, 2)
    assert prompt.part_id == "intro.results"
    state, prompt = iv.jump_to(state, form, "intro.problem")
    assert state.current == "intro.problem" and not state.parts["intro.problem"].done
    assert prompt.part_id == "intro.problem" and prompt.kind == "question"
    state, prompt = record_answer(state, form, "补充：覆盖全市12个区县。", 2)
    assert state.parts["intro.problem"].answers[-1] == "补充：覆盖全市12个区县。"
    assert len(state.parts["intro.problem"].answers) == 2
    # After the reopened part is done again, the walk resumes at the first unfinished part.
    assert prompt.completed_part == "intro.problem"
    assert prompt.part_id == "intro.results"


def test_jump_to_unknown_part_is_an_error(form: FormSpec) -> None:
    from assistant.core.errors import InvalidInputError

    state, _ = iv.start(form)
    with pytest.raises(InvalidInputError):
        iv.jump_to(state, form, "intro.nothing")


def test_done_at_the_end_and_answers_after_done_change_nothing(form: FormSpec) -> None:
    state, _ = iv.start(form)
    prompt = None
    for _ in ALL_PART_IDS:
        state, prompt = record_answer(state, form, "跳过", 2)
    assert prompt is not None and prompt.kind == "done" and prompt.part_id is None
    assert prompt.completed_part == "promo.practice"
    assert iv.current_prompt(state, form).kind == "done"
    after, again = record_answer(state, form, "还有一句", 2)
    assert again.kind == "done" and after == state
    assert iv.unanswered_parts(state) == ALL_PART_IDS
    # Jumping back after done reopens the interview.
    state, prompt = iv.jump_to(state, form, "intro.results")
    assert prompt.part_id == "intro.results"
    state, prompt = record_answer(state, form, "跳过", 2)
    assert prompt.kind == "done" and prompt.completed_part == "intro.results"
