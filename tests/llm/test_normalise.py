"""The one output normaliser, on what the realistic fake writes for each behaviour (no HTTP here).

The fake (``tests/fakes/realistic_behaviours``) knows nothing of the product; its replies are
composed from a real drafting prompt, then cleaned here batch-wise and streamed in pieces
that split ``<think>`` tags and characters. Both must give the same text, and cleaning twice
must change nothing.
"""

from __future__ import annotations

import random
import re

import pytest

from assistant.core.figures import extract_numbers
from assistant.drafting.model.drafter import instruction_sentences, part_titles
from assistant.drafting.model.prompt import draft_variables, material_from_job
from assistant.llm.chatter import is_closing, is_preamble
from assistant.llm.normalise import StreamNormaliser, normalise
from assistant.llm.prompts import render_messages
from tests.fakes import realistic_behaviours as rb

from .conftest import make_job

ANSWERS = [
    "平台累计汇聚运单数据1200万条，日均新增数据2.6万条。",
    "数据来源包括铁路货运的运单数据、港口的集装箱作业数据，都是通过与各方签订数据共享协议依法获取的。",
    "货主办理时间从平均2天缩短到4小时，单证成本下降18.5%。",
]
JOB = make_job("intro.solution", budget=600, answers=ANSWERS)
MESSAGES = render_messages("draft_part", **draft_variables(JOB, material_from_job(JOB), 540))
TITLES = part_titles(JOB.part)
ECHO = instruction_sentences(MESSAGES)
TEXT_BEHAVIOURS = sorted(rb.TEXT_BEHAVIOURS - {"cite_nonexistent", "not_found"})


def fake_reply(*behaviours: str) -> rb.Reply:
    return rb.compose([m.model_dump() for m in MESSAGES], rb.expand_behaviours(list(behaviours)))


def clean(reply: rb.Reply) -> str:
    return normalise(reply.content, TITLES, ECHO, truncated=reply.finish_reason == "length")


def streamed(reply: rb.Reply, seed: int = 7) -> str:
    behaviours = rb.expand_behaviours(["split_chunks"])
    chunks = rb.chunk_text(reply.content, behaviours, random.Random(seed))
    machine = StreamNormaliser(TITLES, ECHO)
    shown = [machine.feed(c) for c in chunks] + [machine.finish(reply.finish_reason == "length")]
    assert "".join(shown) == machine.text
    return machine.text


def assert_clean(text: str) -> None:
    for bad in ("<think", "</think", "好的", "以下是", "如需", "#", "**", "---", "|", rb.CLOSING, "In summary"):
        assert bad not in text, bad
    assert "（二）解决方案" not in text
    for line in text.splitlines():
        assert not re.match(r"^\s*[-*•]\s", line), line


@pytest.mark.parametrize("behaviour", ["realistic", *TEXT_BEHAVIOURS])
def test_every_behaviour_is_cleaned_the_same_streamed_or_not(behaviour: str) -> None:
    reply = fake_reply(behaviour)
    text = clean(reply)
    assert streamed(reply) == text
    assert normalise(text, TITLES, ECHO) == text  # idempotent
    if behaviour == "ok_only":
        assert text == ""  # a failed call for the client
        return
    assert_clean(text)
    if behaviour != "truncated":  # the cut-off fragment may hold a figure; the drafter repairs that
        for answer in ANSWERS:
            for mention in extract_numbers(answer):
                assert mention.raw in text, mention.raw  # no sentence with an applicant's figure is lost


def test_think_tag_split_across_chunks_is_held_back_and_dropped() -> None:
    machine = StreamNormaliser()
    pieces = ["<th", "ink>\n推理过", "程。</th", "ink>\n\n平台", "上线。", "第二句", "。"]
    shown = [machine.feed(p) for p in pieces] + [machine.finish()]
    assert "".join(shown) == "平台上线。第二句。"
    assert all("<" not in s and "推理" not in s for s in shown)


def test_preamble_line_is_held_until_it_is_known_to_be_one() -> None:
    machine = StreamNormaliser(["（一）问题描述", "问题描述"])
    assert machine.feed("好的，以下是“（一）问题") == ""
    assert machine.feed("描述”部分的正文：\n\n### （一）问题描述\n\n铁路、港口") == ""
    assert machine.feed("各有一套单证。") == ""  # a closing quote could still follow
    assert machine.finish() == "铁路、港口各有一套单证。"


def test_numbered_points_keep_one_style_and_ordinals_are_not_figures() -> None:
    text = normalise("1) 建平台。\n2、接数据。\n**3.** 出成效。\n（1）细项一。\n② 细项二。\n1.5倍的增长来自联运。")
    assert text.splitlines() == [
        "1.建平台。",
        "2.接数据。",
        "3.出成效。",
        "（1）细项一。",
        "（2）细项二。",
        "1.5倍的增长来自联运。",
    ]


def test_a_dropped_repeat_leaves_no_gap_in_the_numbering() -> None:
    text = normalise("1.平台汇聚运单数据。\n2.平台汇聚运单数据。\n3.单证成本下降18.5%。")
    assert text.splitlines() == ["1.平台汇聚运单数据。", "2.单证成本下降18.5%。"]


def test_table_rows_become_sentences_and_keep_their_figures() -> None:
    text = normalise(
        "| 指标 | 2022年 | 2023年 |\n| --- | --- | --- |\n| 单证成本 | 100元 | 81.5元 |\n\n"
        "| 序号 | 事项 |\n|---|---|\n| 1 | 接入12家企业 |"
    )
    assert text.splitlines() == ["单证成本：2022年为100元，2023年为81.5元。", "接入12家企业。"]


def test_loops_english_and_closings_go_but_facts_stay() -> None:
    text = normalise(
        "平台接入12家企业。平台接入12家企业。\n平台接入12家企业。\n"
        "The platform improves efficiency of data sharing across departments.\n"
        "如需进一步修改或调整篇幅，请随时告诉我。"
    )
    assert text == "平台接入12家企业。"
    assert not is_closing("如需调取数据，须经数据管理部门审批。")
    assert not is_preamble("以下措施确保了12家企业的数据安全：")
    assert is_preamble("好的。") and is_preamble("好的，以下是修改后的全文：")


def test_truncated_reply_loses_only_its_unfinished_sentence() -> None:
    assert normalise("平台上线。货主办理时间从平均2天缩", truncated=True) == "平台上线。"
    assert normalise("平台上线。问题是否已解决[1]", truncated=False) == "平台上线。问题是否已解决[1]"


def test_whole_sentences_from_another_normaliser_are_shown_at_once_not_one_sentence_late() -> None:
    """The drafter's normaliser reads the client's output, which comes in whole sentences: a sentence end
    at the end of a piece is final there (it used to wait for a closing quote until the next sentence came,
    so every streamed sentence was shown one sentence late: the first after about 4 s instead of 2)."""
    upstream = StreamNormaliser()
    downstream = StreamNormaliser(whole_pieces=True)
    shown = []
    for piece in ["本单", "位面临物流数", "据分散的问题。整", "体运行平稳，", "他说“好", "。”然后"]:
        sentences = upstream.feed(piece)
        shown.append(downstream.feed(sentences) if sentences else "")
    assert shown[2] == "本单位面临物流数据分散的问题。"
    assert shown[5] == "整体运行平稳，他说“好。”"
    tail = downstream.feed(upstream.finish()) + downstream.finish()
    assert tail == "然后"
    plain = StreamNormaliser()
    assert plain.feed("本单位面临物流数据分散的问题。") == ""  # a raw stream still waits for a closing quote
