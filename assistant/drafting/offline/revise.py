"""Revise-by-chat without a model: a few honest, rule-based edits.

Supported: 更简洁/精简 (optionally for 第N段), 更正式, 补充：<内容> (the applicant's
own words are added), 删除第N段. Anything else is declined with a note on what
works offline; nothing is invented to satisfy an instruction.
"""

from __future__ import annotations

import re

from assistant.core.textlen import count_words, split_sentences
from assistant.core.types import Issue
from assistant.drafting.offline.fitting import fit_paragraphs
from assistant.drafting.offline.prose import answer_to_paragraphs, formalize_sentence
from assistant.drafting.protocol import DraftJob, DraftOutput

_CN_INDEX = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
HELP = (
    "离线模式支持的修改：“更简洁”“第二段更简洁”“语气更正式”“补充：<要补充的内容>”“删除第三段”。"
    "配置模型后可以自由描述修改要求。"
)


def _paragraph_index(instruction: str) -> int | None:
    match = re.search(r"第([一二三四五六七八九十\d]+)段", instruction)
    if not match:
        return None
    token = match.group(1)
    return (int(token) if token.isdigit() else _CN_INDEX.get(token, 0)) - 1


def _paragraphs(text: str) -> list[list[str]]:
    return [[s for s in split_sentences(line) if s.strip()] for line in text.split("\n") if line.strip()]


def revise_offline(job: DraftJob) -> DraftOutput:
    instruction = job.instruction.strip()
    paragraphs = _paragraphs(job.previous_text)
    target = _paragraph_index(instruction)
    if target is not None and not 0 <= target < len(paragraphs):
        return _unchanged(job, f"当前草稿只有{len(paragraphs)}段，找不到指定的段落。")
    supplement = re.match(r"^(补充|增加|添加|加上)[^：:]*[：:](.+)$", instruction, re.S)
    if supplement:
        added, _ = answer_to_paragraphs(supplement.group(2))
        if not added:
            return _unchanged(job, "没有读到要补充的内容。")
        paragraphs.extend(added)
        fitted, dropped = fit_paragraphs(paragraphs, job.budget)
        note = f"已加入您补充的内容{'，并为控制字数省略了' + str(dropped) + '句' if dropped else ''}。"
        return _changed(job, fitted, note)
    if re.search(r"(删除|删去|去掉)", instruction) and target is not None:
        del paragraphs[target]
        return _changed(job, paragraphs, f"已删除第{target + 1}段。")
    if re.search(r"(简洁|精简|简短|压缩|删减|缩短)", instruction):
        return _shorten(job, paragraphs, target)
    if re.search(r"(正式|书面|规范)", instruction):
        formal = [[formalize_sentence(s) for s in para] for para in paragraphs]
        return _changed(job, formal, "已统一为书面语表达（离线模式只做用语和标点规范，不改写内容）。")
    if re.match(r"^(补充|增加|添加)", instruction):
        return _unchanged(
            job,
            "离线模式不会凭空补充内容。请直接给出要补充的内容，例如“补充：数据来自市交通运输委的货运平台，通过数据共享协议获取”。",
        )
    return _unchanged(job, "离线模式无法理解这条修改要求。")


def _shorten(job: DraftJob, paragraphs: list[list[str]], target: int | None) -> DraftOutput:
    chosen = [target] if target is not None else list(range(len(paragraphs)))
    for index in chosen:
        words = sum(count_words(s) for s in paragraphs[index])
        fitted, _ = fit_paragraphs([paragraphs[index]], max(1, int(words * 0.7)))
        if fitted[0]:
            paragraphs[index] = fitted[0]
    where = f"第{target + 1}段" if target is not None else "全文"
    return _changed(job, paragraphs, f"已精简{where}，保留了含数据和关键信息的句子。")


def _changed(job: DraftJob, paragraphs: list[list[str]], note: str) -> DraftOutput:
    text = "\n".join("".join(p) for p in paragraphs if p)
    issue = Issue(part_id=job.part.id, kind="revision", severity="info", message=note)
    return DraftOutput(text=text, issues=[issue])


def _unchanged(job: DraftJob, reason: str) -> DraftOutput:
    issue = Issue(part_id=job.part.id, kind="revision", severity="warning", message=f"{reason}{HELP}")
    return DraftOutput(text=job.previous_text, issues=[issue])
