"""Issue 25, item 6: text that cannot break the exports.

* U+FFFE/U+FFFF (and the other characters XML 1.0 forbids) in any answer or info field
  made ``export.docx`` and ``export.pdf`` fail with 500, for staff too, for good: they
  are now stripped at the boundary, and the exporter drops them from rows stored earlier.
* The review .md carried raw HTML from the case name and the excerpts: any Markdown
  viewer rendered it. Every value is now escaped, so it renders as the text it is.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from docx import Document
from markdown_it import MarkdownIt

from assistant.export.review_report import review_markdown
from assistant.forms.spec import load_form
from assistant.review.findings import Alignment, ChecklistItem, Finding, ReviewReport
from assistant.service.service import DEFAULT_FORM
from tests.api.conftest import RICH_ANSWER, World, make_world

BAD = "\ufffe\uffff\x0b\U0010fffe"
TRACKER = "http://127.0.0.1:9"
HTML_NAME = f'交通运输领域——<img src="{TRACKER}/x.png" onerror="alert(1)">平台'


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def person(tag: str) -> dict:
    return {"name": f"张{BAD}{tag}", "title": f"总经理{BAD}", "phone": f"1380000{BAD}0000"}


def poisoned_application(world: World) -> int:
    client = world.as_user("alice")
    created = client.post(
        "/api/applications",
        json={"field": "交通运输", "case_name": f"交通运输领域——重庆{BAD}物流平台", "applicant": f"重庆{BAD}物流公司"},
    )
    assert created.status_code == 201, created.text
    app_id = created.json()["id"]
    patch = {
        "co_applicants": [f"联合{BAD}单位"],
        "leader": person("一"),
        "contact": person("二"),
        "address": f"重庆市{BAD}渝北区",
        "reason": f"申报{BAD}理由\n第二行{BAD}",
        "media": {"images": [f"流向图{BAD}.jpg"], "video": f"视频{BAD}.mp4"},
    }
    assert client.patch(f"/api/applications/{app_id}", json=patch).status_code == 200
    for _ in range(4):
        turn = client.post(f"/api/applications/{app_id}/messages", json={"text": BAD + RICH_ANSWER + BAD})
        assert turn.status_code == 200, turn.text
    return app_id


@pytest.fixture
def world(tmp_path: Path) -> World:
    world = make_world(tmp_path)
    world.add_user("alice")
    world.add_user("sam", "staff")
    return world


def test_xml_illegal_characters_in_every_field_cannot_break_the_exports(world: World) -> None:
    app_id = poisoned_application(world)
    for user in ("alice", "sam"):
        client = world.as_user(user)
        for path in ("export.docx", "promo.docx", "review.docx"):
            response = client.get(f"/api/applications/{app_id}/{path}")
            assert response.status_code == 200, (user, path, response.text[:200])
            text = docx_text(response.content)
            assert not any(ch in text for ch in BAD), path
        assert "重庆物流公司" in docx_text(client.get(f"/api/applications/{app_id}/export.docx").content)
    stored = world.as_user("alice").get(f"/api/applications/{app_id}").text
    assert "\\uffff" not in stored.lower() and "\uffff" not in stored


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_rows_stored_before_the_fix_still_export_for_staff(world: World) -> None:
    """The defensive exporter: text that reached the database earlier no longer breaks the files."""
    client = world.as_user("alice")
    app_id = client.post(
        "/api/applications", json={"field": "交通运输", "case_name": "交通运输领域——旧数据平台", "applicant": "公司"}
    ).json()["id"]
    row = world.store.get_application(app_id)
    world.store.update_application(app_id, info={**row.info, "applicant": f"旧{BAD}公司", "address": f"地址{BAD}"})
    world.store.add_version(app_id, "intro.problem", f"问题{BAD}描述。", 4, 800, "offline", "draft", {})
    staff = world.as_user("sam")
    docx = staff.get(f"/api/applications/{app_id}/export.docx")
    assert docx.status_code == 200 and "旧公司" in docx_text(docx.content)
    pdf = staff.get(f"/api/applications/{app_id}/export.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def rendered(markdown: str) -> str:
    return MarkdownIt("commonmark", {"html": True, "linkify": False}).render(markdown)


def test_the_review_markdown_renders_html_and_links_as_text() -> None:
    form = load_form(DEFAULT_FORM)
    report = ReviewReport(
        findings=[
            Finding(
                rule="numbers",
                severity="警告",
                part_id="intro.problem",
                message="无出处的数字",
                excerpt=f'<script>alert(1)</script> ![t]({TRACKER}/md.png) [点我]({TRACKER}/a) <{TRACKER}/auto> **粗**',
                fix="删除",
            )
        ],
        checklist=[
            ChecklistItem(id="video", requirement="视频", notice="MP4", status="已具备", detail=f"<b>{BAD}</b>a.mp4")
        ],
        alignment=[Alignment(direction="<i>方向</i>", addressed=True, note="[x](javascript:alert(1))")],
    )
    markdown = review_markdown(form, report, HTML_NAME)
    html = rendered(markdown)
    for tag in ("<img", "<script", "<a ", "<b>", "<i>", "<strong>"):
        assert tag not in html, (tag, html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "onerror" in html  # shown, as text
    assert "## 一、问题清单" in markdown and "\n- " in markdown  # our own structure is still Markdown


def test_the_review_md_route_escapes_the_case_name(world: World) -> None:
    client = world.as_user("alice")
    created = client.post("/api/applications", json={"field": "交通运输", "case_name": HTML_NAME, "applicant": "公司"})
    assert created.status_code == 201, created.text
    markdown = client.get(f"/api/applications/{created.json()['id']}/review.md").text
    html = rendered(markdown)
    assert "<img" not in html and "&lt;img" in html
