"""A fake OpenAI-compatible server for tests, over real HTTP on 127.0.0.1.

Why a real server rather than a patched client: the code under test must exercise
the SDK's own request building, SSE parsing, timeouts and error mapping, exactly as
it will against DeepSeek, Qwen or a local vLLM.

Endpoints: ``POST /v1/chat/completions`` (JSON and SSE streaming, with
``stream_options.include_usage``), ``POST /v1/embeddings`` (string, list and
token-array input; base64 when ``encoding_format=base64``; deterministic vectors
from character bigrams, so similar texts get similar vectors) and ``GET /v1/models``.

Use in tests through the ``fake_openai`` fixture (``tests/fakes/fixtures.py``);
run standalone for browser tests::

    python -m tests.fakes.openai_server --port 8765 [--draft-factor 2.0]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import math
import socket
import struct
import threading
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from .behaviours import Behaviour, RecordedRequest, reply_with
from .writer import smart_writer

MODEL_ID = "fake-model"
EMBEDDING_DIM = 64


class FakeOpenAIServer:
    """The scriptable state (queue, default, record) plus the uvicorn server running it."""

    def __init__(self, *, default: Behaviour | None = None, model: str = MODEL_ID) -> None:
        self.model = model
        self._initial_default = default or reply_with(smart_writer())
        self.default = self._initial_default
        self._queue: deque[Behaviour] = deque()
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self.app = create_app(self)

    # ----- scripting -------------------------------------------------------------
    def queue(self, *behaviours: Behaviour) -> None:
        """Append behaviours; each chat request takes the first one still queued."""
        with self._lock:
            self._queue.extend(behaviours)

    def set_default(self, behaviour: Behaviour) -> None:
        """What chat requests get once the queue is empty."""
        with self._lock:
            self.default = behaviour

    def reset(self) -> None:
        """Forget queue, record and default; end any hanging request."""
        self._released.set()
        with self._lock:
            self._queue.clear()
            self.requests.clear()
            self.default = self._initial_default
        self._released = threading.Event()

    def next_behaviour(self) -> Behaviour:
        with self._lock:
            return self._queue.popleft() if self._queue else self.default

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def chat_requests(self, task: str | None = None) -> list[RecordedRequest]:
        """Chat requests received so far, optionally only those whose prompt names ``task``."""
        with self._lock:
            chats = [r for r in self.requests if r.path.endswith("/chat/completions")]
        return [r for r in chats if task is None or r.task == task]

    async def wait_or_release(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; return early (True) when the test resets or stops the server."""
        released = self._released
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if released.is_set():
                return True
            await asyncio.sleep(0.02)
        return False

    # ----- lifecycle -------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, port: int = 0) -> FakeOpenAIServer:
        """Serve on 127.0.0.1 (a free port when ``port`` is 0) in a daemon thread."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app, log_level="warning", lifespan="off", timeout_graceful_shutdown=2, access_log=False
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("fake OpenAI server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Release hanging requests and shut uvicorn down; waits for the thread to end."""
        self._released.set()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server, self._thread = None, None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# ----- HTTP layer -------------------------------------------------------------------
def create_app(state: FakeOpenAIServer) -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    async def _recorded(request: Request) -> RecordedRequest:
        raw = await request.body()
        try:
            body: Any = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            body = raw.decode("utf-8", "replace")
        recorded = RecordedRequest(request.method, request.url.path, dict(request.headers), body)
        state.record(recorded)
        return recorded

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Response:
        recorded = await _recorded(request)
        behaviour = state.next_behaviour()
        return await respond(state, behaviour, recorded)

    @app.post("/v1/embeddings")
    async def embeddings(request: Request) -> Response:
        recorded = await _recorded(request)
        return JSONResponse(embedding_body(recorded.body, state.model))

    @app.get("/v1/models")
    async def models(request: Request) -> Response:
        await _recorded(request)
        return JSONResponse(
            {"object": "list", "data": [{"id": state.model, "object": "model", "created": 0, "owned_by": "fake"}]}
        )

    return app


async def respond(state: FakeOpenAIServer, behaviour: Behaviour, request: RecordedRequest) -> Response:
    """Turn one behaviour into an HTTP response (JSON or SSE, as the request asked)."""
    if behaviour.kind == "status":
        error = {"error": {"message": behaviour.text, "type": "fake_error", "code": str(behaviour.status)}}
        return JSONResponse(error, status_code=behaviour.status, headers=behaviour.headers)
    if behaviour.kind == "hang" and await state.wait_or_release(behaviour.seconds):
        return JSONResponse({"error": {"message": "released"}}, status_code=503)
    if behaviour.kind == "malformed":
        if request.stream:
            return StreamingResponse(_malformed_stream(), media_type="text/event-stream")
        return Response('{"id": "chatcmpl-broken", "choices": [', media_type="application/json")
    if behaviour.kind == "missing_choices":
        return JSONResponse({"id": "chatcmpl-x", "object": "chat.completion", "model": state.model})
    text = "" if behaviour.kind in ("empty", "no_choices") else behaviour.reply_text(request)
    with_choices = behaviour.kind != "no_choices"
    if request.stream:
        include_usage = bool((request.body.get("stream_options") or {}).get("include_usage"))
        chunks = _sse_chunks(state.model, text, behaviour.chunk_size, include_usage, with_choices)
        if behaviour.stall_after is not None:
            chunks = _stalling(state, chunks, behaviour.stall_after + 1, behaviour.seconds)  # +1: the role chunk
        return StreamingResponse(chunks, media_type="text/event-stream")
    return JSONResponse(completion_body(state.model, text, with_choices, request))


