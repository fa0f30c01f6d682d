"""Import an existing application in a real browser, move a paragraph, confirm; then check a picture and
draw the flow diagram in 材料与打包, and follow the package link.

Runs on the shared local-mode server. Screenshots land in ``test-output/ui/<test name>/``.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.importing.documents import bold_docx

from .workspace_page import choose, open_tab, shot, textbox

pytestmark = pytest.mark.browser


def picture(path: Path, width: int, height: int) -> Path:
    Image.new("RGB", (width, height), (30, 90, 160)).save(path, "JPEG")
    return path


def test_upload_an_old_application_confirm_the_mapping_and_package_it(
    page: Page, app_server, shots, tmp_path: Path
) -> None:
    built = bold_docx()
    source = tmp_path / built.name
    source.write_bytes(built.data)
    page.goto(app_server.url)
    open_tab(page, "导入已有申报书")
    page.locator("#import-file input[type=file]").set_input_files(str(source))
    page.locator("#import-read").click()
    summary = page.locator("#import-summary")
    expect(summary).to_contain_text("问题描述：2段")
    expect(summary).to_contain_text("申报单位")
    expect(textbox(page, "import-case-name")).to_have_value(built.info["case_name"])
    expect(page.locator("#import-table")).to_contain_text("（一）问题描述")
    shot(page, shots, "01-mapping")

    first = built.truth[0][0]  # the first paragraph of 问题描述 goes to 解决方案 instead
    page.locator("#import-move-index input").fill("1")
    choose(page, "import-move-target", "（二）解决方案")
    page.locator("#import-move").click()
    expect(summary).to_contain_text("问题描述：1段")
    expect(page.locator("#import-table")).to_contain_text("已手动调整")
    shot(page, shots, "02-moved")

    page.locator("#import-confirm").click()
    open_tab(page, "我的申报")
    expect(page.locator("#app-select input")).to_have_value(f"{built.info['case_name']}（{built.info['field']}）")
    expect(page.locator("#chat")).to_contain_text(f"已从“{built.name}”导入")
    shot(page, shots, "03-imported")

    open_tab(page, "材料与打包")
    low = picture(tmp_path / "界面.jpg", 800, 600)
    choose(page, "mat-slot", "图4：系统界面呈现图")
    page.locator("#mat-file input[type=file]").set_input_files(str(low))
    page.locator("#mat-upload").click()
    item = page.locator('#mat-items [data-slot="image:4"]')
    expect(item).to_contain_text("800×600")
    expect(item.locator('[data-severity="警告"]')).to_contain_text("1280")
    expect(item.locator("img.mat-thumb")).to_be_visible()  # the thumbnail loads through the API
    page.locator("#flow-extract").click()
    expect(page.locator("#flow-table")).to_contain_text("数据")
    page.locator("#flow-render").click()
    expect(page.locator('#mat-items [data-slot="image:1"]')).to_contain_text("数据要素流向图.jpg")
    expect(page.locator("#flow-note img.flow-image")).to_be_visible()
    shot(page, shots, "04-materials")

    page.locator("#package-make").click()
    with page.expect_download() as info:
        page.locator('#package-link [data-testid="dl-package"]').click()
    path = tmp_path / "package.zip"
    info.value.save_as(path)
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        names = [n.split("/", 1)[1] for n in archive.namelist()]
        docx_name = next(n for n in archive.namelist() if n.endswith("申报书（可编辑）.docx"))
        paragraphs = [p.text for p in docx.Document(io.BytesIO(archive.read(docx_name))).paragraphs]
    solution, results = paragraphs.index("（二）解决方案"), paragraphs.index("（三）应用成效")
    assert first in paragraphs[solution:results]  # the moved paragraph, in the applicant's words
    assert "多媒体材料/图1-数据要素流向图.jpg" in names and "多媒体材料/图4-系统界面呈现图.jpg" in names
    assert "材料清单.txt" in names and "宣传推广材料.docx" in names
