"""``case-assistant create --answers FILE --owner USER``: store an application from an answers file.

The file is read exactly as ``case-assistant draft`` reads it, every part is drafted (with
the same guarantees), and the result is stored as the owner's application: the answers
as the interview's record (so the review traces figures to them), one version per part.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.auth.principal import Principal
from assistant.core.errors import InvalidInputError, QuotaExceededError
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.drafting.pipeline import draft_application
from assistant.export.scripted import AnswersFile
from assistant.forms.checks import check_contacts, check_media
from assistant.interview.machine import InterviewState, PartProgress

if TYPE_CHECKING:
    from assistant.service.service import Service


def import_answers(service: Service, owner: Principal, answers: AnswersFile, offline: bool = False) -> int:
    """The new application's id. ``offline`` drafts without the model even when one is configured."""
    form, info = answers.form, answers.info
    if not info.field:
        raise InvalidInputError(f"回答文件的申报信息表缺少“所属领域”（{form.fields_phrase}之一）。")
    service.validate_info(form, info)
    check_contacts(form, info)
    check_media(form, answers.media)
    if service.store.count_applications(owner.id) >= service.settings.limit_applications_per_user:
        limit = service.settings.limit_applications_per_user
        raise QuotaExceededError(f"用户“{owner.username}”的申报书已达上限（{limit}份），请先删除不需要的申报书。")
    drafter = OfflineDrafter() if offline else service.drafter
    retriever = service.knowledge if drafter.mode == "model" else None
    draft = draft_application(form, info, answers.answers, drafter, retriever)
    parts = {
        pid: PartProgress(answers=answers.answers.get(pid, []), done=True, skipped=not answers.answers.get(pid))
        for pid in form.part_ids()
    }
    state = InterviewState(form_id=form.id, current=None, parts=parts)
    store = service.store
    app_id = store.create_application(owner.id, form.id, info.model_dump(), state.model_dump())
    store.update_application(app_id, media=answers.media.model_dump())
    store.add_message(app_id, "assistant", "已根据回答文件导入并起草全部部分，可继续用对话修改。")
    for pid, part in draft.parts.items():
        report = {
            "issues": [i.model_dump() for i in part.issues],
            "removed_numbers": part.removed_numbers,
            "copied_sentences": part.copied_sentences,
            "model_calls": part.model_calls,
            "condense_calls": part.condense_calls,
            "citations": [c.model_dump() for c in part.citations],
        }
        store.add_version(app_id, pid, part.text, part.words, part.budget, part.source, "draft", report,
                          expected_head=0)
    return app_id
