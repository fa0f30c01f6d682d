"""``rules.replacement`` reads a message's opening (REPLACE_WINDOW characters): its patterns try every start,
so a long run without a comma cost seconds; the new text still runs to the end of its line."""

from __future__ import annotations

from assistant.understanding.rules import REPLACE_WINDOW, replacement


def test_a_new_text_past_the_window_is_kept_to_the_end_of_its_line() -> None:
    new = "政务数据和企业数据" * (REPLACE_WINDOW // 5)
    assert replacement(f"把数据来源改成{new}\n其余不变") == ("数据来源", new)


def test_a_request_in_the_opening_is_read_whatever_follows() -> None:
    assert replacement("把全市改成全省。" + "8" * 20_000) == ("全市", "全省。" + "8" * 20_000)
    assert replacement("“全市”改为“全省”，" + "没有标点的长段" * 3000) == ("全市", "全省")
