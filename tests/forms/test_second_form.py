"""A second call's form spec interviews, drafts, reviews, exports and answers Q&A with no code change.

``tests/data/forms/demo-binhai-2026.yaml`` is another (fictional) city's call, different from the bundled
Chongqing form in everything the code could have hard-coded: other part ids (``summary.*``,
``outreach.*``) and titles, one part more (数据流转), another field list (9 fields, none of the 12),
another home place (滨海) and two extra rows in its 申报信息表 (所在区县, 项目总投资). If any module
still named a part, a title, a field or the place, one of these tests would fail; the last test checks
the code for those names directly (string literals outside docstrings).
"""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
import yaml
from docx import Document

from assistant.core.settings import Settings
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.drafting.pipeline import draft_application
from assistant.export.docx_builder import build_docx
from assistant.export.scripted import parse_answers
from assistant.forms.application import ApplicationInfo, MediaInfo, UnknownInfoRowError, check_extra_rows
from assistant.forms.spec import FormSpec, forms_dir, load_form_file
from assistant.interview import machine as iv
from assistant.knowledge.corpus import DocumentMeta
from assistant.knowledge.ingest import store_document
from assistant.knowledge.qa import answer_question
from assistant.knowledge.search import KnowledgeBase
from assistant.review.application import review_application
from assistant.review.info import info_issues
from tests.spine_helpers import record_answer

ROOT = Path(__file__).resolve().parents[2]
FORM_FILE = ROOT / "tests/data/forms/demo-binhai-2026.yaml"
BUNDLED = forms_dir() / "cq-2024-batch2.yaml"

ANSWERS = {
    "summary.background": [
        "滨海港每年集装箱吞吐量约420万标箱，港口、海关、船公司和车队的数据分散在12个系统里，"
        "单票货物平均要重复录入5次，通关等待平均36小时。"
    ],
    "summary.approach": [
        "一是建设港口物流数据平台，归集海关报关数据、船公司舱单数据和车队定位数据。"
        "二是制定数据共享协议，明确各方授权范围。三是开发通关预警模型。"
    ],
    "summary.dataflow": ["海关、船公司和车队的数据接入港口物流数据平台，经清洗脱敏后推送给货代企业和监管部门调用。"],
    "summary.effect": [
        "平台上线后服务企业1800家。通关等待从36小时缩短到9小时，单票物流成本降低18%。年节约费用约2.3亿元。"
    ],
    "summary.novelty": ["首次在港口实现多方数据可用不可见的协同，模式上由事后查验转变为事前预警。"],
    "summary.safety": ["数据按分类分级管理，敏感字段脱敏加密，访问留痕审计，平台通过等级保护三级测评。"],
    "summary.team": ["滨海港口集团负责平台建设运营，滨海数据科技公司负责模型开发。"],
}
INFO = {
    "applicant": "滨海港口集团有限公司",
    "case_name": "港口物流领域——集装箱多式联运数据协同",
    "field": "港口物流",
    "leader": {"name": "王海", "title": "总经理", "phone": "0000-1234567"},
    "contact": {"name": "李舟", "title": "信息部主任", "phone": "0000-7654321"},
    "district": "临港区",
    "investment": "3200",
    "address": "滨海市临港区港湾路1号",
    "reason": "首次在港口实现多方数据协同。",
}


@pytest.fixture(scope="module")
def form() -> FormSpec:
    return load_form_file(FORM_FILE)


def test_the_second_form_differs_from_the_bundled_one_in_everything_code_could_name(form: FormSpec) -> None:
    bundled = load_form_file(BUNDLED)
    assert not set(form.part_ids()) & set(bundled.part_ids())
    assert not {p.title for p in form.all_parts()} & {p.title for p in bundled.all_parts()}
    assert not set(form.fields) & set(bundled.fields) and len(form.all_parts()) == len(bundled.all_parts()) + 1
    assert form.place and form.place != bundled.place
    extra = {f.id for f in form.info.fields} - {f.id for f in bundled.info.fields}
    assert extra == {"district", "investment"}


