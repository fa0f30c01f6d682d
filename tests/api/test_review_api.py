"""The review report and the application's other documents over the API; the 申报信息表 checks on PATCH."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import unquote

import pytest
from docx import Document

from assistant.export.pdf import soffice_path

from .conftest import CASE_NAME, World, answer_until_drafted, new_application


def test_review_returns_the_whole_report_with_counts(world: World) -> None:
    client = world.client()
    app_id = new_application(client)["id"]
    answer_until_drafted(client, app_id)
    body = client.get(f"/api/applications/{app_id}/review").json()
    assert set(body) >= {"findings", "checklist", "alignment", "errors", "warnings", "suggestions"}
    assert body["errors"] == sum(f["severity"] == "错误" for f in body["findings"]) > 0
    assert all(f["severity"] in ("错误", "警告", "建议") and f["part_id"] for f in body["findings"])
    statuses = {c["id"]: c["status"] for c in body["checklist"]}
    assert statuses["license_copy"] == "请自查" and statuses["video"] == "未声明"
    assert body["alignment"] and body["alignment"][0]["citation"]["title"]

    patched = client.patch(
        f"/api/applications/{app_id}", json={"media": {"video": "案例介绍.mp4", "prepared": ["license_copy"]}}
    )
    assert patched.status_code == 200, patched.text
    statuses = {c["id"]: c["status"] for c in client.get(f"/api/applications/{app_id}/review").json()["checklist"]}
    assert statuses["license_copy"] == "已具备" and statuses["video"] == "已具备"


def test_review_documents_are_separate_files(world: World) -> None:
    client = world.client()
    app_id = new_application(client)["id"]
    answer_until_drafted(client, app_id)
    md = client.get(f"/api/applications/{app_id}/review.md")
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert md.headers["cache-control"] == "no-store"
    assert md.text.startswith(f"# 审阅报告：{CASE_NAME}") and "三、材料清单" in md.text
    assert unquote(md.headers["content-disposition"].split("UTF-8''", 1)[1]) == f"{CASE_NAME}-审阅报告.md"
    word = client.get(f"/api/applications/{app_id}/review.docx")
    text = "\n".join(p.text for p in Document(BytesIO(word.content)).paragraphs)
    assert "问题清单" in text and "营业执照" in text
    promo = client.get(f"/api/applications/{app_id}/promo.docx")
    assert promo.status_code == 200
    assert unquote(promo.headers["content-disposition"].split("UTF-8''", 1)[1]).endswith("-宣传推广材料.docx")


@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice not installed")
def test_pdf_export(world: World) -> None:
    client = world.client()
    app_id = new_application(client)["id"]
    response = client.get(f"/api/applications/{app_id}/export.pdf")
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"%PDF") and response.headers["content-type"] == "application/pdf"


def test_resume_returns_the_application(world: World) -> None:
    client = world.client()
    app_id = new_application(client)["id"]
    response = client.post(f"/api/applications/{app_id}/resume")
    assert response.status_code == 200 and response.json()["interrupted"] == []


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"leader": {"name": "张三", "phone": "1380000"}}, "负责人联系方式"),
        ({"contact": {"name": "李四", "phone": "12345678901"}}, "11位手机号码"),
        ({"media": {"images": ["数据要素流向图：flow.png"]}}, "JPG 格式"),
        ({"media": {"video": "介绍.mov"}}, "MP4"),
        ({"media": {"prepared": ["not-an-item"]}}, "未知的材料项"),
    ],
)
def test_patch_checks_phones_and_media_in_chinese(world: World, patch: dict, message: str) -> None:
    client = world.client()
    app_id = new_application(client)["id"]
    response = client.patch(f"/api/applications/{app_id}", json=patch)
    assert response.status_code == 400 and message in response.json()["error"]


@pytest.mark.parametrize("phone", ["13800000001", "138 0000 0001", "+8613800000001", "023-60000002", "02360000002"])
def test_patch_accepts_mobile_and_landline_numbers(world: World, phone: str) -> None:
    client = world.client()
    app_id = new_application(client)["id"]
    response = client.patch(f"/api/applications/{app_id}", json={"leader": {"name": "张三", "phone": phone}})
    assert response.status_code == 200, response.text
