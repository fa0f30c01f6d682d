"""The PDF looks like the form: each font role has its own face, no orphan on the cover, no near-empty last page.

Rendered by the real LibreOffice with the shipped fontconfig substitution (``assets/fontconfig/fonts.conf``),
read back with poppler's ``pdffonts`` and ``pdftotext -layout``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from assistant.export.docx_builder import build_docx
from assistant.export.layout import balanced_lines, width
from assistant.export.pdf import docx_to_pdf, fontconfig_file
from assistant.forms.application import ApplicationInfo, MediaInfo
from assistant.forms.spec import load_form

SERIF = re.compile(r"NotoSerifCJK", re.I)
SANS = re.compile(r"NotoSansCJK", re.I)
KAI = re.compile(r"Kai|WenKai|GBZenKai", re.I)
needs_tools = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdffonts") and shutil.which("fc-match")),
    reason="需要 LibreOffice、poppler-utils 和 fontconfig（make test 会安装）",
)


def pdf_fonts(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout


def pages_text(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def test_the_substitution_file_is_shipped_and_maps_each_role() -> None:
    conf = fontconfig_file()
    assert conf is not None and conf.is_file()
    text = conf.read_text(encoding="utf-8")
    for name in ("仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"):
        assert f"<string>{name}</string>" in text


@pytest.mark.parametrize(
    ("value", "limit"),
    [
        ("交通运输领域——多式联运货运单证数据互认与一单到底服务", 21),
        ("重庆示例物流科技有限公司、重庆示例港务集团有限公司", 21),
        ("工业制造领域——基于可信数据空间的供应链协同管理平台建", 21),  # 22 characters: 21 + 1 by width
        ("甲" * 43, 21),
    ],
)
def test_a_cover_value_never_ends_on_an_orphan(value: str, limit: int) -> None:
    lines = balanced_lines(value, limit)
    assert "".join(lines) == value
    assert all(width(line) <= limit for line in lines)
    assert len(lines) == 1 or len(lines[-1]) > 2


@needs_tools
@pytest.mark.slow
def test_pdf_shows_a_serif_a_sans_and_a_kai_face_and_a_clean_cover(tmp_path: Path) -> None:
    form = load_form("cq-2024-batch2")
    info = ApplicationInfo(
        applicant="重庆示例物流科技有限公司",
        co_applicants=["重庆示例港务集团有限公司", "重庆示例数据服务有限公司"],
        case_name="工业制造领域——基于可信数据空间的供应链协同管理平台建",  # wraps with one character left over
        field="工业制造",
        date="2024-08-15",
    )
    texts = {p.id: f"{p.title}正文。" * 30 for p in form.all_parts()}
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(docx_to_pdf(build_docx(form, info, texts, MediaInfo(), day=date(2024, 8, 15))))
    fonts = pdf_fonts(pdf)
    assert SERIF.search(fonts) and SANS.search(fonts) and KAI.search(fonts), fonts
    pages = pages_text(pdf)
    cover_lines = [line.strip() for line in pages[0].splitlines() if line.strip()]
    assert all(len(line) > 2 for line in cover_lines), cover_lines
    assert "平台建" in "".join(cover_lines)
    page_number = re.compile(r"—\s*\d+\s*—")
    last = [line.strip() for line in pages[-1].splitlines() if line.strip() and not page_number.fullmatch(line.strip())]
    assert len(last) >= 5, last  # the whole 承诺书, never a spilled line or two
    assert "申报承诺书" in pages[-1] and "（申报企业盖章）" in pages[-1]
