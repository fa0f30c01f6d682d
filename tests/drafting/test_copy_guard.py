"""Retrieved passages are guidance, not the applicant's facts: pasted sentences are removed."""

from __future__ import annotations

from assistant.drafting.copy_guard import drop_copied_sentences

PLAN = (
    "提升多式联运效能：推进货运寄递、运单、结算、保险、货物跟踪等数据共享互认，实现托运人一次委托、"
    "费用一次结算、货物一次保险、多式联运经营人全程负责。"
)
ANSWERS = ["我们建了单证互认平台，铁路、港口、船公司的运单数据通过接口推送到平台。"]


def test_a_pasted_plan_sentence_goes_and_the_points_close_up() -> None:
    draft = (
        "1.建成单证互认平台，铁路、港口、船公司的运单数据通过接口推送到平台。\n"
        "2.推进货运寄递、运单、结算、保险、货物跟踪等数据共享互认，实现托运人一次委托。\n"
        "3.运单数据通过接口推送到平台后统一核验。"
    )
    text, dropped = drop_copied_sentences(draft, ANSWERS, [PLAN])
    assert len(dropped) == 1 and "货物跟踪" in dropped[0]
    assert text.splitlines()[1].startswith("2.运单数据")


def test_naming_a_direction_briefly_or_the_applicants_own_words_stay() -> None:
    draft = "本案例对应“提升多式联运效能”方向。铁路、港口、船公司的运单数据通过接口推送到平台。"
    assert drop_copied_sentences(draft, ANSWERS, [PLAN]) == (draft, [])
