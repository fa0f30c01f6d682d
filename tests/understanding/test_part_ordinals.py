"""A move naming a part by its ordinal (「第三部分」「先弄（一）吧」「宣传材料第二部分」) goes to that part.

"Go to" was masked for want of a part's name, so 「第三部分」 was read as 「写吧」 at 0.32 and 「先去第五部分」 as
「跳过」. The labelled turns count the case introduction's six parts (第N部分, （N）) and, with the promotion
material named, its two. The ordinal is read only in a short message the reader already takes for a move: an
answer enumerating (「（一）建立机制（二）打通数据」) stays an answer. Wordings are this test's own.
"""

from __future__ import annotations

import pytest

from assistant.forms.spec import available_forms, load_form
from assistant.understanding.acts import TurnContext
from assistant.understanding.rules import part_by_ordinal
from assistant.understanding.shipped import turn_reader

FORM = load_form(available_forms()[0])
CONTEXT = TurnContext(current_part="intro.solution", last_question="你们的思路和目标是什么？主要采取了哪些举措？")


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("第三部分", "intro.results"),
        ("先去第五部分吧", "intro.compliance"),
        ("第4部分", "intro.innovation"),
        ("先弄（一）吧", "intro.problem"),
        ("切到宣传材料第二部分", "promo.practice"),
    ],
)
def test_a_move_naming_an_ordinal_goes_to_that_part(text: str, part: str) -> None:
    act = turn_reader(FORM).read(text, CONTEXT)
    assert (act.kind, act.target) == ("goto", part), (act.kind, act.target, act.confidence)


@pytest.mark.parametrize(
    "text",
    [
        "（一）建立数据共享机制（二）打通上下游数据",
        "平台建设分三部分，第一部分是数据归集，第二部分是模型，第三部分是应用",
        "举措有三条：(1)归集 (2)共享 (3)应用",
    ],
)
def test_an_answer_enumerating_stays_an_answer(text: str) -> None:
    assert turn_reader(FORM).read(text, CONTEXT).kind == "answer"


def test_an_ordinal_with_no_such_part_names_none() -> None:
    assert part_by_ordinal(FORM, "第七部分") == (None, False)
    assert part_by_ordinal(FORM, "第0部分") == (None, False)
    assert part_by_ordinal(FORM, "宣传材料第三部分") == (None, True)  # the promotion material has two


def test_a_missing_ordinal_of_a_named_group_is_no_sure_move() -> None:
    """「宣传推广材料第五部分」 (it has two) had gone to its first part through the alias 宣传."""
    act = turn_reader(FORM).read("宣传推广材料第五部分", CONTEXT)
    assert act.confidence == 0.0, (act.kind, act.target, act.confidence)
