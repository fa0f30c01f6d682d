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

from assistant.knowledge.evidence import Evidence
from assistant.knowledge.lexicon import any_of, lexicon
from assistant.knowledge.qtypes import OUT_OF_SCOPE
from assistant.knowledge.routes import Candidate, Context
from assistant.knowledge.sentences import quotable_sentences

if TYPE_CHECKING:
    from assistant.core.types import Passage
    from assistant.knowledge.search import KnowledgeBase

CONFIDENCE = 0.8
_STEP_NAME = re.compile(r"^[（(][一二三四五六七八九十]+[）)]\s*([^。．.]{2,20})")  # 「（二）提交申报书。」 → 提交申报书


def process_passages(kb: KnowledgeBase, notice_title: str, heading: str) -> list[Passage]:
    """The passages of the call's notice under ``heading`` (at any depth), in the notice's order."""
    if not heading:
        return []
    ids = [
        cid
        for doc_id, info in kb.store.documents().items()
        if info.get("title") == notice_title
        for cid, locator, _text in kb.store.section_chunks(doc_id)
        if any(heading in level for level in locator.split(" > "))
    ]
    return kb.store.passages([(cid, 1.0) for cid in ids])


class Process:
    """Route: the whole way of applying, quoted from the call's section on it, step by step."""

    name = "process"

    def answer(self, context: Context) -> Candidate | None:
        question, call = context.question, context.call
        if question.reading.score(OUT_OF_SCOPE) >= 0.5 or len(question.parts) > 1:
            return None  # 「流程是怎样的？纸质件交几份」: the parts are answered one by one
        if not any_of(*lexicon().process.asks).search(question.original):
            return None
        passages = process_passages(context.kb, call.notice_title, call.process_heading)
        evidence = [Evidence(passage=p, sentence=s, score=1.0, rank=0) for p in passages for s in quotable_sentences(p)]
        steps = [m.group(1) for p in passages if (m := _STEP_NAME.match(_own_text(p)))]
        if not evidence or not steps:
            return None
        lead = f"答：按通知「{call.process_heading}」，依次是：{'；'.join(steps)}（原文见下）。"
        return Candidate(self.name, evidence, lead, confidence=CONFIDENCE, structural=True)


def _own_text(passage: Passage) -> str:
    """The passage's text after its heading path (a chunk's text opens with the heading of its section)."""
    lines = [line.strip() for line in passage.text.splitlines() if line.strip()]
    return next((line for line in lines if _STEP_NAME.match(line)), "")
