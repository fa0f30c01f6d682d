"""What the applicant is told about sentences taken out of a draft: the sentence itself, and why.

「已删除无法溯源的数字：1、2、3」 told the applicant a number went but not what was said around it;
a sentence lost for an invented figure may have carried their own facts. So each removal is reported
with the sentence, grouped by reason, once per part, the same words after streaming and after the fact.
"""

from __future__ import annotations

from assistant.core.types import Issue
from assistant.drafting.copy_guard import copied_message
from assistant.drafting.protocol import Removal

SHOWN = 3  # sentences quoted in full per reason where nothing of the applicant's is lost (repeats, prompt text)


def _quoted(sentences: list[str], limit: int | None = None) -> str:
    shown = sentences if limit is None else sentences[:limit]
    more = f"等{len(sentences)}句" if limit is not None and len(sentences) > limit else ""
    return "；".join(f"“{s}”" for s in shown) + more


def removal_issues(part_id: str, removals: list[Removal]) -> list[Issue]:
    """One issue per reason; every sentence removed for an untraceable figure is quoted in full."""
    issues = []
    figures = [r for r in removals if r.reason == "untraceable_figure"]
    if figures:
        listed = "；".join(f"“{r.sentence}”（数字：{r.detail}）" for r in figures)
        issues.append(
            Issue(
                part_id=part_id,
                kind="number_removed",
                message=f"以下句子中的数字在您的回答和引用材料中找不到出处，整句已删除：{listed}。"
                "如确有其数，请在回答中补充后重新起草。",
            )
        )
    prompt = [r.sentence for r in removals if r.reason == "prompt_text"]
    if prompt:
        issues.append(
            Issue(
                part_id=part_id,
                kind="prompt_text_removed",
                severity="info",
                message=f"草稿中混入了本工具给模型的提示文字，不是申报内容，已删除：{_quoted(prompt, SHOWN)}。",
            )
        )
    repeated = [r.sentence for r in removals if r.reason == "repeated"]
    if repeated:
        issues.append(
            Issue(
                part_id=part_id,
                kind="repeat_removed",
                severity="info",
                message=f"草稿中有{len(repeated)}句与本部分前文重复，已删除（保留第一次出现的句子）："
                f"{_quoted(repeated, SHOWN)}。",
            )
        )
    copied = [r.sentence for r in removals if r.reason == "passage_copied"]
    if copied:
        issues.append(Issue(part_id=part_id, kind="passage_copied", severity="info", message=copied_message(copied)))
    return issues