def _usage(request: RecordedRequest, text: str) -> dict[str, int]:
    prompt = len(request.prompt_text)
    return {"prompt_tokens": prompt, "completion_tokens": len(text), "total_tokens": prompt + len(text)}


def completion_body(model: str, text: str, with_choices: bool, request: RecordedRequest) -> dict[str, Any]:
    choices = [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}]
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": choices if with_choices else [],
        "usage": _usage(request, text),
    }


def _event(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"


async def _sse_chunks(model: str, text: str, size: int, include_usage: bool, with_choices: bool) -> AsyncIterator[str]:
    base = {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        return _event({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})

    if with_choices:
        yield chunk({"role": "assistant", "content": ""})
        for start in range(0, len(text), max(1, size)):
            yield chunk({"content": text[start : start + size]})
            await asyncio.sleep(0)
        yield chunk({}, "stop")
    if include_usage:
        usage = {"prompt_tokens": 1, "completion_tokens": len(text), "total_tokens": 1 + len(text)}
        yield _event({**base, "choices": [], "usage": usage})
    yield "data: [DONE]\n\n"


async def _stalling(
    state: FakeOpenAIServer, chunks: AsyncIterator[str], after: int, seconds: float
) -> AsyncIterator[str]:
    sent = 0
    async for chunk in chunks:
        if sent == after and await state.wait_or_release(seconds):
            return
        yield chunk
        sent += 1


async def _malformed_stream() -> AsyncIterator[str]:
    yield 'data: {"id": "chatcmpl-broken", "choices": [\n\n'
    yield "data: [DONE]\n\n"


# ----- embeddings -------------------------------------------------------------------
def _features(item: Any) -> list[str]:
    if isinstance(item, list):  # token ids
        return [f"t{a}-{b}" for a, b in zip([None] + item, item, strict=False)]
    text = str(item)
    return [text[i : i + 2] for i in range(max(1, len(text) - 1))]


def fake_vector(item: Any, dim: int = EMBEDDING_DIM) -> list[float]:
    """A unit vector from hashed character bigrams (or token-id pairs): deterministic, similarity-preserving."""
    vector = [0.0] * dim
    for feature in _features(item):
        digest = hashlib.md5(feature.encode("utf-8")).digest()
        index = int.from_bytes(digest[:4], "little") % dim
        vector[index] += 1.0 if digest[4] % 2 else -1.0
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm for v in vector]


def _inputs(raw: Any) -> list[Any]:
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list) and raw and all(isinstance(x, int) for x in raw):
        return [raw]
    return list(raw or [])


def embedding_body(body: Any, model: str) -> dict[str, Any]:
    body = body if isinstance(body, dict) else {}
    dim = int(body.get("dimensions") or EMBEDDING_DIM)
    as_base64 = body.get("encoding_format") == "base64"
    data = []
    for index, item in enumerate(_inputs(body.get("input"))):
        vector = fake_vector(item, dim)
        encoded: Any = base64.b64encode(struct.pack(f"<{dim}f", *vector)).decode() if as_base64 else vector
        data.append({"object": "embedding", "index": index, "embedding": encoded})
    tokens = sum(len(_features(x)) for x in _inputs(body.get("input")))
    return {
        "object": "list",
        "data": data,
        "model": body.get("model", model),
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }


# ----- standalone ---------------------------------------------------------------------
def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake OpenAI-compatible server for tests (127.0.0.1 only).")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--draft-factor", type=float, default=None, help="drafts this many times the budget (e.g. 2.0)")
    parser.add_argument(
        "--condense-factor", type=float, default=None, help="condensed texts this many times the target"
    )
    args = parser.parse_args(argv)
    writer = smart_writer(draft_factor=args.draft_factor, condense_factor=args.condense_factor)
    server = FakeOpenAIServer(default=reply_with(writer))
    print(f"fake OpenAI server on http://127.0.0.1:{args.port}/v1", flush=True)
    uvicorn.run(server.app, host="127.0.0.1", port=args.port, log_level="warning", lifespan="off")


if __name__ == "__main__":
    main()
