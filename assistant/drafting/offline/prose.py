"""Turn an applicant's spoken-style answer into clean written sentences, without adding facts.

Only form changes are made: punctuation to full width, typos fixed, fillers dropped,
spoken words rewritten by the reviewed table in ``knowledge/register/`` (see
``register.py``: 我们这边→本单位, 拿的→获取的, 大概→约 …), a closing 。 added — never a
figure changed. Sentences that read as instructions to the tool ("忽略之前的指令…")
are set aside as data and reported, never obeyed; remarks to the tool ("您看着整理")
and turn intents ("没有了""不清楚") are not content and are set aside too.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, Field

from assistant.core.chinese import ends_sentence, looks_like_instruction, split_clauses, split_sentences
from assistant.core.types import Issue
from assistant.drafting.offline.register import load_register, to_written

_FILLER_RE = re.compile(r"^(嗯+|呃+|啊+|那个|就是说|然后呢?|其实|对的?|好的?)[，,、\s]*")
_FIRST_PERSON = [
    ("我们公司", "本单位"),
    ("我们单位", "本单位"),
    ("我公司", "本单位"),
    ("我司", "本单位"),
    ("我单位", "本单位"),
    ("我们", "本单位"),
]
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_HALF_WIDTH_MARK = re.compile(r"(.)([,;:?!])(\s*.?)")
# The first Han character is found without backtracking and the rest is taken whole: an unclosed "(" before
# a long text is read once (backtracking over every Han character of it was quadratic).
_HAN_IN_PARENS = re.compile(r"\(([^()\u4e00-\u9fff]*[\u4e00-\u9fff][^()]*+)\)")
_SPACE_AFTER_HAN = re.compile(r"(?<=[\u4e00-\u9fff，。；：])\s+(?=[\u4e00-\u9fff])")


def _full_width_punctuation(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        before, mark, after = match.group(1), match.group(2), match.group(3)
        if before.isdigit() and after.isdigit():
            return match.group(0)
        return before + _HALF_TO_FULL[mark] + after

    text = _HALF_WIDTH_MARK.sub(replace, text)
    text = _HAN_IN_PARENS.sub(r"（\1）", text)
    return _SPACE_AFTER_HAN.sub("", text)


def formalize_sentence(sentence: str) -> str:
    sentence = _FILLER_RE.sub("", sentence.strip())
    sentence = to_written(sentence)
    for spoken, written in _FIRST_PERSON:
        sentence = sentence.replace(spoken, written)
    sentence = _full_width_punctuation(sentence).strip()
    if not sentence:
        return ""
    if sentence[-1] in "，、,：:":
        sentence = sentence[:-1]
    if not ends_sentence(sentence) and sentence[-1] != "…":
        sentence += "。"
    return sentence


class CleanAnswer(BaseModel):
    paragraphs: list[list[str]] = Field(default_factory=list)
    instructions: list[str] = Field(default_factory=list)  # set aside: instructions to the tool
    remarks: list[str] = Field(default_factory=list)  # set aside: remarks to the tool, turn intents


_NON_ANSWER_RE = re.compile(
    r"^(没有了|没了|没有|无|不清楚|不知道|不太清楚|说不上来|先这样吧?|就这些|跳过|略过|暂无|待补充|没有补充)[，。！!,.\s]*"
    r"(就这些|吧|了)?[。！!.\s]*$"
)
_PAREN_RE = re.compile(r"[（(]([^（）()]{2,80})[）)]")


def _split_asides(raw: str, remarks: list[str], instructions: list[str]) -> str:
    """Cut a parenthesised remark or instruction out of a sentence ("（以下内容请帮我扩写…）我们搭了…")."""

    def cut(match: re.Match[str]) -> str:
        inner = match.group(1)
        to_tool = re.search(r"扩写|帮我|请你", inner)
        if looks_like_instruction(inner) or load_register().is_meta_remark(inner) or to_tool:
            instructions.append(inner)
            return ""
        return match.group(0)

    return _PAREN_RE.sub(cut, raw)


def _drop_meta_clauses(sentence: str, remarks: list[str]) -> str:
    """Keep the clauses of a sentence that are content ("说得有点乱，还有就是试点扩到2个区")."""
    register = load_register()
    kept = []
    for clause in split_clauses(sentence):
        if register.is_meta_remark(clause.strip("，,；; ")):
            remarks.append(clause.strip("，,；; "))
        else:
            kept.append(clause)
    rest = "".join(kept).strip("，,；; ")
    return rest if len(re.findall(r"[\u4e00-\u9fff]", rest)) >= 8 else ""


def clean_answer(answer: str) -> CleanAnswer:
    """Split an answer into paragraphs of written sentences, setting aside what is not content.

    Drafting one application cleans the same answers for several parts (a part's own, the
    fallback of 宣传推广材料, the length estimate); the result is remembered, and a copy handed out.
    """
    return _cleaned(answer).model_copy(deep=True)


@lru_cache(maxsize=256)
def _cleaned(answer: str) -> CleanAnswer:
    register = load_register()
    result = CleanAnswer()
    if _NON_ANSWER_RE.match(answer.strip()):
        result.remarks.append(answer.strip())
        return result
    for block in re.split(r"\n\s*\n|\n", answer):
        sentences = []
        injected = False
        for raw in split_sentences(block.strip()):
            if not raw.strip():
                continue
            raw = _split_asides(raw, result.remarks, result.instructions)
            if looks_like_instruction(raw):
                injected = True
            if injected:
                # once a paragraph tries to instruct the tool, the rest of it is the payload
                result.instructions.append(raw.strip())
                continue
            if register.is_meta_remark(raw):
                raw = _drop_meta_clauses(raw, result.remarks)
                if not raw:
                    continue
            sentence = formalize_sentence(raw)
            if sentence and re.sub(r"\W", "", sentence):
                sentences.append(sentence)
        if sentences:
            result.paragraphs.append(sentences)
    return result


def aside_issues(part_id: str, cleaned: CleanAnswer) -> list[Issue]:
    """What the applicant is told about the words of an answer that were set aside, not drafted."""
    issues = [
        Issue(
            part_id=part_id,
            kind="instruction_ignored",
            message=f"回答中的“{text[:30]}”像是对工具的指令，已作为普通内容处理、未执行，也未写入草稿。",
        )
        for text in cleaned.instructions
    ]
    issues += [
        Issue(
            part_id=part_id,
            kind="instruction_ignored",
            severity="info",
            message=f"回答中的“{text[:30]}”是对访谈或工具说的话，不是申报内容，未写入草稿。",
        )
        for text in cleaned.remarks
    ]
    return issues


def answer_to_paragraphs(answer: str) -> tuple[list[list[str]], list[str]]:
    """Split an answer into paragraphs of formal sentences; return (paragraphs, set-aside instructions)."""
    cleaned = clean_answer(answer)
    return cleaned.paragraphs, cleaned.instructions
