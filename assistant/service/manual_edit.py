"""A part edited by hand: the applicant's own text becomes the part's new version.

Why not a chat revision: with a Word template people fix a line in place, and no instruction
describes "this sentence, this figure" as well as the text itself. The edit still goes through
what every version goes through, so a hand-made version is no weaker than a drafted one:

* the same guarantees (``drafting.pipeline.finalize_part``): the part's budget from what the rest
  of its group holds now (an edit that would push the group past the template's limit is refused
  with how much to cut, never cut silently), contact data kept out of publishable parts, the review;
* the same store path: ``add_version`` on the head the editor was opened on (another window's
  change meanwhile is a 409, not overwritten), so 撤销 returns to the version before the edit;
* the applicant's words are their own facts: the sentences the edit adds join the part's answers
  in the version's own transaction, the way a 「补充：…」 does, so the figures typed here are sources
  for the guarantees, the review and every later revision;
* the chat says what changed, so the conversation and the draft tell the same story and the next
  revision starts from the edited text (it revises the head, which is now this version).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import BaseModel

from assistant.auth.principal import Principal
from assistant.core.errors import InvalidInputError, LimitExceededError
from assistant.core.text_input import clean_block
from assistant.core.textlen import count_words
from assistant.drafting.pipeline import build_job, finalize_part, part_budget, people_of
from assistant.drafting.protocol import DraftOutput
from assistant.drafting.revision_check import diff
from assistant.forms.application import ApplicationInfo
from assistant.forms.spec import load_form
from assistant.interview.machine import InterviewState
from assistant.service.views import ApplicationView
from assistant.store.errors import ConflictError
from assistant.store.json_object import JsonObject

if TYPE_CHECKING:
    from assistant.service.service import Service

SOURCE = "manual"
ACTION = "edit"


class EditResult(BaseModel):
    """What the edit stored and what the applicant should read about it (also the chat's note)."""

    part_id: str
    version: int
    words: int
    budget: int
    changes: str
    message: str
    application: ApplicationView


class ManualEditDesk:
    """``service.edits``: the hand edit of one part (the UI's 编辑草稿, ``PUT …/parts/{part}/text``)."""

    def __init__(self, service: Service) -> None:
        self.service = service

    def edit(
        self, principal: Principal, app_id: int, part_id: str, text: str, base_version: int | None = None
    ) -> EditResult:
        """Store ``text`` as the new version of ``part_id``; ``base_version``: the version the editor showed."""
        service = self.service
        row = service._own_row(principal, app_id)
        form = load_form(row.form_id)
        part, group = form.part(part_id), form.group_of(part_id)
        title = f"{part.number}{part.title}"
        text = clean_block(text or "")
        if len(text) > service.settings.limit_message_chars:
            raise LimitExceededError(f"草稿最多{service.settings.limit_message_chars}个字符，请删减后再保存。")
        heads = service.store.head_versions(app_id)
        head = heads.get(part_id)
        if head is None:
            raise InvalidInputError(f"“{title}”还没有草稿：请先在对话中回答这一部分的问题，起草后再手动修改。")
        if base_version is not None and int(base_version) != head.version:
            raise ConflictError(
                f"“{title}”在您编辑时已更新为第{head.version}版，为避免覆盖，本次修改未保存。"
                "请复制您的改动，重新点击“编辑草稿”后再修改。"
            )
        if not text:
            raise InvalidInputError(f"“{title}”不能为空：如需重写，请输入新的内容；如需恢复上一版，请点击“撤销”。")
        if text == head.text.strip():
            raise InvalidInputError("草稿没有改动，无需保存。")
        others = {pid: v.words for pid, v in heads.items() if pid != part_id and pid in {p.id for p in group.parts}}
        words = count_words(text)
        budget = part_budget(form, part_id, others, words)
        if words > budget:
            raise LimitExceededError(
                f"“{title}”共{words}字，超出目前可用的{budget}字（{group.title}合计不超过{group.limit}字，"
                f"其他部分已用{sum(others.values())}字）：请删减{words - budget}字后再保存，"
                "或先精简同组的其他部分。"
            )
        info = ApplicationInfo.model_validate(row.info)
        state = InterviewState.model_validate(row.state)
        answers = {pid: list(progress.answers) for pid, progress in state.parts.items()}
        answers[part_id] = answers.get(part_id, []) + [text]  # the typed text is the applicant's own source
        job = build_job(form, part_id, info, answers, budget)
        draft = finalize_part(form, job, DraftOutput(text=text), people_of(info))
        changes = diff(head.text, draft.text)
        report = {
            "issues": [i.model_dump() for i in draft.issues],
            "removed_numbers": draft.removed_numbers,
            "citations": head.report.get("citations", []),  # kept sentences keep the passages they came from
            "manual": True,
        }
        version = service.store.add_version(
            app_id, part_id, draft.text, draft.words, budget, SOURCE, ACTION, report,
            expected_head=head.version, state_update=_own_words(part_id, "".join(changes.added)),
        )
        summary = changes.summary()
        notes = [i.message for i in draft.issues if i.kind == "private_data"]  # what the guarantees changed
        dropped = diff(text, draft.text).removed  # typed, not stored: say so even when no issue names it
        if dropped and not notes:
            notes.append(f"以下您输入的内容按申报材料的要求未写入（如联系方式、无出处的数字）：{'；'.join(dropped)}。")
        message = (
            f"您手动修改了“{title}”，已保存为第{version}版（{draft.words}字，建议约{part.default_budget}字）。"
            + (f"{summary}。" if summary else "")
            + "".join(notes)
            + "之后的修改都以这一版为准；如需恢复，可点击“撤销”。"
        )
        service.store.add_message(app_id, "assistant", message, part_id=part_id)
        return EditResult(
            part_id=part_id,
            version=version,
            words=draft.words,
            budget=budget,
            changes=summary,
            message=message,
            application=service.get_application(principal, app_id),
        )


def _own_words(part_id: str, added: str) -> Callable[[JsonObject], JsonObject]:
    """The sentences the edit added join the part's answers, in the version's transaction (see ``add_version``)."""

    def update(state: JsonObject) -> JsonObject:
        parts = state.get("parts", {})
        if added.strip() and part_id in parts:
            parts[part_id].setdefault("answers", []).append(added)
        return state

    return update
