"""With a chat model configured: the top passages and the question type go to the model; every sentence it
writes must cite a passage that supports it, or the sentence is dropped.

Why sentence by sentence: a reply whose citations are checked but whose uncited sentences stay can still
carry an invented fact next to a true one. Here a sentence survives only with at least one ``[n]`` that
exists and whose passage holds the sentence's numbers and most of its wording; the survivors' citations
are renumbered 1..m. When nothing survives, or the model is down, the offline answer is what the asker
gets (it is built first, so it is never missing).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.core.chinese import split_sentences
from assistant.core.types import Passage
from assistant.knowledge.lexicon import lexicon
from assistant.llm.prompts import render_messages

if TYPE_CHECKING:
    from assistant.llm.chat import ChatModel

SUPPORT = 0.3
# No ；: clauses joined by ； share the citation at the end of the sentence.
_SENTENCE_ENDS = "。！？!?"
_CITE = re.compile(r"[\[［](\d{1,2})[\]］]")


def _digits(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", text))


def _bigrams(text: str) -> set[str]:
    han = re.sub(r"[^\u3400-\u9fff0-9A-Za-z]", "", text)
    return {han[i : i + 2] for i in range(len(han) - 1)}


def is_supported(claim: str, passage: Passage) -> bool:
    """A claim is supported when its numbers all occur in the passage and its wording largely does."""
    claim = _CITE.sub("", claim)
    source = f"{passage.title} {passage.locator} {passage.text}"
    if not _digits(claim) <= _digits(source):
        return False
    grams = _bigrams(claim)
    return not grams or len(grams & _bigrams(source)) / len(grams) >= SUPPORT


def check_citations(reply: str, passages: list[Passage]) -> tuple[str, list[Passage], int]:
    """Keep the sentences with at least one citation that exists and supports them, renumbered 1..m.

    Returns (text, the cited passages in order, how many sentences were dropped). A sentence with no
    citation at all, or only with citations that do not hold up, is dropped whole.
    """
    kept: list[Passage] = []
    dropped = 0
    out_sentences = []
    for sentence in split_sentences(reply, _SENTENCE_ENDS):
        if not sentence.strip():
            continue
        verified = []
        for match in _CITE.finditer(sentence):
            n = int(match.group(1))
            if 1 <= n <= len(passages) and is_supported(sentence, passages[n - 1]):
                verified.append(passages[n - 1])
        if not verified:
            dropped += 1
            continue
        marks: list[str] = []
        for passage in verified:
            if passage not in kept:
                kept.append(passage)
            mark = f"[{kept.index(passage) + 1}]"
            if mark not in marks:
                marks.append(mark)
        body = _CITE.sub("", sentence).rstrip()
        end = body[-1] if body and body[-1] in "。！？!?" else ""
        out_sentences.append(f"{body.rstrip('。！？!?')}{''.join(marks)}{end}")
    return "".join(out_sentences).strip(), kept, dropped


def ask_model(
    question: str, kinds: list[str], passages: list[Passage], chat_model: ChatModel, issuer: str = ""
) -> tuple[str, list[Passage], int] | None:
    """The model's answer over the numbered passages, checked sentence by sentence; None when it declines.
    ``issuer``: who the assistant answers for (the call's issuer, from the form spec)."""
    labels = lexicon().type_labels
    messages = render_messages(
        "answer_question",
        issuer=issuer or "数据主管部门",
        question=question,
        question_type="；".join(labels.get(k, k) for k in kinds),
        passages=[
            {"n": i + 1, "title": p.title, "locator": p.locator or "文首", "text": p.text}
            for i, p in enumerate(passages)
        ],
    )
    reply = chat_model.complete(messages, max_tokens=800).strip()
    if "文件中没有找到相关规定" in reply and not _CITE.search(reply):
        return None
    return check_citations(reply, passages)
