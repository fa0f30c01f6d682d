"""The 申报信息表, the 多媒体材料 and the 审阅 panel in a real browser, then the exported Word file.

Runs on the shared local-mode server (model mode with the fake model). The file sorts
after ``test_applicant_flow.py``, which expects an empty application list.
Screenshots land in ``test-output/ui/<test name>/``.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocumentObject
from docx.table import Table
from docx.text.paragraph import Paragraph
from playwright.sync_api import Page, expect

from .workspace_page import create_application, download, open_tab, send, shot, textbox

pytestmark = pytest.mark.browser

CASE_NAME = "交通运输领域——港口集装箱数据协同平台"
ANSWERS = [
    "我们解决港口集装箱提箱排队的问题，涉及本地26家车队和3个码头，过去平均每车排队4小时。",
    "使用码头作业数据和车队调度数据，来源于港口公司和车队平台，通过数据共享协议获取；"
    "平台上线后平均排队时间缩短到1.5小时，是本市首个港口集卡预约数据平台。",
]
OWN_SENTENCE = "平台上线后平均排队时间缩短到1.5小时，是本市首个港口集卡预约数据平台。"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def create(page: Page) -> None:
    create_application(page, "交通运输", CASE_NAME, "重庆港务数据科技有限公司")
    open_tab(page, "申报信息表")  # a tab of its own since issue 28 (it was the first sub-tab, shown under the chat)
    expect(textbox(page, "info-case_name")).to_have_value(CASE_NAME)  # the form follows the open application
    open_tab(page, "我的申报")


def warning(page: Page, text: str) -> None:
    expect(page.locator(".toast-body").filter(has_text=text).first).to_be_visible()


def fill_info(page: Page, shots: Path) -> None:
    open_tab(page, "申报信息表")
    expect(textbox(page, "info-applicant")).to_have_value("重庆港务数据科技有限公司")
    expect(page.locator("#info-status")).to_contain_text("待补充")
    textbox(page, "info-co_applicants").fill("重庆某码头有限公司\n重庆某车队联盟")
    textbox(page, "info-leader-name").fill("王示例")
    textbox(page, "info-leader-title").fill("信息中心 主任")
    textbox(page, "info-leader-phone").fill("1380000")
    textbox(page, "info-contact-name").fill("李演示")
    textbox(page, "info-contact-title").fill("数据部 经理")
    textbox(page, "info-contact-phone").fill("023-60000002")
    textbox(page, "info-address").fill("重庆市两江新区示例路1号")
    textbox(page, "info-date").fill("2024-08-15")
    page.locator("#info-save").click()
    warning(page, "负责人联系方式")  # the phone check, in Chinese
    shot(page, shots, "02-phone-rejected")
    textbox(page, "info-leader-phone").fill("13800000001")

    page.locator("#info-reason-suggest").click()  # only the applicant's own sentences
    expect(textbox(page, "info-reason")).to_have_value(OWN_SENTENCE)
    expect(page.locator('[data-testid="reason-count"]')).to_have_text("34/2000字")
    textbox(page, "info-reason").fill(OWN_SENTENCE.removesuffix("。") + "，可在其他港口复制推广。")
    expect(page.locator('[data-testid="reason-count"]')).to_have_text("45/2000字")
    page.locator("#info-save").click()
    expect(page.locator("#info-status")).to_contain_text("申报信息表已填写完整")
    expect(page.locator("#rail")).not_to_contain_text("申报信息表：还有")
    shot(page, shots, "03-info-saved")


def fill_media(page: Page, shots: Path, tmp_path: Path) -> None:
    open_tab(page, "多媒体材料")
    expect(page.locator("#media-status")).to_contain_text("待补充")
    expect(page.get_by_text("时长5分钟左右").first).to_be_visible()
    png = tmp_path / "流向图.png"
    png.write_bytes(PNG)
    page.locator("#media-image-1-file input[type=file]").set_input_files(str(png))
    warning(page, "通知要求图片为 JPG 格式")
    expect(textbox(page, "media-image-1")).to_have_value("")
    shot(page, shots, "04-png-refused")
    for index in range(1, 5):
        jpg = tmp_path / f"图{index}.jpg"
        jpg.write_bytes(JPEG)
        page.locator(f"#media-image-{index}-file input[type=file]").set_input_files(str(jpg))
        expect(textbox(page, f"media-image-{index}")).to_have_value(f"图{index}.jpg")
    textbox(page, "media-image-5").fill("现场照片.jpg")  # or just the file name
    video = tmp_path / "案例介绍.mp4"
    video.write_bytes(MP4)
    page.locator("#media-video-file input[type=file]").set_input_files(str(video))
    expect(textbox(page, "media-video")).to_have_value("案例介绍.mp4")
    page.locator("#media-prepared").get_by_label("申报单位营业执照或组织机构代码证复印件").check()
    page.locator("#media-save").click()
    expect(page.locator("#media-status")).to_contain_text("多媒体材料已全部登记")
    shot(page, shots, "05-media-saved")


def check_review(page: Page, shots: Path) -> None:
    open_tab(page, "审阅")
    panel = page.locator("#review-panel")
    expect(panel.locator('[data-testid="review-counts"]')).to_contain_text("错误")
    expect(panel.locator('[data-severity="错误"]')).to_contain_text("案例简介 （二）解决方案")  # not drafted yet
    expect(panel.locator('tr[data-item="license_copy"]')).to_contain_text("已具备")
    expect(panel.locator('tr[data-item="video"]')).to_contain_text("已具备")
    expect(panel.locator(".alignment-item").first).to_be_visible()
    expect(panel.locator(".alignment .citation summary").first).to_contain_text("出处")
    shot(page, shots, "06-review-panel")
    with page.expect_download() as info:
        page.locator('#review-links [data-testid="dl-review.docx"]').click()
    path = shots / "review.docx"
    info.value.save_as(path)
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "审阅报告" in text and "材料清单" in text


def blocks_between(document: DocumentObject, start: str, end: str) -> list[str]:
    """Text of paragraphs and table cells from the heading starting ``start`` to the one starting ``end``."""
    texts: list[str] = []
    inside = False
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            paragraph = Paragraph(child, document)
            if paragraph.style.name.startswith("Heading") and paragraph.text.startswith(start):
                inside = True
            elif paragraph.style.name.startswith("Heading") and paragraph.text.startswith(end):
                inside = False
            if inside:
                texts.append(paragraph.text)
        elif child.tag.endswith("}tbl") and inside:
            texts += [cell.text for row in Table(child, document).rows for cell in row.cells]
    return texts


def check_export(page: Page, shots: Path) -> None:
    path = shots / "application.docx"
    download(page, "export.docx").save_as(path)
    document = docx.Document(io.BytesIO(path.read_bytes()))
    info_table = blocks_between(document, "一、", "二、")
    media = blocks_between(document, "四、", "五、")
    assert info_table and media
    assert not [t for t in info_table + media if "【待补充" in t], (info_table, media)
    joined = "\n".join(info_table)
    assert "重庆某码头有限公司" in joined and "13800000001" in joined and "重庆市两江新区示例路1号" in joined
    assert "可在其他港口复制推广" in joined
    assert "案例介绍.mp4" in "\n".join(media) and "图1.jpg" in "\n".join(media)
    assert "2024年8月15日" in "\n".join(p.text for p in document.paragraphs)  # the cover date


def test_info_media_review_and_export(page: Page, app_server, shots, tmp_path: Path) -> None:
    page.goto(app_server.url)
    create(page)
    shot(page, shots, "01-created")
    send(page, ANSWERS[0], "？")
    send(page, ANSWERS[1], "已起草")
    fill_info(page, shots)
    page.reload()  # everything is restored from storage
    open_tab(page, "申报信息表")
    expect(textbox(page, "info-leader-phone")).to_have_value("13800000001")
    expect(textbox(page, "info-co_applicants")).to_have_value("重庆某码头有限公司\n重庆某车队联盟")
    expect(page.locator('[data-testid="reason-count"]')).to_have_text("45/2000字")
    fill_media(page, shots, tmp_path)
    page.reload()
    open_tab(page, "多媒体材料")
    expect(textbox(page, "media-image-5")).to_have_value("现场照片.jpg")
    expect(page.locator("#media-prepared").get_by_label("申报单位营业执照或组织机构代码证复印件")).to_be_checked()
    check_review(page, shots)
    check_export(page, shots)
    shot(page, shots, "07-exported")
    log = app_server.log.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
