"""Tests of the realistic fake model server itself, driven through the real ``openai`` client over HTTP."""

from __future__ import annotations

import ast
import base64
import json
import re
import socket
import struct
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import openai
import pytest

from tests.fakes.realistic_behaviours import (
    CLOSING,
    ENGLISH_DRIFT,
    FILLERS,
    NOT_FOUND,
    OK_ONLY,
    cjk_len,
)
from tests.fakes.realistic_model import (
    EMBEDDING_DIM,
    INVENTED_FIGURE,
    RealisticModelServer,
)

HERE = Path(__file__).resolve().parent

MATERIAL = """请撰写案例材料的“（一）问题描述”部分，不超过200字。
以下是单位提供的材料：
我们在2022年启动了城市数据共享平台建设。平台已汇聚全市42个部门的1.2亿条数据。
过去企业办事需要跑5个窗口，平均耗时7天。
各部门数据标准不统一，跨部门核验主要依靠人工比对，效率低且容易出错。
要求：不得编造数据，输出纯文本，不要使用Markdown。"""
QA = """请根据以下资料回答问题，并用[1]这样的编号标注出处。
[1] 数据处理者向境外提供重要数据的，应当通过数据出境安全评估。个人信息出境可以订立标准合同。
[2] 公共数据授权运营应当坚持安全可控的原则。
问题：向境外提供重要数据需要什么手续？"""


def user(text: str) -> list[dict]:
    return [{"role": "system", "content": "你是一名政务写作助手。"}, {"role": "user", "content": text}]


def strip_think(text: str) -> str:
    return re.sub(r"<think>.*?</think>", "", text, flags=re.S).strip()


@pytest.fixture(scope="module")
def server():
    with RealisticModelServer() as srv:
        yield srv


@pytest.fixture
def fake(server):
    server.set_behaviours(["realistic"], tokens_per_second=10)
    server.requests.clear()
    yield server
    server.set_behaviours(["realistic"], tokens_per_second=10)


@pytest.fixture
def client(fake):
    return openai.OpenAI(base_url=fake.base_url, api_key="x", max_retries=0, timeout=10)


def ask(client, text: str, **kw):
    return client.chat.completions.create(model="any-model", messages=user(text), **kw)


def stream(client, text: str, **kw) -> list:
    return list(client.chat.completions.create(model="any-model", messages=user(text), stream=True, **kw))


def content_of(chunks) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


# -- the realistic default ----------------------------------------------------------------------------
def test_realistic_default_reply_has_the_usual_model_quirks(client, fake):
    r = ask(client, MATERIAL)
    text = r.choices[0].message.content
    assert r.object == "chat.completion" and r.choices[0].finish_reason == "stop"
    assert r.choices[0].message.role == "assistant" and r.usage.total_tokens > 0
    assert text.startswith("<think>") and "</think>" in text
    body = strip_think(text)
    lines = [ln for ln in body.splitlines() if ln.strip()]
    assert lines[0] == "好的，以下是“（一）问题描述”部分的正文："
    assert "### （一）问题描述" in lines
    assert re.search(r"^\*\*[^*]+：\*\*", body, re.M)
    assert {"1.", "2.", "3."} <= {ln.split(" ")[0] for ln in lines}
    assert "---" in lines and lines[-1] == CLOSING
    assert INVENTED_FIGURE in body and INVENTED_FIGURE not in MATERIAL
    assert "本单位在2022年启动了城市数据共享平台建设" in body  # facts reused, lightly rephrased
    assert "不得编造" not in body and "不超过200字" not in body  # instructions are not facts
    assert cjk_len(body) >= 1.3 * 200  # overshoots the requested length
    assert fake.requests[-1]["messages"][1]["content"] == MATERIAL


def test_without_material_it_writes_generic_chinese(client, fake):
    fake.set_behaviours(["overlong"])
    body = ask(client, "请帮我写一段介绍，约300字。").choices[0].message.content
    assert cjk_len(body) >= 450 and not re.search(r"\d", body)


def test_streaming_matches_non_streaming_and_is_token_sized(client):
    chunks = stream(client, MATERIAL)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop" and chunks[-1].choices[0].delta.content is None
    assert len(chunks) > 50
    assert content_of(chunks) == ask(client, MATERIAL).choices[0].message.content


def test_raw_sse_protocol_with_usage_chunk(fake):
    body = {"model": "m", "messages": user(MATERIAL), "stream": True, "stream_options": {"include_usage": True}}
    with httpx.stream("POST", fake.base_url + "/chat/completions", json=body, timeout=10) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        raw = r.read().decode("utf-8")
    events = [e for e in raw.split("\n\n") if e]
    assert all(e.startswith("data: ") for e in events) and events[-1] == "data: [DONE]"
    objs = [json.loads(e[6:]) for e in events[:-1]]
    assert all(o["object"] == "chat.completion.chunk" for o in objs)
    assert objs[0]["choices"][0]["delta"]["role"] == "assistant"
    final, usage = objs[-2], objs[-1]
    assert final["choices"][0]["delta"] == {} and final["choices"][0]["finish_reason"] == "stop"
    assert usage["choices"] == [] and usage["usage"]["completion_tokens"] > 0


