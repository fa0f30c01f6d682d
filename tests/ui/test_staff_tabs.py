"""Staff screens in a real browser: policy Q&A with an expandable cited passage; document upload.

Screenshots land in ``test-output/ui/<test name>/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .workspace_page import shot, textbox

pytestmark = pytest.mark.browser


def ask(page: Page, question: str) -> None:
    textbox(page, "qa-question").fill(question)
    page.locator("#qa-ask").click()


def test_staff_qa_shows_source(page: Page, app_server, shots) -> None:
    page.goto(app_server.url)
    page.get_by_role("tab", name="政策问答").click()
    ask(page, "申报截止时间是哪天？")
    history = page.locator("#qa-answer")
    answer = history.locator(".qa-entry").first  # the newest answer is on top of the page's history
    expect(answer).to_contain_text("2024年8月20日")
    first = answer.locator(".citation").first
    expect(first.locator("summary")).to_contain_text("[1]")
    expect(first.locator("summary")).to_contain_text("补充通知")  # the notice's title
    expect(first.locator("blockquote")).to_be_hidden()
    first.locator("summary").click()
    expect(first.locator("blockquote")).to_be_visible()
    expect(first.locator("blockquote")).to_contain_text("申报截止时间为2024年8月20日")
    expect(first.locator(".locator")).to_contain_text("申报时间")
    shot(page, shots, "01-answer-with-source")

    ask(page, "四川省的申报截止时间是哪天？")
    expect(history.locator(".qa-entry")).to_have_count(2)
    newest = history.locator(".qa-entry").first
    expect(newest).to_contain_text("四川省")
    expect(newest.locator(".qa-notfound")).to_have_text("文件中没有找到相关规定")
    expect(newest.locator(".citation")).to_have_count(0)
    earlier = history.locator(".qa-entry").nth(1)  # the first answer is still there, its sources still expandable
    expect(earlier).to_contain_text("2024年8月20日")
    earlier.locator(".citation summary").first.click()
    expect(earlier.locator(".citation").first.locator("blockquote")).to_be_visible()
    shot(page, shots, "02-not-found")


def test_knowledge_upload_reports_each_file(page: Page, app_server, shots, tmp_path: Path) -> None:
    notice = tmp_path / "测试通知.md"
    notice.write_text(
        "# 关于界面测试的通知\n\n一、总体要求\n\n各区县应每季度组织一次界面测试演练，并记录演练情况。\n",
        encoding="utf-8",
    )
    unsupported = tmp_path / "名单.xlsx"
    unsupported.write_bytes(b"not a document")
    page.goto(app_server.url)
    page.get_by_role("tab", name="知识库").click()
    expect(page.locator("#kb-docs")).to_contain_text("补充通知")  # bundled corpus listed with kind and chunks

    page.locator("#kb-files input[type=file]").set_input_files([str(notice), str(unsupported)])
    expect(page.locator("#kb-files")).to_contain_text("名单")
    page.locator("#kb-upload").click()
    results = page.locator("#kb-results")
    expect(results).to_contain_text("已添加")
    expect(results).to_contain_text("失败")
    expect(results).to_contain_text("类型不受支持")
    expect(page.locator("#kb-docs")).to_contain_text("关于界面测试的通知")
    shot(page, shots, "01-upload-results")

    page.locator("#kb-files input[type=file]").set_input_files([str(notice)])
    expect(page.locator("#kb-files")).to_contain_text("测试通知")
    page.locator("#kb-upload").click()
    expect(results).to_contain_text("重复")
    shot(page, shots, "02-duplicate")