def test_interview_asks_its_parts_jumps_by_its_aliases_and_finishes_all(form: FormSpec) -> None:
    state, prompt = iv.start(form)
    assert prompt.part_id == "summary.background" and prompt.text.endswith(form.part("summary.background").questions[0])
    state, prompt = record_answer(state, form, ANSWERS["summary.background"][0], 2)
    state, prompt = record_answer(state, form, "回到数据流转", 2)  # the extra part, named by its title
    assert state.current == "summary.dataflow" and prompt.part_id == "summary.dataflow"
    state, prompt = record_answer(state, form, ANSWERS["summary.dataflow"][0] + "没有了，请直接起草", 2)
    assert state.parts["summary.dataflow"].done
    state, prompt = record_answer(state, form, "结束吧，全部起草", 2)
    assert state.current is None and prompt.kind == "done"
    assert set(prompt.completed_parts) | {"summary.background", "summary.dataflow"} == set(form.part_ids())


def _drafted(form: FormSpec) -> tuple[ApplicationInfo, dict[str, str]]:
    parsed = parse_answers({"form": form.id, "info": INFO, "answers": ANSWERS}, form=form)
    assert parsed.warnings == [] and parsed.info.extra == {"district": "临港区", "investment": "3200"}
    draft = draft_application(form, parsed.info, parsed.answers, OfflineDrafter(form=form))
    totals = draft.totals(form)
    assert totals["summary"][1] == 4500 and totals["outreach"][1] == 1200
    assert totals["summary"][0] <= 4500 and totals["outreach"][0] <= 1200
    return parsed.info, {pid: d.text for pid, d in draft.parts.items()}


def test_offline_drafting_fills_every_part_and_builds_the_public_part_from_its_summary_sources(form: FormSpec) -> None:
    _, texts = _drafted(form)
    assert set(texts) == set(form.part_ids()) and all(texts[pid].strip() for pid in ANSWERS)
    abstract = texts["outreach.abstract"]  # unanswered: 问题 from summary.background, 做法 from summary.approach
    assert "420万标箱" in abstract and "港口物流数据平台" in abstract
    assert texts["summary.effect"].startswith("平台上线后服务企业1800家") or "1800家" in texts["summary.effect"]


def test_review_and_export_use_its_parts_rows_and_titles(form: FormSpec) -> None:
    info, texts = _drafted(form)
    report = review_application(form, info, MediaInfo(), texts, sources=[t for a in ANSWERS.values() for t in a])
    places = {"info", *[g.id for g in form.groups], *form.part_ids()}
    assert report.findings and {f.part_id for f in report.findings} <= places
    missing = info.model_copy(update={"extra": {"investment": "3200"}})
    assert any("所在区县" in i.message for i in info_issues(form, missing))
    wrong = info.model_copy(update={"field": "交通运输", "case_name": "交通运输领域——示例"})
    assert any("9个领域" in i.message for i in info_issues(form, wrong))

    docx = build_docx(form, info, texts, MediaInfo())
    document = Document(io.BytesIO(docx))
    labels = [row.cells[0].text for row in document.tables[0].rows]
    cells = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert cells["所在区县"] == "临港区" and cells["项目总投资（万元）"] == "3200" and "推荐理由" in labels
    body = "\n".join(p.text for p in document.paragraphs)
    for part in form.all_parts():
        assert part.title in body
    assert "数据流转" in body.split("实施路径")[1].split("实施成效")[0]  # the extra part, in its place
    bundled = load_form_file(BUNDLED)
    assert not [p.title for p in bundled.all_parts() if f"{p.number}{p.title}" in body]


