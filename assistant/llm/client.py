"""The OpenAI-compatible chat model: one client for DeepSeek, Qwen, GLM, Moonshot, vLLM, Ollama.

Why our own retry loop (the SDK's ``max_retries`` is set to 0): which failures are
retried, how long we wait and what the user finally reads must be explicit and
testable. Retried: HTTP 408/409/429/5xx, timeouts and connection errors, with
exponential backoff (honouring ``Retry-After`` up to ``max_delay``). Not retried:
other 4xx (a wrong key, URL or model name will not fix itself) and malformed JSON
(usually a base URL that is not an OpenAI-compatible endpoint). Redirects are never
followed: a 3xx is a configuration error, because following it would post the prompt
(the applicant's answers) to whatever origin it names. Every failure ends
as ``ModelUnavailableError`` with a Chinese message that says what to do next; no
stack trace reaches the user.

Every request streams (SSE), with or without ``on_delta``: ``timeout`` is a read
timeout *between* chunks, never a limit on the whole reply, so a local model writing
8–10 tokens/s finishes a long part as long as it keeps writing. ``limited`` gives a
copy with a total deadline and no retries, for short calls (a follow-up question).
``reasoning_content`` deltas keep the stream alive and are never part of the reply;
chunks with empty ``choices`` (usage, keep-alive) are skipped.

Every reply passes ``assistant.llm.normalise`` (reasoning, preambles, Markdown, closing
offers, loops removed); ``on_delta`` receives the cleaned text only, and the return
value equals what was passed on. A reply that is empty after cleaning (「好的。」, only
reasoning) is a failed call: retried once, then ``ModelUnavailableError`` so the caller
falls back. A reply cut off by the server (``finish_reason: "length"``) loses its
unfinished sentence. A stream that breaks after text was already passed on is not
retried (the caller would see it twice).
"""

from __future__ import annotations

import copy
import json
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx2  # the openai SDK's own HTTP library (httpx errors and timeouts are not its types)
import openai
from pydantic import BaseModel, Field

from assistant.core.cancel import check_cancelled
from assistant.core.cpu_gate import io_wait
from assistant.core.errors import ModelUnavailableError
from assistant.core.settings import Settings
from assistant.llm.chat import ChatMessage, ChatModel, DeltaCallback
from assistant.llm.normalise import StreamNormaliser
from assistant.llm.reasoning import ReasoningOnly

log = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = "模型服务暂时不可用，已保存您的回答，请稍后重试；也可以改用离线起草。"
MALFORMED_MESSAGE = (
    "模型服务返回了无法解析的内容：请检查接口地址（CASE_ASSISTANT_LLM_BASE_URL）"
    "是否为 OpenAI 兼容接口（通常以 /v1 结尾）；"
    "已保存您的回答，也可以改用离线起草。"
)
DEADLINE_MESSAGE = "模型在规定时间内没有答完，已保存您的回答，请稍后重试；也可以改用离线起草。"
EMPTY_MESSAGE = "模型没有返回任何内容（可能被内容审核拦截或服务异常），已保存您的回答，请稍后重试；也可以改用离线起草。"
BROKEN_STREAM_MESSAGE = "模型输出中途中断，已保存您的回答，请稍后重试；也可以改用离线起草。"
REDIRECT_MESSAGE = (
    "模型接口地址把请求重定向到了别处（HTTP {code}）。为保护申报材料，模型请求不跟随重定向："
    "请管理员把 CASE_ASSISTANT_LLM_BASE_URL 改为最终的接口地址（注意 http/https 和末尾的 /v1）；"
    "已保存您的回答，也可以改用离线起草。"
)
RETRYABLE_STATUS = frozenset({408, 409, 429})


class RetryPolicy(BaseModel):
    """How often and how patiently to retry transient failures."""

    max_retries: int = Field(2, ge=0, description="重试次数（不含第一次请求）")
    base_delay: float = Field(1.0, ge=0, description="第一次重试前等待的秒数，之后每次翻倍")
    max_delay: float = Field(20.0, ge=0, description="单次等待上限（秒），也限制 Retry-After")

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        wanted = retry_after if retry_after is not None else self.base_delay * (2**attempt)
        return max(0.0, min(wanted, self.max_delay))


class _Empty(Exception):
    """A reply with nothing left after cleaning (「好的。」, only reasoning, empty content)."""


class _Transient(Exception):
    """A failure worth retrying; ``retry_after`` comes from the server when it said so."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


def _retry_after(response: Any) -> float | None:
    try:
        return float(response.headers.get("retry-after"))
    except (AttributeError, TypeError, ValueError):
        return None


def _origin(response: Any) -> str:
    """Where a redirect pointed (scheme, host and port only), for the operator's log."""
    location = str(getattr(response, "headers", {}).get("location", "") or "")
    parts = urlsplit(location)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "(同一地址的其他路径)"


