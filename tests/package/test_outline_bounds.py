"""The offline video outline on text Word counts short: every shot's narration stays within its length.

Word's 字数 counts a run of Latin letters or digits as one, so a long English sentence or a pasted number
fitted a shot's spoken time and then failed the shot's 800-character check (an error instead of an outline).
"""

from __future__ import annotations

from assistant.package.outline import NARRATION_CHARS, offline_outline

ENGLISH = (
    "The platform collects shipment records from carriers, warehouses and customs brokers, cleans them, "
    "and shares verified delivery histories with partner banks under signed data agreements。"
)


def test_long_latin_sentences_and_numbers_keep_every_narration_within_its_length() -> None:
    texts = {
        "intro.problem": ENGLISH * 40,
        "intro.solution": "平台接入运单号" + "8" * 5000 + "条。" + ENGLISH * 10,
        "intro.results": "运输效率提升了15%。" + ENGLISH * 20,
    }
    outline = offline_outline("交通运输领域——测试", texts)
    assert all(len(shot.narration) <= NARRATION_CHARS for shot in outline.shots)
    assert "运输效率提升了15%。" in outline.shots[5].narration  # a sentence with a figure still comes first
