"""One interview in a real browser with the messages the last round misread, offline and with the realistic fake.

A restatement after a question, a question to the assistant mid-interview, "第一句删掉", a remark: each is
understood (the reply says what happened), and the exported .docx holds none of the conversation.
"""

from __future__ import annotations

import io

import docx
import pytest
from playwright.sync_api import Page, expect

from .workspace_page import bot_messages, create_application, download, send, shot

SOLUTION = (
    "我们建了物流数据平台，数据来自市交通运输委和12家物流企业，通过接口实时推送到平台。"
    "安全方面采用分类分级、加密、分级授权、操作留痕、网络隔离等措施。"
)
SOURCES = "数据来自市交通运输委的货运平台和12家物流企业的运单系统，都签了数据共享协议。"
CONVERSATION = ("上面说过了", "这些。", "写多少字", "删掉", "辛苦了", "我们继续")

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("server_name", ["offline_server", "app_server"])
def test_a_whole_interview_is_understood_and_the_export_holds_no_conversation(
    page: Page, server_name: str, request: pytest.FixtureRequest, shots
) -> None:
    server = request.getfixturevalue(server_name)
    page.goto(server.url)
    create_application(page, "交通运输", f"交通运输领域——物流数据平台{server_name}", "重庆示例物流科技有限公司")
    send(page, "回到解决方案", "（二）解决方案")
    send(page, SOLUTION, "已起草")
    send(page, "回到安全合规", "（五）安全合规")
    send(page, SOURCES, "安全治理措施")
    send(page, "上面说过了，就是分类分级、加密、分级授权、操作留痕、网络隔离这些。", "已起草“（五）安全合规”")
    send(page, "这部分写多少字合适？", "我们继续")
    expect(bot_messages(page).last).to_contain_text("建议约800字")
    send(page, "第一句删掉", "已修改")
    expect(bot_messages(page).last).to_contain_text("删去")
    send(page, "好的，辛苦了", "我们继续")
    shot(page, shots, f"interview-{server_name}")

    path = shots / f"application-{server_name}.docx"
    download(page, "export.docx").save_as(path)
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs)
    assert "分类分级" in body and "12家" in body
    leaked = [phrase for phrase in CONVERSATION if phrase in body]
    assert not leaked, leaked
    log = server.log.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
