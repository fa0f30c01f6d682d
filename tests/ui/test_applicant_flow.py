"""End to end in a real browser: create, answer two parts, revise, undo, export, refresh.

Runs against ``case-assistant serve`` in model mode with the fake OpenAI-compatible
server, so drafting, streaming and revision take the same code path as with a real
model. Screenshots land in ``test-output/ui/test_applicant_end_to_end/``.
"""

from __future__ import annotations

import io

import docx
import pytest
from playwright.sync_api import Page, expect

from .workspace_page import (
    bot_messages,
    choose,
    part_count,
    send,
    shot,
    textbox,
    user_messages,
)
from .workspace_page import download as fetch_file

CASE_NAME = "交通运输领域——多式联运单证数据互认"
PROBLEM = [
    "我们做铁水联运物流服务。以前铁路、港口、船公司各有一套单证，货主要重复录入，一票货平均要跑4个窗口，涉及本地12家企业。",
    "涉及运单数据、集装箱跟踪数据和结算数据，来源于铁路、港口和船公司3类主体的系统，过去互不认可，没有共享机制。",
]
SOLUTION = [
    "思路是以港口为枢纽，建设多式联运单证数据互认平台，实现一单制。",
    "数据来源包括铁路运单数据、港口集装箱作业数据、船公司舱单数据，通过数据共享协议依法获取。数据由各方系统通过接口"
    "推送到互认平台，标准化后形成统一电子运单，再提供给货主、银行和保险公司使用。平台累计汇聚运单数据1200万条。",
]

pytestmark = pytest.mark.browser


def create_application(page: Page) -> None:
    expect(page.locator("#new-field")).to_be_visible()  # 新建申报 opens by itself when the list is empty
    choose(page, "new-field", "交通运输")
    expect(textbox(page, "new-case-name")).to_have_value("交通运输领域——")  # prefilled from the field
    textbox(page, "new-case-name").fill("交通运输——缺少“领域”二字")
    page.locator("#create-app").click()
    expect(page.get_by_text("案例名称应写成")).to_be_visible()  # the service's validation, as a warning
    textbox(page, "new-case-name").fill(CASE_NAME)
    textbox(page, "new-applicant").fill("重庆示例物流科技有限公司")
    page.locator("#create-app").click()
    expect(bot_messages(page).first).to_contain_text("您好")
    expect(page.locator("#app-select input")).to_have_value(f"{CASE_NAME}（交通运输）")


def answer_part(page: Page, answers: list[str], part_id: str) -> tuple[int, int]:
    """Answer until the part is drafted: a rich first answer may be enough for the interview (no follow-up)."""
    chip = page.locator(f'#rail [data-part="{part_id}"] .chip')
    for text in answers:
        send(page, text, "？")
        if chip.inner_text().strip() == "已起草":
            break
    expect(chip).to_have_text("已起草")
    return part_count(page, part_id)


def test_applicant_end_to_end(page: Page, app_server, shots) -> None:
    page.goto(app_server.url)
    expect(page.locator("#mode-badge")).to_contain_text("模型模式")
    shot(page, shots, "01-empty-workspace")
    create_application(page)
    shot(page, shots, "02-created")

    watch_for_streaming(page)
    words, budget = answer_part(page, PROBLEM, "intro.problem")
    assert page.evaluate("window.__sawBusy") is True  # the reply streamed in before the stored one replaced it
    assert 0 < words <= budget
    expect(page.locator("#preview")).to_contain_text("（一）问题描述")
    expect(page.locator("#preview")).to_contain_text(f"第1版 · {words}/{budget}字")
    words2, _ = answer_part(page, SOLUTION, "intro.solution")
    expect(page.locator('#rail [data-testid="group-count-intro"]')).to_have_text(f"{words + words2}/5000字")
    expect(page.locator("#part-select input")).to_have_value("案例简介 · （二）解决方案 · 已起草")
    shot(page, shots, "03-two-parts-drafted")

    # an exact edit: done as said in model mode too (a padding model's 「更简洁」 comes back longer and is refused)
    send(page, "第一句删掉", "已修改")
    expect(page.locator("#preview")).to_contain_text("第2版")
    page.locator("#versions-acc").get_by_text("历史版本").click()
    expect(page.locator("#versions")).to_contain_text("第2版（当前）")
    shot(page, shots, "04-revised-with-versions")

    page.locator("#undo").click()
    expect(bot_messages(page).last).to_contain_text("已撤销，恢复为第1版")
    expect(page.locator("#preview")).to_contain_text("第1版")
    shot(page, shots, "05-undone")

    check_export(page, shots)
    send(page, "跳过", "（四）创新点")  # typed 跳过 skips (三)应用成效; the next part's first question follows
    check_refresh_restores(page, shots)
    log = app_server.log.read_text(errors="replace")
    assert "Traceback" not in log and "UserWarning" not in log, log[-3000:]


def watch_for_streaming(page: Page) -> None:
    """Record whether the chat ever showed the in-progress bubble (it is replaced within a second)."""
    page.evaluate("""() => {
        window.__sawBusy = false;
        const chat = document.querySelector('#chat');
        new MutationObserver(() => {
            const text = chat.innerText;
            if (text.includes('正在处理您的回答') || text.includes('正在起草')) window.__sawBusy = true;
        }).observe(chat, {subtree: true, childList: true, characterData: true});
    }""")


def check_export(page: Page, shots) -> None:
    download = fetch_file(page, "export.docx")  # one click in the toolbar
    assert download.suggested_filename == f"{CASE_NAME}.docx"
    path = shots / "application.docx"
    download.save_as(path)
    shot(page, shots, "06-exported")
    document = docx.Document(io.BytesIO(path.read_bytes()))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    body = "\n".join(p.text for p in document.paragraphs)
    assert any("典型案例简介" in h for h in headings)
    assert "（一）问题描述" in headings and "（二）解决方案" in headings
    assert CASE_NAME in body
    assert "4个窗口" in body and "1200万条" in body  # the applicant's own numbers made it into the file


def check_refresh_restores(page: Page, shots) -> None:
    sent = user_messages(page).count()
    page.reload()
    expect(page.locator("#app-select input")).to_have_value(f"{CASE_NAME}（交通运输）")
    expect(user_messages(page)).to_have_count(sent)  # every message sent is still there
    expect(page.locator('#rail [data-part="intro.solution"] .chip')).to_have_text("已起草")
    expect(page.locator("#preview")).to_contain_text("第1版")
    shot(page, shots, "07-after-refresh")
