"""Pieces of issue 13 that sit beside the service: the staff overview,
the review documents, the errors-only review note and the 申报理由 suggestion.

Plain functions over what the service has already authorised; ``Service`` keeps one
thin method per entry point so the permission checks stay in ``Service._row``.
"""

from __future__ import annotations

from assistant.core.errors import InvalidInputError
from assistant.core.textlen import count_words, split_sentences
from assistant.export.review_report import review_docx, review_markdown
from assistant.forms.spec import FormSpec
from assistant.interview.machine import MARKER_PREFIX, InterviewState
from assistant.review.findings import Finding, ReviewReport
from assistant.service.views import ApplicationView, GroupWords, OverviewRow
from assistant.understanding.shipped import element_reader

REASON_TARGET_CHARS = 400


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


def review_document(form: FormSpec, report: ReviewReport, view: ApplicationView, kind: str) -> tuple[str, str | bytes]:
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
def reason_from_answers(form: FormSpec, state: InterviewState, drawn_from: list[str], max_chars: int) -> str:
    """The applicant's own sentences that speak to innovation, significance or results, verbatim.

    Chosen by meaning, not by words: a sentence answers for innovation or significance when it was given
    to a part the form names for it (the item's ``drawn_from``), and for results when the element reader finds an
    achieved result in it ("成本下降了三成" and "新的地方" are found whatever words they use). Nothing is
    written by the assistant; sentences keep their order within each kind, innovation first, until about
    ``REASON_TARGET_CHARS`` 字 (never over ``max_chars``).
    """
    by_part = [
        (pid, sentence.strip())
        for pid, progress in state.parts.items()
        for answer in progress.answers
        if not answer.startswith(MARKER_PREFIX)
        for sentence in split_sentences(answer)
        if len(sentence.strip()) >= 6
    ]
    held = element_reader(form).present([s for _, s in by_part], wanted=[{"results"}] * len(by_part))
    innovation = [s for (pid, s) in by_part if pid in drawn_from]
    results = [s for (pid, s), found in zip(by_part, held, strict=True) if "results" in found and pid not in drawn_from]
    picked: list[str] = []
    total, limit = 0, min(max_chars, REASON_TARGET_CHARS)
    for sentence in dict.fromkeys(innovation + results):
        words = count_words(sentence)
        if total + words > limit:
            break
        picked.append(sentence)
        total += words
    if not picked:
        raise InvalidInputError(
            "访谈回答中还没有说明创新性、示范性或成效的句子，无法整理申报理由。请先回答访谈问题，或直接填写申报理由。"
        )
    return "".join(picked)