def _status_error(exc: openai.APIStatusError) -> Exception:
    """Map an HTTP error to a retryable failure or to the message the user should read."""
    code = exc.status_code
    if 300 <= code < 400:  # never followed (see ``OpenAIChatModel``): a configuration error, not a retry
        log.warning("model endpoint redirected (HTTP %d) to %s; not followed", code, _origin(exc.response))
        return ModelUnavailableError(REDIRECT_MESSAGE.format(code=code))
    if code in RETRYABLE_STATUS or code >= 500:
        return _Transient(f"HTTP {code}", _retry_after(exc.response))
    if code in (401, 403):
        return ModelUnavailableError(
            f"模型接口拒绝了请求（HTTP {code}）：请检查 CASE_ASSISTANT_LLM_API_KEY 是否正确；"
            "已保存您的回答，也可以改用离线起草。"
        )
    if code == 404:
        return ModelUnavailableError(
            "模型接口地址或模型名称不正确（HTTP 404）：请检查 CASE_ASSISTANT_LLM_BASE_URL 和 CASE_ASSISTANT_LLM_MODEL；"
            "已保存您的回答，也可以改用离线起草。"
        )
    return ModelUnavailableError(
        f"模型服务拒绝了请求（HTTP {code}），可能是提示词过长或参数不被支持；已保存您的回答，也可以改用离线起草。"
    )