# -- individual behaviours ----------------------------------------------------------------------------
def test_reasoning_content_streams_before_content(client, fake):
    fake.set_behaviours(["reasoning_content"])
    chunks = stream(client, MATERIAL)
    kinds = [
        ("r" if getattr(c.choices[0].delta, "reasoning_content", None) else "c")
        for c in chunks
        if c.choices and (c.choices[0].delta.content or getattr(c.choices[0].delta, "reasoning_content", None))
    ]
    assert kinds[0] == "r" and "r" not in kinds[kinds.index("c") :]
    assert "<think>" not in content_of(chunks)
    message = ask(client, MATERIAL).choices[0].message
    assert "（一）问题描述" in message.reasoning_content and "<think>" not in message.content


def test_split_chunks_break_think_tags_and_cjk_bytes(fake, client):
    fake.set_behaviours(["think", "split_chunks"])
    chunks = [c.choices[0].delta.content for c in stream(client, MATERIAL) if c.choices and c.choices[0].delta.content]
    assert max(map(len, chunks)) <= 3
    prefixes = {t[:k] for t in ("<think>", "</think>") for k in range(1, len(t))}
    assert any(any(c.endswith(p) for p in prefixes) for c in chunks)
    assert "".join(chunks).startswith("<think>")
    # transport level: some raw piece ends inside a multi-byte character
    body = {"model": "m", "messages": user(MATERIAL), "stream": True}
    broken = 0
    with httpx.stream("POST", fake.base_url + "/chat/completions", json=body, timeout=10) as r:
        for piece in r.iter_raw():
            try:
                piece.decode("utf-8")
            except UnicodeDecodeError:
                broken += 1
    assert broken >= 1


def test_empty_choices_chunk_is_tolerated_by_the_client(client, fake):
    fake.set_behaviours(["empty_choices_chunk"])
    chunks = stream(client, MATERIAL)
    empty = [i for i, c in enumerate(chunks) if c.choices == []]
    assert empty and 0 < empty[0] < len(chunks) - 1
    assert INVENTED_FIGURE not in content_of(chunks) and "2022" in content_of(chunks)


def test_truncated_stops_mid_sentence_with_length(client, fake):
    fake.set_behaviours(["realistic", "truncated"])
    r = ask(client, MATERIAL)
    assert r.choices[0].finish_reason == "length"
    text = r.choices[0].message.content
    assert re.search(r"[\u4e00-\u9fff]$", text) and CLOSING not in text
    assert stream(client, MATERIAL)[-1].choices[0].finish_reason == "length"


def test_max_tokens_is_honoured_like_a_real_server(client):
    r = ask(client, MATERIAL, max_tokens=50)
    assert r.choices[0].finish_reason == "length" and cjk_len(r.choices[0].message.content) <= 50


@pytest.mark.parametrize(
    "names, check",
    [
        (["ok_only"], lambda t: t == OK_ONLY),
        (["english_drift"], lambda t: t.splitlines()[-1] == ENGLISH_DRIFT),
        (["loop"], lambda t: max(Counter(ln for ln in t.splitlines() if ln).values()) >= 3),
        (["bullets"], lambda t: re.search(r"^- ", t, re.M) and re.search(r"^\* ", t, re.M)),
        (["table"], lambda t: "| --- | --- |" in t),
        (["numbered_cn"], lambda t: all(f"（{i}）" in t for i in (1, 2, 3))),
        (["preamble"], lambda t: t.startswith("好的，以下是“（一）问题描述”")),
        (["rule", "closing"], lambda t: "\n---\n" in t and t.endswith(CLOSING)),
        (["invented_figure"], lambda t: INVENTED_FIGURE in t),
        (["think"], lambda t: t.startswith("<think>\n") and re.search(r"<think>.*\d.*</think>", t, re.S)),
    ],
)
def test_each_text_behaviour_shows_up(client, fake, names, check):
    fake.set_behaviours(names)
    assert check(ask(client, MATERIAL).choices[0].message.content)


def test_generic_preamble_without_title(client, fake):
    fake.set_behaviours(["preamble"])
    assert (
        ask(client, "写一段关于数据共享的介绍。").choices[0].message.content.startswith("好的，以下是为您撰写的内容：")
    )


def test_qa_cites_passage_one_or_misbehaves(client, fake):
    fake.set_behaviours(["plain"])
    answer = ask(client, QA).choices[0].message.content
    assert "数据处理者向境外提供重要数据的，应当通过数据出境安全评估" in answer and "[1]" in answer
    fake.set_behaviours(["cite_nonexistent"])
    assert "[9]" in ask(client, QA).choices[0].message.content
    fake.set_behaviours(["not_found"])
    assert NOT_FOUND in ask(client, QA).choices[0].message.content


