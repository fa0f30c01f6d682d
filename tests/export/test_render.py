"""The exported application as it prints: rendered by LibreOffice, read back with poppler.

``make test`` installs LibreOffice Writer, a CJK font and poppler-utils; these tests
skip with the reason where one is missing. To look at the pages yourself:
``case-assistant draft --answers examples/cq-logistics-example.json --out out.docx --pdf out.pdf``
then ``pdftoppm -r 60 -png out.pdf page``.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from assistant.export.docx_builder import build_docx, build_publishable_docx
from assistant.forms.application import ApplicationInfo, MediaInfo
from assistant.forms.spec import load_form

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples/cq-logistics-example.json"
GOLDEN = ROOT / "tests/data/golden/cq-layout.txt"
CJK_FACES = re.compile(r"WenQuanYi|Noto\w*CJK|SourceHan|Droid\w*Fallback|SimSun|FangSong|KaiTi|SimHei|AR\w*PL", re.I)
needs_tools = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdffonts")),
    reason="需要 LibreOffice 和 poppler-utils（make test 会安装）",
)


def _fixed_texts() -> dict[str, str]:
    """Fixed part texts: the layout checks must not move when a drafter's wording changes."""
    form = load_form("cq-2024-batch2")
    return {p.id: f"{p.title}的正文第一段，含数字1200万条。\n{p.title}的正文第二段。" for p in form.all_parts()}


def _example() -> tuple[ApplicationInfo, MediaInfo]:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return ApplicationInfo.model_validate(data["info"]), MediaInfo.model_validate(data["media"])


def layout_dump(docx: bytes) -> str:
    """One line per paragraph and table cell: style name | text. Stable across python-docx runs."""
    document = Document(io.BytesIO(docx))
    lines = [f"{p.style.name} | {p.text}" for p in document.paragraphs]
    for table in document.tables:
        for r, row in enumerate(table.rows):
            lines += [f"cell {r}.{c} | {cell.text}" for c, cell in enumerate(row.cells)]
    return "\n".join(lines) + "\n"


def test_layout_matches_the_golden_dump() -> None:
    """Catches accidental layout changes; regenerate with ``python tests/export/test_render.py``."""
    info, media = _example()
    docx = build_docx(load_form("cq-2024-batch2"), info, _fixed_texts(), media, day=date(2024, 8, 15))
    assert layout_dump(docx) == GOLDEN.read_text(encoding="utf-8")


@needs_tools
@pytest.mark.slow
def test_cli_pdf_renders_headings_facts_in_order_in_a_cjk_face(tmp_path: Path) -> None:
    out, pdf, promo = tmp_path / "a.docx", tmp_path / "a.pdf", tmp_path / "promo.docx"
    command = [
        sys.executable,
        "-m",
        "assistant.cli",
        "draft",
        "--answers",
        str(EXAMPLE),
        "--out",
        str(out),
        "--pdf",
        str(pdf),
        "--promo",
        str(promo),
        "--offline",
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    order = [
        "“数据要素×”典型案例申报书",
        "一、“数据要素×”典型案例申报信息表",
        "二、“数据要素×”典型案例简介",
        "（一）问题描述",
        "（六）参与单位情况介绍",
        "三、“数据要素×”典型案例宣传推广材料",
        "（二）主要做法及成效",
        "四、“数据要素×”典型案例多媒体材料目录",
        "五、申报承诺书",
    ]
    positions = [flat.find(heading) for heading in order]
    assert -1 not in positions and positions == sorted(positions), dict(zip(order, positions, strict=True))
    for fact in ("1200万条", "18.5%", "3200万元", "重庆示例物流科技有限公司", "— 2 —"):
        assert fact.replace(" ", "") in flat, fact
    pages = int(
        re.search(
            r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        ).group(1)
    )
    assert 5 <= pages <= 20
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert CJK_FACES.search(fonts), fonts
    promo_text = "\n".join(p.text for p in Document(io.BytesIO(promo.read_bytes())).paragraphs)
    assert "三、“数据要素×”典型案例宣传推广材料" in promo_text and "二、" not in promo_text
    assert "13800000001" not in promo_text


def test_publishable_export_holds_only_the_publishable_group() -> None:
    info, _ = _example()
    docx = build_publishable_docx(load_form("cq-2024-batch2"), info, _fixed_texts())
    headings = [p.text for p in Document(io.BytesIO(docx)).paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["三、“数据要素×”典型案例宣传推广材料", "（一）案例描述", "（二）主要做法及成效"]


if __name__ == "__main__":
    info, media = _example()
    data = build_docx(load_form("cq-2024-batch2"), info, _fixed_texts(), media, day=date(2024, 8, 15))
    GOLDEN.write_text(layout_dump(data), encoding="utf-8")
    print(f"wrote {GOLDEN}")