def test_extra_rows_are_checked_against_the_form(form: FormSpec) -> None:
    check_extra_rows(form, ApplicationInfo(extra={"district": "临港区"}))
    with pytest.raises(UnknownInfoRowError) as raised:
        check_extra_rows(form, ApplicationInfo(extra={"altitude": "12米"}))
    assert raised.value.status_code == 422 and "所在区县" in raised.value.message
    with pytest.raises(UnknownInfoRowError):
        check_extra_rows(form, ApplicationInfo(extra={"district": "临" * 21}))  # the row's max_chars is 20


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory, form: FormSpec) -> KnowledgeBase:
    settings = Settings(data_dir=tmp_path_factory.mktemp("kb-second"), embedder="hash", chroma_mode="persistent")
    kb = KnowledgeBase.open(settings)
    text = (
        f"# {form.notice_title}\n\n各区县数据主管部门：\n\n"
        f"一、推荐范围。聚焦{'、'.join(form.fields)}等{len(form.fields)}个领域，推荐数据赋能优秀案例。\n\n"
        "二、推荐要求。案例概要不超过4500字，对外宣介材料不超过1200字。\n\n"
        "三、时间安排。请于2026年10月15日前报送推荐材料。\n"
    )
    meta = DocumentMeta(title=form.notice_title, issuer=form.issuer, doc_number=form.notice_ref, date="2026-09-01")
    store_document(
        kb.store, doc_id="binhai-notice", text=text, meta=meta, source="binhai.md", origin="upload", filename="b.md"
    )
    return kb


def test_qa_answers_fields_and_scope_from_the_form(kb: KnowledgeBase, form: FormSpec) -> None:
    outside = answer_question(kb, "交通运输领域的案例可以推荐吗？", call=form)
    assert "不在9个领域之内" in outside.answer, outside.answer
    other_place = answer_question(kb, "重庆第二批案例的申报截止时间是哪天？", call=form)
    assert not other_place.grounded and "滨海" in other_place.answer, other_place.answer
    other_batch = answer_question(kb, "滨海第三批案例的截止时间是哪天？", call=form)
    assert not other_batch.grounded and "第三批" in other_batch.answer, other_batch.answer


def _form_words(path: Path) -> set[str]:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    parts = [p for g in spec["groups"] for p in g["parts"]]
    return {p["id"] for p in parts} | {p["title"] for p in parts} | set(spec["fields"]) | {spec["place"]}


def _code_strings(path: Path) -> list[tuple[int, str]]:
    """String literals that are code, not documentation (docstrings and bare string statements left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    return [
        (n.lineno, n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    ]


def test_no_part_id_title_field_or_home_place_is_written_in_code() -> None:
    words = _form_words(BUNDLED) | _form_words(FORM_FILE)
    hits = [
        f"{path.relative_to(ROOT)}:{line}: {word}"
        for base in ("assistant", "ui")
        for path in sorted((ROOT / base).rglob("*.py"))
        for line, text in _code_strings(path)
        for word in words
        if word in text
    ]
    assert hits == []


def _documented_form_words(path: Path) -> set[str]:
    """What documentation could name: qualified part ids, part and group titles, fields and the place."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    parts = [(g, p) for g in spec["groups"] for p in g["parts"]]
    titles = {p["title"] for _, p in parts} | {g["title"] for g in spec["groups"]}
    qualified = {f"{g['id']}.{p['id']}" for g, p in parts}
    return {t for t in titles if len(t) >= 4} | qualified | set(spec["fields"]) | {spec["place"]}


def test_no_docstring_or_comment_names_the_bundled_form() -> None:
    """Documentation explains with generic examples: a newcomer reading it learns the code, not one call's form."""
    words = sorted(_documented_form_words(BUNDLED), key=len, reverse=True)
    hits = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()[:80]}"
        for base in ("assistant", "ui")
        for path in sorted((ROOT / base).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(word in line for word in words)
    ]
    assert hits == []


def test_no_field_count_is_written_in_code() -> None:
    hits = [
        f"{path}:{n}"
        for base in ("assistant", "ui")
        for path in (ROOT / base).rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "12个领域" in line or "12个行业领域" in line
    ]
    assert hits == []
