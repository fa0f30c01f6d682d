"""A realistic, non-cooperating fake OpenAI-compatible chat server for tests.

It behaves like a real chat model rather than a test double that knows the product: it imports nothing
from the product (``assistant``, ``ui``) nor from the other ``tests.fakes`` modules, reads the
conversation as plain text and writes plausible Chinese with the quirks real models have (see
``realistic_behaviours``).  Behaviours are selected by name and combinable; ``"realistic"`` (the default)
= think + preamble + markdown_heading_title + bold + numbered + overlong + invented_figure + rule + closing.

Use in tests::

    with RealisticModelServer(["realistic", "split_chunks"]) as srv:
        client = openai.OpenAI(base_url=srv.base_url, api_key="x")

Standalone (e.g. for browser tests in another process)::

    python tests/fakes/realistic_model.py --port 0 --behaviours realistic,slow --tps 10
    # prints "READY http://127.0.0.1:PORT/v1"; reconfigure with POST /_fake/behaviours

Endpoints: POST /v1/chat/completions (JSON and SSE), POST /v1/embeddings, GET /v1/models,
POST /_fake/behaviours {"behaviours": [...], "tokens_per_second": ...}, GET /_fake/requests,
GET /_fake/streams (streamed replies open, finished, closed early by the client).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import math
import random
import signal
import socket
import struct
import sys
import threading
import time
import uuid
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

if __package__:
    from . import realistic_behaviours as rb
else:  # run as a script: python tests/fakes/realistic_model.py
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import realistic_behaviours as rb

INVENTED_FIGURE = rb.INVENTED_FIGURE
ALL_BEHAVIOURS = rb.ALL_BEHAVIOURS
EMBEDDING_DIM = 64
DEFAULT_TPS = 10.0

__all__ = ["ALL_BEHAVIOURS", "EMBEDDING_DIM", "INVENTED_FIGURE", "RealisticModelServer"]


def _error(status: int, message: str, type_: str, code: str | None = None, headers: dict | None = None) -> JSONResponse:
    body = {"error": {"message": message, "type": type_, "param": None, "code": code}}
    return JSONResponse(body, status_code=status, headers=headers)


def _embedding(text: str) -> list[float]:
    """Deterministic hashed character uni/bi-gram vector, L2-normalised (similar texts → similar vectors)."""
    vec = [0.0] * EMBEDDING_DIM
    grams = list(text) + [a + b for a, b in zip(text, text[1:], strict=False)] or [text]
    for g in grams:
        h = hashlib.sha1(g.encode("utf-8")).digest()
        vec[h[0] % EMBEDDING_DIM] += 1.0 if h[1] & 1 else -1.0
    norm = math.sqrt(sum(v * v for v in vec)) or 1.0
    return [v / norm for v in vec]


class RealisticModelServer:
    """uvicorn in a background thread on 127.0.0.1 (free port); a context manager."""

    def __init__(
        self,
        behaviours: list[str] | None = None,
        tokens_per_second: float | None = None,
        model: str = "fake-realistic",
        port: int = 0,
    ) -> None:
        self.model = model
        self._requested_port = port
        self.requests: list[dict] = []  # JSON bodies received on /v1/chat/completions (faulted ones too)
        # Streamed replies: open now, sent to the end, or closed by the client before the end.
        self.streams = {"open": 0, "finished": 0, "closed_early": 0}
        self.embedding_requests: list[dict] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._server: uvicorn.Server | None = None
        self._socket: socket.socket | None = None
        self.port: int | None = None
        self.set_behaviours(["realistic"] if behaviours is None else behaviours, tokens_per_second)
        self.app = self._build_app()

    # -- configuration ------------------------------------------------------------------------------------
    def set_behaviours(self, behaviours: list[str], tokens_per_second: float | None = None) -> None:
        """Replace the behaviour set (presets expanded, unknown names rejected); re-arms the *_once faults."""
        expanded = rb.expand_behaviours(behaviours)
        with self._lock:
            self.behaviour_names = list(behaviours) if not isinstance(behaviours, str) else [behaviours]
            self.behaviours = expanded
            if tokens_per_second is not None:
                self.tokens_per_second = float(tokens_per_second)
            elif not hasattr(self, "tokens_per_second"):
                self.tokens_per_second = DEFAULT_TPS
            self._faults_fired: set[str] = set()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # -- lifecycle ----------------------------------------------------------------------------------------
    def start(self) -> RealisticModelServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self._requested_port))
        self._socket, self.port = sock, sock.getsockname()[1]
        config = uvicorn.Config(
            self.app, log_level="warning", lifespan="off", ws="none", timeout_graceful_shutdown=2, access_log=False
        )
        self._server = uvicorn.Server(config)
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name=f"realistic-model:{self.port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("realistic fake model server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._stopping.set()  # ends hanging requests and running streams
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            if self._thread.is_alive():
                raise RuntimeError("realistic fake model server thread did not stop")
        if self._socket is not None:
            self._socket.close()
        self._thread = self._server = self._socket = None

    def __enter__(self) -> RealisticModelServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- the app ------------------------------------------------------------------------------------------
    def _snapshot(self) -> tuple[frozenset[str], float]:
        with self._lock:
            return self.behaviours, self.tokens_per_second

    def _fire_once(self, fault: str) -> bool:
        with self._lock:
            if fault in self.behaviours and fault not in self._faults_fired:
                self._faults_fired.add(fault)
                return True
            return False

    async def _sleep(self, seconds: float, request: Request) -> bool:
        """Sleep in small steps; False if the server is stopping or the client went away."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self._stopping.is_set() or await request.is_disconnected():
                return False
            await asyncio.sleep(min(0.05, max(0.0, end - time.monotonic())))
        return not self._stopping.is_set()

    def _build_app(self) -> FastAPI:
        app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

        @app.get("/v1/models")
        async def models() -> dict:
            return {
                "object": "list",
                "data": [{"id": self.model, "object": "model", "created": 1700000000, "owned_by": "fake-realistic"}],
            }

        @app.post("/_fake/behaviours")
        async def configure(request: Request) -> Response:
            try:
                body = await request.json()
                self.set_behaviours(body["behaviours"], body.get("tokens_per_second"))
            except (ValueError, KeyError, TypeError) as exc:
                return _error(400, f"bad behaviour configuration: {exc}", "invalid_request_error")
            return JSONResponse(
                {
                    "behaviours": self.behaviour_names,
                    "expanded": sorted(self.behaviours),
                    "tokens_per_second": self.tokens_per_second,
                }
            )

        @app.get("/_fake/requests")
        async def recorded() -> dict:
            return {"requests": self.requests, "embedding_requests": self.embedding_requests}

        @app.get("/_fake/streams")
        async def streams() -> dict:
            return dict(self.streams)

        @app.post("/v1/embeddings")
        async def embeddings(request: Request) -> Response:
            try:
                body = await request.json()
            except ValueError:
                return _error(400, "We could not parse the JSON body of your request.", "invalid_request_error")
            self.embedding_requests.append(body)
            inputs = body.get("input")
            if isinstance(inputs, str) or (isinstance(inputs, list) and inputs and isinstance(inputs[0], int)):
                inputs = [inputs]
            if not isinstance(inputs, list) or not inputs:
                return _error(400, "'input' is a required property", "invalid_request_error")
            data = []
            for i, item in enumerate(inputs):
                text = item if isinstance(item, str) else " ".join(map(str, item))
                vec = _embedding(text)
                if body.get("encoding_format") == "base64":
                    vec = base64.b64encode(struct.pack(f"<{len(vec)}f", *vec)).decode("ascii")
                data.append({"object": "embedding", "index": i, "embedding": vec})
            tokens = sum(rb.estimate_tokens(t if isinstance(t, str) else "x" * len(t)) for t in inputs)
            return JSONResponse(
                {
                    "object": "list",
                    "data": data,
                    "model": body.get("model") or self.model,
                    "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
                }
            )

        @app.post("/v1/chat/completions")
        async def chat(request: Request) -> Response:
            try:
                body = await request.json()
            except ValueError:
                return _error(400, "We could not parse the JSON body of your request.", "invalid_request_error")
            self.requests.append(body)
            behaviours, tps = self._snapshot()
            if self._fire_once("http_429_once"):
                return _error(
                    429,
                    "Rate limit reached for requests. Please try again later.",
                    "rate_limit_error",
                    "rate_limit_exceeded",
                    headers={"Retry-After": "0"},
                )
            if self._fire_once("http_500_once"):
                return _error(500, "The server had an error while processing your request.", "server_error")
            if "hang" in behaviours:
                await self._sleep(10**6, request)
                return _error(503, "The server is shutting down.", "server_error")
            messages = body.get("messages")
            if not isinstance(messages, list) or not messages:
                return _error(400, "'messages' must be a non-empty array", "invalid_request_error")
            reply = rb.compose(messages, behaviours)
            reply = rb.cap_tokens(reply, body.get("max_completion_tokens") or body.get("max_tokens"))
            rng = random.Random(rb.seed_for(messages) ^ 0x5EED)
            reasoning_chunks = rb.chunk_text(reply.reasoning, behaviours, rng) if reply.reasoning else []
            content_chunks = rb.chunk_text(reply.content, behaviours, rng)
            delays = [
                rng.uniform(1.0, 2.0) / max(tps, 0.01) if "slow" in behaviours else 0.0
                for _ in range(len(reasoning_chunks) + len(content_chunks))
            ]
            prompt_tokens = sum(rb.estimate_tokens(rb.message_text(m)) for m in messages if isinstance(m, dict))
            completion_tokens = rb.estimate_tokens(reply.reasoning + reply.content)
            usage = {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            }
            model = body.get("model") or self.model
            cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())

            if not body.get("stream"):
                if not await self._sleep(sum(delays), request):
                    return _error(503, "The server is shutting down.", "server_error")
                message = {"role": "assistant", "content": reply.content}
                if reply.reasoning:
                    message["reasoning_content"] = reply.reasoning
                return JSONResponse(
                    {
                        "id": cid,
                        "object": "chat.completion",
                        "created": created,
                        "model": model,
                        "choices": [
                            {"index": 0, "message": message, "logprobs": None, "finish_reason": reply.finish_reason}
                        ],
                        "usage": usage,
                    }
                )

            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))

            def event(choices: list, **extra) -> bytes:
                obj = {
                    "id": cid,
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": model,
                    "choices": choices,
                    **extra,
                }
                if include_usage and "usage" not in obj:
                    obj["usage"] = None
                return f"data: {json.dumps(obj, ensure_ascii=False)}\n\n".encode()

            def delta(d: dict, finish: str | None = None) -> bytes:
                return event([{"index": 0, "delta": d, "logprobs": None, "finish_reason": finish}])

            async def stream():
                self.streams["open"] += 1
                finished = False
                try:
                    async for data in body_chunks():
                        yield data
                    finished = True
                finally:  # a client that goes away cancels this generator (Starlette) mid-reply
                    self.streams["open"] -= 1
                    self.streams["finished" if finished else "closed_early"] += 1

            async def body_chunks():
                first = {"role": "assistant", "content": None if reasoning_chunks else ""}
                if reasoning_chunks:
                    first["reasoning_content"] = ""
                yield delta(first)
                deltas = [{"content": None, "reasoning_content": c} for c in reasoning_chunks]
                deltas += [
                    {"content": c, "reasoning_content": None} if reasoning_chunks else {"content": c}
                    for c in content_chunks
                ]
                empty_at = len(deltas) // 2 if "empty_choices_chunk" in behaviours else -1
                for i, (d, wait) in enumerate(zip(deltas, delays, strict=False)):
                    if wait:
                        await asyncio.sleep(wait)
                    if self._stopping.is_set():
                        return
                    if i == empty_at:
                        yield event([])
                    data = delta(d)
                    if "split_chunks" in behaviours:
                        for part in rb.split_utf8(data):  # break a CJK character across transport chunks
                            yield part
                            await asyncio.sleep(0)
                    else:
                        yield data
                yield delta({}, reply.finish_reason)
                if include_usage:
                    yield event([], usage=usage)
                yield b"data: [DONE]\n\n"

            return StreamingResponse(
                stream(),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )

        return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--behaviours", default="realistic", help="comma-separated behaviour names")
    parser.add_argument("--tps", type=float, default=None, help="tokens per second for 'slow'")
    parser.add_argument("--model", default="fake-realistic")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.behaviours.split(",") if n.strip()]
    server = RealisticModelServer(names, args.tps, args.model, port=args.port)
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    with server:
        print(f"READY {server.base_url}", flush=True)
        while not done.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
