"""Deterministic "model" replies for the fake server: fluent Chinese of a requested length.

The prompts in ``prompts/`` name their task (``【任务：起草】`` …), state the length
on a ``【篇幅】约 N 字，不超过 M 字`` line and wrap their data in ``<标签>…</标签>``
blocks; this module reads those conventions to answer the way a compliant (or, with
a factor above 1, a verbose) model would. It invents no figures: every sentence is
either taken from the applicant's answers or a generic sentence without digits.
"""

from __future__ import annotations

import re

from assistant.core.textlen import count_words, split_sentences, trim_to_limit

from .behaviours import RecordedRequest, ReplyFunction

FILLER = [
    "项目坚持问题导向，围绕行业痛点推动数据资源有序汇聚和高效利用。",
    "通过建立统一的数据标准和共享机制，打通了跨部门、跨企业的数据壁垒。",
    "平台按照依法合规的原则获取和使用数据，明确了各方的数据权责。",
    "在数据流通环节，采用分类分级管理和全过程审计，保障数据安全可控。",
    "多源数据融合应用提升了业务协同效率，形成了可复制、可推广的经验做法。",
    "案例探索了数据要素价值释放的新路径，带动了上下游主体共同参与。",
    "相关做法得到了行业主管部门和参与单位的认可，示范带动作用明显。",
    "下一步将持续完善运营机制，推动更多场景接入，扩大应用覆盖面。",
    "项目注重长效机制建设，形成了数据供给、流通、应用的良性循环。",
    "各参与单位分工明确、协同推进，保障了项目的顺利实施和稳定运行。",
    "通过数据赋能，企业的管理水平和服务能力得到明显提升。",
    "案例在数据合规、安全治理和可持续运营方面进行了有益探索。",
]
FALLBACK_QUESTION = "能否再具体说明一下相关情况？"


def fluent_text(seed: str, length: int) -> str:
    """About ``length`` 字 (never more) of sentences from ``seed`` followed by generic filler."""
    length = max(length, 1)
    seed = re.sub(r"(?m)^[·•\-]\s*", "", seed)
    sentences = [s.strip() for s in split_sentences(seed) if s.strip() and s.strip()[-1] in "。！？；"]
    pool = sentences + FILLER
    pieces: list[str] = []
    index = 0
    while count_words("".join(pieces)) < length:
        pieces.append(pool[index % len(pool)])
        index += 1
        if index % 4 == 0:
            pieces.append("\n")
    text, _ = trim_to_limit("".join(pieces).strip(), length)
    return text or FILLER[0][: max(1, length - 1)] + "。"


def _draft_length(request: RecordedRequest, factor: float | None) -> int:
    target, budget = request.target or 300, request.budget or 330
    return int(budget * factor) if factor is not None else target


def _condense(request: RecordedRequest, factor: float | None) -> str:
    original = request.block("待压缩文本")
    target = request.target or count_words(original)
    if factor is not None:
        return fluent_text(original, int(target * factor))
    shortened, _ = trim_to_limit(original, target)
    return shortened or fluent_text(original, target)


def _repair(request: RecordedRequest) -> str:
    text = request.block("待核对文本")
    numbers = [n.strip() for n in request.block("需核对的数字").splitlines() if n.strip()]
    numbers = [re.sub(r"^[-·•]\s*", "", n) for n in numbers]
    kept = [s for s in split_sentences(text) if not any(n and n in s for n in numbers)]
    return "".join(kept).strip()


def _followup(request: RecordedRequest) -> str:
    reference = request.block("参考问题").strip()
    return f"结合您刚才的回答，{reference}" if reference else FALLBACK_QUESTION


def smart_writer(*, draft_factor: float | None = None, condense_factor: float | None = None) -> ReplyFunction:
    """A reply function that follows the prompt's task and length.

    ``draft_factor`` (e.g. 2.0) makes drafts and revisions that many times the budget
    instead of the requested target; ``condense_factor`` makes condensed versions that
    many times the requested target (above 1 = a model that fails to condense).
    """

    def write(request: RecordedRequest) -> str:
        task = request.task
        if task in ("起草", "修改"):
            seed = request.block("申报单位回答") + "\n" + request.block("原稿")
            return fluent_text(seed, _draft_length(request, draft_factor))
        if task == "压缩":
            return _condense(request, condense_factor)
        if task == "数字核对":
            return _repair(request)
        if task == "追问":
            return _followup(request)
        return "收到。" + fluent_text(request.user_text, 60)

    return write
