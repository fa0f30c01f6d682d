"""Figures in text: extraction by value, and traceability of a draft's numbers to the answers."""

from __future__ import annotations

import pytest

from assistant.core.figures import chinese_numeral_value, extract_numbers, untraceable_numbers
from assistant.forms.spec import load_form
from assistant.understanding.shipped import element_reader
from tests.spine_helpers import FORM_ID


def values(text: str) -> set[float]:
    return {round(m.value, 6) for m in extract_numbers(text)}


# (text, values that must be among the extracted ones)
EXTRACT_CASES: list[tuple[str, set[float]]] = [
    ("服务企业120家", {120}),
    ("覆盖2023年的数据", {2023}),
    ("累计1,200家企业", {1200}),
    ("累计1,234,567条记录", {1234567}),
    ("数据量2.3TB", {2.3}),
    ("日均新增2.6万条", {26000}),
    ("成本下降18.5%", {18.5}),
    ("成本下降18.5 %", {18.5}),
    ("增长３５％", {35}),
    ("节约3200万元", {32_000_000}),
    ("投资0.5亿元", {50_000_000}),
    ("一千万元", {10_000_000}),
    ("三千二百万元", {32_000_000}),
    ("一万二千元", {12_000}),
    ("二十家企业", {20}),
    ("百分之三十五", {35}),
    ("增长了两倍", {2}),
]


@pytest.mark.parametrize(("text", "expected"), EXTRACT_CASES, ids=[c[0] for c in EXTRACT_CASES])
def test_extract_numbers_by_value(text: str, expected: set[float]) -> None:
    assert expected <= values(text), (text, values(text))


@pytest.mark.parametrize(
    "text",
    [
        "一是加强数据共享，二是完善制度",
        "三高一短的问题",
        "第一，第二，第三",
        "统一数据标准",
        "一单到底",
        "采用SM4加密",
        "唯一的平台",
    ],
)
def test_ordinals_and_idioms_are_not_figures(text: str) -> None:
    assert extract_numbers(text) == []


def test_wan_yi_amounts_keep_literal_and_scaled_values() -> None:
    """``35万`` is compared by value as 350000, and also matches a source that says 35万 literally."""
    assert {35, 350_000} <= values("35万元")


@pytest.mark.parametrize(
    ("draft", "source"),
    [
        ("节约一千万元", "节约1000万元"),
        ("节约1000万元", "节约一千万元"),
        ("节约1,000万元", "节约1000万"),
        ("节约三千二百万元", "累计节约3200万元"),
        ("提升35%", "提升了35个百分点"),
        ("日均2.6万条", "日均新增2.6万条数据"),
        ("日均26000条", "日均新增2.6万条数据"),
        ("增长３５％", "增长35%"),
    ],
)
def test_same_value_written_differently_is_traceable(draft: str, source: str) -> None:
    assert untraceable_numbers(draft, [source]) == []


def test_untraceable_number_is_found() -> None:
    sources = ["平台服务企业120家，单证成本下降18.5%。", "节约物流成本3200万元。"]
    assert untraceable_numbers("节约成本35%", sources) == ["35%"]
    assert untraceable_numbers("服务企业120家，节约成本35%，新增用户一千万", sources) == ["35%", "一千万"]


def test_untraceable_reports_each_raw_figure_once_in_order() -> None:
    assert untraceable_numbers("提升40%，再提升40%，降低7%", ["无数字"]) == ["40%", "7%"]


def test_untraceable_with_no_numbers_or_no_sources() -> None:
    assert untraceable_numbers("没有数字的句子。", []) == []
    assert untraceable_numbers("一是加强，二是规范。", []) == []
    assert untraceable_numbers("接入12家", []) == ["12"]


# --- bugs -------------------------------------------------------------------------------------------


def test_chinese_comma_is_not_a_thousands_separator() -> None:
    assert values("覆盖企业120，300家园区接入") == {120, 300}
    # Consequence: a faithful rewording is flagged (and drafting.remove_untraceable deletes it).
    assert untraceable_numbers("服务企业120家", ["覆盖企业120，300家园区接入"]) == []


def test_digits_inside_identifiers_are_not_figures() -> None:
    assert values("采用SHA256算法") == set()
    assert values("V2.0版本") == set()


def test_identifier_does_not_satisfy_the_numbers_element() -> None:
    form = load_form(FORM_ID)
    assert element_reader(form).missing(["numbers"], "采用SHA256算法") == ["numbers"]


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("十", 10), ("十五", 15), ("二十", 20), ("一千五百", 1500), ("三百零五", 305), ("一万五千", 15000)]
    + [("一千五", 1500), ("两万五", 25000), ("三百五", 350)],  # the last digit one place lower, as people say it
)
def test_chinese_numerals_read_as_people_say_them(numeral: str, value: float) -> None:
    assert chinese_numeral_value(numeral) == value
