"""What an applicant types into the 申报信息表 is not overwritten by a refill of the forms that arrives late.

A page load opens the newest application and fills the forms; picking that same application in the selector
opened it again, and the second refill landed whenever the queue ran it, over what had been typed meanwhile
(seen in full runs as the address typed into the 申报信息表 emptied). Here the browser holds the second refill
back until the address is typed, so the late arrival happens every time, not once in many runs. The browser
watches the queue from before the page loads (the refill events are read from the server's /config), and the
application is picked again only after the page load's refill went through, so which refill is held does not
depend on the machine's speed (CI once saw the load's refill pass before the watch began)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, expect

from .workspace_page import choose, textbox

pytestmark = pytest.mark.browser

CASE = "交通运输领域——迟到的表单刷新"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    context.set_default_timeout(30_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def refill_events(config: dict) -> set[int]:
    """The events that fill both forms: their outputs hold the 信息表's address and the 多媒体材料's checklist."""
    ids = {c["props"].get("elem_id"): c["id"] for c in config["components"]}
    wanted = {ids["info-address"], ids["media-prepared"]}
    return {d["id"] for d in config["dependencies"] if wanted <= set(d.get("outputs", []))}


def wait_until(page: Page, done: Callable[[], bool], what: str) -> None:
    for _ in range(300):
        if done():
            return
        page.wait_for_timeout(100)
    raise AssertionError(what)


def test_a_late_refill_of_the_same_application_keeps_what_was_typed(page: Page, offline_server) -> None:
    base = offline_server.url.rstrip("/")
    with httpx.Client(base_url=base, headers={"Origin": base}, timeout=60) as api:
        info = {"field": "交通运输", "case_name": CASE, "applicant": "迟到测试公司"}
        created = api.post("/api/applications", json=info)
        assert created.status_code == 201, created.text
        refills = refill_events(api.get("/config").json())  # known before the page loads: no refill is missed
    assert refills, "no event fills both forms"
    held: list[Route] = []
    seen = {"refills": 0}

    def hold_the_second_refill(route: Route) -> None:
        body = json.loads(route.request.post_data or "{}")
        if body.get("fn_index") in refills:
            seen["refills"] += 1
            if seen["refills"] == 2:
                held.append(route)
                return
        route.continue_()

    page.route(re.compile(r".*/queue/join.*"), hold_the_second_refill)
    page.goto(offline_server.url)
    address = textbox(page, "info-address")
    expect(page.locator("#app-select input")).to_have_value(f"{CASE}（交通运输）")  # the page load opened it
    wait_until(page, lambda: seen["refills"] >= 1, "the page load's refill was never sent")
    page.get_by_role("tab", name="申报信息表", exact=True).click()
    expect(textbox(page, "info-case_name")).to_have_value(CASE)  # ... and it filled the forms
    choose(page, "app-select", f"{CASE}（交通运输）")  # then the applicant picks the same application again
    wait_until(page, lambda: bool(held), f"the second refill was never sent (refills seen: {seen['refills']})")
    page.get_by_role("tab", name="申报信息表", exact=True).click()
    address.fill("重庆市渝北区示例路1号")
    address.press("Tab")
    held[0].continue_()
    page.wait_for_timeout(2_000)  # the late refill arrives and is handled
    expect(address).to_have_value("重庆市渝北区示例路1号")
