"""Private contact data never reaches the publishable 宣传推广材料."""

from __future__ import annotations

import pytest

from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.drafting.pipeline import draft_application, people_of
from assistant.forms.application import ApplicationInfo
from assistant.forms.spec import FormSpec, load_form
from assistant.review.privacy import PersonTerm, find_private_data, redact
from tests.spine_helpers import FORM_ID, PROMO_IDS, example_answers, load_example

PEOPLE = [PersonTerm(name="王示例", role="项目负责人"), PersonTerm(name="李演示", role="项目联系人")]


@pytest.fixture(scope="module")
def form() -> FormSpec:
    return load_form(FORM_ID)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("联系手机13800000001。", "手机号码"),
        ("座机023-60000002。", "电话号码"),
        ("座机02360000002。", "电话号码"),
        ("邮箱li.yanshi@example.com。", "电子邮箱"),
        ("身份证号50010119900101123X。", "身份证号"),
        ("由李演示负责对接。", "负责人或联系人姓名"),
    ],
)
def test_find_private_data_kinds(text: str, kind: str) -> None:
    assert kind in find_private_data(text, PEOPLE)


@pytest.mark.parametrize(
    "text", ["平台服务企业1200家，节约3200万元。", "2023年3月上线。", "采用SM4加密。", "累计汇聚运单数据12000000条。"]
)
def test_figures_are_not_private_data(text: str) -> None:
    assert find_private_data(text, PEOPLE) == []
    assert redact(text, PEOPLE).text == text


def test_redact_removes_contacts_and_replaces_names_with_roles() -> None:
    text = "如需了解，请联系李演示（电话：13800000001），或王示例，邮箱wang@example.com。平台服务企业12家。"
    result = redact(text, PEOPLE)
    for secret in ["13800000001", "李演示", "王示例", "wang@example.com"]:
        assert secret not in result.text
    assert "项目联系人" in result.text and "项目负责人" in result.text
    assert "平台服务企业12家。" in result.text
    assert "（）" not in result.text
    assert result.removed == sorted({"手机号码", "电子邮箱", "负责人或联系人姓名"})
    assert find_private_data(result.text, PEOPLE) == []


def test_single_character_names_are_not_replaced() -> None:
    """A one-character 'name' would blank out ordinary words, so it is ignored."""
    assert redact("王牌产品", [PersonTerm(name="王", role="项目负责人")]).text == "王牌产品"


def _draft_with_contacts_in_intro(form: FormSpec, extra: str) -> dict[str, str]:
    data = load_example()
    info = ApplicationInfo.model_validate(data["info"])
    answers = example_answers()
    answers["intro.problem"] = answers["intro.problem"] + [extra]
    answers["intro.solution"] = answers["intro.solution"] + ["平台由王示例牵头建设，数据来源于港口系统。"]
    draft = draft_application(form, info, answers, OfflineDrafter())
    return {pid: d.text for pid, d in draft.parts.items()}


def test_promo_fallback_never_carries_contact_data_from_info(form: FormSpec) -> None:
    data = load_example()
    texts = _draft_with_contacts_in_intro(
        form, "如有疑问请联系李演示，手机13800000001，座机023-60000002，邮箱liyanshi@example.com。"
    )
    secrets = [
        data["info"]["leader"]["name"],
        data["info"]["contact"]["name"],
        data["info"]["leader"]["phone"],
        data["info"]["contact"]["phone"],
        "liyanshi@example.com",
    ]
    # The intro (not published) keeps what the applicant wrote; the promo parts, built from it, do not.
    assert "13800000001" in texts["intro.problem"]
    for pid in PROMO_IDS:
        assert texts[pid].strip()
        for secret in secrets:
            assert secret not in texts[pid], (pid, secret)


def test_private_data_in_promo_answers_is_removed_and_reported(form: FormSpec) -> None:
    data = load_example()
    info = ApplicationInfo.model_validate(data["info"])
    answers = example_answers()
    answers["promo.description"] = ["本案例由王示例负责，联系电话13800000001，意义重大。"]
    draft = draft_application(form, info, answers, OfflineDrafter())
    part = draft.parts["promo.description"]
    assert "13800000001" not in part.text and "王示例" not in part.text
    assert "意义重大" in part.text
    kinds = {i.kind for i in part.issues}
    assert "private_data" in kinds
    assert all(i.part_id == "promo.description" for i in part.issues)


def test_people_of_maps_info_to_roles() -> None:
    info = ApplicationInfo.model_validate(load_example()["info"])
    assert [(p.name, p.role) for p in people_of(info)] == [("王示例", "项目负责人"), ("李演示", "项目联系人")]


def test_info_phone_written_with_separators_is_removed_from_promo(form: FormSpec) -> None:
    texts = _draft_with_contacts_in_intro(form, "王示例的手机是138-0000-0001，也可拨打138 0000 0001。")
    for pid in PROMO_IDS:
        assert "138-0000-0001" not in texts[pid] and "138 0000 0001" not in texts[pid]
