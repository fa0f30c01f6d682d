"""Which yes/no a question asks — 能不能 (可以/不可以), 要不要 (需要/不需要), 是不是, 有没有, 会不会 — read off
its last asking word. Why a module of its own: the yes/no route, the conditions on applicants and the premise leads
of dates and numbers all answer with the word the question asked for (「8月底交还行吗」: 不可以, not 不对)."""

from __future__ import annotations

import re

from assistant.knowledge.lexicon import any_of, lexicon
from assistant.knowledge.question import Question
from assistant.knowledge.tokens import _jieba

WORDS = {
    "permission": ("可以", "不可以"),
    "requirement": ("需要", "不需要"),
    "identity": ("是", "不是"),
    "existence": ("有", "没有"),
    "possibility": ("会", "不会"),
}


def asked_kind(question: Question) -> str:
    """permission, requirement or identity: the kind whose word comes last in the question. Words are
    jieba tokens (or runs of them), so 「要求」 is not 「要」."""
    words = lexicon().yes_no
    tokens = _jieba().lcut(question.text)
    last: dict[str, int] = {}
    for kind, listed in (
        ("permission", words.asks_permission),
        ("requirement", words.asks_requirement),
        ("identity", words.asks_identity),
        ("existence", words.asks_existence),
        ("possibility", words.asks_possibility),
    ):
        hits = [i for i in range(len(tokens)) for n in (1, 2, 3) if "".join(tokens[i : i + n]) in listed]
        last[kind] = max(hits, default=-1)
    kind = max(last, key=lambda k: last[k])
    return kind if last[kind] >= 0 else "permission"


def asks_permission_outright(question: Question) -> bool:
    """「8月底交还行吗」「视频做了10分钟可以么」: a request put as a question, answered 可以/不可以 even when it
    carries a premise; a belief to confirm (「纸质件要一式五份吧」「听说……」) is answered 对/不对."""
    words = lexicon().yes_no
    if any(mark in question.original for mark in words.belief_marks):
        return False
    tokens = _jieba().lcut(question.text)
    found = any("".join(tokens[i : i + n]) in words.asks_permission for i in range(len(tokens)) for n in (1, 2, 3))
    return found and asked_kind(question) == "permission"


NOT_NEEDED_WINDOW = 5  # 「不用再交一份Word」: how far from the format the words saying it is not needed sit


def spared_format(question: Question) -> str:
    """The format a question says need not be handed in (「不用再交Word了吧」「PDF可以不交吗」), or "": the
    documents asking for it answer 需要, not 可以."""
    spare = any_of(*lexicon().amounts.not_needed)
    text = question.original.lower()
    for name in lexicon().formats:
        at = text.find(name.lower())
        if at < 0:
            continue
        before = text[max(0, at - NOT_NEEDED_WINDOW) : at]
        after = re.split(r"[，,。；;？?！!]", text[at + len(name) : at + len(name) + NOT_NEEDED_WINDOW + 2])[0]
        later = spare.search(after)  # 「PDF那份可以不交吗」; not the PDF of 「PDF要交，Word可以不交」
        if spare.search(before) or (later and not any(o.lower() in after[: later.start()] for o in lexicon().formats)):
            return name
    return ""


def there_is(question: Question, lead: str) -> str:
    """「答辩的PPT有页数限制吗」 read as yes/no, answered by the value: 「答：有，不超过20页。」 — the value found is
    the 有 the question asked for (which reading wins, yes/no or number, shifted with a retrain, 2026-12-08)."""
    if not (lead.startswith("答：") and question.has("yes_no") and asked_kind(question) == "existence"):
        return lead
    return "答：有，" + lead.removeprefix("答：")