# -- server-side faults ----------------------------------------------------------------------------------
def test_http_429_once_then_success(client, fake):
    fake.set_behaviours(["http_429_once", "ok_only"])
    with pytest.raises(openai.RateLimitError) as err:
        ask(client, MATERIAL)
    assert err.value.response.headers["retry-after"] == "0"
    assert ask(client, MATERIAL).choices[0].message.content == OK_ONLY
    fake.set_behaviours(["http_429_once", "ok_only"])  # re-armed; the client's own retry gets through
    retrying = openai.OpenAI(base_url=fake.base_url, api_key="x", max_retries=2)
    assert ask(retrying, MATERIAL).choices[0].message.content == OK_ONLY
    assert len(fake.requests) == 4


def test_http_500_once_then_success(client, fake):
    fake.set_behaviours(["http_500_once", "ok_only"])
    with pytest.raises(openai.InternalServerError):
        ask(client, MATERIAL)
    assert ask(client, MATERIAL).choices[0].message.content == OK_ONLY


def test_hang_until_client_timeout(fake):
    fake.set_behaviours(["hang"])
    impatient = openai.OpenAI(base_url=fake.base_url, api_key="x", max_retries=0, timeout=0.5)
    with pytest.raises(openai.APITimeoutError):
        ask(impatient, MATERIAL)


def test_slow_roughly_honours_tokens_per_second(client, fake):
    fake.set_behaviours(["slow"], tokens_per_second=20)  # one 1-2 char chunk every 0.05-0.1 s
    start, count = time.monotonic(), 0
    with client.chat.completions.create(model="m", messages=user(MATERIAL), stream=True) as s:
        for chunk in s:
            count += bool(chunk.choices and chunk.choices[0].delta.content)
            if time.monotonic() - start > 1.0:
                break
    assert 4 <= count <= 40  # expected 10-20; loose on purpose


def test_bad_requests_are_rejected(client, fake):
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="m", messages=[])
    r = httpx.post(fake.base_url.replace("/v1", "/_fake/behaviours"), json={"behaviours": ["no_such"]})
    assert r.status_code == 400


# -- other endpoints -------------------------------------------------------------------------------------
def test_models_and_embeddings(client, fake):
    assert [m.id for m in client.models.list()] == ["fake-realistic"]
    e = client.embeddings.create(model="e", input=["数据共享平台", "数据共享平台建设", "天气很好"])  # base64 by default
    a, b, c = (d.embedding for d in e.data)
    assert len(a) == EMBEDDING_DIM
    dot = lambda x, y: sum(p * q for p, q in zip(x, y, strict=False))  # noqa: E731
    assert dot(a, b) > dot(a, c)
    plain = httpx.post(fake.base_url + "/embeddings", json={"model": "e", "input": "数据共享平台"}).json()
    assert plain["data"][0]["embedding"] == pytest.approx(a, abs=1e-6)
    b64 = httpx.post(
        fake.base_url + "/embeddings", json={"model": "e", "input": [[1, 2, 3]], "encoding_format": "base64"}
    ).json()
    assert len(struct.unpack("<64f", base64.b64decode(b64["data"][0]["embedding"]))) == 64


def test_remote_reconfiguration(client, fake):
    r = httpx.post(
        fake.base_url.replace("/v1", "/_fake/behaviours"), json={"behaviours": ["ok_only"], "tokens_per_second": 5}
    )
    assert r.status_code == 200 and fake.tokens_per_second == 5
    assert ask(client, MATERIAL).choices[0].message.content == OK_ONLY


# -- lifecycle and isolation -----------------------------------------------------------------------------
def test_stops_cleanly_and_releases_the_port():
    with RealisticModelServer(["hang"]) as srv:
        port, thread = srv.port, srv._thread
        impatient = openai.OpenAI(base_url=srv.base_url, api_key="x", max_retries=0, timeout=0.3)
        with pytest.raises(openai.APITimeoutError):
            ask(impatient, MATERIAL)
    assert not thread.is_alive()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.close()


def test_standalone_process_prints_ready_and_serves():
    proc = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "realistic_model.py"),
            "--port",
            "0",
            "--behaviours",
            "ok_only,slow",
            "--tps",
            "50",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        assert re.fullmatch(r"READY http://127\.0\.0\.1:\d+/v1", line)
        c = openai.OpenAI(base_url=line.split()[1], api_key="x", max_retries=0, timeout=10)
        assert content_of(stream(c, "你好")) == OK_ONLY
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_fake_imports_nothing_from_the_product_or_other_fakes():
    allowed_local = {"realistic_behaviours"}
    for name in ("realistic_model.py", "realistic_behaviours.py"):
        source = (HERE / name).read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                mods = [node.module or ""] + ([a.name for a in node.names] if node.level else [])
                if node.level:
                    assert set(a.name for a in node.names) <= allowed_local, (name, mods)
                    continue
            else:
                continue
            for mod in mods:
                root = mod.split(".")[0]
                assert root not in {"assistant", "ui", "tests", "behaviours", "writer", "openai_server"}, (name, mod)
    assert all(not re.search(r"\d", f) for f in FILLERS)
