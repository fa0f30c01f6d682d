"""The UI's pure pieces without a browser: rendering, escaping, streaming, sessions."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading

import pytest

from assistant.auth.principal import Principal
from assistant.core.errors import AuthenticationError, InvalidInputError
from assistant.core.types import Issue
from assistant.core.workpool import WorkPool
from assistant.service.views import GroupView, PartView
from ui.render import (
    issues_markdown,
    mode_badge_html,
    part_row_html,
    preview_markdown,
    rail_html,
    short_title,
)
from ui.session import Sessions
from ui.staff import NOT_FOUND_TEXT, answer_html, result_rows
from ui.streaming import StreamedCall


def part(**kw) -> PartView:
    base = dict(
        part_id="intro.problem",
        group_id="intro",
        number="（一）",
        title="问题描述",
        status="已起草",
        words=120,
        budget=800,
        text="第一段。\n第二段<script>x</script>",
        version=2,
        source="model",
    )
    return PartView(**{**base, **kw})


def test_part_row_shows_status_and_count_and_flags_over_limit() -> None:
    html = part_row_html(part(words=900), selected=True)
    assert "已起草" in html and "900/800字" in html and "over" in html and "selected" in html
    assert "—/800字" in part_row_html(part(version=None, words=0, status="未开始"), selected=False)


def test_group_title_is_shortened_and_empty_rail_explains() -> None:
    assert short_title("“数据要素×”典型案例简介") == "案例简介"
    assert "新建申报" in rail_html(None)
    group = GroupView(id="intro", number="二", title="“数据要素×”典型案例简介", words=120, limit=5000)
    from ui.render import group_html

    assert "120/5000字" in group_html(group, [part()], None)


def test_preview_escapes_draft_text_and_keeps_paragraphs() -> None:
    md = preview_markdown(part())
    assert "<script>" not in md and "\\<script\\>" in md  # backslash-escaped: shown, never run
    assert "第一段。\n\n第二段" in md
    assert "第2版 · 120/800字" in md


def test_issues_are_listed_without_emoji() -> None:
    issue = Issue(part_id="intro.problem", kind="missing_element", message="缺少数据来源", severity="error")
    assert "【需处理】缺少数据来源" in issues_markdown(part(issues=[issue]))
    assert "没有发现问题" in issues_markdown(part())


def test_mode_badge_kind() -> None:
    assert "mode-offline" in mode_badge_html("离线模式：根据您的回答整理成文")
    assert "mode-model" in mode_badge_html("模型模式：deepseek-chat")


def test_answer_html_numbers_sources_and_says_not_found() -> None:
    grounded = {
        "answer": "截止时间为8月20日。[1]",
        "grounded": True,
        "citations": [
            {"source": "notice.txt", "title": "补充通知", "locator": "二、申报工作安排", "text": "<b>原文</b>"}
        ],
    }
    html = answer_html(grounded)
    assert '<details class="citation" data-citation="1">' in html and "[1]" in html
    assert "&lt;b&gt;原文&lt;/b&gt;" in html and "二、申报工作安排" in html
    missing = answer_html({"answer": NOT_FOUND_TEXT + "。已检索内置文件。", "grounded": False, "citations": []})
    assert f'<div class="qa-notfound">{NOT_FOUND_TEXT}</div>' in missing and "citation" not in missing


def test_result_rows_label_statuses() -> None:
    rows = result_rows(
        [
            {"filename": "a.md", "status": "duplicate", "chunks": 2, "message": ""},
            {"filename": "b.xlsx", "status": "error", "chunks": 0, "message": "类型不受支持"},
        ]
    )
    assert rows[0][1].startswith("重复") and rows[1][1] == "失败" and rows[1][3] == "类型不受支持"


def _collect(streamed: StreamedCall, on_each=None) -> list:
    async def run() -> list:
        seen = []
        async for update in streamed.stream():
            seen.append(update)
            if on_each is not None and update.text:
                on_each()
        return seen

    # A fresh loop in a thread of its own: a browser test earlier in the session (Playwright's sync API)
    # can leave a loop running in the main thread, and asyncio.run refuses to start inside one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as runner:
        return runner.submit(asyncio.run, run()).result()


def test_streamed_call_yields_growing_text_then_result() -> None:
    release = threading.Event()

    def call(on_delta):
        on_delta("第一")
        assert release.wait(10), "the first text was not shown while the call was still running"
        on_delta("第二")
        return "完成"

    streamed = StreamedCall(call, WorkPool("t", workers=1, per_user=1), interval=0.01)
    texts = [u.text for u in _collect(streamed, release.set) if u.text]
    assert texts[0] == "第一" and texts[-1] == "第一第二"
    assert streamed.result() == "完成"


def test_streamed_call_reraises_in_caller() -> None:
    def call(on_delta):
        raise InvalidInputError("消息不能为空。")

    streamed = StreamedCall(call, WorkPool("t", workers=1, per_user=1))
    assert [u.text for u in _collect(streamed) if u.text] == []
    with pytest.raises(InvalidInputError):
        streamed.result()


class FakeAccounts:
    def __init__(self, local: bool) -> None:
        self.local = local
        self.ended: list[str] = []

    def local_mode(self) -> bool:
        return self.local

    def principal_for_token(self, token):
        return Principal(id=3, username="li", role="applicant") if token == "good" else None

    def end_session(self, token) -> None:
        self.ended.append(token)


def _request(token: str | None) -> object:
    from types import SimpleNamespace

    from assistant.auth.web import SESSION_COOKIE

    return SimpleNamespace(cookies={SESSION_COOKIE: token} if token else {}, headers={})


def test_sessions_resolve_per_event_from_the_cookie() -> None:
    assert Sessions(FakeAccounts(local=True)).principal(None).local
    sessions = Sessions(FakeAccounts(local=False))
    assert sessions.principal(_request("good")).username == "li"
    with pytest.raises(AuthenticationError):
        sessions.principal(_request("expired"))
    assert sessions.try_principal(_request(None)) is None
    assert sessions.try_principal(None) is None


def test_download_link_points_at_the_authenticated_route() -> None:
    from ui.render import download_link_html

    html = download_link_html(7, "交通运输领域——<b>x</b>.docx")
    assert 'href="api/applications/7/export.docx"' in html
    assert "<b>" not in html and "&lt;b&gt;" in html
