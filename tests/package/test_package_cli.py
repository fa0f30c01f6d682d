"""``case-assistant package`` on the example and ``case-assistant import`` on a built file, as subprocesses."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document

from tests.importing.documents import bold_docx

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples/cq-logistics-example.json"
needs_tools = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("soffice", "pdffonts", "dot")),
    reason="需要 LibreOffice、poppler-utils 和 Graphviz（make test 会安装）",
)


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={"PATH": "/usr/bin:/bin", "HOME": str(cwd),
                                            "CASE_ASSISTANT_DATA_DIR": str(cwd / "data")})


@needs_tools
@pytest.mark.slow
def test_package_on_the_example_holds_every_listed_file_and_a_pdf_in_three_faces(tmp_path: Path) -> None:
    out = tmp_path / "x.zip"
    done = cli("package", str(EXAMPLE), "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        stem = "交通运输领域——多式联运货运单证数据互认与一单到底服务/"
        expected = {"申报书（可编辑）.docx", "申报书（待盖章）.pdf", "宣传推广材料.docx", "材料清单.txt"}
        expected.add("多媒体材料/图1-数据要素流向图.jpg")
        assert {n.removeprefix(stem) for n in names} == expected
        checklist = archive.read(stem + "材料清单.txt").decode("utf-8-sig")
        listed = re.findall(r"^\s+\d+\. (.+?)\r?$", checklist.split("二、")[0], re.M)
        assert set(listed) == expected  # everything listed is in the zip, and the other way round
        for item in ("营业执照", "盖章", "纸质件一式两份", "视频：MP4格式"):
            assert item in checklist.split("二、")[1]
        (tmp_path / "a.pdf").write_bytes(archive.read(stem + "申报书（待盖章）.pdf"))
        assert archive.read(stem + "多媒体材料/图1-数据要素流向图.jpg")[:3] == b"\xff\xd8\xff"
    fonts = subprocess.run(["pdffonts", str(tmp_path / "a.pdf")], capture_output=True, text=True, check=True).stdout
    assert re.search(r"NotoSerifCJK", fonts) and re.search(r"NotoSansCJK", fonts) and re.search(r"Kai", fonts), fonts
    print(fonts)


def test_import_prints_the_mapping_and_writes_an_answers_file_draft_accepts(tmp_path: Path) -> None:
    built = bold_docx()
    source = tmp_path / built.name
    source.write_bytes(built.data)
    answers = tmp_path / "answers.json"
    done = cli("import", str(source), "--answers-out", str(answers), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "申报信息表：读到" in done.stdout and "（一）问题描述：2段" in done.stdout
    data = json.loads(answers.read_text(encoding="utf-8"))
    assert data["info"]["applicant"] == built.info["applicant"]
    assert data["answers"]["intro.problem"] == [p for p, part in built.truth if part == "intro.problem"]
    drafted = cli("draft", "--answers", str(answers), "--out", str(tmp_path / "a.docx"), cwd=tmp_path)
    assert drafted.returncode == 0, drafted.stderr
    assert any("问题描述" in p.text for p in Document(str(tmp_path / "a.docx")).paragraphs)


def test_import_of_an_unreadable_file_is_a_chinese_error(tmp_path: Path) -> None:
    bad = tmp_path / "旧版.doc"
    bad.write_bytes(b"\xd0\xcf\x11\xe0" + b"0" * 100)
    done = cli("import", str(bad), cwd=tmp_path)
    assert done.returncode == 2 and "错误：" in done.stderr and "Traceback" not in done.stderr
