"""What an applicant means by a turn, in the words people actually type.

"没有了""先这样""就这些" (draft this part now), "不清楚""要问一下领导" (don't know yet),
"跳过" (skip), "回到解决方案" (go to a named part), "上一部分" (go back), "下一部分"
(next part), "结束吧，全部起草" (finish). An answer that ends with such a phrase
("……已覆盖3800户。没有了，请直接起草") is content plus the intent. Pure functions, no state:
the state machine and the chat-action chooser both call :func:`classify_turn`.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from assistant.forms.spec import FormSpec
from assistant.interview.elements import elements_in

TurnKind = Literal["answer", "skip", "draft_now", "dont_know", "back", "goto", "next", "finish"]


class Turn(BaseModel):
    kind: TurnKind
    content: str = ""  # what of the message is an answer (empty for a pure intent)
    target: str | None = None  # part id for goto


SKIP_WORDS = {"跳过", "skip", "略过", "暂不回答", "下一步", "下一个", "下一题", "pass", "不回答"}

_FINISH_RE = re.compile(
    r"(结束访谈|结束吧|不用再?问了|别问了|全部起草|全都起草|都起草|直接生成|生成申报书|直接出稿|整份起草|全部生成|就到这里吧?)"
)
_DRAFT_NOW_RE = re.compile(
    r"(没有了|没了|没有别的|没有其他|没有补充|就这些|就这么多|先这样|就这样|可以了|够了|差不多了|直接写|直接起草|请起草|开始起草|"
    r"帮我写|帮我起草|先起草|起草吧|写吧|先写|其他没有|暂时就这些|这部分(就)?(好|完)了)"
)
_DONT_KNOW_RE = re.compile(
    r"(不清楚|不知道|说不好|说不上来|说不准|要问一下|得问一下|我得问|回头再补|回头补|晚点补|以后再补|后面再补|还没想好|"
    r"再想想|暂时没有|没统计|不方便说|待定|(这个|我们|我)(也)?不太?懂)"
)
_BACK_RE = re.compile(r"^(请)?(回到|返回|退回|回)?(到)?上一(个)?(部分|题|步|节|问|个问题)|^(返回|退回|回去)(吧|一下)?$")
_NEXT_RE = re.compile(r"^(请)?(进入|去|到|跳到|继续)?下一(个)?(部分|节|块|环节)")
_GOTO_VERB_RE = re.compile(
    r"(回到|返回|跳到|转到|切换到|去|到|进入|改一下|修改|重新回答|重答|补充一下|看看|我想改|回头改)"
)
# how people name the parts, beyond their printed titles (kept short and unambiguous)
_ALIASES = {
    "问题": "intro.problem",
    "背景": "intro.problem",
    "方案": "intro.solution",
    "做法": "intro.solution",
    "举措": "intro.solution",
    "成效": "intro.results",
    "效果": "intro.results",
    "效益": "intro.results",
    "创新": "intro.innovation",
    "亮点": "intro.innovation",
    "安全": "intro.compliance",
    "合规": "intro.compliance",
    "参与单位": "intro.participants",
    "单位介绍": "intro.participants",
    "分工": "intro.participants",
    "宣传": "promo.description",
    "推广": "promo.description",
    "案例描述": "promo.description",
    "主要做法": "promo.practice",
    "宣传材料的做法": "promo.practice",
}
_FILLER_RE = re.compile(r"[嗯啊呃哦吧呀呢啦了的就先我们这个那个一下请您你帮好行对是，,。.!！?？~～、\s]")
_SHORT = 30  # characters: longer messages are answers unless they end with an intent


def _residue(text: str, pattern: re.Pattern[str]) -> str:
    return _FILLER_RE.sub("", pattern.sub("", text))


def named_part(form: FormSpec, text: str) -> str | None:
    """The part a message names ("解决方案""创新点那部分""（三）应用成效"), longest name first."""
    names: dict[str, str] = {}
    for part in form.all_parts():
        names[part.title] = part.id
        names[re.sub(r"(情况介绍|及成效)$", "", part.title)] = part.id
    for alias, pid in _ALIASES.items():
        if pid in form.part_ids():
            names.setdefault(alias, pid)
    for name in sorted(names, key=len, reverse=True):
        if len(name) >= 2 and name in text:
            return names[name]
    return None


def classify_turn(form: FormSpec, text: str) -> Turn:
    """Classify one message; ``content`` keeps any real answer it carries."""
    stripped = text.strip()
    bare = stripped.lower().rstrip("。.！!")
    if bare in SKIP_WORDS:
        return Turn(kind="skip")
    short = len(stripped) <= _SHORT
    if short:
        if _BACK_RE.search(bare):
            return Turn(kind="back")
        if _NEXT_RE.search(bare):
            return Turn(kind="next")
        if len(stripped) <= 16 and _GOTO_VERB_RE.search(stripped):
            target = named_part(form, stripped)
            if target:
                return Turn(kind="goto", target=target)
    informative = bool(elements_in(form, stripped))
    if short and not informative:
        if _FINISH_RE.search(stripped):
            return Turn(kind="finish")
        if _DRAFT_NOW_RE.search(stripped) and len(_residue(stripped, _DRAFT_NOW_RE)) <= 12:
            return Turn(kind="draft_now")
        if _DONT_KNOW_RE.search(stripped):
            return Turn(kind="dont_know")
        if stripped.startswith(("跳过", "略过")):
            return Turn(kind="skip")
    return _trailing_intent(form, stripped) or Turn(kind="answer", content=stripped)


def _trailing_intent(form: FormSpec, text: str) -> Turn | None:
    """An answer that ends with "……。没有了，请直接起草" or "……，就这些，直接写吧": content plus the intent.

    People end with the intent after a full stop or just after a comma, so the last one or
    two clauses (at most 20 characters, carrying no element of an answer) are tried.
    """
    clauses = [c for c in re.split(r"(?<=[，,。！？!?；;\n])", text) if c.strip()]
    for take in (2, 1):  # the longer tail first, so "没有了，请直接起草" leaves no "没有了" in the answer
        if len(clauses) <= take:
            continue
        last = "".join(clauses[-take:])
        head = "".join(clauses[:-take]).strip().rstrip("，,")
        if len(last) > 20 or elements_in(form, last):
            continue
        if _FINISH_RE.search(last):
            return Turn(kind="finish", content=head)
        if _DRAFT_NOW_RE.search(last) and len(_residue(last, _DRAFT_NOW_RE)) <= 8:
            return Turn(kind="draft_now", content=head)
    return None


def is_navigation(form: FormSpec, text: str) -> bool:
    return classify_turn(form, text).kind in ("back", "goto", "next", "finish")