class OpenAIChatModel:
    """``ChatModel`` over any OpenAI-compatible ``/v1/chat/completions`` endpoint."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str = "",
        temperature: float = 0.3,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        connect_timeout: float = 10.0,
    ) -> None:
        self.name = model
        self.temperature = temperature
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.deadline: float | None = None  # seconds for a whole call; None: only the read timeout applies
        # Seconds a call may wait, across retries, for a model that has not started answering; once text
        # flows only the read timeout between chunks applies, so a slow local model still finishes.
        self.wait_budget: float | None = None
        self._sleep = sleep
        # ``timeout`` bounds the wait for each chunk of the stream, not the whole reply.
        limits = httpx2.Timeout(timeout, connect=min(connect_timeout, timeout))
        # Local servers (vLLM, Ollama) need no key, but the SDK refuses an empty one. Redirects are never
        # followed (the SDK's default client follows them): a 307 to another origin would re-post the whole
        # prompt, the applicant's answers, there. It becomes a configuration error instead (``_status_error``).
        http_client = openai.DefaultHttpxClient(timeout=limits, follow_redirects=False)
        self._client = openai.OpenAI(
            base_url=base_url, api_key=api_key or "not-needed", timeout=limits, max_retries=0, http_client=http_client
        )

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> OpenAIChatModel:
        options: dict[str, Any] = {
            "base_url": settings.llm_base_url,
            "model": settings.llm_model,
            "api_key": settings.llm_api_key,
            "temperature": settings.llm_temperature,
            "timeout": settings.llm_read_timeout,
            "retry": RetryPolicy(max_retries=settings.llm_max_retries),
        }
        model = cls(**{**options, **overrides})
        model.wait_budget = settings.llm_wait_budget
        return model

    def limited(self, seconds: float) -> OpenAIChatModel:
        """A copy for short calls: the whole call within ``seconds``, no retries; shares the HTTP client."""
        clone = copy.copy(self)
        clone.deadline = seconds
        clone.retry = RetryPolicy(max_retries=0)
        clone._client = self._client.with_options(timeout=httpx2.Timeout(seconds, connect=min(seconds, 10.0)))
        return clone

    def complete(
        self,
        messages: list[ChatMessage],
        *,
        on_delta: DeltaCallback | None = None,
        max_tokens: int | None = None,
        structured: bool = False,
    ) -> str:
        request: dict[str, Any] = {
            "model": self.name,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "temperature": self.temperature,
        }
        if max_tokens is not None:
            request["max_tokens"] = max_tokens
        emitted: list[str] = []
        started = time.monotonic()
        deadline = started + self.deadline if self.deadline is not None else None
        empty_retried = False
        attempt = 0
        while True:
            check_cancelled()
            try:
                return self._attempt(
                    request, on_delta, emitted, deadline, self._first_chunk_wait(started), structured
                )
            except _Empty as failure:
                if empty_retried or (deadline is not None and time.monotonic() >= deadline):
                    log.warning("model %s: reply empty after cleaning, twice", self.name)
                    raise ModelUnavailableError(EMPTY_MESSAGE) from failure
                empty_retried = True
                log.info("model %s: reply empty after cleaning; retrying once", self.name)
            except _Transient as failure:
                if emitted:
                    raise ModelUnavailableError(BROKEN_STREAM_MESSAGE) from failure
                if attempt >= self.retry.max_retries:
                    log.warning("model %s unavailable after %d attempts: %s", self.name, attempt + 1, failure)
                    message = DEADLINE_MESSAGE if str(failure) == "deadline" else UNAVAILABLE_MESSAGE
                    raise ModelUnavailableError(message) from failure
                wait = self.retry.delay(attempt, failure.retry_after)
                if self.wait_budget is not None and time.monotonic() - started + wait >= self.wait_budget:
                    log.warning("model %s: no answer within the %.0fs budget", self.name, self.wait_budget)
                    raise ModelUnavailableError(DEADLINE_MESSAGE) from failure
                log.info("model %s: %s; retry %d in %.2fs", self.name, failure, attempt + 1, wait)
                with io_wait():
                    self._sleep(wait)
                attempt += 1

    def close(self) -> None:
        self._client.close()

    def _first_chunk_wait(self, started: float) -> float | None:
        """How long this attempt may wait for the model to start: the rest of the wait budget, at most."""
        if self.wait_budget is None:
            return None
        return max(0.5, min(self.timeout, self.wait_budget - (time.monotonic() - started)))

    def _attempt(
        self,
        request: dict[str, Any],
        on_delta: DeltaCallback | None,
        emitted: list[str],
        deadline: float | None,
        first_wait: float | None = None,
        structured: bool = False,
    ) -> str:
        """One HTTP request; transient failures become ``_Transient``, the rest ``ModelUnavailableError``."""
        try:
            return self._stream(request, on_delta, emitted, deadline, first_wait, structured)
        except openai.APIConnectionError as exc:  # includes APITimeoutError, also mid-stream
            raise _Transient(type(exc).__name__) from exc
        except httpx2.TransportError as exc:  # a read timeout or broken connection the SDK did not wrap
            raise _Transient(type(exc).__name__) from exc
        except openai.APIStatusError as exc:
            raise _status_error(exc) from exc
        except (json.JSONDecodeError, openai.APIResponseValidationError) as exc:
            raise ModelUnavailableError(MALFORMED_MESSAGE) from exc

    def _stream(
        self,
        request: dict[str, Any],
        on_delta: DeltaCallback | None,
        emitted: list[str],
        deadline: float | None,
        first_wait: float | None = None,
        structured: bool = False,
    ) -> str:
        client = self._client
        if first_wait is not None and first_wait < self.timeout:
            # The response headers must come within the budget's remainder; the chunks after them may
            # each take the full read timeout.
            client = client.with_options(timeout=httpx2.Timeout(first_wait, connect=min(first_wait, 10.0)))
        with io_wait():  # waiting for the model to answer takes no CPU slot (see core.cpu_gate)
            stream = client.chat.completions.create(**request, stream=True)
        cleaner: StreamNormaliser | ReasoningOnly = ReasoningOnly() if structured else StreamNormaliser()
        saw_choice = truncated = False

        def relay(text: str) -> None:
            if text:
                emitted.append(text)
                if on_delta is not None:
                    on_delta(text)

        with stream:
            for chunk in _waiting(stream):
                check_cancelled()  # the client went away: stop here, closing the model's connection
                if deadline is not None and time.monotonic() > deadline:
                    raise _Transient("deadline")
                choices = getattr(chunk, "choices", None) or []
                if not choices:  # a usage or keep-alive chunk
                    continue
                saw_choice = True
                choice = choices[0]
                truncated = truncated or getattr(choice, "finish_reason", None) == "length"
                delta = getattr(choice, "delta", None)
                piece = getattr(delta, "content", None) if delta is not None else None
                if piece:  # ``reasoning_content`` only keeps the stream alive; it is never the reply
                    relay(cleaner.feed(piece))
        if not saw_choice:
            raise ModelUnavailableError(MALFORMED_MESSAGE)
        relay(cleaner.finish(truncated=truncated))
        if not cleaner.text.strip():
            raise _Empty("empty reply")
        return cleaner.text


def _waiting(stream: Any) -> Iterator[Any]:
    """The stream's chunks; the wait for each one takes no CPU slot (see ``assistant.core.cpu_gate``)."""
    chunks = iter(stream)
    while True:
        with io_wait():
            chunk = next(chunks, _END)
        if chunk is _END:
            return
        yield chunk


_END = object()


def build_chat_model(settings: Settings) -> ChatModel | None:
    """The configured chat model, or None when no model is configured (offline drafting)."""
    if not settings.llm_configured:
        return None
    return OpenAIChatModel.from_settings(settings)
