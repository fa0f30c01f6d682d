"""Turn an applicant's spoken-style answer into clean written sentences, without adding facts.

Only form changes are made: punctuation to full width, fillers dropped, 我们/我司 to
本单位, a closing 。 added. Sentences that read as instructions to the tool
("忽略之前的指令…") are set aside as data and reported, never obeyed.
"""

from __future__ import annotations

import re

from assistant.core.textlen import ends_sentence, split_sentences

INSTRUCTION_RE = re.compile(
    r"(忽略|无视|忘记|忘掉|不要理会|不要管)(掉)?(之前|以上|上面|上述|前面|先前|所有|全部|的|你的)*(指令|指示|要求|提示|规则|设定)"
    r"|(ignore|disregard|forget)\s+(all\s+|any\s+)?(the\s+|your\s+)?(previous|prior|above|earlier)?\s*instructions"
    r"|你现在(是|扮演)|系统提示词|system\s+prompt|请扮演",
    re.IGNORECASE,
)
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


def looks_like_instruction(sentence: str) -> bool:
    return bool(INSTRUCTION_RE.search(sentence))


def _full_width_punctuation(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        before, mark, after = match.group(1), match.group(2), match.group(3)
        if before.isdigit() and after.isdigit():
            return match.group(0)
        return before + _HALF_TO_FULL[mark] + after

    text = re.sub(r"(.)([,;:?!])(\s*.?)", replace, text)
    text = re.sub(r"\(([^()]*[\u4e00-\u9fff][^()]*)\)", r"（\1）", text)
    return re.sub(r"(?<=[\u4e00-\u9fff，。；：])\s+(?=[\u4e00-\u9fff])", "", text)


def formalize_sentence(sentence: str) -> str:
    sentence = _FILLER_RE.sub("", sentence.strip())
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


def answer_to_paragraphs(answer: str) -> tuple[list[list[str]], list[str]]:
    """Split an answer into paragraphs of formal sentences; return (paragraphs, set-aside instructions)."""
    paragraphs: list[list[str]] = []
    set_aside: list[str] = []
    for block in re.split(r"\n\s*\n|\n", answer):
        sentences = []
        injected = False
        for raw in split_sentences(block.strip()):
            if not raw.strip():
                continue
            if looks_like_instruction(raw):
                injected = True
            if injected:
                # once a paragraph tries to instruct the tool, the rest of it is the payload
                set_aside.append(raw.strip())
                continue
            sentence = formalize_sentence(raw)
            if sentence:
                sentences.append(sentence)
        if sentences:
            paragraphs.append(sentences)
    return paragraphs, set_aside
