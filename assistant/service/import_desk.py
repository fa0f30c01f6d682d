"""Start from what the applicant already has: preview an import, confirm it as a new application, condense.

The preview changes nothing: the applicant sees where every paragraph landed and moves paragraphs
between parts before anything is stored. Confirming creates the application with each part's text
as an **imported version** (the applicant's words, not rewritten, not drafted), the interview record
holding the same text (so the review traces figures to it), and the interview opened at the first
part the file lacked. Condensing a part over its budget: the model rewrites it shorter with the
drafting pipeline's guarantees, or, offline, whole sentences without a figure are removed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from assistant.auth.principal import Principal
from assistant.core.errors import InvalidInputError, LimitExceededError, QuotaExceededError
from assistant.core.text_input import clean_block
from assistant.core.textlen import count_words
from assistant.drafting.pipeline import build_job, finalize_part, people_of, run_drafter
from assistant.forms.application import parse_info
from assistant.forms.checks import check_contacts
from assistant.forms.spec import FormSpec, load_form
from assistant.importing.condense import condense_offline
from assistant.importing.mapper import import_document, summarise
from assistant.importing.meaning import PartMeaning
from assistant.importing.models import ImportResult, Placement
from assistant.importing.reader import read_source, read_text
from assistant.interview.machine import InterviewState, PartProgress, jump_to
from assistant.service.views import ApplicationView
from assistant.store.json_object import JsonObject
from assistant.store.rows import ApplicationRow

if TYPE_CHECKING:
    from assistant.service.service import Service

MAX_PARAGRAPHS = 2000
DEFAULT_FORM = "cq-2024-batch2"  # the same default as Service.create_application


class ImportedParagraph(BaseModel):
    text: str = Field(min_length=1, max_length=20000)
    part_id: str | None = None


class ImportPlan(BaseModel):
    """What the applicant confirmed: the info, and each paragraph with the part it goes to (None: left out)."""

    form_id: str = DEFAULT_FORM
    source: str = Field("导入的文件", max_length=200)
    info: JsonObject = Field(default_factory=dict)
    paragraphs: list[ImportedParagraph] = Field(max_length=MAX_PARAGRAPHS)


class CondenseResult(BaseModel):
    view: ApplicationView
    words: int
    budget: int
    dropped: list[str] = Field(default_factory=list)
    message: str


class ImportDesk:
    def __init__(self, service: Service) -> None:
        self.service = service
        self._meaning: dict[str, PartMeaning] = {}

    def _meaning_for(self, form: FormSpec) -> PartMeaning:
        if form.id not in self._meaning:
            self._meaning[form.id] = PartMeaning(form)
        return self._meaning[form.id]

    # ---- preview -------------------------------------------------------------------------------
    def preview_file(
        self, principal: Principal, filename: str, data: bytes, form_id: str | None = None
    ) -> ImportResult:
        limit = self.service.settings.limit_upload_mb
        if len(data) > limit * 1024 * 1024:
            raise LimitExceededError(f"文件“{filename}”超过{limit}MB 的上传上限，请删除其中的图片后再导入。")
        form = load_form(form_id or DEFAULT_FORM)
        return import_document(form, read_source(filename, data), self._meaning_for(form))

    def preview_text(self, principal: Principal, text: str, form_id: str | None = None) -> ImportResult:
        text = clean_block(text or "")
        if not text:
            raise InvalidInputError("请粘贴申报书的文字。")
        if len(text) > 100_000:
            raise LimitExceededError("粘贴的文字太长（超过10万字），请分部分导入或上传文件。")
        form = load_form(form_id or DEFAULT_FORM)
        return import_document(form, read_text(text), self._meaning_for(form))

    def replan(self, form_id: str, result: ImportResult, moves: dict[int, str | None]) -> ImportResult:
        """The preview after the applicant moved paragraphs (index → part id, or None to leave one out)."""
        form = load_form(form_id)
        valid = set(form.part_ids())
        for index, part_id in moves.items():
            if part_id is not None and part_id not in valid:
                raise InvalidInputError(f"部分“{part_id}”不存在，请从列表中选择。")
            placement = next((p for p in result.paragraphs if p.index == index), None)
            if placement is None:
                raise InvalidInputError(f"没有第{index + 1}段。")
            placement.part_id, placement.method = part_id, "moved" if part_id else "unplaced"
        return summarise(form, result)

    # ---- confirm -------------------------------------------------------------------------------
    def create(self, principal: Principal, plan: ImportPlan) -> ApplicationView:
        service = self.service
        form = load_form(plan.form_id)
        info = parse_info(plan.info)
        if not info.field:
            raise InvalidInputError(f"请在申报信息表中选择案例所属领域（{form.fields_phrase}之一）后再导入。")
        service.validate_info(form, info)
        check_contacts(form, info)
        texts = self._texts(form, plan)
        if not texts:
            raise InvalidInputError("没有归入任何部分的段落：请至少把一段放到模板的某个部分。")
        if service.store.count_applications(principal.id) >= service.settings.limit_applications_per_user:
            raise QuotaExceededError(
                f"每个用户最多创建{service.settings.limit_applications_per_user}份申报书，请先删除不需要的申报书。"
            )
        parts = {pid: PartProgress(answers=texts.get(pid, []), done=pid in texts) for pid in form.part_ids()}
        state = InterviewState(form_id=form.id, current=None, parts=parts)
        missing = [pid for pid in form.part_ids() if pid not in texts]
        prompt_text = ""
        if missing:
            state, prompt = jump_to(state, form, missing[0])
            prompt_text = prompt.text
        store = service.store
        app_id = store.create_application(principal.id, form.id, info.model_dump(), state.model_dump())
        for pid, paragraphs in texts.items():
            text = "\n".join(paragraphs)
            report = {"issues": [], "imported_from": plan.source}
            store.add_version(app_id, pid, text, count_words(text), form.part(pid).default_budget, "imported",
                              "import", report, expected_head=0)
        store.add_message(app_id, "assistant", _welcome(form, plan.source, texts, missing, prompt_text),
                          part_id=missing[0] if missing else None)
        return service.get_application(principal, app_id)

    @staticmethod
    def _texts(form: FormSpec, plan: ImportPlan) -> dict[str, list[str]]:
        valid = set(form.part_ids())
        texts: dict[str, list[str]] = {}
        for paragraph in plan.paragraphs:
            if paragraph.part_id is None:
                continue
            if paragraph.part_id not in valid:
                raise InvalidInputError(f"部分“{paragraph.part_id}”不存在，请从列表中选择。")
            text = clean_block(paragraph.text)
            if text:
                texts.setdefault(paragraph.part_id, []).append(text)
        return texts

    # ---- condense ------------------------------------------------------------------------------
    def condense(self, principal: Principal, app_id: int, part_id: str) -> CondenseResult:
        """Shorten a part to its budget: by the model when one is configured, else offline (figures kept)."""
        service = self.service
        row = service._own_row(principal, app_id)
        form = load_form(row.form_id)
        part = form.part(part_id)
        head = service.store.head_versions(app_id).get(part_id)
        if head is None or not head.text.strip():
            raise InvalidInputError(f"“{part.title}”还没有内容，无需压缩。")
        budget = head.budget or part.default_budget
        if head.words <= budget:
            raise InvalidInputError(f"“{part.title}”{head.words}字，没有超过{budget}字，无需压缩。")
        if service.drafter.mode == "model":
            text, dropped, source = self._condense_with_model(form, row, part_id, head.text, budget), [], "model"
        else:
            condensed = condense_offline(head.text, budget)
            text, dropped, source = condensed.text, condensed.dropped, "offline"
        words = count_words(text)
        report = {"issues": [], "dropped_sentences": dropped}
        service.store.add_version(app_id, part_id, text, words, budget, source, "condense", report,
                                  expected_head=head.version)
        message = f"已把“{part.title}”从{head.words}字压缩到{words}字（保留全部数字）。"
        if words > budget:
            message += f"仍超出{budget}字的额度{words - budget}字：含数字的句子都已保留，请手动删减。"
        service.store.add_message(app_id, "assistant", message + "说“撤销”可恢复上一版。", part_id=part_id)
        view = service.get_application(principal, app_id)
        return CondenseResult(view=view, words=words, budget=budget, dropped=dropped, message=message)

    def _condense_with_model(self, form: FormSpec, row: ApplicationRow, part_id: str, text: str, budget: int) -> str:
        from assistant.forms.application import ApplicationInfo

        info = ApplicationInfo.model_validate(row.info)
        job = build_job(form, part_id, info, {part_id: [text]}, budget)
        job = job.model_copy(update={"previous_text": text, "instruction": f"压缩到{budget}字以内，保留全部数字和事实"})
        return finalize_part(form, job, run_drafter(self.service.drafter, job, None), people_of(info)).text


def _welcome(form: FormSpec, source: str, texts: dict[str, list[str]], missing: list[str], prompt: str) -> str:
    done = "、".join(form.part(pid).title for pid in form.part_ids() if pid in texts)
    text = f"已从“{source}”导入：{done}。这些部分保留了您的原文（导入版本），可以在“我的申报”的“当前部分”中查看和修改。"
    if missing:
        text += f"\n文件中没有：{'、'.join(form.part(pid).title for pid in missing)}。我们从这里开始：\n{prompt}"
    return text


def placements_as_plan(result: ImportResult, info: JsonObject | None = None) -> ImportPlan:
    """A preview taken as it is (the CLI and scripted use): every placed paragraph where it landed."""
    return ImportPlan(
        form_id=result.form_id,
        source=result.source[:200],
        info=info if info is not None else result.info,
        paragraphs=[ImportedParagraph(text=p.text, part_id=p.part_id) for p in result.paragraphs if p.text],
    )


__all__ = ["CondenseResult", "ImportDesk", "ImportPlan", "ImportedParagraph", "Placement", "placements_as_plan"]
