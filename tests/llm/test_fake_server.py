"""The fake OpenAI server itself: embeddings, models, recording, and the standalone mode."""

from __future__ import annotations

import base64
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import httpx
import openai

from tests.fakes import reply
from tests.fakes.openai_server import EMBEDDING_DIM, FakeOpenAIServer, fake_vector

ROOT = Path(__file__).resolve().parents[2]


def _client(server: FakeOpenAIServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="x", max_retries=0, timeout=5)


def _cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=False))


def test_embeddings_accept_strings_lists_and_token_arrays(fake_openai: FakeOpenAIServer) -> None:
    client = _client(fake_openai)
    single = client.embeddings.create(model="e", input="数据要素流通", encoding_format="float")
    batch = client.embeddings.create(
        model="e", input=["数据要素流通", "数据要素流通共享", "天气晴朗"], encoding_format="float"
    )
    tokens = client.embeddings.create(model="e", input=[[101, 102, 103], [7, 8]], encoding_format="float")
    assert len(single.data[0].embedding) == EMBEDDING_DIM
    assert single.data[0].embedding == batch.data[0].embedding  # deterministic
    similar, unrelated = (_cosine(batch.data[0].embedding, batch.data[i].embedding) for i in (1, 2))
    assert similar > unrelated
    assert [d.index for d in tokens.data] == [0, 1]


def test_embeddings_base64_is_little_endian_float32(fake_openai: FakeOpenAIServer) -> None:
    response = httpx.post(
        f"{fake_openai.base_url}/embeddings", json={"model": "e", "input": "公共数据", "encoding_format": "base64"}
    )
    encoded = response.json()["data"][0]["embedding"]
    decoded = struct.unpack(f"<{EMBEDDING_DIM}f", base64.b64decode(encoded))
    assert [round(v, 5) for v in decoded] == [round(v, 5) for v in fake_vector("公共数据")]
    # the SDK asks for base64 by default and decodes it itself
    assert len(_client(fake_openai).embeddings.create(model="e", input="公共数据").data[0].embedding) == EMBEDDING_DIM


def test_models_and_request_record(fake_openai: FakeOpenAIServer) -> None:
    client = _client(fake_openai)
    assert [m.id for m in client.models.list()] == ["fake-model"]
    fake_openai.queue(reply("好。"))
    client.chat.completions.create(model="m", messages=[{"role": "user", "content": "【任务：追问】你好"}])
    assert [r.path for r in fake_openai.requests] == ["/v1/models", "/v1/chat/completions"]
    assert fake_openai.chat_requests("追问")[0].user_text == "【任务：追问】你好"


def test_stream_usage_chunk_when_asked(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.queue(reply("流式。"))
    stream = _client(fake_openai).chat.completions.create(
        model="m", messages=[{"role": "user", "content": "hi"}], stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "流式。"
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == 3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_standalone_mode_serves_length_aware_chinese(tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.openai_server", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and process.poll() is None, "standalone fake did not start"
                time.sleep(0.1)
        prompt = (
            "【任务：起草】\n<申报单位回答>\n平台在12家企业落地。\n</申报单位回答>\n【篇幅】约 120 字，不超过 130 字。"
        )
        client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="x", max_retries=0, timeout=5)
        text = (
            client.chat.completions.create(model="m", messages=[{"role": "user", "content": prompt}])
            .choices[0]
            .message.content
        )
        from assistant.core.textlen import count_words

        assert 80 <= count_words(text) <= 120 and "12家企业" in text
    finally:
        process.terminate()
        process.wait(timeout=10)
