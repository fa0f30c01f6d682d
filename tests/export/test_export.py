"""The .docx export: template order, a real info table, East Asian fonts, A4, limits; LibreOffice renders it."""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from assistant.core.textlen import count_words
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.drafting.pipeline import draft_application
from assistant.export.docx_builder import build_docx, enforce_group_limits
from assistant.forms.application import ApplicationInfo, MediaInfo
from assistant.forms.spec import FormSpec, load_form
from tests.spine_helpers import (
    ALL_PART_IDS,
    FORM_ID,
    docx_full_text,
    docx_paragraphs,
    example_answers,
    load_example,
    section_bodies,
)

DAY = date(2024, 8, 15)
LIBREOFFICE = "/usr/bin/libreoffice"


@pytest.fixture(scope="module")
def form() -> FormSpec:
    return load_form(FORM_ID)


@pytest.fixture(scope="module")
def example_info() -> ApplicationInfo:
    return ApplicationInfo.model_validate(load_example()["info"])


@pytest.fixture(scope="module")
def example_texts(form: FormSpec, example_info: ApplicationInfo) -> dict[str, str]:
    draft = draft_application(form, example_info, example_answers(), OfflineDrafter())
    return {pid: d.text for pid, d in draft.parts.items()}


@pytest.fixture(scope="module")
def example_docx(form: FormSpec, example_info: ApplicationInfo, example_texts: dict[str, str]) -> bytes:
    media = MediaInfo.model_validate(load_example()["media"])
    return build_docx(form, example_info, example_texts, media, day=DAY)


def headings(data: bytes, level: int) -> list[str]:
    return [text for style, text in docx_paragraphs(data) if style == f"Heading {level}"]


def sentences_text(n_words: int, seed: int = 0) -> str:
    """Whole sentences of Chinese text with at least ``n_words`` 字."""
    rng = random.Random(seed)
    out: list[str] = []
    i = 0
    while count_words("".join(out)) < n_words:
        i += 1
        out.append("数据" + "".join(chr(0x4E00 + rng.randint(0, 2000)) for _ in range(rng.randint(8, 30))) + f"{i}。")
    return "".join(out)


# --- structure ----------------------------------------------------------------------------------------


def test_level_one_headings_follow_the_template(example_docx: bytes) -> None:
    assert headings(example_docx, 1) == [
        "一、“数据要素×”典型案例申报信息表",
        "二、“数据要素×”典型案例简介",
        "三、“数据要素×”典型案例宣传推广材料",
        "四、“数据要素×”典型案例多媒体材料目录",
        "五、申报承诺书",
    ]


def test_part_headings_in_order_under_their_sections(example_docx: bytes) -> None:
    order: list[tuple[str, str]] = []
    current = ""
    for style, text in docx_paragraphs(example_docx):
        if style == "Heading 1":
            current = text.split("、", 1)[0]
        elif style == "Heading 2":
            order.append((current, text))
    assert order == [
        ("二", "（一）问题描述"),
        ("二", "（二）解决方案"),
        ("二", "（三）应用成效"),
        ("二", "（四）创新点"),
        ("二", "（五）安全合规"),
        ("二", "（六）参与单位情况介绍"),
        ("三", "（一）案例描述"),
        ("三", "（二）主要做法及成效"),
        ("四", "（一）图片"),
        ("四", "（二）视频"),
    ]


def test_cover_comes_first(example_docx: bytes, example_info: ApplicationInfo) -> None:
    paragraphs = [text for _, text in docx_paragraphs(example_docx)]
    first_heading = paragraphs.index("一、“数据要素×”典型案例申报信息表")
    cover = [text.replace("\n", "") for text in paragraphs[:first_heading]]  # long values are broken by hand
    assert cover[0] == "“数据要素×”典型案例申报书"
    assert f"案例名称：{example_info.case_name}" in cover
    assert f"申报单位：{example_info.applicant}、{example_info.co_applicants[0]}" in cover
    assert "2024年8月15日" in cover


def test_info_is_a_real_table_with_labels_and_values(example_docx: bytes, example_info: ApplicationInfo) -> None:
    document = Document(io.BytesIO(example_docx))
    assert len(document.tables) == 1
    table = document.tables[0]
    rows = {row.cells[0].text: [c.text for c in row.cells] for row in table.rows}
    assert list(rows) == ["申报单位", "案例名称", "负责人", "联系人", "通讯地址", "申报理由", "申报单位意见"]
    assert example_info.applicant in rows["申报单位"][1] and example_info.co_applicants[0] in rows["申报单位"][1]
    assert rows["案例名称"][1] == example_info.case_name
    assert rows["负责人"] == ["负责人", "王示例", "部门职务", "数字化中心 总经理", "联系方式", "13800000001"]
    assert rows["联系人"] == ["联系人", "李演示", "部门职务", "数据运营部 经理", "联系方式", "023-60000002"]
    assert rows["通讯地址"][1] == example_info.address
    assert rows["申报理由"][1] == example_info.reason
    assert "（盖章）" in rows["申报单位意见"][1]
    # The table sits under heading 一 and before heading 二 in the document body.
    body = document.element.body
    tags = [(child.tag.split("}")[1], "".join(t.text or "" for t in child.iter(qn("w:t")))) for child in body]
    table_pos = next(i for i, (tag, _) in enumerate(tags) if tag == "tbl")
    h1 = next(i for i, (_, text) in enumerate(tags) if text.startswith("一、"))
    h2 = next(i for i, (_, text) in enumerate(tags) if text.startswith("二、"))
    assert h1 < table_pos < h2


