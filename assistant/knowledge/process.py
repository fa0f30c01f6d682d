"""The whole way of applying, step by step: 「第一次申报，从准备到提交要走哪几步」「申报流程是怎样的」.

Why a route of its own: such a question names no step, so scored by shared words it drew one sentence (the
handing-in one, or none: three sets' questions of this kind were answered with a single step or declined), while
the asker wants the steps in order — who organises, what to fill in and seal, what to hand in where, by when. The
steps are structure the call names (the form spec's ``process_heading``: the notice's section on how to apply), so
this route quotes that section's sub-sections in the notice's order, their headings as the lead.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.knowledge.eligibility import section_passages
from assistant.knowledge.evidence import Evidence, score_sentences
from assistant.knowledge.lexicon import any_of, lexicon
from assistant.knowledge.qtypes import OUT_OF_SCOPE
from assistant.knowledge.routes import Candidate, Context
from assistant.knowledge.sentences import quotable_sentences

if TYPE_CHECKING:
    from assistant.core.types import Passage

CONFIDENCE = 0.8
WHO_STEPS = 3  # the best sentence of at most three steps
WHO_MIN_SCORE = 0.25
_STEP_NAME = re.compile(r"^[（(][一二三四五六七八九十]+[）)]\s*([^。．.]{2,20})")  # 「（二）提交申报书。」 → 提交申报书


class Process:
    """Route: the whole way of applying, quoted from the call's section on it, step by step."""

    name = "process"

    def answer(self, context: Context) -> Candidate | None:
        question, call = context.question, context.call
        if question.reading.score(OUT_OF_SCOPE) >= 0.5:
            return None
        if any_of(*lexicon().process.asks_who).search(question.text):
            return self._who(context)
        if len(question.parts) > 1 or not any_of(*lexicon().process.asks).search(question.original):
            return None  # 「流程是怎样的？纸质件交几份」: the parts are answered one by one
        passages = section_passages(context.kb, call.notice_title, call.process_heading, nested=True)
        evidence = [Evidence(passage=p, sentence=s, score=1.0, rank=0) for p in passages for s in quotable_sentences(p)]
        steps = [m.group(1) for p in passages if (m := _STEP_NAME.match(_own_text(p)))]
        if not evidence or not steps:
            return None
        lead = f"答：按通知「{call.process_heading}」，依次是：{'；'.join(steps)}（原文见下）。"
        return Candidate(self.name, evidence, lead, confidence=CONFIDENCE, structural=True)


    def _who(self, context: Context) -> Candidate | None:
        """「材料最后交给区里还是市局」「我们是行业主管部门，需要怎么配合」: who organises and where materials go are
        said in the steps of applying, which retrieval over every document misses (the organising step shares no
        word with 交); the best sentence of each step that answers, in the notice's order."""
        call = context.call
        passages = section_passages(context.kb, call.notice_title, call.process_heading, nested=True)
        best: dict[str, Evidence] = {}  # each step's best sentence: the organising step shares only 区里 (its
        for item in score_sentences(context.question, passages, context.kb):  # 区（县）) with 「交给区里还是市局」
            if item.score >= WHO_MIN_SCORE:
                best.setdefault(item.passage.chunk_id, item)
        kept = sorted(best.values(), key=lambda e: e.score, reverse=True)[:WHO_STEPS]
        if not kept:
            return None
        order = {p.chunk_id: i for i, p in enumerate(passages)}
        kept.sort(key=lambda e: order.get(e.passage.chunk_id, 0))
        return Candidate(self.name, kept, "", confidence=CONFIDENCE, structural=True)


def _own_text(passage: Passage) -> str:
    """The passage's text after its heading path (a chunk's text opens with the heading of its section)."""
    lines = [line.strip() for line in passage.text.splitlines() if line.strip()]
    return next((line for line in lines if _STEP_NAME.match(line)), "")
