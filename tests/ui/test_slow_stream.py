"""A slow local model completes a part in the browser, with growing progress, and the stored draft is the
preview the applicant watched: the cleaned text, with what the guarantees remove held back while streaming.

The fake runs at a nominal 10 tokens/s for the whole turn (it waits 0.1-0.2 s before each token of 1-2
characters, about 10 characters a second, like CPU llama.cpp or a small Ollama box), with its realistic
behaviours: a think block, a preamble, Markdown, an invented figure and pasted passages, which are never
shown. The turn takes one to two minutes."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.ui.workspace_page import bot_messages, choose, send, shot, textbox

pytestmark = pytest.mark.browser
CASE = "交通运输领域——慢速模型流式起草"
INVENTED = "47.3%"  # the realistic fake's invented figure


def _fake(fake_model: str, behaviours: list[str], tps: float | None) -> None:
    root = fake_model.removesuffix("/v1")
    httpx.post(f"{root}/_fake/behaviours", json={"behaviours": behaviours, "tokens_per_second": tps}).raise_for_status()


def _record_progress(page: Page) -> None:
    page.evaluate("""() => {
        window.__progress = []; window.__seconds = []; window.__last = null; window.__ever = '';
        const chat = document.querySelector('#chat');
        new MutationObserver(() => {
            const bubbles = chat.querySelectorAll('[data-testid="bot"]');
            const text = bubbles.length ? bubbles[bubbles.length - 1].innerText : '';
            const m = text.match(/正在起草（已写(\\d+)字，用时(\\d+)秒）……\\s*([\\s\\S]*)/);
            if (m) {
                window.__progress.push(Number(m[1])); window.__seconds.push(Number(m[2]));
                window.__last = m[3]; window.__ever += m[3];
            }
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
    _fake(fake_model, ["realistic", "slow"], 10)
    try:
        _record_progress(page)
        textbox(page, "msg").fill("涉及运单数据和结算数据，来自铁路、港口和船公司3类主体的系统。没有了，请直接起草")
        started = time.monotonic()
        page.locator("#send").click()
        # Well into the stream (many updates after the one that disabled them), 发送 and 跳过 are still disabled:
        # the updates in between repeat the buttons' labels as values, which must not enable them again.
        expect(bot_messages(page).last).to_contain_text(re.compile(r"用时(1\d|[2-9]\d)秒"), timeout=120_000)
        expect(page.locator("#send")).to_be_disabled()
        expect(page.locator("#skip")).to_be_disabled()
        expect(bot_messages(page).last).to_contain_text("已起草", timeout=600_000)
        took = time.monotonic() - started
    finally:
        _fake(fake_model, ["realistic"], None)
    shot(page, shots, "01-slow-draft-done")
    progress, seconds = page.evaluate("window.__progress"), page.evaluate("window.__seconds")
    assert took > 20, took  # it really was slow
    # Sentence by sentence (a sentence is shown once it is finished and checked), and the clock ticks in between:
    # the page never sits still for more than a few seconds while the model writes text that is held back.
    restarts = [i for i in range(1, len(progress)) if progress[i] < progress[i - 1]]
    first = progress[: restarts[0] if restarts else len(progress)]
    assert len(set(first)) >= 4 and first == sorted(first), progress
    ticks = sorted(set(seconds))
    assert ticks[-1] >= 20 and max(b - a for a, b in zip(ticks, ticks[1:], strict=False)) <= 5, ticks
    stored = api.get(f"/api/applications/{app_id}").json()
    problem = next(p for p in stored["parts"] if p["part_id"] == "intro.problem")
    assert problem["text"] and problem["words"] <= problem["budget"]
    # The preview the turn ended on is the stored draft (whitespace aside: the chat renders line breaks).
    last = page.evaluate("window.__last")
    assert last is not None and _plain(last) == _plain(problem["text"]), (last, problem["text"])
    # The fake's invented figure was held back, never on screen, and reported with the stored version.
    (head,) = [v for v in api.get(f"/api/applications/{app_id}/parts/intro.problem/versions").json() if v["is_head"]]
    assert any(INVENTED in i["message"] for i in head["issues"] if i["kind"] == "number_removed"), head["issues"]
    assert INVENTED not in page.evaluate("window.__ever")


def _plain(text: str) -> str:
    return "".join(text.split())
