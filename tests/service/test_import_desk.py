"""Confirming an import: imported versions (the applicant's words), the review on them, the interview at the
first missing part, moving paragraphs, and condensing a part over its budget offline with every figure kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.auth.principal import Principal
from assistant.core.errors import InvalidInputError
from assistant.core.figures import extract_numbers
from assistant.service.import_desk import placements_as_plan
from tests.bureau import variants as v
from tests.importing.documents import BUILDERS, old39_docx

ALICE = Principal(id=1, username="alice", role="applicant")


@pytest.fixture
def service(tmp_path: Path):
    return v.make_service(tmp_path)


def test_an_old_file_becomes_imported_versions_and_the_interview_starts_at_what_it_lacked(service) -> None:
    built = old39_docx()
    preview = service.imports.preview_file(ALICE, built.name, built.data)
    assert service.store.list_applications() == []  # a preview stores nothing
    view = service.imports.create(ALICE, placements_as_plan(preview))
    heads = service.store.head_versions(view.id)
    assert {h.source for h in heads.values()} == {"imported"} and {h.action for h in heads.values()} == {"import"}
    for text, part_id in built.truth:
        assert text in heads[part_id].text  # the applicant's words, not rewritten
    state = service.store.get_application(view.id).state
    assert state["current"] == "intro.compliance"  # the first part the file did not have
    last = service.store.messages(view.id)[-1].content
    assert "已从" in last and "安全合规" in last and "我们从这里开始" in last
    assert view.info.applicant == built.info["applicant"]


def test_moving_a_paragraph_before_confirming(service) -> None:
    built = BUILDERS["bold"]()
    preview = service.imports.preview_file(ALICE, built.name, built.data)
    first = next(p for p in preview.paragraphs if p.part_id == "intro.problem")
    moved = service.imports.replan(preview.form_id, preview, {first.index: "intro.solution"})
    assert moved.paragraphs[first.index].method == "moved"
    view = service.imports.create(ALICE, placements_as_plan(moved))
    heads = service.store.head_versions(view.id)
    assert heads["intro.solution"].text.startswith(first.text)
    assert first.text not in heads["intro.problem"].text
    with pytest.raises(InvalidInputError):
        service.imports.replan(preview.form_id, moved, {0: "intro.nonexistent"})


def test_a_part_over_its_budget_is_in_the_review_and_condenses_offline_keeping_every_figure(service) -> None:
    built = BUILDERS["styles"]("health-exam-mutual-recognition")
    preview = service.imports.preview_file(ALICE, built.name, built.data)
    view = service.imports.create(ALICE, placements_as_plan(preview))
    report = service.review_report(ALICE, view.id)
    over = [f for f in report.findings if f.rule == "part_over_budget"]
    assert [f.part_id for f in over] == ["intro.solution"]
    before = service.store.head_versions(view.id)["intro.solution"]
    result = service.imports.condense(ALICE, view.id, "intro.solution")
    after = service.store.head_versions(view.id)["intro.solution"]
    assert after.version == before.version + 1 and after.action == "condense" and result.words < before.words
    assert sorted(m.raw for m in extract_numbers(after.text)) == sorted(m.raw for m in extract_numbers(before.text))
    assert "压缩" in service.store.messages(view.id)[-1].content
    service.undo(ALICE, view.id, "intro.solution")
    assert service.store.head_versions(view.id)["intro.solution"].text == before.text


def test_an_import_without_a_field_or_any_placed_paragraph_is_refused(service) -> None:
    built = BUILDERS["bold"]()
    preview = service.imports.preview_file(ALICE, built.name, built.data)
    plan = placements_as_plan(preview)
    with pytest.raises(InvalidInputError, match="所属领域"):
        service.imports.create(ALICE, plan.model_copy(update={"info": {**plan.info, "field": ""}}))
    empty = plan.model_copy(update={"paragraphs": [p.model_copy(update={"part_id": None}) for p in plan.paragraphs]})
    with pytest.raises(InvalidInputError, match="至少"):
        service.imports.create(ALICE, empty)
    assert service.store.list_applications() == []
