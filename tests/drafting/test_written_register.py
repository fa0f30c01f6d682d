"""Offline drafts in written Chinese (issue 22, item 3): the reviewed register table, and the ruler.

The rewrite table (``knowledge/register/spoken_to_written.yaml``) turns the spoken patterns of real
chats into written ones without changing a figure; the marker list (``spoken_markers.yaml``) counts
what is left, per 1,000 字. The applicant sentence sets were written independently of both.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.core.figures import extract_numbers
from assistant.drafting.offline.prose import clean_answer
from assistant.review.spoken_markers import load_markers

DATA = Path(__file__).parents[1] / "data" / "interview"


def written(text: str) -> str:
    return "".join("".join(p) for p in clean_answer(text).paragraphs)


@pytest.mark.parametrize(
    ("spoken", "expected"),
    [
        ("果农差不多3.8万户，哦不对，去年统计是4.3万户。", "果农去年统计是4.3万户。"),
        ("班列开行了3680列，哦不对，是3860列，同比增长27%。", "班列开行了3860列，同比增长27%。"),
        ("一是做法主要是把计划数据打通，每天滚动生成。", "一是把计划数据打通，每天滚动生成。"),
        ("第三块是库存，库存周转天数38天，资金压得很死。", "三是库存，库存周转天数38天，资金占用严重。"),
        ("除了这几个数，还有27家出口企业保住了订单。", "此外，还有27家出口企业保住了订单。"),
        ("我们把三个部门的数据都汇到一起了。", "本单位把三个部门的数据统一汇聚了。"),
        ("预警必须有回应，没回应就自动升级，这个上面说过了。", "预警必须有回应，没回应就自动升级。"),
        ("效果嗯还是挺明显的，交付率从82.6%提到了96.3%。", "成效明显，交付率从82.6%提升至96.3%。"),
        ("创新点我觉得主要是三个，一是拿标识解析串起来。", "创新点主要是三个，一是利用标识解析串起来。"),
        ("县财政还拿出5000万元设了风险补偿资金池。", "县财政还拿出5000万元设了风险补偿资金池。"),
    ],
)
def test_spoken_patterns_become_written(spoken: str, expected: str) -> None:
    assert written(spoken) == expected


def test_a_correction_never_takes_another_figure() -> None:
    """Only the retracted figure goes; a sentence the pattern cannot correct cleanly keeps its figures."""
    assert written("覆盖12个区县，哦不对，是13个区县。") == "覆盖13个区县。"
    kept = written("大约5家，不对，差不多6家，还有7家在谈。")
    assert "6家" in kept and "7家" in kept


def _sentences() -> list[str]:
    rows = []
    for path in sorted(DATA.glob("applicant_sentences*.jsonl")):
        rows += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def test_no_figure_changes_on_the_independent_sentence_sets() -> None:
    """Every applicant sentence: the written form holds exactly its figures (none has a correction)."""
    changed = []
    for text in _sentences():
        before = sorted(round(m.value, 6) for m in extract_numbers(text))
        after = sorted(round(m.value, 6) for m in extract_numbers(written(text)))
        if after != before and not clean_answer(text).remarks:
            changed.append((text, written(text)))
    assert changed == []


def test_markers_are_counted_longest_first_and_not_in_formal_words() -> None:
    markers = load_markers()
    assert [h.marker for h in markers.hits("我们把数据汇到一起，说白了我国也在推。")] == ["我们", "汇到一起", "说白了"]
    assert markers.count("本单位依法获取数据，我国相关规定明确。") == 0
    assert markers.rate(["我们" + "数" * 998]) == pytest.approx(1.0)


def test_the_held_out_sentences_read_as_written_chinese() -> None:
    """The bench's figure on the sets' held-out rows (1.2 markers per 1,000 字 before issue 22): at most half."""
    rows = []
    for path in sorted(DATA.glob("applicant_sentences*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and json.loads(line).get("split") == "heldout":
                rows.append(json.loads(line)["text"])
    assert load_markers().rate([written(t) for t in rows]) <= 0.6
