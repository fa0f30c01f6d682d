"""A stored draft as the applicant sees it: paragraphs of sentences, some of them numbered points.

Revisions name places the way a reader counts them ("第一句", "第二段", "第三点", "最后一句"), so
they are located here, once, for the offline editor and for the check that verifies any editor's
result. Points are paragraphs that open with a list mark ("1." "（1）" "一是"); a draft without marks
has its paragraphs as points. Removing or moving a point renumbers the marks, so no "一是…三是" gap
is left behind.
"""

from __future__ import annotations

import re

from assistant.core.textlen import split_sentences

_ARABIC = re.compile(r"^(\d{1,2})([.．、])")
_PAREN = re.compile(r"^（(\d{1,2})）")
_CHINESE = re.compile(r"^([一二三四五六七八九十])(是|要)")
_CN = "一二三四五六七八九十"


def paragraphs(text: str) -> list[list[str]]:
    """Non-empty paragraphs (one per line), each a list of sentences with their end marks; a 【…】 mark (a part
    still to fill, 「【待补充：……？……？】」) is one sentence whatever it holds, so no edit cuts it in half."""
    return [_marks_whole([s for s in split_sentences(line) if s.strip()]) for line in text.split("\n") if line.strip()]


def _marks_whole(pieces: list[str]) -> list[str]:
    out: list[str] = []
    open_mark = False
    for piece in pieces:
        if open_mark and out:
            out[-1] += piece
        else:
            out.append(piece)
        depth = out[-1].count("【") - out[-1].count("】")
        open_mark = depth > 0
    return out


def join(paras: list[list[str]]) -> str:
    return "\n".join("".join(p) for p in paras if "".join(p).strip())


def sentences(text: str) -> list[str]:
    return [s.strip() for para in paragraphs(text) for s in para if s.strip()]


def point_mark(paragraph: str) -> re.Match[str] | None:
    return _ARABIC.match(paragraph) or _PAREN.match(paragraph) or _CHINESE.match(paragraph)


def point_indexes(paras: list[list[str]]) -> list[int]:
    """Indexes of the paragraphs that are points (all of them when none carries a list mark)."""
    marked = [i for i, p in enumerate(paras) if p and point_mark("".join(p))]
    return marked or list(range(len(paras)))


def resolve(number: int | None, count: int) -> int | None:
    """A reader's 1-based (or -1 = last) number as a 0-based index, None when out of range."""
    if number is None or count == 0:
        return None
    index = count - 1 if number == -1 else number - 1
    return index if 0 <= index < count else None


def renumber(paras: list[list[str]]) -> list[list[str]]:
    """Make the marks of consecutive points run 1, 2, 3 (in the style each point already uses)."""
    out: list[list[str]] = []
    expected = 1
    for para in paras:
        text = "".join(para)
        match = point_mark(text)
        if not para or match is None:
            out.append(para)
            continue
        if match.re is _ARABIC:
            mark = f"{expected}{match.group(2)}"
        elif match.re is _PAREN:
            mark = f"（{expected}）"
        else:
            mark = f"{_CN[expected - 1] if expected <= len(_CN) else expected}{match.group(2)}"
        first = mark + para[0][match.end() :]
        out.append([first] + para[1:])
        expected += 1
    return out
