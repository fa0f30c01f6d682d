"""Reload while a slow model drafts (issue 28): the reloaded page shows the running turn's progress, then its
result, without a second reload — from the server's state (``ui.turn_jobs``), not the browser's.

The realistic fake writes at about 25 characters a second, so a part takes a while. While it drafts,
发送 is disabled, the preview streams with the chat, and a second message sent with Enter is refused
with a message (its text stays in the box) instead of being silently dropped. Waits are on what the page
shows, never on timers. Screenshots: ``test-output/ui/test_reload_mid_draft_shows_progress_then_the_result/``.
"""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from .workspace_page import bot_messages, choose, send, shot, textbox

pytestmark = pytest.mark.browser

CASE = "交通运输领域——重新加载时的起草进度"
FIRST = "我们做铁水联运，货主一票货平均要跑4个窗口，涉及本地12家企业。"
FINISH = "涉及运单数据和结算数据，来自铁路、港口和船公司3类主体的系统。没有了，请直接起草"
SECOND = "补充：覆盖全市主要港区"
DRAFTING = "正在起草（已写"


def _fake(fake_model: str, behaviours: list[str], tps: float | None) -> None:
    root = fake_model.removesuffix("/v1")
    httpx.post(f"{root}/_fake/behaviours", json={"behaviours": behaviours, "tokens_per_second": tps}).raise_for_status()


def test_reload_mid_draft_shows_progress_then_the_result(page: Page, app_server, fake_model: str, shots: Path) -> None:
    base = app_server.url.rstrip("/")
    with httpx.Client(base_url=base, headers={"Origin": base}, timeout=60) as api:
        info = {"field": "交通运输", "case_name": CASE, "applicant": "重载测试公司"}
        created = api.post("/api/applications", json=info)
        assert created.status_code == 201, created.text
        app_id = created.json()["id"]
    page.goto(app_server.url)
    choose(page, "app-select", f"{CASE}（交通运输）")
    send(page, FIRST, "？")
    _fake(fake_model, ["realistic", "slow"], 25)
    try:
        textbox(page, "msg").fill(FINISH)
        page.locator("#send").click()
        expect(bot_messages(page).last).to_contain_text(DRAFTING, timeout=120_000)
        expect(page.locator("#send")).to_be_disabled()
        expect(page.locator("#busy-note")).to_contain_text("完成后才能发送下一条")
        shot(page, shots, "01-drafting")

        page.reload()  # mid-draft: the new page finds the turn on the server and follows it
        expect(page.locator("#app-select input")).to_have_value(f"{CASE}（交通运输）")
        expect(bot_messages(page).last).to_contain_text(DRAFTING, timeout=60_000)
        expect(page.locator("#send")).to_be_disabled()
        expect(page.locator("#preview")).to_contain_text("正在起草")  # the draft panel streams with the chat
        shot(page, shots, "02-after-reload-progress")

        # A second message while it drafts: refused with a message, its text kept, nothing sent.
        users_before = page.locator('#chat [data-testid="user"]').count()
        textbox(page, "msg").fill(SECOND)
        textbox(page, "msg").press("Enter")
        expect(page.locator(".toast-body").filter(has_text="上一条消息还在处理中").first).to_be_visible()
        expect(textbox(page, "msg")).to_have_value(SECOND)
        assert page.locator('#chat [data-testid="user"]').count() == users_before
        shot(page, shots, "03-second-message-refused")

        # The result arrives on this page, without another reload.
        expect(bot_messages(page).filter(has_text="已起草“（一）问题描述”").first).to_be_visible(timeout=600_000)
        expect(page.locator("#chat")).not_to_contain_text(DRAFTING)
        expect(page.locator("#send")).to_be_enabled()
        expect(page.locator("#preview")).to_contain_text("第1版")
        expect(page.locator('#rail [data-part="intro.problem"] .chip')).not_to_have_text("进行中")
        expect(textbox(page, "msg")).to_have_value(SECOND)  # still there, to send now
        shot(page, shots, "04-result-without-a-second-reload")
    finally:
        _fake(fake_model, ["realistic"], None)
    with httpx.Client(base_url=base, headers={"Origin": base}, timeout=60) as api:
        stored = api.get(f"/api/applications/{app_id}").json()
    problem = next(p for p in stored["parts"] if p["part_id"] == "intro.problem")
    assert problem["version"] == 1 and problem["text"]
    assert [m["content"] for m in stored["messages"] if m["role"] == "user"] == [FIRST, FINISH]  # SECOND not sent


