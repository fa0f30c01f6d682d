"""Edit a part by hand in a real browser (issue 28): a sentence removed, a figure added, saved, exported, undone.

The draft is the offline drafter's (``offline_server``: deterministic); the edit goes through the page's
编辑草稿 / 保存修改, the Word file is the toolbar's one-click download, read back with python-docx.
Screenshots: ``test-output/ui/test_a_hand_edit_is_a_version_that_exports_and_undoes/``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import httpx
import pytest
from playwright.sync_api import Page, expect

from .workspace_page import bot_messages, choose, download, shot, textbox

pytestmark = pytest.mark.browser

CASE = "交通运输领域——港口单证数据互认（手动修改）"
ANSWERS = [
    "我们做铁水联运，一票货平均要跑4个窗口，涉及本地12家企业。",
    "涉及运单数据和结算数据，来自铁路、港口和船公司3类主体的系统，通过数据共享协议获取。",
]
ADDED = "平台上线后单证录入时间缩短了63%。"


def _sentences(text: str) -> list[str]:
    return [s + "。" for s in re.split("。", text.replace("\n", "")) if s.strip()]


def _body(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs)


def test_a_hand_edit_is_a_version_that_exports_and_undoes(page: Page, offline_server, shots: Path) -> None:
    base = offline_server.url.rstrip("/")
    with httpx.Client(base_url=base, headers={"Origin": base}, timeout=120) as api:
        info = {"field": "交通运输", "case_name": CASE, "applicant": "手动修改测试公司"}
        created = api.post("/api/applications", json=info)
        app_id = created.json()["id"]
        for text in ANSWERS:
            assert api.post(f"/api/applications/{app_id}/messages", json={"text": text}).status_code == 200
        parts = api.get(f"/api/applications/{app_id}").json()["parts"]
        drafted = next(p for p in parts if p["part_id"] == "intro.problem")
    original = drafted["text"]
    sentences = _sentences(original)
    assert len(sentences) >= 2, original
    removed = sentences[0]
    edited = "".join(sentences[1:]) + ADDED  # the first sentence removed, a sentence with a new figure added

    page.goto(offline_server.url)
    choose(page, "app-select", f"{CASE}（交通运输）")
    page.locator('#rail [data-part="intro.problem"]').click()
    expect(page.locator("#preview")).to_contain_text("第1版")
    page.locator("#edit-draft").click()
    editor = textbox(page, "draft-editor")
    expect(editor).to_have_value(original)
    expect(page.locator("#draft-editor")).to_contain_text("第1版")
    editor.fill(edited)
    shot(page, shots, "01-editing")
    page.locator("#edit-save").click()

    preview = page.locator("#preview")
    expect(preview).to_contain_text("第2版")
    expect(preview).to_contain_text("手动修改")
    expect(preview).to_contain_text("63%")
    expect(preview).not_to_contain_text(removed.rstrip("。"))
    expect(page.locator("#draft-editor")).to_be_hidden()
    expect(bot_messages(page).last).to_contain_text("您手动修改了“（一）问题描述”，已保存为第2版")
    expect(bot_messages(page).last).to_contain_text("之后的修改都以这一版为准")
    expect(page.locator('#rail [data-part="intro.problem"] .chip')).to_have_text("已起草")
    shot(page, shots, "02-saved")

    path = shots / "edited.docx"
    download(page, "export.docx").save_as(path)
    body = _body(path)
    assert ADDED.rstrip("。") in body, body
    assert removed.rstrip("。") not in body, body

    page.locator("#undo").click()
    expect(preview).to_contain_text("第1版")
    expect(preview).to_contain_text(removed.rstrip("。"))
    expect(preview).not_to_contain_text("63%")
    shot(page, shots, "03-undone")
    path = shots / "undone.docx"
    download(page, "export.docx").save_as(path)
    assert "63%" not in _body(path) and removed.rstrip("。") in _body(path)
    log = offline_server.log.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