def test_part_texts_appear_under_their_headings(example_docx: bytes, example_texts: dict[str, str]) -> None:
    bodies = section_bodies(example_docx)
    intro_body = "\n".join(bodies["二"])
    promo_body = "\n".join(bodies["三"])
    for pid, text in example_texts.items():
        target = intro_body if pid.startswith("intro.") else promo_body
        for line in text.split("\n"):
            if line.strip():
                assert line.strip() in target, pid


def test_media_and_pledge_sections(example_docx: bytes, form: FormSpec, example_info: ApplicationInfo) -> None:
    bodies = section_bodies(example_docx)
    media = bodies["四"]
    for index, kind in enumerate(form.media.images, start=1):
        assert f"{index}.{kind}（JPG格式）" in media
    assert "已准备的图片文件：数据要素流向图.jpg、平台界面.jpg" in media
    assert any("【待补充】" in line and "MP4" in line and "5分钟" in line for line in media)
    pledge = bodies["五"]
    assert pledge[0] == form.pledge.text
    assert example_info.applicant in pledge and example_info.co_applicants[0] in pledge
    assert form.pledge.seal_note in pledge
    assert "2024年8月15日" in pledge  # the applicant set a date; undated prints "2024年  月  日"


def test_missing_info_and_parts_show_markers(form: FormSpec) -> None:
    data = build_docx(form, ApplicationInfo(), {}, day=DAY)
    text = docx_full_text(data)
    assert "【待补充】" in text
    for part in form.all_parts():
        assert f"【待补充：{part.title}】" in text
    table = Document(io.BytesIO(data)).tables[0]
    rows = {row.cells[0].text: row.cells[1].text for row in table.rows}
    assert rows["申报单位"] == "【待补充】" and rows["案例名称"] == "【待补充】"


# --- layout -------------------------------------------------------------------------------------------


def test_a4_page(example_docx: bytes) -> None:
    section = Document(io.BytesIO(example_docx)).sections[0]
    assert section.page_width.cm == pytest.approx(21.0, abs=0.05)
    assert section.page_height.cm == pytest.approx(29.7, abs=0.05)


def _style_east_asian(style) -> str | None:
    """The East Asian face a paragraph style gives its text, following the base-style chain."""
    while style is not None:
        fonts = style.element.rPr.rFonts if style.element.rPr is not None else None
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia"))
        style = style.base_style
    return None


