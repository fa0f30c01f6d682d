"""The review reads the text a reader sees (issue 22, item 6 and Must show 3).

Seeded into an otherwise clean offline draft of the example, one per rule: a remark to the interviewer
(「上面说过了，就是……」), a line of the product's own prompt (known from the prompt as rendered for the
part, not from a word list), a repeated sentence, first-person spoken register, a 宣传推广材料 point left
as 【待补充】 although 安全合规 holds its content, and a paragraph that starts in the middle of a thought.
Each is one finding at its part, with the words that show it and a fix; the clean draft has none.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.drafting.pipeline import draft_application, prompt_guards
from assistant.export.scripted import load_answers_file
from assistant.review.application import review_application
from assistant.review.reading import reading_findings

ROOT = Path(__file__).resolve().parents[2]
READING_RULES = {
    "conversation_left",
    "prompt_text",
    "repeated_sentence",
    "spoken_register",
    "promo_placeholder_content_elsewhere",
    "starts_mid_thought",
}


@pytest.fixture(scope="module")
def example():
    answers = load_answers_file(ROOT / "examples/cq-logistics-example.json")
    draft = draft_application(answers.form, answers.info, answers.answers, OfflineDrafter())
    return answers, {pid: d.text for pid, d in draft.parts.items()}


def _review(answers, texts: dict[str, str]):
    return review_application(
        answers.form,
        answers.info,
        answers.media,
        texts,
        sources=[t for turns in answers.answers.values() for t in turns],
        prompt_text=prompt_guards(answers.form, answers.info, answers.answers, texts),
    )


def _reading(report) -> list[tuple[str, str]]:
    return sorted((f.rule, f.part_id) for f in report.findings if f.rule in READING_RULES)


def test_the_clean_example_reads_clean(example) -> None:
    answers, texts = example
    assert _reading(_review(answers, texts)) == []


def test_a_seeded_remark_prompt_line_and_repeat_are_each_flagged_at_their_part(example) -> None:
    answers, texts = example
    seeded = dict(texts)
    seeded["intro.compliance"] += "\n上面说过了，就是数据都按协议共享。"
    seeded["promo.description"] += "\n请直接输出“（一）案例描述”部分的正文。"
    first = texts["intro.results"].split("。")[0] + "。"
    seeded["intro.results"] += "\n此外，" + first
    report = _review(answers, seeded)
    assert _reading(report) == [
        ("conversation_left", "intro.compliance"),
        ("prompt_text", "promo.description"),
        ("repeated_sentence", "intro.results"),
    ]
    by_rule = {f.rule: f for f in report.findings}
    assert "上面说过了" in by_rule["conversation_left"].excerpt
    assert "请直接输出" in by_rule["prompt_text"].excerpt
    assert by_rule["repeated_sentence"].excerpt == "此外，" + first
    assert all(by_rule[r].fix for r in ("conversation_left", "prompt_text", "repeated_sentence"))


def test_a_label_of_the_prompts_other_answers_block_is_prompt_text(example) -> None:
    """「（一）问题描述」 copied from the 〔（一）问题描述〕 label into the public material."""
    answers, texts = example
    seeded = dict(texts, **{"promo.description": "（一）问题描述\n" + texts["promo.description"]})
    answers_without_promo = answers.answers | {"promo.description": []}
    guards = prompt_guards(answers.form, answers.info, answers_without_promo, seeded)
    found = reading_findings(answers.form, seeded, guards)
    assert [(f.rule, f.part_id, f.excerpt) for f in found if f.rule == "prompt_text"] == [
        ("prompt_text", "promo.description", "（一）问题描述")
    ]


def test_spoken_register_placeholder_with_content_elsewhere_and_a_cut_paragraph(example) -> None:
    answers, texts = example
    seeded = dict(texts)
    seeded["intro.innovation"] = "我们觉得有三点新的地方，说白了就是搞了个平台。"
    seeded["promo.practice"] = "\n".join(
        line if not line.startswith("2.") else "2.安全治理措施：【待补充：安全治理措施】"
        for line in texts["promo.practice"].split("\n")
    )
    seeded["intro.problem"] = texts["intro.problem"] + "\n横向上连了港口和铁路的数据。"
    found = {(f.rule, f.part_id): f for f in reading_findings(answers.form, seeded)}
    register = found[("spoken_register", "intro.innovation")]
    assert register.severity == "警告" and "“我们”" in register.message and "“搞”" in register.message
    placeholder = found[("promo_placeholder_content_elsewhere", "promo.practice")]
    assert "安全治理措施" in placeholder.message and "安全合规" in placeholder.message
    assert found[("starts_mid_thought", "intro.problem")].excerpt.startswith("横向上")
