"""Pieces of issue 13 that sit beside the service: the staff overview,
the review documents, the errors-only review note and the 申报理由 suggestion.

Plain functions over what the service has already authorised; ``Service`` keeps one
thin method per entry point so the permission checks stay in ``Service._row``.
"""

from __future__ import annotations

from typing import Any

from assistant.core.errors import InvalidInputError
from assistant.core.textlen import count_words, split_sentences
from assistant.export.review_report import review_docx, review_markdown
from assistant.forms.spec import FormSpec
from assistant.interview.machine import InterviewState
from assistant.review.findings import Finding, ReviewReport
from assistant.service.views import ApplicationView, GroupWords, OverviewRow

REASON_TERMS = (
    "创新", "首个", "首次", "首创", "领先", "突破", "示范", "推广", "复制", "可借鉴",
    "提升", "提高", "降低", "节约", "增长", "减少", "缩短", "效益", "成效",
)  # fmt: skip
REASON_TARGET_CHARS = 400
SKIPPED = {"跳过", "不知道", "没有", "暂无"}


# ---- overview -------------------------------------------------------------------------
def overview_row(view: ApplicationView, report: ReviewReport) -> OverviewRow:
    return OverviewRow(
        id=view.id,
        owner_id=view.owner_id,
        applicant=view.applicant,
        case_name=view.case_name,
        field=view.field,
        parts_drafted=sum(1 for p in view.parts if p.version is not None),
        parts_total=len(view.parts),
        groups=[GroupWords(id=g.id, title=g.title, words=g.words, limit=g.limit) for g in view.groups],
        errors=report.count("错误"),
        warnings=report.count("警告"),
        updated_at=view.updated_at,
    )


# ---- review documents and the chat note -------------------------------------------------
def review_file_name(view: ApplicationView, suffix: str) -> str:
    return (view.case_name or f"申报书{view.id}").replace("/", "-") + "-审阅报告" + suffix


def review_document(form: FormSpec, report: ReviewReport, view: ApplicationView, kind: str) -> tuple[str, Any]:
    if kind == "md":
        return review_file_name(view, ".md"), review_markdown(form, report, view.case_name)
    return review_file_name(view, ".docx"), review_docx(form, report, view.case_name)


def errors_for(form: FormSpec, report: ReviewReport, part_ids: list[str]) -> list[Finding]:
    """The 错误 findings at the given parts or at their groups (a group over its limit)."""
    wanted = set(part_ids) | {form.group_of(p).id for p in part_ids if p in form.part_ids()}
    return [f for f in report.findings if f.severity == "错误" and f.part_id in wanted]


def errors_note(form: FormSpec, errors: list[Finding]) -> str:
    lines = ["审阅发现以下错误（警告、建议和材料清单见下方“审阅”页）："]
    for n, f in enumerate(errors, 1):
        where = f"{form.part(f.part_id).number}{form.part(f.part_id).title}" if f.part_id in form.part_ids() else ""
        lines.append(f"{n}. {where + '：' if where else ''}{f.message}" + (f" 修改建议：{f.fix}" if f.fix else ""))
    return "\n".join(lines)


# ---- 申报理由 from the applicant's own sentences -------------------------------------------
def reason_from_answers(state: InterviewState, max_chars: int) -> str:
    """The applicant's own sentences that speak to innovation, demonstration or results, verbatim.

    Nothing is written by the assistant: each sentence is copied from an interview answer,
    in the order given, until about ``REASON_TARGET_CHARS`` 字 (never over ``max_chars``).
    """
    picked: list[str] = []
    seen: set[str] = set()
    total = 0
    limit = min(max_chars, REASON_TARGET_CHARS)
    for progress in state.parts.values():
        for answer in progress.answers:
            if answer.strip() in SKIPPED:
                continue
            for sentence in split_sentences(answer):
                sentence = sentence.strip()
                if not sentence or sentence in seen or not any(t in sentence for t in REASON_TERMS):
                    continue
                words = count_words(sentence)
                if total + words > limit:
                    return "".join(picked)
                picked.append(sentence)
                seen.add(sentence)
                total += words
    if not picked:
        raise InvalidInputError(
            "访谈回答中还没有说明创新性、示范性或成效的句子，无法整理申报理由。请先回答访谈问题，或直接填写申报理由。"
        )
    return "".join(picked)