def _all_paragraphs(document) -> list:
    cells = [p for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return [p for p in document.paragraphs + cells if p.text.strip()]


def test_east_asian_fonts_come_from_named_styles(example_docx: bytes) -> None:
    """Every paragraph's face comes from its style (so restyling in Word changes it everywhere)."""
    document = Document(io.BytesIO(example_docx))
    paragraphs = _all_paragraphs(document)
    assert paragraphs
    assert [p.text for p in paragraphs if not _style_east_asian(p.style)] == []
    direct = [
        r.text for p in paragraphs for r in p.runs if r._element.rPr is not None and r._element.rPr.rFonts is not None
    ]
    assert direct == []
    fonts = {_style_east_asian(p.style) for p in paragraphs}
    assert {"仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"} <= fonts
    assert {"申报书正文", "申报书标题", "表格文字"} <= {p.style.name for p in paragraphs}


def test_headings_are_black_heiti_and_kaiti(example_docx: bytes) -> None:
    document = Document(io.BytesIO(example_docx))
    for name, face in (("Heading 1", "黑体"), ("Heading 2", "楷体_GB2312")):
        style = document.styles[name]
        assert _style_east_asian(style) == face
        color = style.element.rPr.find(qn("w:color"))
        assert color.get(qn("w:val")) == "000000" and color.get(qn("w:themeColor")) is None
        assert style.element.rPr.rFonts.get(qn("w:asciiTheme")) is None


def test_page_numbers_from_page_two_and_fallback_fonts(example_docx: bytes) -> None:
    document = Document(io.BytesIO(example_docx))
    section = document.sections[0]
    assert section.different_first_page_header_footer
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "— " in footer and " —" in footer
    assert not "".join(p.text for p in section.first_page_footer.paragraphs).strip()
    from docx.opc.constants import RELATIONSHIP_TYPE

    fonts = document.part.part_related_by(RELATIONSHIP_TYPE.FONT_TABLE).blob.decode("utf-8")
    for name, alternative in (("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体"), ("方正小标宋简体", "宋体")):
        assert f'w:name="{name}"' in fonts and f'w:val="{alternative}"' in fonts


def test_cover_date_is_blank_unless_the_applicant_sets_one(form: FormSpec, example_info: ApplicationInfo) -> None:
    undated = example_info.model_copy(update={"date": ""})
    paragraphs = [text for _, text in docx_paragraphs(build_docx(form, undated, {}, day=DAY))]
    cover = paragraphs[: paragraphs.index("一、“数据要素×”典型案例申报信息表")]
    assert cover[-1] == "年  月  日" and not any("2024年8月15日" in line for line in cover)


# --- limits -------------------------------------------------------------------------------------------


def group_words_in_docx(data: bytes) -> dict[str, int]:
    bodies = section_bodies(data)
    return {"intro": sum(count_words(t) for t in bodies["二"]), "promo": sum(count_words(t) for t in bodies["三"])}


def test_example_docx_groups_within_limits(example_docx: bytes) -> None:
    words = group_words_in_docx(example_docx)
    assert words["intro"] <= 5000 and words["promo"] <= 1500
    assert words["intro"] > 0 and words["promo"] > 0


@pytest.mark.parametrize("seed", range(6))
def test_enforce_group_limits_property(form: FormSpec, seed: int) -> None:
    """Random over-long drafts: every group ends within its limit and each part is a prefix of its draft."""
    rng = random.Random(seed)
    texts = {pid: sentences_text(rng.randint(0, 3000), seed=seed * 10 + i) for i, pid in enumerate(ALL_PART_IDS)}
    cut = enforce_group_limits(form, texts)
    for group in form.groups:
        assert sum(count_words(cut[p.id]) for p in group.parts) <= group.limit
    for pid in ALL_PART_IDS:
        if cut[pid].startswith("【待补充："):  # a part cut to nothing is marked, never left blank
            continue
        assert texts[pid].startswith(cut[pid])
        if cut[pid]:
            assert cut[pid][-1] == "。"
    untouched = {pid: "短。" for pid in ALL_PART_IDS}
    assert enforce_group_limits(form, untouched) == untouched


def test_overlong_texts_never_exceed_limits_in_the_docx(form: FormSpec, example_info: ApplicationInfo) -> None:
    """Over-long drafts handed straight to export (bypassing drafting) are cut to the group limits."""
    sizes = {
        "intro.problem": 600,
        "intro.solution": 3200,
        "intro.results": 900,
        "intro.innovation": 400,
        "intro.compliance": 700,
        "intro.participants": 300,
        "promo.description": 500,
        "promo.practice": 1400,
    }
    texts = {pid: sentences_text(n, seed=i) for i, (pid, n) in enumerate(sizes.items())}
    data = build_docx(form, example_info, texts, day=DAY)
    words = group_words_in_docx(data)
    assert 4500 < words["intro"] <= 5000
    assert 1000 < words["promo"] <= 1500
    assert "【待补充" not in docx_full_text(data).split("四、")[0].split("二、", 1)[1]


@pytest.mark.parametrize("scenario", ["one_full_part_rest_empty", "all_parts_overlong"])
def test_markers_for_empty_parts_count_toward_the_limit(
    form: FormSpec, example_info: ApplicationInfo, scenario: str
) -> None:
    if scenario == "one_full_part_rest_empty":
        full = sentences_text(6000, seed=3)
        texts = {"intro.problem": full, "promo.description": full}
    else:  # enforce_group_limits empties whole parts, which then get markers
        texts = {pid: sentences_text(2500, seed=i) for i, pid in enumerate(ALL_PART_IDS)}
    data = build_docx(form, example_info, texts, day=DAY)
    words = group_words_in_docx(data)
    assert words["intro"] <= 5000 and words["promo"] <= 1500


# --- rendering ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_libreoffice_renders_the_example(example_docx: bytes, tmp_path: Path) -> None:
    if not os.path.exists(LIBREOFFICE):
        pytest.skip(f"{LIBREOFFICE} is not installed; cannot check that the .docx renders")
    from pypdf import PdfReader

    source = tmp_path / "application.docx"
    source.write_bytes(example_docx)
    profile = tmp_path / "lo-profile"
    outdir = tmp_path / "pdf"
    env = {k: v for k, v in os.environ.items()}
    env["HOME"] = str(tmp_path)
    result = subprocess.run(
        [
            LIBREOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    pdf = outdir / "application.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.is_file(), (result.stdout, result.stderr)
    reader = PdfReader(str(pdf))
    assert len(reader.pages) >= 4
    text = "".join(page.extract_text() or "" for page in reader.pages)
    assert "申报承诺书" in text
    shutil.rmtree(profile, ignore_errors=True)
