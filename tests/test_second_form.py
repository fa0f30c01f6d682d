"""A second call's form spec drafts, reviews and exports with no code change.

``tests/data/forms/demo-city-2025.yaml`` is another (fictional) city's call: its
申报信息表 has one extra row (所在区县), 案例简介 is limited to 4000字 and 宣传推广材料
to 1200字, and it has eleven fields. Nothing in the code names these; if export or
review still carried the Chongqing template in code, these tests would fail.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document

from assistant.core.textlen import count_words
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.drafting.pipeline import draft_application
from assistant.export.docx_builder import build_docx
from assistant.export.scripted import parse_answers
from assistant.forms.spec import FormSpec, load_form_file
from assistant.review.info import info_issues

ROOT = Path(__file__).resolve().parents[1]
FORM_FILE = ROOT / "tests/data/forms/demo-city-2025.yaml"
EXAMPLE = ROOT / "examples/cq-logistics-example.json"


@pytest.fixture(scope="module")
def form() -> FormSpec:
    return load_form_file(FORM_FILE)


def _answers(form: FormSpec, **info_updates: str) -> dict:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["form"] = form.id
    data["info"].update({"district": "示例区"}, **info_updates)
    # Long answers, so the smaller limits actually bind.
    data["answers"]["intro.solution"] = data["answers"]["intro.solution"] * 12
    return data


def _table_rows(docx: bytes) -> list[list[str]]:
    table = Document(io.BytesIO(docx)).tables[0]
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_second_form_drafts_within_its_own_limits_and_prints_its_extra_row(form: FormSpec) -> None:
    parsed = parse_answers(_answers(form), form=form)
    assert parsed.warnings == [] and parsed.info.extra == {"district": "示例区"}
    draft = draft_application(form, parsed.info, parsed.answers, OfflineDrafter(form=form))
    totals = draft.totals(form)
    assert totals["intro"][1] == 4000 and totals["promo"][1] == 1200
    assert totals["intro"][0] <= 4000 and totals["promo"][0] <= 1200
    docx = build_docx(form, parsed.info, {pid: d.text for pid, d in draft.parts.items()}, parsed.media)
    rows = _table_rows(docx)
    labels = [row[0] for row in rows]
    assert labels.index("所在区县") == labels.index("通讯地址") - 1
    assert rows[labels.index("所在区县")][1] == "示例区"
    body = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    intro = body.split("二、")[1].split("三、")[0]
    assert count_words(intro) <= 4000 + 200  # headings included; the parts themselves are checked above


def test_second_form_review_uses_its_required_rows_and_eleven_fields(form: FormSpec) -> None:
    parsed = parse_answers(_answers(form, district=""), form=form)
    messages = [i.message for i in info_issues(form, parsed.info)]
    assert any("所在区县" in m for m in messages)
    wrong = parsed.info.model_copy(update={"field": "气象服务", "case_name": "气象服务领域——示例"})
    messages = [i.message for i in info_issues(form, wrong)]
    assert any("11个领域" in m for m in messages) and not any("12个领域" in m for m in messages)


def test_no_field_count_is_written_in_code() -> None:
    hits = [
        f"{path}:{n}"
        for base in ("assistant", "ui")
        for path in (ROOT / base).rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "12个领域" in line or "12个行业领域" in line
    ]
    assert hits == []
