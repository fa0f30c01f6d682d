"""Every text of the 申报信息表 is normalised and bounded at the boundary, whatever the entry point."""

from __future__ import annotations

import pytest

from assistant.core.errors import InvalidInputError
from assistant.core.text_input import InvalidTextError, clean_block, clean_line
from assistant.forms.application import MAX_CO_APPLICANTS, MAX_MEDIA_FILES, parse_info, parse_media


def test_case_name_loses_trailing_newline_and_bidi_override() -> None:
    info = parse_info({"case_name": "交通运输领域——单证\u202e互认\r\n", "applicant": "  示例公司\t"})
    assert info.case_name == "交通运输领域——单证互认" and info.applicant == "示例公司"


def test_text_is_nfc_and_blocks_keep_their_lines() -> None:
    assert clean_line("Cafe\u0301") == "Café"
    assert clean_block("第一行\r\n第二行\x07\r第三行") == "第一行\n第二行\n第三行"


def test_lone_surrogate_is_refused_with_a_chinese_422() -> None:
    with pytest.raises(InvalidTextError) as caught:
        parse_info({"applicant": "\ud800abc"})
    assert caught.value.status_code == 422 and "无效字符" in caught.value.message


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"applicant": "单" * 100_000}, "申报单位"),
        ({"co_applicants": ["联合单位"] * (MAX_CO_APPLICANTS + 1)}, "联合申报单位"),
        ({"leader": {"name": "名" * 51}}, "负责人·姓名"),
        ({"date": "八月十五"}, "日期"),
    ],
)
def test_oversized_or_malformed_items_are_refused(data: dict, words: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_info(data)
    assert words in caught.value.message


def test_media_list_is_bounded() -> None:
    with pytest.raises(InvalidInputError):
        parse_media({"images": ["图.jpg"] * (MAX_MEDIA_FILES + 1)})
    assert parse_media({"images": [" 流向图.jpg "]}).images == ["流向图.jpg"]
