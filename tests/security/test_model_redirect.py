"""Issue 25, item 9: a model endpoint that redirects must not receive-and-forward the applicant's data.

A model URL answering ``307`` to another origin was followed: the whole prompt (the
applicant's answers) was posted again to wherever it pointed. Model calls no longer
follow redirects at all; the user reads a Chinese configuration error that names the
setting to fix, and the other origin never sees a byte.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from assistant.core.errors import ModelUnavailableError
from assistant.llm.chat import ChatMessage
from assistant.llm.client import OpenAIChatModel, RetryPolicy
from tests.ui.conftest import free_port

SECRET_ANSWER = "我们公司2023年空驶率达到35%，数据来源于重庆某物流公司的运输管理系统。"


@dataclass
class Recorder:
    url: str
    bodies: list[bytes] = field(default_factory=list)


def serve(handler_for: Any) -> Iterator[Recorder]:
    port = free_port()
    record = Recorder(url=f"http://127.0.0.1:{port}")
    server = ThreadingHTTPServer(("127.0.0.1", port), handler_for(record))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield record
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def elsewhere() -> Iterator[Recorder]:
    """The other origin: records whatever reaches it and answers like a model would."""

    def handler_for(record: Recorder) -> type[BaseHTTPRequestHandler]:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                record.bodies.append(self.rfile.read(int(self.headers.get("content-length", "0"))))
                body = b'data: {"choices":[{"index":0,"delta":{"content":"\\u597d"}}]}\n\ndata: [DONE]\n\n'
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    yield from serve(handler_for)


@pytest.fixture
def redirecting(elsewhere: Recorder) -> Iterator[Recorder]:
    """The configured model endpoint: answers every call with 307 to the other origin."""

    def handler_for(record: Recorder) -> type[BaseHTTPRequestHandler]:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                record.bodies.append(self.rfile.read(int(self.headers.get("content-length", "0"))))
                self.send_response(307)
                self.send_header("location", f"{elsewhere.url}/v1/chat/completions")
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    yield from serve(handler_for)


def test_a_redirecting_model_endpoint_gets_no_second_copy_of_the_prompt(
    redirecting: Recorder, elsewhere: Recorder
) -> None:
    model = OpenAIChatModel(
        base_url=f"{redirecting.url}/v1",
        model="m",
        retry=RetryPolicy(max_retries=2, base_delay=0),
        sleep=lambda s: None,
    )
    with pytest.raises(ModelUnavailableError) as caught:
        model.complete([ChatMessage(role="user", content=SECRET_ANSWER)])
    assert elsewhere.bodies == []  # the applicant's data never went to the other origin
    assert len(redirecting.bodies) == 1  # and a redirect is a configuration error: not retried
    message = caught.value.message
    assert "重定向" in message and "CASE_ASSISTANT_LLM_BASE_URL" in message
    assert elsewhere.url not in message  # where it pointed goes to the operator's log, not to the applicant