def test_switching_application_mid_draft_never_shows_the_old_one_and_coming_back_finishes_it(
    page: Page, app_server, fake_model: str, shots: Path
) -> None:
    """Issue 28: "can the page show the wrong application?" It could: a turn's stream kept writing the old
    application's chat after another was opened, and its last update put the old one back in the selector.
    Now switching stops following; the old turn, with nobody watching, stops at the model's next chunk; its
    answer is stored and the part is drafted again when the applicant comes back to it."""
    base = app_server.url.rstrip("/")
    names = {"a": "交通运输领域——切换测试甲", "b": "交通运输领域——切换测试乙"}
    with httpx.Client(base_url=base, headers={"Origin": base}, timeout=60) as api:
        ids = {}
        for key, name in names.items():
            created = api.post("/api/applications", json={"field": "交通运输", "case_name": name})
            assert created.status_code == 201, created.text
            ids[key] = created.json()["id"]
        assert api.post(f"/api/applications/{ids['a']}/messages", json={"text": FIRST}).status_code == 200
    fake = httpx.Client(base_url=fake_model.removesuffix("/v1"), timeout=10)
    page.goto(app_server.url)
    choose(page, "app-select", f"{names['a']}（交通运输）")
    expect(page.locator("#chat")).to_contain_text(FIRST)
    _fake(fake_model, ["realistic", "slow"], 40)
    try:
        textbox(page, "msg").fill(FINISH)
        page.locator("#send").click()
        expect(bot_messages(page).last).to_contain_text(DRAFTING, timeout=120_000)
        choose(page, "app-select", f"{names['b']}（交通运输）")  # mid-draft, open the other application
        expect(page.locator("#chat")).not_to_contain_text(FINISH)
        expect(page.locator("#send")).to_be_enabled()  # B has no turn running
        # A's turn, followed by nobody, stops at the model's next chunk: the page still shows B, untouched.
        expect_streams_closed(fake)
        expect(page.locator("#app-select input")).to_have_value(f"{names['b']}（交通运输）")
        expect(page.locator("#chat")).not_to_contain_text(FINISH)
        expect(page.locator("#chat")).not_to_contain_text(DRAFTING)
        shot(page, shots, "01-switched-and-stayed")
        # Back to A: its answer was stored, and the cut-off draft is written again, with progress, on this page.
        choose(page, "app-select", f"{names['a']}（交通运输）")
        expect(page.locator("#chat")).to_contain_text(FINISH)
        expect(bot_messages(page).filter(has_text="已起草“（一）问题描述”").first).to_be_visible(timeout=600_000)
        expect(page.locator("#chat")).to_contain_text("上次起草")
        expect(page.locator("#send")).to_be_enabled()
        shot(page, shots, "02-back-and-finished")
    finally:
        _fake(fake_model, ["realistic"], None)
        fake.close()
    with httpx.Client(base_url=base, headers={"Origin": base}, timeout=60) as api:
        stored = api.get(f"/api/applications/{ids['a']}").json()
    assert next(p for p in stored["parts"] if p["part_id"] == "intro.problem")["version"] == 1
    assert stored["interrupted"] == []


def expect_streams_closed(fake: httpx.Client) -> None:
    """Wait (on the fake's state, not a timer) until no drafting stream is open any more."""
    for _ in range(600):
        if fake.get("/_fake/streams").json()["open"] == 0:
            return
        threading.Event().wait(0.1)
    raise AssertionError(f"a stream is still open: {fake.get('/_fake/streams').json()}")
