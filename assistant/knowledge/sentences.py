"""The sentences of a passage that can be quoted: what every answer route quotes from.

Why apart from the scoring: retrieval drops a passage with nothing to quote (a bare heading) before any
question is weighed, and the eligibility route reads a passage's sentences in order.
"""

from __future__ import annotations

from assistant.core.chinese import MIXED_SENTENCE_ENDS, split_sentences
from assistant.core.types import Passage
from assistant.knowledge.chunking import heading_of
from assistant.knowledge.injection import INJECTION_MARK

SHORT = 12  # a shorter piece (a table cell such as 「联系方式」) is joined to what follows it


def quotable_sentences(passage: Passage) -> list[str]:
    """Sentences to quote; a fragment (a table cell such as 「联系方式」) is joined to what follows it.

    Text set aside at ingestion as instruction-like (``INJECTION_MARK``) is never quoted.
    """
    out: list[str] = []
    pending = ""
    for sentence in (s.strip() for s in split_sentences(passage.text, MIXED_SENTENCE_ENDS)):
        if not sentence or INJECTION_MARK in sentence:
            continue
        heading = heading_of(sentence)
        if heading is not None and not pending and (len(sentence) <= 24 or heading[1] == sentence):
            continue  # a heading line: its words count through the locator, it is not a sentence to quote
        sentence = f"{pending} {sentence}".strip() if pending else sentence
        if len(sentence) < SHORT:
            pending = sentence
            continue
        pending = ""
        out.append(sentence)
    if pending and len(pending) >= 4:
        out.append(pending)
    return out


def has_quotable(passage: Passage) -> bool:
    """False for a passage that is only a heading (「（一）图片 1.数据要素流向图」): nothing in it to quote."""
    return bool(quotable_sentences(passage))
