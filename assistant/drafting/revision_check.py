"""Verify a revision against what was asked before it is stored, and say what changed.

Whatever wrote the new text — the offline editor or a model — the result must do what the applicant
asked: shorten never returns a longer text, expand never a shorter one, a delete removes what was
named, a replacement leaves the new words in and the old ones out, a supplement contains the supplied
content, a reorder keeps every sentence; and no figure of the draft is lost except inside the text
the applicant asked to remove. A revision that fails is not stored; the reasons are shown instead.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from assistant.core.figures import extract_numbers
from assistant.core.textlen import count_words
from assistant.drafting import draft_text as dt
from assistant.understanding.acts import RevisionOp
from assistant.understanding.features import bigram_containment

SHOWN_CHANGES = 2  # sentences listed per side in the reply
SHORTEN_TO = 0.75  # a "更简洁" aims at three quarters of the words of the place it names


def shortened_length(op: RevisionOp, before: str) -> int:
    """字 the whole part should have after a shorten: the named paragraph or point (or the whole part) cut to
    three quarters, the rest as it is. A model is given this as its budget; asked for the old length, a model
    that pads returns a text as long as before, which the check then refuses."""
    paras = dt.paragraphs(before)
    total = count_words(before)
    if op.paragraph is not None:
        index = dt.resolve(op.paragraph, len(paras))
        scope = [index] if index is not None else []
    elif op.point is not None:
        points = dt.point_indexes(paras)
        index = dt.resolve(op.point, len(points))
        scope = [points[index]] if index is not None else []
    else:
        scope = list(range(len(paras)))
    named = sum(count_words("".join(paras[i])) for i in scope)
    return total - (named - int(named * SHORTEN_TO))


class RevisionDiff(BaseModel):
    removed: list[str] = Field(default_factory=list)
    added: list[str] = Field(default_factory=list)

    def summary(self) -> str:
        """「删去：……；新增：……」, a few sentences each, shortened for the chat."""
        parts = []
        for label, items in (("删去", self.removed), ("新增", self.added)):
            if items:
                shown = "；".join(_short(s) for s in items[:SHOWN_CHANGES])
                more = f"等{len(items)}句" if len(items) > SHOWN_CHANGES else ""
                parts.append(f"{label}：{shown}{more}")
        return "。".join(parts)


def _short(sentence: str, limit: int = 36) -> str:
    return f"“{sentence[:limit]}…”" if len(sentence) > limit else f"“{sentence}”"


def _key(sentence: str) -> str:
    return re.sub(r"\W", "", re.sub(r"^(?:\d{1,2}[.．、]|（\d{1,2}）|[一二三四五六七八九十][是要])", "", sentence))


def diff(before: str, after: str) -> RevisionDiff:
    old, new = dt.sentences(before), dt.sentences(after)
    old_keys, new_keys = {_key(s) for s in old}, {_key(s) for s in new}
    return RevisionDiff(
        removed=[s for s in old if _key(s) not in new_keys], added=[s for s in new if _key(s) not in old_keys]
    )


def _values(text: str) -> set[float]:
    return {round(m.value, 6) for m in extract_numbers(text)}


def problems(op: RevisionOp, before: str, after: str) -> list[str]:
    """Why ``after`` is not what ``op`` asked of ``before`` (empty when it is)."""
    found: list[str] = []
    changes = diff(before, after)
    words_before, words_after = count_words(before), count_words(after)
    if op.kind == "shorten" and words_after >= words_before:
        found.append(f"要求精简，但修改稿（{words_after}字）不比原稿（{words_before}字）短")
    if op.kind == "expand" and words_after <= words_before:
        found.append(f"要求扩写，但修改稿（{words_after}字）不比原稿（{words_before}字）长")
    if op.kind == "delete":
        found += _delete_problems(op, after, changes)
    if op.kind == "replace" and op.new and op.new not in after:
        found.append(f"要求改为“{op.new}”，但修改稿中没有这几个字")
    if op.kind == "replace" and op.old and op.old not in op.new and op.old in after:
        found.append(f"要求改掉“{op.old}”，但修改稿中仍有")
    if op.kind == "supplement" and op.content and bigram_containment(op.content, [after]) < 0.7:
        found.append("修改稿中没有您补充的内容")
    if op.kind == "supplement" and not _values(op.content) <= _values(after):
        found.append("修改稿漏掉了您补充的数字")
    if op.kind == "reorder" and sorted(map(_key, dt.sentences(before))) != sorted(map(_key, dt.sentences(after))):
        found.append("调整顺序时改动了句子内容")
    allowed = {"delete": op.quote or "\n".join(changes.removed), "replace": op.old}.get(op.kind, "")
    lost = sorted(_values(before) - _values(after) - _values(allowed))
    if lost:
        found.append(f"修改稿丢掉了原稿中的数字（{'、'.join(f'{v:g}' for v in lost[:5])}）")
    return found


def _delete_problems(op: RevisionOp, after: str, changes: RevisionDiff) -> list[str]:
    if op.quote:
        return [f"要求删除“{op.quote}”，但修改稿中仍有这段文字"] if op.quote in after else []
    found = []
    if not changes.removed:
        found.append(f"要求删除{op.scope()}，但修改稿没有删去任何一句")
    if op.sentence is not None and len(changes.removed) > 1:
        found.append(f"要求删除{op.scope()}，但修改稿删去了{len(changes.removed)}句")
    if changes.added:
        found.append("要求删除，但修改稿还改写了其他句子")
    return found
