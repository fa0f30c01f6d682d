"""Pure pieces of the 申报信息表, 多媒体材料, 审阅 and 申报总览 screens: no browser needed."""

from __future__ import annotations

import pytest

from assistant.core.errors import InvalidInputError
from assistant.core.types import Passage
from assistant.forms.application import MediaInfo
from assistant.forms.checks import check_media, phone_problem
from assistant.forms.spec import load_form
from assistant.interview.machine import InterviewState, PartProgress
from assistant.review.findings import Alignment, ChecklistItem, Finding, ReviewReport
from assistant.service.overview import reason_from_answers
from assistant.service.service import DEFAULT_FORM
from ui.app_forms import (
    Slot,
    image_values,
    images_from_inputs,
    info_from_inputs,
    is_mp4,
    picture_problem,
    recorded_name,
    swap_field_prefix,
)
from ui.review_render import readonly_html, review_html

FORM = load_form(DEFAULT_FORM)
EVIL = '<img src="http://evil.example/x.png" onerror="alert(1)">'


def test_review_html_groups_by_severity_and_escapes_everything() -> None:
    passage = Passage(chunk_id="c", doc_id="d", title=EVIL, locator="三、", text=EVIL)
    report = ReviewReport(
        findings=[
            Finding(rule="placeholder", severity="错误", part_id="intro.problem", message=EVIL, excerpt=EVIL, fix="改"),
            Finding(rule="no_figures", severity="警告", part_id="intro", message="缺少数字"),
        ],
        checklist=[ChecklistItem(id="license_copy", requirement="营业执照", notice=EVIL, status="未声明")],
        alignment=[Alignment(direction="提升多式联运效能", addressed=False, note="摘要", citation=passage)],
    )
    html = review_html(FORM, report)
    assert "<img" not in html and "&lt;img" in html
    assert "案例简介 （一）问题描述" in html and 'data-severity="错误"' in html
    assert "错误 1 项，警告 1 项，建议 0 项" in html
    assert "未体现" in html and "摘要" in html and "出处" in html


def test_phone_formats() -> None:
    good = ("13800000001", "138-0000-0001", "+86 138 0000 0001", "023-60000002", "0755-1234567", "023-60000002-8001")
    for ok in good:
        assert phone_problem("负责人联系方式", ok) is None, ok
    for bad in ("1380000", "12800000001", "60000002", "abc"):
        assert "格式不对" in (phone_problem("负责人联系方式", bad) or ""), bad


def test_media_names_and_magic_bytes() -> None:
    names = ["a.jpg", "", "c.jpeg", "", "e.jpg"]
    stored = images_from_inputs(FORM, names)
    assert stored[0] == f"{FORM.media.images[0]}：a.jpg" and len(stored) == 3
    assert image_values(FORM, stored) == names
    assert image_values(FORM, ["plain.jpg"])[0] == "plain.jpg"  # names set through the API fill in order
    assert "PNG" in (picture_problem("x.png", b"\x89PNG\r\n\x1a\n", "JPG") or "")
    assert picture_problem("x.jpg", b"\xff\xd8\xff\xe0", "JPG") is None
    assert is_mp4(b"\x00\x00\x00\x18ftypmp42") and not is_mp4(b"RIFF\x00\x00\x00\x00AVI ")
    assert recorded_name("photo.JPEG", (".jpg", ".jpeg"), ".jpg") == "photo.JPEG"
    assert recorded_name("photo.bin", (".jpg", ".jpeg"), ".jpg") == "photo.jpg"
    with pytest.raises(InvalidInputError, match="JPG 格式"):
        check_media(FORM, MediaInfo(images=[f"{FORM.media.images[0]}：flow.png"]))


def test_info_inputs_map_to_the_model_and_extra() -> None:
    slots = [Slot("applicant", None, 1), Slot("co_applicants", None, 2), Slot("leader", "phone", 3), Slot("x", None, 4)]
    info = info_from_inputs(slots, [" 甲公司 ", "乙公司\n\n丙公司", "13800000001", "其他"])
    assert info == {
        "applicant": "甲公司",
        "co_applicants": ["乙公司", "丙公司"],
        "leader": {"phone": "13800000001"},
        "extra": {"x": "其他"},
    }
    assert swap_field_prefix("金融服务", "交通运输领域——平台") == "金融服务领域——平台"


def test_reason_is_made_only_of_the_applicants_sentences() -> None:
    state = InterviewState(
        form_id=DEFAULT_FORM,
        parts={
            "intro.problem": PartProgress(answers=["我们做物流。上线后成本降低20%。", "跳过"]),
            "intro.innovation": PartProgress(answers=["这是全市首个多式联运平台！"]),
        }
    )
    form = load_form(DEFAULT_FORM)
    drawn_from = ["intro.innovation", "promo.description"]
    assert reason_from_answers(form, state, drawn_from, 2000) == "这是全市首个多式联运平台！上线后成本降低20%。"
    with pytest.raises(InvalidInputError, match="无法整理申报理由"):
        plain = InterviewState(form_id=DEFAULT_FORM, parts={"intro.problem": PartProgress(answers=["我们做物流。"])})
        reason_from_answers(form, plain, drawn_from, 2000)


def test_readonly_view_escapes_the_application(tmp_path) -> None:
    from assistant.auth.principal import local_principal
    from assistant.core.settings import Settings
    from assistant.drafting.offline.drafter import OfflineDrafter
    from assistant.forms.application import ApplicationInfo
    from assistant.service.service import Service
    from assistant.store.sql import Store

    settings = Settings(data_dir=tmp_path, embedder="hash")
    service = Service(settings, Store.open(settings.sqlite_path), OfflineDrafter())
    me = local_principal()
    view = service.create_application(me, ApplicationInfo(field="交通运输", applicant=EVIL))
    html = readonly_html(FORM, view)
    assert "<img" not in html and "&lt;img" in html and "还没有草稿" in html
    rows = service.overview(me, "交通运输")
    assert [r.id for r in rows] == [view.id] and rows[0].errors > 0 and service.overview(me, "金融服务") == []
