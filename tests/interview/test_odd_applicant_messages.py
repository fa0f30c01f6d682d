"""Odd applicant messages through the whole chat turn must not break the application.

Why this exists: applicants paste and type anything — empty-looking text, lone surrogates, NUL and
control characters, zero-width and right-to-left marks, emoji, regex metacharacters, HTML, markdown,
huge Chinese numerals, impossible dates, revision commands with empty or unclosed quotes, ordinals
that do not exist (第0句, 第99句, 第七部分) and revisions before anything is drafted. Each is sent
through ``Service.send_message`` (offline reader and drafter, real SQLite store) in three states:
nothing drafted, a part drafted from real answers, and a part skipped (only its 【待补充】 marker
drafted). A turn may refuse with a ``UserFacingError``; anything else is a bug. After the turn the
reply must be non-empty, the stored parts must hold no NUL or surrogate and no half-cut 【待补充】
marker (unless the applicant typed a bracket), and the application must still export.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document

from assistant.auth.principal import Principal
from assistant.core.errors import UserFacingError
from assistant.core.settings import Settings
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.forms.application import ApplicationInfo
from assistant.service.service import Service
from assistant.store.sql import Store

ALICE = Principal(id=1, username="alice", role="applicant")
PROBLEM = "县里小微企业贷款难，银行不了解企业。全县有3800家小微企业，审批要三周。"
BAD_CHARS = re.compile("[\x00\ud800-\udfff]")

ODD_MESSAGES = [
    "。",
    "！！！",
    "“”",
    ".*+?[](){}|\\^$",
    "\\g<0>",
    "\ud800",
    "abc\udcff",
    "a\x00b",
    "\x01\x02\x03\x7f",
    "\x1b[31mred\x1b[0m",
    "\ufffe",
    "\u200b",
    "\u202e删掉第一句",
    "第\u200b一句删掉",
    "ＡＢＣ１２３，全角 half 混合",
    "😀" * 50,
    "数据来自😀平台，服务３８００户。",
    "数" * 10000,
    "数据来自区气象局\n" * 800,
    "一" + "万" * 80 + "个",
    "9" * 5000 + "家企业",
    "2024年13月45日上线",
    "<script>alert(1)</script>",
    "# 标题\n\n- 列表\n\n```python\nprint(1)\n```",
    "上面说过了",
    "上面说过了，就是分类分级、加密这些",
    "第一句删掉",
    "删掉第99句",
    "删掉第0句",
    "删掉第0段",
    "改成",
    "把“”改成“”",
    "把“abc改成",
    "把“.*”改成“$1”",
    "删掉“”",
    "更简洁",
    "精简到0字",
    "补充：",
    "在第99点补充：数据来自区气象局",
    "把第0点放到第0点",
    "第七部分",
    "第0部分",
    "回到第七部分",
    "回到宣传推广材料",
    "【待补充：问题描述】",
    "，".join(["x"] * 3000),
]
STATES = ["fresh", "drafted", "skipped"]


@pytest.fixture()
def service(tmp_path: Path) -> Service:
    settings = Settings(data_dir=tmp_path, _env_file=None)
    return Service(settings, Store.open(settings.sqlite_path), OfflineDrafter())


def _application(service: Service, state: str) -> int:
    info = ApplicationInfo(
        applicant="重庆示例物流科技有限公司", case_name="交通运输领域——物流数据平台", field="交通运输"
    )
    app_id = service.create_application(ALICE, info).id
    if state == "drafted":  # 问题描述 drafted from real answers; the interview stands on 解决方案
        service.send_message(ALICE, app_id, PROBLEM)
        service.send_message(ALICE, app_id, "没有了，请直接起草")
    elif state == "skipped":  # 问题描述 drafted as its 【待补充】 marker alone
        service.send_message(ALICE, app_id, "跳过")
    return app_id


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("text", ODD_MESSAGES, ids=lambda t: ascii(t)[1:-1][:40])
def test_odd_message_is_answered_or_refused_and_the_application_survives(
    service: Service, state: str, text: str
) -> None:
    app_id = _application(service, state)
    try:
        turn = service.send_message(ALICE, app_id, text)
    except UserFacingError as exc:
        assert exc.message.strip()
    else:
        assert turn.reply.strip()
        assert not BAD_CHARS.search(turn.reply)

    view = service.get_application(ALICE, app_id)
    typed_bracket = "【" in text or "】" in text
    for part in view.parts:
        stored = part.text or ""
        assert not BAD_CHARS.search(stored), part.part_id
        if not typed_bracket:
            assert stored.count("【") == stored.count("】"), (part.part_id, stored[:120])

    _, markdown = service.export_markdown(ALICE, app_id)
    assert not BAD_CHARS.search(markdown)
    _, data = service.export_docx(ALICE, app_id)
    assert Document(io.BytesIO(data)).paragraphs
