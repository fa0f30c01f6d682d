"""A part edited by hand (``service.edits``): a new version through the same guarantees, store path and review.

Real SQLite and the offline drafter. What is asserted is what the applicant relies on: the edit is the
head (undo returns to the draft before it), a figure typed in the editor is the applicant's own fact
(the review and a later revision keep it, it joins the part's answers), a removed sentence stays
removed, the chat says what changed, the group's limit is never passed, and only the owner may edit.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document

from assistant.auth.principal import Principal
from assistant.core.errors import InvalidInputError, LimitExceededError, NotFoundError, PermissionDeniedError
from assistant.core.settings import Settings
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.forms.application import ApplicationInfo
from assistant.interview.machine import InterviewState
from assistant.service.service import Service
from assistant.store.errors import ConflictError
from assistant.store.sql import Store

EXAMPLE = json.loads((Path(__file__).parents[2] / "examples" / "cq-logistics-example.json").read_text(encoding="utf-8"))
ALICE = Principal(id=1, username="alice", role="applicant")
BOB = Principal(id=2, username="bob", role="applicant")
STAFF = Principal(id=3, username="staff", role="staff")
ADDED = "平台上线后单证录入时间缩短了63%。"


@pytest.fixture()
def service(tmp_path: Path) -> Service:
    settings = Settings(data_dir=tmp_path)
    return Service(settings, Store.open(settings.sqlite_path), OfflineDrafter())


@pytest.fixture()
def drafted(service: Service) -> int:
    app = service.create_application(ALICE, ApplicationInfo(**EXAMPLE["info"]))
    for text in EXAMPLE["answers"]["intro.problem"]:
        service.send_message(ALICE, app.id, text)
    service.send_message(ALICE, app.id, "数据来自铁路、港口和船公司的业务系统，通过数据共享协议获取。")
    assert service.store.head_versions(app.id)["intro.problem"].version == 1
    return app.id


def _head(service: Service, app_id: int) -> str:
    return service.store.head_versions(app_id)["intro.problem"].text


def _edited(text: str) -> tuple[str, str]:
    """The draft with its last sentence removed and a sentence with a new figure added."""
    sentences = [s + "。" for s in text.replace("\n", "").split("。") if s.strip()]
    assert len(sentences) >= 2, text
    removed = sentences[-1]
    return "".join(sentences[:-1]) + ADDED, removed


def test_an_edit_is_a_new_version_with_the_figure_as_the_applicants_own_and_undo_restores(
    service: Service, drafted: int
) -> None:
    before = _head(service, drafted)
    text, removed = _edited(before)
    result = service.edits.edit(ALICE, drafted, "intro.problem", text, base_version=1)
    assert result.version == 2
    assert ADDED in _head(service, drafted) and removed.strip("。") not in _head(service, drafted)
    versions = service.versions(ALICE, drafted, "intro.problem")
    assert [(v.version, v.action, v.source) for v in versions] == [(1, "draft", "offline"), (2, "edit", "manual")]
    # The typed figure is the applicant's: in the part's answers, and no review finding calls it untraceable.
    state = InterviewState.model_validate(service.store.get_application(drafted).state)
    assert any("63%" in answer for answer in state.parts["intro.problem"].answers)
    report = service.review_report(ALICE, drafted)
    assert not [f for f in report.findings if "63" in (f.excerpt + f.message)], report.findings
    # The chat says what changed and that later revisions start from here.
    note = service.get_application(ALICE, drafted).messages[-1]
    assert note.role == "assistant" and "手动修改" in note.content and "第2版" in note.content
    assert "删去" in note.content and "新增" in note.content
    # The export has the edit; undo restores the draft.
    _, data = service.export_docx(ALICE, drafted)
    body = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert ADDED.rstrip("。") in body
    service.undo(ALICE, drafted, "intro.problem")
    assert _head(service, drafted) == before


def test_a_later_revision_starts_from_the_edit(service: Service, drafted: int) -> None:
    text, _ = _edited(_head(service, drafted))
    service.edits.edit(ALICE, drafted, "intro.problem", text, base_version=1)
    turn = service.send_message(ALICE, drafted, "补充：覆盖本地12家港口和物流企业", part_id="intro.problem")
    assert turn.revised_part == "intro.problem"
    head = _head(service, drafted)
    assert "63%" in head and "12家" in head  # the revision built on the edited text and kept its figure


def test_an_edit_that_would_pass_the_groups_limit_is_refused_with_how_much_to_cut(
    service: Service, drafted: int
) -> None:
    too_long = _head(service, drafted) + "这是一段很长的补充说明。" * 500
    with pytest.raises(LimitExceededError) as refused:
        service.edits.edit(ALICE, drafted, "intro.problem", too_long, base_version=1)
    assert "请删减" in refused.value.message and "5000字" in refused.value.message
    assert service.store.head_versions(drafted)["intro.problem"].version == 1  # nothing stored


def test_an_edit_on_a_version_that_moved_on_is_a_conflict_not_an_overwrite(service: Service, drafted: int) -> None:
    text, _ = _edited(_head(service, drafted))
    service.edits.edit(ALICE, drafted, "intro.problem", text, base_version=1)
    with pytest.raises(ConflictError) as conflict:
        service.edits.edit(ALICE, drafted, "intro.problem", text + "再补一句。", base_version=1)
    assert "第2版" in conflict.value.message


def test_empty_unchanged_and_undrafted_edits_are_refused_in_chinese(service: Service, drafted: int) -> None:
    for text in ("", "   ", _head(service, drafted)):
        with pytest.raises(InvalidInputError):
            service.edits.edit(ALICE, drafted, "intro.problem", text)
    with pytest.raises(InvalidInputError) as undrafted:
        service.edits.edit(ALICE, drafted, "intro.results", "本平台上线一年。")
    assert "还没有草稿" in undrafted.value.message


def test_contact_data_typed_into_a_publishable_part_is_kept_out(service: Service, drafted: int) -> None:
    service.send_message(ALICE, drafted, "全部起草")
    head = service.store.head_versions(drafted)["promo.description"]
    phone = EXAMPLE["info"]["contact"]["phone"]
    result = service.edits.edit(ALICE, drafted, "promo.description", head.text + f"欢迎致电{phone}咨询。")
    assert phone not in service.store.head_versions(drafted)["promo.description"].text
    assert "电话" in result.message or "联系" in result.message, result.message


def test_only_the_owner_edits(service: Service, drafted: int) -> None:
    text, _ = _edited(_head(service, drafted))
    with pytest.raises(NotFoundError):
        service.edits.edit(BOB, drafted, "intro.problem", text)
    with pytest.raises(PermissionDeniedError):
        service.edits.edit(STAFF, drafted, "intro.problem", text)
