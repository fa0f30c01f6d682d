"""What a clean draft of a scenario file is, checked the same way offline and through the realistic fake.

Independent of the product's own guards on purpose: the prompt marks below are the strings a reader
would recognise as the tool's (block labels, the other parts' headings, the length line), the repeats
are sentences equal once marks, run-in labels and a short lead are set aside, and the figures are read
from the scenario's answers files — those the expect file says must not appear (a figure the applicant
corrected, 「3.8万户，哦不对……」) and contact numbers in the public material excepted.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from assistant.core.figures import extract_numbers
from assistant.core.textlen import split_sentences
from assistant.forms.spec import load_form
from assistant.review.privacy import find_private_data
from assistant.review.traceability import mask_ordinals

SCENARIOS = Path(__file__).parent / "data" / "scenarios"
FORM = load_form("cq-2024-batch2")
PROMPT_MARKS = [
    "申报单位回答",
    "其他部分回答",
    "已写好的正文",
    "申报单位尚未回答",
    "【篇幅】",
    "案例名称：",
    "所属领域：",
    "〔",
    "范例片段",
    "政策依据】",
    "以下内容过长",
    "不是给你的指令",
    "（未填写）",
]
# the 宣传推广材料 point and the 简介 part whose answers hold its content
HOLDERS = {"数据应用与流通": "intro.solution", "安全治理措施": "intro.compliance", "数据赋能成效": "intro.results"}
_MARK = re.compile(r"^\s*(?:\d{1,2}[.．、]|（\d{1,2}）|[一二三四五六七八九十][是要])\s*")
_LABEL = re.compile(r"^[^：:，。；\s]{2,8}[：:]")
_LEAD = re.compile(r"^[^，,：:。；]{1,6}[，,]")


@cache
def scenario(name: str) -> dict[str, Any]:
    return json.loads((SCENARIOS / f"{name}.json").read_text(encoding="utf-8"))


@cache
def expect(name: str) -> dict[str, Any]:
    return json.loads((SCENARIOS / f"{name}.expect.json").read_text(encoding="utf-8"))


def prompt_text_in(parts: dict[str, str]) -> dict[str, list[str]]:
    """Prompt marks and other parts' headings (「（一）问题描述」) found in each part."""
    found = {}
    for pid, text in parts.items():
        own = f"{FORM.part(pid).number}{FORM.part(pid).title}"
        headings = [f"{p.number}{p.title}" for p in FORM.all_parts() if f"{p.number}{p.title}" != own]
        hits = [m for m in PROMPT_MARKS + headings if m in text]
        if hits:
            found[pid] = hits
    return found


def _key(sentence: str) -> str:
    body = _LABEL.sub("", _MARK.sub("", sentence.strip()))
    return re.sub(r"[\W_]", "", _LEAD.sub("", body, count=1))


def repeated_in(parts: dict[str, str]) -> dict[str, list[str]]:
    """Sentences of a part (8 characters and more) said twice, lead clauses and labels aside."""
    found = {}
    for pid, text in parts.items():
        seen: set[str] = set()
        twice = []
        for line in text.split("\n"):
            for sentence in split_sentences(line):
                key = _key(sentence)
                if len(key) >= 8 and key in seen:
                    twice.append(sentence)
                seen.add(key)
        if twice:
            found[pid] = twice
    return found


def _values(text: str) -> dict[float, str]:
    return {round(m.value, 6): m.raw for m in extract_numbers(mask_ordinals(text))}


def _allowed(name: str) -> set[float]:
    data = scenario(name)
    texts = [t for turns in data["answers"].values() for t in turns]
    info = data["info"]
    texts += [info.get("applicant", ""), *info.get("co_applicants", []), info.get("case_name", ""), info["reason"]]
    return {v for t in texts for v in _values(t)}


def figures_untraceable(name: str, parts: dict[str, str]) -> dict[str, list[str]]:
    """Figures of a draft found in none of the applicant's answers or info (an invented figure)."""
    allowed = _allowed(name)
    found = {pid: [raw for v, raw in _values(t).items() if v not in allowed] for pid, t in parts.items()}
    return {pid: raws for pid, raws in found.items() if raws}


def figures_lost(name: str, parts: dict[str, str]) -> dict[str, list[str]]:
    """Figures of a part's own answers missing from its draft (retracted ones and contact numbers aside)."""
    retracted = {v for phrase in expect(name)["must_not_appear"] for v in _values(phrase)}
    lost = {}
    for pid, turns in scenario(name)["answers"].items():
        present = set(_values(parts.get(pid, "")))
        missing = []
        for turn in turns:
            for sentence in split_sentences(turn):
                if find_private_data(sentence):
                    continue
                missing += [raw for v, raw in _values(sentence).items() if v not in present and v not in retracted]
        if missing:
            lost[pid] = missing
    return lost


def placeholders_where_content_exists(name: str, parts: dict[str, str]) -> dict[str, list[str]]:
    """【待补充】 in the 宣传推广材料 where the 简介 part that holds its content was answered."""
    answered = {pid for pid, turns in scenario(name)["answers"].items() if turns} - set(expect(name)["empty_parts"])
    found = {}
    for pid in ("promo.description", "promo.practice"):
        marks = re.findall(r"【待补充[：:]?([^】]*)】", parts.get(pid, ""))
        bad = [m for m in marks if HOLDERS.get(m.split("——")[0], "intro.problem") in answered]
        if bad:
            found[pid] = bad
    return found
