"""The UI's pure pieces without a browser: rendering, escaping, streaming, sessions."""

from __future__ import annotations

import asyncio
import tempfile
import threading
from pathlib import Path

import pytest

from assistant.auth.principal import Principal
from assistant.core.cancel import check_cancelled
from assistant.core.errors import AuthenticationError
from assistant.core.types import Issue
from assistant.core.workpool import WorkPool
from assistant.llm.chat import STREAM_RESTART
from assistant.service.views import GroupView, PartView
from ui.render import (
    downloads_html,
    header_html,
    issues_markdown,
    mode_badge_html,
    part_choices,
    part_row_html,
    preview_markdown,
    rail_html,
    short_title,
    streaming_markdown,
    user_line_html,
)
from ui.session import Sessions
from ui.staff import NOT_FOUND_TEXT, answer_html, history_html, result_rows
from ui.turn_jobs import TurnInProgress, TurnJobs


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


def _jobs_run(scenario) -> None:
    """Run an async scenario with a small real model-work pool (no browser, no server), in a thread of its own:
    the browser tests' Playwright keeps an event loop running in this one."""
    failures: list[BaseException] = []

    async def main() -> None:
        pool = WorkPool("test-turns", workers=2)
        try:
            await scenario(pool)
        finally:
            pool.shutdown()

    def run() -> None:
        try:
            asyncio.run(main())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            failures.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the scenario did not finish"
    if failures:
        raise failures[0]


def test_a_turn_job_streams_to_its_follower_and_a_second_message_is_refused() -> None:
    release = threading.Event()

    def call(on_delta):
        on_delta(STREAM_RESTART)
        on_delta("第一句。")
        release.wait(5)
        on_delta("第二句。")
        return "完成"

    async def scenario(pool: WorkPool) -> None:
        jobs = TurnJobs(pool)
        job = jobs.start(7, "我的回答", call, user=None, locate=lambda: "intro.problem")
        with pytest.raises(TurnInProgress, match="上一条消息还在处理中"):
            jobs.start(7, "又一条", call, user=None)
        seen = []
        async for progress in jobs.follow(job, interval=0.01, heartbeat=0.2):
            seen.append(progress)
            if progress.text == "第一句。":
                release.set()
        assert seen[-1].done and job.result == "完成" and jobs.running(7) is None
        assert any(p.text == "第一句。" and p.part_id == "intro.problem" for p in seen)
        assert seen[-1].text == "第一句。第二句。"

    _jobs_run(scenario)


def test_a_reloaded_page_finds_the_job_and_an_abandoned_one_is_cancelled() -> None:
    release = threading.Event()

    def slow(on_delta):
        on_delta("写到一半")
        for _ in range(500):  # like the model client: stop at the next chunk once cancelled
            if release.wait(0.01):
                return "完成"
            check_cancelled()
        return "超时"

    async def scenario(pool: WorkPool) -> None:
        jobs = TurnJobs(pool, reattach_seconds=30)
        job = jobs.start(1, "回答", slow, user=None)
        first = jobs.follow(job, interval=0.01, heartbeat=0.1)
        assert (await anext(first)).done is False
        await first.aclose()  # the page reloads: its event is closed
        assert jobs.running(1) is job  # the new page finds the same job, still running
        release.set()
        outcome = [p async for p in jobs.follow(job, interval=0.01, heartbeat=0.1)]
        assert outcome[-1].done and job.result == "完成" and not job.token.cancelled

        quick = TurnJobs(pool, reattach_seconds=0.05)
        release.clear()
        abandoned = quick.start(2, "回答", slow, user=None)
        follower = quick.follow(abandoned, interval=0.01, heartbeat=0.1)
        await anext(follower)
        await follower.aclose()  # the page closed and nobody came back
        while not abandoned.done:
            await asyncio.sleep(0.01)
        assert abandoned.token.cancelled and abandoned.result is None

    _jobs_run(scenario)


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


def test_downloads_are_links_to_the_authenticated_routes_one_click_each() -> None:
    html = downloads_html(7)
    for suffix in ("export.docx", "export.pdf", "promo.docx", "package.zip"):
        assert f'href="api/applications/7/{suffix}" download' in html
    assert "href" not in downloads_html(None)


def test_part_choices_name_their_group_and_the_rail_shows_the_templates_limit() -> None:
    from assistant.auth.principal import local_principal
    from assistant.core.settings import Settings
    from assistant.drafting.offline.drafter import OfflineDrafter
    from assistant.forms.application import ApplicationInfo
    from assistant.service.service import Service
    from assistant.store.sql import Store

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), embedder="hash")
        service = Service(settings, Store.open(settings.sqlite_path), OfflineDrafter())
        view = service.create_application(local_principal(), ApplicationInfo(field="交通运输"))
        labels = [label for label, _ in part_choices(view)]
        assert "案例简介 · （一）问题描述 · 进行中" in labels and "案例宣传推广材料 · （一）案例描述 · 未开始" in labels
        service.store.add_version(view.id, "intro.problem", "本案例覆盖12家企业。", 10, 298, "offline", "draft", {})
        view = service.get_application(local_principal(), view.id)
        rail = rail_html(view, "intro.problem")
        assert 'data-testid="part-count-intro.problem">10/800字' in rail  # the template's 800, not the 298 budget
        assert '<button type="button" class="rail-part' in rail and 'data-part="intro.problem"' in rail


def test_header_keeps_the_mode_short_and_escapes_the_user() -> None:
    user = user_line_html("<b>x</b>", "applicant", False)
    html = header_html("数据要素× 案例申报助手", "离线模式：根据您的回答整理成文", user)
    assert '<span class="mode-detail">：根据您的回答整理成文</span>' in html and "离线模式" in html
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;（申报单位）" in html


def test_streaming_preview_and_qa_history_are_inert_text() -> None:
    md = streaming_markdown(part(), "<img src=x>平台", 3)
    assert "\\<img src\\=x\\>" in md and "正在起草 · 已写" in md  # backslash-escaped: shown, never an image
    entries = [{"question": "<b>第二问</b>", "answer": "<div>答</div>"}, {"question": "第一问", "answer": ""}]
    html = history_html(entries)
    assert html.index("第二问") < html.index("第一问") and "<b>第二问" not in html and 'data-entry="2"' in html
