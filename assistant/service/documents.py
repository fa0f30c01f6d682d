"""Documents made from a stored application: the .docx, the 宣传推广材料 alone, the PDF and the review.

Plain functions over a row the service has already authorised, so the permission
check stays in one place (``Service._row``).
"""

from __future__ import annotations

from pathlib import Path

from assistant.core.types import Passage
from assistant.drafting.pipeline import prompt_guards
from assistant.export.docx_builder import build_docx, build_publishable_docx
from assistant.export.markdown import build_markdown
from assistant.export.pdf import docx_to_pdf
from assistant.forms.application import ApplicationInfo, MediaInfo
from assistant.forms.spec import FormSpec, load_form
from assistant.interview.machine import InterviewState
from assistant.knowledge.corpus import field_sections
from assistant.review.application import review_application
from assistant.review.findings import ReviewReport
from assistant.store.protocol import ApplicationStore
from assistant.store.rows import ApplicationRow


def _name(info: ApplicationInfo, app_id: int, suffix: str) -> str:
    return (info.case_name or f"申报书{app_id}").replace("/", "-") + suffix


def _texts(row: ApplicationRow, store: ApplicationStore) -> dict[str, str]:
    return {pid: v.text for pid, v in store.head_versions(row.id).items()}


def application_docx(row: ApplicationRow, store: ApplicationStore) -> tuple[str, bytes]:
    info = ApplicationInfo.model_validate(row.info)
    data = build_docx(load_form(row.form_id), info, _texts(row, store), MediaInfo.model_validate(row.media))
    return _name(info, row.id, ".docx"), data


def application_markdown(row: ApplicationRow, store: ApplicationStore) -> tuple[str, str]:
    info = ApplicationInfo.model_validate(row.info)
    return _name(info, row.id, ".md"), build_markdown(load_form(row.form_id), info, _texts(row, store))


def publishable_docx(row: ApplicationRow, store: ApplicationStore) -> tuple[str, bytes]:
    info = ApplicationInfo.model_validate(row.info)
    data = build_publishable_docx(load_form(row.form_id), info, _texts(row, store))
    return _name(info, row.id, "-宣传推广材料.docx"), data


def application_pdf(row: ApplicationRow, store: ApplicationStore, work: Path | None = None) -> tuple[str, bytes]:
    """``work``: where LibreOffice converts (``export.pdf.work_root``: cleaned at start-up, not /tmp)."""
    name, data = application_docx(row, store)
    stem = name.removesuffix(".docx")
    return stem + ".pdf", docx_to_pdf(data, stem, work)


def review_report(
    row: ApplicationRow,
    store: ApplicationStore,
    knowledge: object | None,
    *,
    with_alignment: bool = True,
    prompt_parts: list[str] | None = None,
) -> ReviewReport:
    """The whole review. For the error note after every chat turn: ``with_alignment=False`` leaves out the plan
    alignment (only 建议, and a search of the knowledge base plus segmenting the whole case), and
    ``prompt_parts`` looks for the product's own prompt text only in the parts just drafted."""
    form = load_form(row.form_id)
    info = ApplicationInfo.model_validate(row.info)
    heads = store.head_versions(row.id)
    state = InterviewState.model_validate(row.state)
    sources = [answer for progress in state.parts.values() for answer in progress.answers]
    sources += [c.get("text", "") for head in heads.values() for c in head.report.get("citations", [])]
    texts = {pid: v.text for pid, v in heads.items()}
    answers = {pid: progress.answers for pid, progress in state.parts.items()}
    return review_application(
        form,
        info,
        MediaInfo.model_validate(row.media),
        texts,
        sources=sources,
        budgets={pid: v.budget for pid, v in heads.items()},
        plan_passages=plan_passages(form, info.field, knowledge) if with_alignment else [],
        prompt_text=prompt_guards(form, info, answers, texts, prompt_parts),
    )


def plan_passages(form: FormSpec, field: str, knowledge: object | None) -> list[Passage]:
    """The action plan's section for the field: from the knowledge base, or the bundled digest without one."""
    kind, label = form.review.alignment.source_kind, form.review.alignment.directions_label
    search = getattr(knowledge, "search", None)
    if callable(search) and field:
        found: list[Passage] = search(f"数据要素×{field} {label}", k=4, kinds=[kind], field=field)
        if any(label in p.text for p in found):
            return found
    return field_sections(field, kind)
