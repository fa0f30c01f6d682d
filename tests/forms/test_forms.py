"""The application form is data: every bundled form loads; the seed form matches the template."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.core.errors import InvalidInputError, UserFacingError
from assistant.forms.spec import FormSpec, available_forms, load_form, load_form_file
from tests.spine_helpers import ALL_PART_IDS, FORM_ID, FORMS_DIR

FORM_FILES = sorted(FORMS_DIR.glob("*.yaml"))


def test_there_is_at_least_the_seed_form() -> None:
    assert FORM_ID in [p.stem for p in FORM_FILES]
    assert FORM_ID in available_forms()


@pytest.mark.parametrize("path", FORM_FILES, ids=[p.name for p in FORM_FILES])
def test_every_form_file_loads_and_validates(path: Path) -> None:
    form = load_form_file(path)
    assert isinstance(form, FormSpec)
    assert form.id == path.stem, "a form's id must match its file name (load_form looks it up by name)"
    for group in form.groups:
        assert sum(p.default_budget for p in group.parts) <= group.limit
    for part in form.all_parts():
        assert part.questions and all(q.strip() for q in part.questions)
        assert part.title.strip() and part.guidance.strip()
    assert len(form.part_ids()) == len(set(form.part_ids()))


@pytest.fixture(scope="module")
def seed() -> FormSpec:
    return load_form(FORM_ID)


def test_seed_form_has_the_stable_part_ids_in_order(seed: FormSpec) -> None:
    assert seed.part_ids() == ALL_PART_IDS
    assert [g.id for g in seed.groups] == ["intro", "promo"]


def test_seed_form_has_twelve_fields(seed: FormSpec) -> None:
    assert seed.fields == [
        "工业制造",
        "现代农业",
        "商贸流通",
        "交通运输",
        "金融服务",
        "科技创新",
        "文化旅游",
        "医疗健康",
        "应急管理",
        "气象服务",
        "城市治理",
        "绿色低碳",
    ]


def test_seed_form_group_limits_and_budgets(seed: FormSpec) -> None:
    limits = {g.id: g.limit for g in seed.groups}
    assert limits == {"intro": 5000, "promo": 1500}
    for group in seed.groups:
        assert all(p.default_budget > 0 for p in group.parts)
        assert sum(p.default_budget for p in group.parts) <= group.limit
    assert seed.group_of("promo.practice").publishable is True
    assert seed.group_of("intro.problem").publishable is False


def test_seed_form_printed_titles(seed: FormSpec) -> None:
    printed = {p.id: f"{p.number}{p.title}" for p in seed.all_parts()}
    assert printed == {
        "intro.problem": "（一）问题描述",
        "intro.solution": "（二）解决方案",
        "intro.results": "（三）应用成效",
        "intro.innovation": "（四）创新点",
        "intro.compliance": "（五）安全合规",
        "intro.participants": "（六）参与单位情况介绍",
        "promo.description": "（一）案例描述",
        "promo.practice": "（二）主要做法及成效",
    }
    assert [s.number for s in seed.part("promo.practice").subpoints] == ["1.", "2.", "3."]


def test_seed_form_info_fields(seed: FormSpec) -> None:
    assert seed.info.number == "一"
    ids = [f.id for f in seed.info.fields]
    assert ids == ["applicant", "co_applicants", "case_name", "field", "leader", "contact", "address", "reason"]
    labels = {f.id: f.label for f in seed.info.fields}
    assert labels["applicant"] == "申报单位" and labels["reason"] == "申报理由"


def test_seed_form_media(seed: FormSpec) -> None:
    assert seed.media.images == [
        "数据要素流向图",
        "商业模式、运行模式示意图",
        "数据安全技术或数据流通利用基础设施应用示意图",
        "系统界面呈现图",
        "其他能反映案例特色和数据要素价值的图片",
    ]
    assert seed.media.video.format == "MP4"
    assert seed.media.video.minutes == 5
    assert "5分钟左右" in seed.media.video.guidance


def test_seed_form_pledge(seed: FormSpec) -> None:
    assert seed.pledge.number == "五" and seed.pledge.title == "申报承诺书"
    assert seed.pledge.text.startswith("本单位提交的“数据要素×”典型案例申报材料内容、数据真实准确")
    assert "自愿放弃评审资格，并承担相应责任。" in seed.pledge.text


def test_seed_form_case_name_pattern(seed: FormSpec) -> None:
    import re

    match = re.fullmatch(seed.case_name_pattern, seed.case_name_example)
    assert match and match.group("field") in seed.fields
    assert re.fullmatch(seed.case_name_pattern, "没有领域的名称") is None


def test_seed_form_elements_referenced_by_parts_exist(seed: FormSpec) -> None:
    assert {"numbers", "data_sources", "data_flow", "security", "results"} <= set(seed.elements)
    assert seed.part("intro.solution").required_elements == ["data_sources", "data_flow", "numbers"]
    assert seed.part("promo.practice").fallback_sources == ["intro.solution", "intro.compliance", "intro.results"]


def test_unknown_form_id_lists_known_ids() -> None:
    with pytest.raises(InvalidInputError) as info:
        load_form("no-such-form-2099")
    message = info.value.message
    assert "未知的申报书模板" in message and "no-such-form-2099" in message
    assert FORM_ID in message
    assert info.value.code == "unknown_form"


@pytest.mark.parametrize("bad_id", ["../forms/cq-2024-batch2", "", "cq 2024", "a/b"])
def test_path_like_or_empty_form_ids_are_rejected(bad_id: str) -> None:
    with pytest.raises(InvalidInputError):
        load_form(bad_id)


def test_unknown_part_id_is_a_user_facing_error(seed: FormSpec) -> None:
    with pytest.raises(UserFacingError) as info:
        seed.part("intro.nothing")
    assert "intro.problem" in info.value.message


def _seed_raw() -> dict:
    return yaml.safe_load((FORMS_DIR / f"{FORM_ID}.yaml").read_text(encoding="utf-8"))


def test_broken_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken-form.yaml"
    path.write_text("id: broken\ngroups: [unclosed\n  - x: : :\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        load_form_file(path)
    assert "broken-form.yaml" in info.value.message
    assert "格式错误" in info.value.message


def test_schema_violation_names_the_file(tmp_path: Path) -> None:
    raw = _seed_raw()
    del raw["pledge"]
    path = tmp_path / "no-pledge.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        load_form_file(path)
    assert "no-pledge.yaml" in info.value.message


def test_budgets_over_group_limit_are_rejected(tmp_path: Path) -> None:
    raw = _seed_raw()
    raw["groups"][1]["parts"][0]["default_budget"] = 1400  # 1400 + 1100 > 1500
    path = tmp_path / "over.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        load_form_file(path)
    assert "over.yaml" in info.value.message


def test_unknown_element_reference_is_rejected(tmp_path: Path) -> None:
    raw = _seed_raw()
    raw["groups"][0]["parts"][0]["required_elements"] = ["numbers", "telepathy"]
    path = tmp_path / "bad-element.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        load_form_file(path)
    assert "telepathy" in info.value.message


def test_a_new_call_is_just_a_new_yaml_file(tmp_path: Path) -> None:
    """A modified copy with another id validates without code changes."""
    raw = _seed_raw()
    raw["id"] = "sh-2025-batch1"
    raw["groups"][0]["limit"] = 6000
    path = tmp_path / "sh-2025-batch1.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    form = load_form_file(path)
    assert form.id == "sh-2025-batch1" and form.groups[0].limit == 6000
