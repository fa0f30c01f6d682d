"""Who may apply: 「大学里的课题组能直接作为申报单位吗」「我们是个体工商户，可以申报不」.

The learned type ``applicant`` (labelled on the development rows: the organisation's kind, registration, years
of operation, record, applying jointly) says when a question is about the applicant rather than the project
(「项目还没出效益能报吗」 is answered by the case requirements, not by this route).

Why a route of its own: such a question names the asker (课题组, 个体工商户, 行业协会) in words the call never
uses, and asks in words (直接, 作为) that weigh more than the rule's own; scored by shared words, the call's
conditions on applicants lost to any sentence that happened to hold 「申报单位」, and the question was
declined. The condition section is structure the call names (the form spec's ``applicants_heading``), so it is
quoted whole, and judging the asker against it is left to the reader unless the yes/no reading decides it by
a condition (「个人」 against 「法人」) or by naming the asker among those the rule covers (事业单位 in
企事业单位).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.knowledge.evidence import Evidence, aliases, question_weights
from assistant.knowledge.qtypes import OUT_OF_SCOPE
from assistant.knowledge.routes import Candidate, Context
from assistant.knowledge.sentences import quotable_sentences
from assistant.knowledge.yes_no import WORDS, asked_kind, polarity

if TYPE_CHECKING:
    from assistant.core.types import Passage
    from assistant.knowledge.question import Question
    from assistant.knowledge.search import KnowledgeBase

CONFIDENCE = 0.8
APPLICANT = "applicant"  # the learned type: whether the applying organisation itself may apply
NEUTRAL_LEAD = "答：{heading}须符合以下条件（原文见下），请对照判断。"  # the heading from the form spec


def section_passages(kb: KnowledgeBase, notice_title: str, heading: str, nested: bool = False) -> list[Passage]:
    """The passages of the call's notice whose own section heading names ``heading``; ``nested``: also those of its
    sub-sections (the steps under 「申报工作安排」), in the notice's order."""
    if not heading:
        return []
    ids = [
        cid
        for doc_id, info in kb.store.documents().items()
        if info.get("title") == notice_title
        for cid, locator, _text in kb.store.section_chunks(doc_id)
        if any(heading in level for level in (locator.split(" > ") if nested else locator.split(" > ")[-1:]))
    ]
    return kb.store.passages([(cid, 1.0) for cid in ids])


def _askers_words(question: Question) -> list[str]:
    """The documents' words for the question's (事业单位 → 企事业单位, 民企 → 民营企业, 两家 → 联合申报)."""
    return [a for alts in aliases(question).values() for a in alts] + question.expansion.split()


def _lead(context: Context, evidence: list[Evidence]) -> str:
    """可以/不可以 when the rule decides it by a condition or names the asker (in the documents' words for the
    question's: 事业单位 in 企事业单位, 两家 → 联合申报); else the neutral lead."""
    question = context.question
    decided = polarity(question, evidence, question_weights(question, context.kb))
    neutral = NEUTRAL_LEAD.format(heading=context.call.applicants_heading)
    if decided is None:
        return neutral
    yes, sentence, by_condition = decided
    words = _askers_words(question)
    if not (by_condition or any(w in sentence.sentence for w in words)):
        return neutral
    yes_word, no_word = WORDS[asked_kind(question)]
    return f"{yes_word if yes else no_word}。"


class ApplicantConditions:
    """Route: whether someone may apply, answered with the call's conditions on applicants, quoted whole."""

    name = "eligibility"

    def answer(self, context: Context) -> Candidate | None:
        question, call = context.question, context.call
        if not question.has(APPLICANT) or question.reading.score(OUT_OF_SCOPE) >= 0.5:
            return None  # about the project (效益, 公开, 领域), or another matter: the evidence decides
        if not (question.has("yes_no") or question.has("eligibility")):
            return None  # 「哪些部门负责组织企业申报」 asks who, not whether (64 of 66 applicant rows are whethers)
        if question.has("case"):
            return None  # 「第1号案例是哪个单位报的？属于什么性质的企业」: the organisation of a case, not the asker's
        passages = section_passages(context.kb, call.notice_title, call.applicants_heading)
        evidence = [
            Evidence(passage=p, sentence=s, score=1.0, rank=0) for p in passages[:1] for s in quotable_sentences(p)
        ]
        if not evidence:
            return None
        words = _askers_words(question)
        naming = [e for e in context.evidence[:5] if any(w in e.sentence for w in words)][:1]  # 民企 → 民营企业
        return Candidate(self.name, evidence + naming, _lead(context, evidence), confidence=CONFIDENCE, structural=True)
