"""Which of the action plan's directions for the applicant's field the case speaks to.

The passages come from the knowledge base (the service retrieves them; review does
not import knowledge). A field's section of the plan digest lists its directions as
“重点方向：A；B；C” and explains each in a paragraph “A：…”. A direction counts as
addressed when the case's text shares enough of that paragraph's content words.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import jieba

from assistant.core.types import Passage
from assistant.forms.spec import FormSpec
from assistant.review.findings import Alignment, Finding

MIN_SHARED_TERMS = 3
# Words every direction and every case shares; matching on them would align anything with anything.
_STOP = set(
    "推进 提升 推动 支撑 支持 开展 加强 实现 数据 应用 服务 能力 价值 发展 建设 相关 基于 利用 融合 推广 "
    "企业 创新 平台 主体 电子 系统 管理 行业 提供 信息 场景 模式 机制 领域 产业 经营 社会 经济 交通 运输 "
    "构建 打造 形成 促进 鼓励 重点 方向 全程 一次".split()
)


_HAN = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _segmenter() -> jieba.Tokenizer:
    """jieba, quiet: its start-up lines must not reach a CLI user's terminal."""
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.dt


CASE_TEXT_CHARS = 20_000  # a whole application is at most ~7,000 字; beyond that is not an application


def _terms(text: str) -> set[str]:
    words = _segmenter().lcut(text[:CASE_TEXT_CHARS])
    return {w for w in words if len(w) >= 2 and _HAN.search(w) and w not in _STOP}


def _directions(passages: list[Passage], label: str) -> list[tuple[str, str, str, Passage]]:
    """(direction, its explanation or "", the digest's caveat, passage) for each direction listed."""
    listed: list[tuple[str, str, Passage]] = []
    explained: dict[str, str] = {}
    heading = re.compile(rf"^{re.escape(label)}(?:（(?P<note>[^）]*)）)?：(?P<items>.+)$")
    for passage in passages:
        for line in passage.text.splitlines():
            if (match := heading.match(line.strip())) is not None:
                items = re.split(r"[；;]", re.sub(r"（[^）]*）", "", match.group("items")))
                listed += [
                    (item.strip("。 "), match.group("note") or "", passage) for item in items if item.strip("。 ")
                ]
            elif "：" in line:
                head, body = line.split("：", 1)
                explained[head.strip()] = body
    firsts: dict[str, tuple[str, str, Passage]] = {}
    for d, note, p in listed:
        firsts.setdefault(d, (d, note, p))  # each item at its first mention
    return [(d, explained.get(d, ""), note, p) for d, note, p in firsts.values()]


def align(case_text: str, passages: list[Passage], label: str = "重点方向") -> list[Alignment]:
    """A direction with an explanation needs ``MIN_SHARED_TERMS`` of its words in the case; a bare one, half."""
    directions = _directions(passages, label)
    case_terms = _terms(case_text) if directions else set()  # segmenting the case is most of the cost
    result = []
    for direction, explanation, note, passage in directions:
        wanted = _terms(direction + explanation)
        shared = sorted(wanted & case_terms)
        needed = MIN_SHARED_TERMS if explanation else max(1, (len(wanted) + 1) // 2)
        result.append(
            Alignment(
                direction=direction,
                addressed=len(shared) >= needed,
                matched_terms=shared[:8],
                note=note,
                citation=passage,
            )
        )
    return result


def alignment_findings(field: str, alignments: list[Alignment], form: FormSpec) -> list[Finding]:
    """No direction addressed: one suggestion, at the part the form spec names for it (``review.alignment_part``)."""
    if not alignments or any(a.addressed for a in alignments):
        return []
    names = "、".join(a.direction for a in alignments)
    return [
        Finding(
            rule="no_plan_direction",
            severity="建议",
            part_id=form.alignment_part(),
            message=f"案例没有明显对应行动计划中“{field}”领域的重点方向：{names}。",
            fix=f"在“{form.part(form.alignment_part()).title}”中点明案例对应的重点方向（例如其中一项），并说明做法。",
            citations=[a.citation for a in alignments[:1] if a.citation is not None],
        )
    ]
