"""A slow local model completes a part in the browser, with growing progress, and the stored draft shows
nothing the applicant did not watch stream in (the cleaned text; the guarantees may only remove)."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.ui.workspace_page import bot_messages, choose, send, shot, textbox

pytestmark = pytest.mark.browser
CASE = "交通运输领域——慢速模型流式起草"


def _fake(fake_model: str, behaviours: list[str], tps: float | None) -> None:
    root = fake_model.removesuffix("/v1")
    httpx.post(f"{root}/_fake/behaviours", json={"behaviours": behaviours, "tokens_per_second": tps}).raise_for_status()


def _record_progress(page: Page) -> None:
    page.evaluate("""() => {
        window.__progress = []; window.__seen = '';
        const chat = document.querySelector('#chat');
        new MutationObserver(() => {
            const bubbles = chat.querySelectorAll('[data-testid="bot"]');
            const text = bubbles.length ? bubbles[bubbles.length - 1].innerText : '';
            const m = text.match(/正在起草（已写(\\d+)字）……\\s*([\\s\\S]*)/);
            if (m) { window.__progress.push(Number(m[1])); window.__seen += '\\n' + m[2]; }
        }).observe(chat, {subtree: true, childList: true, characterData: true});
    }""")


def test_slow_model_streams_with_growing_progress_and_stores_what_was_shown(
    page: Page, app_server, fake_model: str, shots
) -> None:
    api = httpx.Client(base_url=app_server.url.rstrip("/"), headers={"Origin": app_server.url.rstrip("/")})
    created = api.post("/api/applications", json={"field": "交通运输", "case_name": CASE, "applicant": "慢速测试公司"})
    assert created.status_code == 201, created.text
    app_id = created.json()["id"]
    page.goto(app_server.url)
    choose(page, "app-select", f"{CASE}（交通运输）")
    expect(bot_messages(page).first).to_contain_text("您好")
    send(page, "我们做铁水联运，货主一票货平均要跑4个窗口。", "？")
    # 40 "tokens"/s of 1-2 characters: slow enough to watch (each call of the turn takes ~10-20 s), fast
    # enough for CI; at 10 tokens/s the same turn takes a few minutes and completes the same way.
    _fake(fake_model, ["plain", "slow"], 40)
    try:
        _record_progress(page)
        textbox(page, "msg").fill("涉及运单数据和结算数据，来自铁路、港口和船公司3类主体的系统。没有了，请直接起草")
        page.locator("#send").click()
        # Watch the slow first call grow, then let the rest of the turn (repair, condensing) run at full speed.
        page.wait_for_function(
            "window.__progress.length >= 5 && Math.max(...window.__progress) >= 120", timeout=180_000
        )
        _fake(fake_model, ["plain"], None)
        expect(bot_messages(page).last).to_contain_text("已起草", timeout=180_000)
    finally:
        _fake(fake_model, ["realistic"], None)
    shot(page, shots, "01-slow-draft-done")
    progress = page.evaluate("window.__progress")
    first = progress[: next((i for i in range(1, len(progress)) if progress[i] < progress[i - 1]), len(progress))]
    assert len(set(first)) >= 3 and first == sorted(first), progress  # grows while the slow model writes
    stored = api.get(f"/api/applications/{app_id}").json()
    problem = next(p for p in stored["parts"] if p["part_id"] == "intro.problem")
    assert problem["text"] and problem["words"] <= problem["budget"]
    # Every sentence of the stored draft was on screen while the turn streamed (a later rewrite restarts the
    # preview, see STREAM_RESTART); what the guarantees then removed is reported in the part's issues.
    seen = _sentences(page.evaluate("window.__seen"))
    assert all(sentence in seen for sentence in _sentences(problem["text"])), (problem["text"], seen)


def _sentences(text: str) -> list[str]:
    import re

    return [s.strip() for s in re.split(r"(?<=[。！？])", "".join(text.split())) if s.strip()]
