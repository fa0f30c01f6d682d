"""Page helpers for the browser tests: find components by elem_id, wait for turns to finish.

Waiting is on what the user would see (a new reply, a count in the rail), never on
fixed sleeps, so the tests are as fast as the server and robust when it is slow.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Download, Locator, Page, expect

BUSY_TEXTS = ("正在处理您的回答", "正在起草（已写")


def textbox(page: Page, elem_id: str) -> Locator:
    """Gradio renders a Textbox as <textarea> (or <input> for passwords)."""
    return page.locator(f"#{elem_id}").locator("textarea, input").first


def choose(page: Page, elem_id: str, option: str) -> None:
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=option, exact=True).click()


def bot_messages(page: Page) -> Locator:
    return page.locator('#chat [data-testid="bot"]')


def user_messages(page: Page) -> Locator:
    return page.locator('#chat [data-testid="user"]')


def wait_idle(page: Page) -> None:
    for text in BUSY_TEXTS:
        expect(page.locator("#chat")).not_to_contain_text(text)


def send(page: Page, text: str, reply_contains: str) -> None:
    """Type a message, send it, wait for the stored reply (the streamed placeholder gone).

    The reply is the first bot message after the user's; a review note with the draft's
    错误 may follow it (see ``ui.workspace``).
    """
    before = user_messages(page).count()
    bots = bot_messages(page).count()
    textbox(page, "msg").fill(text)
    page.locator("#send").click()
    expect(user_messages(page)).to_have_count(before + 1)
    expect(bot_messages(page).nth(bots)).to_contain_text(reply_contains)
    wait_idle(page)


def part_count(page: Page, part_id: str) -> tuple[int, int]:
    """(words, budget) shown in the progress rail for a drafted part."""
    locator = page.locator(f'#rail [data-testid="part-count-{part_id}"]')
    expect(locator).to_have_text(re.compile(r"^\d+/\d+字$"))
    words, budget = re.fullmatch(r"(\d+)/(\d+)字", locator.inner_text().strip()).groups()
    return int(words), int(budget)


def shot(page: Page, directory: Path, name: str) -> Path:
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()


def log_in(page: Page, username: str, password: str) -> None:
    textbox(page, "login-username").fill(username)
    textbox(page, "login-password").fill(password)
    page.locator("#login-button").click()
    expect(page.locator("#user-line")).to_contain_text(username)


def create_application(page: Page, field: str, case_name: str, applicant: str) -> None:
    """Create an application from 新建申报 (opening it first if the list is not empty)."""
    expect(page.locator("#rail")).to_contain_text(re.compile("还没有打开申报书|案例简介"))  # the page has loaded
    if not page.locator("#new-field").is_visible():
        page.locator("#new-app").get_by_text("新建申报").click()
    choose(page, "new-field", field)
    expect(textbox(page, "new-case-name")).to_have_value(f"{field}领域——")
    textbox(page, "new-case-name").fill(case_name)
    textbox(page, "new-applicant").fill(applicant)
    page.locator("#create-app").click()
    expect(page.locator("#app-select input")).to_have_value(f"{case_name}（{field}）")


def download(page: Page, suffix: str) -> Download:
    """One click on a file of the toolbar (Word ``export.docx``, ``export.pdf``, ``promo.docx``, ``package.zip``)."""
    link = page.locator(f'#downloads [data-testid="dl-{suffix}"]')
    expect(link).to_be_visible()
    with page.expect_download() as info:
        link.click()
    return info.value
