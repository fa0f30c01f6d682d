"""The pre-submission reviewer: one seeded instance of every problem is reported once, at its part.

The seeded application is written here by hand, one problem per rule; the clean
example in ``examples/`` must get no 错误.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.core.types import Passage
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.drafting.pipeline import draft_application
from assistant.export.scripted import load_answers_file
from assistant.forms.application import ApplicationInfo, MediaInfo, Person
from assistant.forms.spec import load_form
from assistant.review.application import review_application

ROOT = Path(__file__).resolve().parents[2]
FORM = load_form("cq-2024-batch2")
PLAN = Passage(
    chunk_id="p",
    doc_id="plan",
    title="行动计划摘要",
    kind="plan_digest",
    locator="三、重点行动 > （七）数据要素×交通运输",
    text="重点方向：提升多式联运效能；推进航运贸易便利化。\n"
    "提升多式联运效能：推进货运寄递、运单、结算、保险、货物跟踪等数据共享互认，实现托运人一次委托。\n"
    "推进航运贸易便利化：推动航运贸易数据与电子发票核验、报关报检状态等数据可信融合，推广电子提单。",
)
FILLER = "本段为补充说明文字，共涉及3类单证。"
SEEDED_INFO = ApplicationInfo(
    applicant="重庆示例物流科技有限公司",
    case_name="多式联运单证互认",  # not "<领域>领域——<名称>"
    field="交通运输",
    leader=Person(name="王示例", title="总经理", phone="13800000001"),
    contact=Person(name="李演示", title="经理", phone="023-60000002"),
    address="",  # missing
    reason="示范性强。",
)
SEEDED_TEXTS = {
    "intro.problem": "行业长期存在单证重复录入的问题，XX环节效率不高。",
    "intro.solution": "由重庆示例物流科技公司牵头建设服务平台，统一办理流程。",
    "intro.results": "平台上线后节约成本35%。",
    "intro.innovation": "【待补充：创新点】",
    "intro.compliance": "本单位高度重视相关工作。",
    "intro.participants": "",
    "promo.description": "项目负责人王示例，手机13800000001，欢迎来电。",
    "promo.practice": FILLER * 100,
}
EXPECTED = {
    ("info_missing", "错误", "info"),
    ("info_inconsistent_name", "错误", "info"),
    ("group_over_limit", "错误", "promo"),
    ("template_leftover", "错误", "intro.problem"),
    ("no_figures", "警告", "intro.problem"),
    ("placeholder", "错误", "intro.innovation"),
    ("part_empty", "错误", "intro.participants"),
    ("untraceable_figure", "错误", "intro.results"),
    ("private_data", "错误", "promo.description"),
    ("inconsistent_name", "警告", "intro.solution"),
    ("no_data_sources", "警告", "intro.solution"),
    ("no_data_flow", "警告", "intro.solution"),
    ("no_security", "警告", "intro.compliance"),
    ("no_lawful_acquisition", "警告", "intro.compliance"),
    ("no_plan_direction", "建议", "intro.problem"),
    ("repeated_sentence", "警告", "promo.practice"),  # FILLER * 100: the same sentence a hundred times
}


@pytest.fixture(scope="module")
def seeded():
    sources = ["行业长期存在单证重复录入的问题，涉及3类单证。"]
    return review_application(
        FORM, SEEDED_INFO, MediaInfo(), SEEDED_TEXTS, sources=sources, plan_passages=[PLAN], today=date(2024, 8, 1)
    )


def test_every_seeded_problem_is_reported_once_at_its_part_with_its_severity(seeded) -> None:
    got = [(f.rule, f.severity, f.part_id) for f in seeded.findings]
    private = [g for g in got if g[0] == "private_data"]
    assert len(private) == 2  # the mobile number and the contact person's name: two kinds, one part
    got = [g for g in got if g[0] != "private_data"] + private[:1]
    assert sorted(got) == sorted(EXPECTED)


def test_findings_carry_the_offending_text_and_a_fix(seeded) -> None:
    by_rule = {f.rule: f for f in seeded.findings}
    assert by_rule["template_leftover"].excerpt and "XX" in by_rule["template_leftover"].excerpt
    assert "35%" in by_rule["untraceable_figure"].excerpt
    assert by_rule["inconsistent_name"].excerpt == "重庆示例物流科技公司"
    assert all(f.fix for f in seeded.findings)
    assert by_rule["no_plan_direction"].citations[0].doc_id == "plan"


def test_checklist_names_every_submission_requirement(seeded) -> None:
    ids = [c.id for c in seeded.checklist]
    assert ids == [
        "paper_copies",
        "license_copy",
        "sealed_pdf",
        "editable_word",
        "video",
        "images",
        "text_materials",
        "pledge_sealed",
        "eligibility",
        "resubmit",
        "deadline",
    ]
    by_id = {c.id: c for c in seeded.checklist}
    assert by_id["video"].status == "未声明" and by_id["deadline"].status == "已具备"
    assert "营业执照或组织机构代码证复印件" in by_id["license_copy"].notice


def test_the_clean_example_gets_no_error() -> None:
    answers = load_answers_file(ROOT / "examples/cq-logistics-example.json")
    draft = draft_application(answers.form, answers.info, answers.answers, OfflineDrafter())
    texts = {pid: d.text for pid, d in draft.parts.items()}
    report = review_application(
        answers.form,
        answers.info,
        answers.media,
        texts,
        sources=[t for turns in answers.answers.values() for t in turns],
        budgets={pid: d.budget for pid, d in draft.parts.items()},
        plan_passages=[PLAN],
    )
    assert [f for f in report.findings if f.severity == "错误"] == []
    assert any(a.addressed and a.direction == "提升多式联运效能" for a in report.alignment)
