"""Drafting, revision, follow-up and Q&A against the non-cooperating fake (``tests/fakes/realistic_model``).

The Must-show of issue 12: ``case-assistant draft`` on the example, through the realistic
fake (think block, preamble, Markdown heading repeating the title, bold, numbered points,
1.5× length, an invented figure, a rule, a closing), exports a .docx with none of the chat
or Markdown, every numbered point and applicant figure the model wrote, the invented figure
absent and reported, and the group limits held. Then each fake behaviour over real HTTP.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest

from assistant.core.errors import ModelUnavailableError
from assistant.core.figures import extract_numbers
from assistant.core.textlen import count_words
from assistant.core.types import Passage
from assistant.drafting.model.drafter import ModelDrafter, instruction_sentences, part_titles
from assistant.forms.spec import load_form
from assistant.knowledge.qa import model_answer
from assistant.llm.chat import ChatMessage
from assistant.llm.client import EMPTY_MESSAGE, UNAVAILABLE_MESSAGE, OpenAIChatModel, RetryPolicy
from assistant.llm.normalise import normalise
from tests.fakes import realistic_behaviours as rb
from tests.fakes.realistic_model import INVENTED_FIGURE, RealisticModelServer

from .conftest import RESULTS_ANSWERS, make_job

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).parent / "case-assistant"
EXAMPLE = ROOT / "examples" / "cq-logistics-example.json"
FORBIDDEN = ("<think>", "好的，以下是", "以下是", "如需", "###", "**", "---")
FAST = RetryPolicy(max_retries=1, base_delay=0.001, max_delay=0.01)
MESSAGES = [ChatMessage(role="system", content="你是助手。"), ChatMessage(role="user", content="请介绍案例。")]


@pytest.fixture(scope="module")
def server():
    with RealisticModelServer(["realistic"]) as srv:
        yield srv


def chat_model(srv: RealisticModelServer, timeout: float = 5.0) -> OpenAIChatModel:
    return OpenAIChatModel(base_url=srv.base_url, model="fake-realistic", timeout=timeout, retry=FAST)


def drafter_for(srv: RealisticModelServer, settings) -> ModelDrafter:
    return ModelDrafter(chat_model(srv), settings)


def part_paragraphs(document: docx.Document, titles: list[str]) -> dict[str, list[str]]:
    """Paragraphs of each part in the exported file: after its heading, before the next heading."""
    out: dict[str, list[str]] = {}
    current = None
    for paragraph in document.paragraphs:
        text = paragraph.text
        if text in titles and text not in out:
            current = text
            out[current] = []
        elif re.match(r"^[一二三四五六七八九]、", text):
            current = None
        elif current:
            out[current].append(text)
    return out


# ----- the Must-show -------------------------------------------------------------------------------
@pytest.mark.skipif(not CLI.exists(), reason="console script not installed (pip install -e .)")
def test_draft_cli_through_the_realistic_fake_exports_a_clean_docx(tmp_path: Path) -> None:
    form = load_form("cq-2024-batch2")
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    out, report_path = tmp_path / "X.docx", tmp_path / "R.json"
    with RealisticModelServer(["realistic"]) as srv:
        env = {
            **os.environ,
            "CASE_ASSISTANT_LLM_BASE_URL": srv.base_url,
            "CASE_ASSISTANT_LLM_MODEL": "fake-realistic",
            "CASE_ASSISTANT_LLM_API_KEY": "x",
            "CASE_ASSISTANT_EMBEDDER": "hash",
            "CASE_ASSISTANT_DATA_DIR": str(tmp_path / "data"),
        }
        command = [str(CLI), "draft", "--answers", str(EXAMPLE), "--out", str(out), "--report", str(report_path)]
        result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        requests = list(srv.requests)
    assert result.returncode == 0, result.stderr
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["mode"] == "model"
    document = docx.Document(str(out))
    whole = "\n".join(p.text for p in document.paragraphs)
    for bad in FORBIDDEN:
        assert bad not in whole, bad

    behaviours = rb.expand_behaviours(["realistic"])
    parts = part_paragraphs(document, [f"{p.number}{p.title}" for p in form.all_parts()])
    by_id = {p["part_id"]: p for p in report["parts"]}
    for part in form.all_parts():
        title = f"{part.number}{part.title}"
        text = "\n".join(parts[title])
        assert title not in text, title
        assert text.strip() and by_id[part.id]["source"] == "model"
        # the model's first reply for this part (the fake is deterministic), as the product cleaned it
        first = next(
            r
            for r in requests
            if "【任务：起草】" in r["messages"][0]["content"] and f"“{title}”" in r["messages"][-1]["content"]
        )
        raw = rb.compose(first["messages"], behaviours).content
        messages = [ChatMessage(**m) for m in first["messages"]]
        cleaned = normalise(raw, part_titles(part), instruction_sentences(messages))
        assert re.search(r"^1\.\s", raw, re.M)  # the model did number its points
        points = [re.sub(r"^\d+\.", "", line) for line in cleaned.splitlines() if re.match(r"^\d+\.", line)]
        assert len(points) >= 3, title
        copied = by_id[part.id]["copied_sentences"]
        assert len([i for i in by_id[part.id]["issues"] if i["kind"] == "passage_copied"]) == (1 if copied else 0)
        for point in points:
            if INVENTED_FIGURE in point or [n for n in by_id[part.id]["removed_numbers"] if n in point]:
                continue
            if any(point.strip()[:20] in sentence for sentence in copied):
                continue  # a retrieved passage pasted as a point: removed and reported, not the applicant's fact
            assert point in text, (title, point)
        answers = example["answers"].get(part.id) or [
            a for pid in part.fallback_sources for a in example["answers"][pid]
        ]
        carried = {round(m.value, 6): m.raw for a in answers for m in extract_numbers(a)}
        in_reply = {round(m.value, 6) for m in extract_numbers(raw)}
        in_text = {round(m.value, 6) for m in extract_numbers(text)}
        assert [raw_ for v, raw_ in carried.items() if v in in_reply and v not in in_text] == [], title
        assert INVENTED_FIGURE not in text
        assert INVENTED_FIGURE in by_id[part.id]["removed_numbers"], part.id
        assert any(INVENTED_FIGURE in i["message"] for i in by_id[part.id]["issues"]), part.id
    groups = {g.id: g for g in form.groups}
    intro = sum(count_words("\n".join(parts[f"{p.number}{p.title}"])) for p in groups["intro"].parts)
    promo = sum(count_words("\n".join(parts[f"{p.number}{p.title}"])) for p in groups["promo"].parts)
    assert intro <= 5000 and promo <= 1500
    assert report["groups"]["intro"]["words"] <= 5000 and report["groups"]["promo"]["words"] <= 1500


# ----- the client against each behaviour ---------------------------------------------------------------
@pytest.mark.parametrize(
    "behaviours", [["realistic", "split_chunks"], ["reasoning_content", "plain"], ["empty_choices_chunk", "think"]]
)
def test_streamed_preview_equals_the_cleaned_reply(server: RealisticModelServer, behaviours: list[str]) -> None:
    server.set_behaviours(behaviours)
    model = chat_model(server)
    shown: list[str] = []
    streamed = model.complete(MESSAGES, on_delta=shown.append)
    plain = model.complete(MESSAGES)
    assert "".join(shown) == streamed == plain
    assert streamed.strip() and "<think" not in streamed and "用户希望" not in streamed
    assert "好的" not in streamed and rb.CLOSING not in streamed


def test_ok_only_is_retried_once_then_unavailable(server: RealisticModelServer) -> None:
    server.set_behaviours(["ok_only"])
    server.requests.clear()
    with pytest.raises(ModelUnavailableError) as caught:
        chat_model(server).complete(MESSAGES, on_delta=lambda _d: None)
    assert caught.value.message == EMPTY_MESSAGE
    assert len(server.requests) == 2


@pytest.mark.parametrize("fault", ["http_429_once", "http_500_once"])
def test_a_transient_fault_is_retried(server: RealisticModelServer, fault: str) -> None:
    server.set_behaviours([fault, "plain"])
    server.requests.clear()
    assert chat_model(server).complete(MESSAGES).strip()
    assert len(server.requests) == 2


def test_a_slow_model_completes_because_the_timeout_is_between_chunks(server: RealisticModelServer) -> None:
    server.set_behaviours(["plain", "slow"], tokens_per_second=40)
    started = time.monotonic()
    text = chat_model(server, timeout=0.5).complete([ChatMessage(role="user", content="请写一段约120字的介绍。")])
    assert time.monotonic() - started > 1.0  # longer than the read timeout, in total
    assert count_words(text) > 50
    server.set_behaviours(["realistic"], tokens_per_second=10)


def test_a_hanging_model_fails_after_the_read_timeout(server: RealisticModelServer) -> None:
    server.set_behaviours(["hang"])
    started = time.monotonic()
    with pytest.raises(ModelUnavailableError) as caught:
        chat_model(server, timeout=0.3).complete(MESSAGES)
    assert caught.value.message == UNAVAILABLE_MESSAGE
    assert time.monotonic() - started < 5


def test_truncated_reply_ends_at_a_sentence(server: RealisticModelServer) -> None:
    server.set_behaviours(["truncated", "plain"])
    text = chat_model(server).complete(
        [ChatMessage(role="user", content="平台接入了12家港口企业。请写一段约200字的介绍。")]
    )
    assert text and text[-1] in "。！？”）"


# ----- drafting, revision, follow-up and Q&A against each behaviour ------------------------------------
DRAFT_BEHAVIOURS = [
    "realistic",
    "reasoning_content",
    "bullets",
    "table",
    "numbered_cn",
    "english_drift",
    "loop",
    "truncated",
    "split_chunks",
    "empty_choices_chunk",
    "http_429_once",
    "http_500_once",
]


@pytest.mark.parametrize("behaviour", DRAFT_BEHAVIOURS)
@pytest.mark.parametrize("revise", [False, True], ids=["draft", "revise"])
def test_draft_and_revise_against_each_behaviour(server: RealisticModelServer, settings, behaviour, revise) -> None:
    server.set_behaviours([behaviour] if behaviour != "realistic" else ["realistic"])
    extra = {
        "previous_text": "平台2023年3月上线，已在本地12家港口和物流企业落地。",
        "instruction": "补充：覆盖货主500家",
    }
    job = make_job(budget=300, **(extra if revise else {}))
    shown: list[str] = []
    out = drafter_for(server, settings).draft(job, on_delta=shown.append)
    text = out.text
    assert text.strip() and count_words(text) <= 300
    for bad in (*FORBIDDEN, "In summary", "|", "（三）应用成效"):
        assert bad not in text, bad
    assert INVENTED_FIGURE not in text
    assert "".join(shown).strip() and "<think>" not in "".join(shown) and "好的" not in "".join(shown)
    if not revise:
        figures = [m.raw for a in RESULTS_ANSWERS for m in extract_numbers(a)]
        missing = [f for f in figures if f not in text]
        reported = " ".join(i.message for i in out.issues if i.kind == "missing_element")
        assert all(f in reported for f in missing), (missing, reported)  # kept, or named in an issue


def test_ok_only_draft_raises_for_the_offline_fallback(server: RealisticModelServer, settings) -> None:
    server.set_behaviours(["ok_only"])
    with pytest.raises(ModelUnavailableError):
        drafter_for(server, settings).draft(make_job())


def test_followup_is_clean_and_falls_back_quickly_on_a_hang(server: RealisticModelServer, settings) -> None:
    part = make_job().part
    server.set_behaviours(["realistic"])
    question = drafter_for(server, settings).phrase_followup(
        part, ["量化数据"], "能否补充具体数字？", "效率提高了很多。"
    )
    assert question and "好的" not in question and "<think" not in question and "**" not in question
    server.set_behaviours(["hang"])

    class Impatient(OpenAIChatModel):
        def limited(self, seconds: float) -> OpenAIChatModel:
            assert seconds <= 10  # the follow-up has its own short timeout
            return super().limited(0.5)

    drafter = ModelDrafter(Impatient(base_url=server.base_url, model="fake-realistic", retry=FAST), settings)
    started = time.monotonic()
    assert drafter.phrase_followup(part, ["量化数据"], "能否补充具体数字？", "效率提高了。") == "能否补充具体数字？"
    assert time.monotonic() - started < 3


QA_PASSAGES = [
    Passage(
        chunk_id="n-1",
        doc_id="notice",
        title="补充通知",
        kind="notice",
        text="申报材料于2024年11月30日前报送。案例简介不超过5000字。",
    )
]


@pytest.mark.parametrize("behaviour", ["realistic", "reasoning_content", "loop", "english_drift", "split_chunks"])
def test_qa_answers_are_cleaned_by_the_client(server: RealisticModelServer, behaviour: str) -> None:
    server.set_behaviours([behaviour])
    answer = model_answer("申报材料什么时候报送？", QA_PASSAGES, chat_model(server))
    assert answer is not None
    for bad in ("<think", "好的", "**", "如需", "In summary"):
        assert bad not in answer.answer, bad
    assert answer.answer.count("2024年11月30日") <= 1
