"""OpenAIChatModel over real HTTP against the fake server: replies, retries, failures, streaming."""

from __future__ import annotations

import time

import pytest

from assistant.core.errors import ModelUnavailableError
from assistant.core.settings import Settings
from assistant.llm.chat import ChatMessage
from assistant.llm.client import (
    BROKEN_STREAM_MESSAGE,
    EMPTY_MESSAGE,
    MALFORMED_MESSAGE,
    UNAVAILABLE_MESSAGE,
    OpenAIChatModel,
    RetryPolicy,
    build_chat_model,
)
from tests.fakes import (
    empty,
    hang,
    malformed,
    missing_choices,
    no_choices,
    reply,
    stall_stream,
    status,
)
from tests.fakes.openai_server import FakeOpenAIServer

MESSAGES = [ChatMessage(role="system", content="你是助手。"), ChatMessage(role="user", content="请介绍案例。")]


def model_for(
    server: FakeOpenAIServer, *, timeout: float = 5.0, retries: int = 2, sleeps: list[float] | None = None
) -> OpenAIChatModel:
    sleep = sleeps.append if sleeps is not None else (lambda _s: None)
    return OpenAIChatModel(
        base_url=server.base_url,
        model="fake-model",
        api_key="sk-test",
        temperature=0.2,
        timeout=timeout,
        retry=RetryPolicy(max_retries=retries, base_delay=0.01, max_delay=0.05),
        sleep=sleep,
    )


def test_reply_and_request_shape(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.queue(reply("案例覆盖了12家港口企业。"))
    text = model_for(fake_openai).complete(MESSAGES, max_tokens=50)
    assert text == "案例覆盖了12家港口企业。"
    (request,) = fake_openai.chat_requests()
    assert request.body["model"] == "fake-model"
    assert request.body["temperature"] == 0.2
    assert request.body["max_tokens"] == 50
    assert request.messages == [
        {"role": "system", "content": "你是助手。"},
        {"role": "user", "content": "请介绍案例。"},
    ]
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.stream  # always: the timeout is a read timeout between chunks, not a total limit


def test_429_then_success_retries_once_with_backoff(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.queue(status(429, "rate limited"), reply("第二次成功。"))
    sleeps: list[float] = []
    assert model_for(fake_openai, sleeps=sleeps).complete(MESSAGES) == "第二次成功。"
    assert len(fake_openai.chat_requests()) == 2
    assert sleeps == [0.01]


def test_backoff_doubles_and_honours_retry_after_up_to_the_cap(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.queue(status(503), status(502), status(429, retry_after=30), reply("好了。"))
    sleeps: list[float] = []
    assert model_for(fake_openai, retries=3, sleeps=sleeps).complete(MESSAGES) == "好了。"
    assert sleeps == [0.01, 0.02, 0.05]  # base, doubled, Retry-After 30 s capped at max_delay


def test_persistent_500_gives_the_chinese_unavailable_message(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.set_default(status(500, "boom"))
    with pytest.raises(ModelUnavailableError) as caught:
        model_for(fake_openai, retries=2).complete(MESSAGES)
    assert caught.value.message == UNAVAILABLE_MESSAGE
    assert caught.value.status_code == 503
    assert len(fake_openai.chat_requests()) == 3  # our loop only: the SDK's own retries are off


def test_sdk_retries_are_disabled(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.set_default(status(429))
    with pytest.raises(ModelUnavailableError):
        model_for(fake_openai, retries=0).complete(MESSAGES)
    assert len(fake_openai.chat_requests()) == 1


def test_wrong_key_is_not_retried_and_says_which_setting(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.set_default(status(401, "invalid api key"))
    with pytest.raises(ModelUnavailableError) as caught:
        model_for(fake_openai).complete(MESSAGES)
    assert "CASE_ASSISTANT_LLM_API_KEY" in caught.value.message
    assert len(fake_openai.chat_requests()) == 1


def test_unknown_model_404_names_url_and_model_settings(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.set_default(status(404, "model not found"))
    with pytest.raises(ModelUnavailableError) as caught:
        model_for(fake_openai).complete(MESSAGES)
    assert "CASE_ASSISTANT_LLM_MODEL" in caught.value.message


def test_hang_past_timeout_fails_within_bounded_time(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.set_default(hang(30))
    started = time.monotonic()
    with pytest.raises(ModelUnavailableError) as caught:
        model_for(fake_openai, timeout=0.3, retries=1).complete(MESSAGES)
    elapsed = time.monotonic() - started
    assert caught.value.message == UNAVAILABLE_MESSAGE
    assert len(fake_openai.chat_requests()) == 2
    assert 0.5 < elapsed < 3.0


def test_slow_but_within_timeout_succeeds(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.queue(hang(0.2, then="慢一点也能回复。"))
    assert model_for(fake_openai, timeout=3.0).complete(MESSAGES) == "慢一点也能回复。"


@pytest.mark.parametrize("stream", [False, True])
def test_malformed_json_is_a_clear_error_not_a_traceback(fake_openai: FakeOpenAIServer, stream: bool) -> None:
    fake_openai.set_default(malformed())
    with pytest.raises(ModelUnavailableError) as caught:
        model_for(fake_openai).complete(MESSAGES, on_delta=(lambda _d: None) if stream else None)
    assert caught.value.message == MALFORMED_MESSAGE
    assert len(fake_openai.chat_requests()) == 1  # a broken endpoint will not mend itself


@pytest.mark.parametrize("behaviour", [empty(), no_choices()], ids=["empty-content", "empty-choices"])
@pytest.mark.parametrize("stream", [False, True])
def test_empty_reply_is_reported(fake_openai: FakeOpenAIServer, behaviour, stream: bool) -> None:
    fake_openai.set_default(behaviour)
    with pytest.raises(ModelUnavailableError) as caught:
        model_for(fake_openai).complete(MESSAGES, on_delta=(lambda _d: None) if stream else None)
    assert caught.value.message in (EMPTY_MESSAGE, MALFORMED_MESSAGE)
    assert "离线起草" in caught.value.message


def test_missing_choices_key_is_malformed(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.set_default(missing_choices())
    with pytest.raises(ModelUnavailableError) as caught:
        model_for(fake_openai).complete(MESSAGES)
    assert caught.value.message == MALFORMED_MESSAGE


def test_streaming_deltas_arrive_in_order_and_sum_to_the_reply(fake_openai: FakeOpenAIServer) -> None:
    text = "平台2023年3月上线。已在12家港口和物流企业落地，单证成本下降18.5%。"
    fake_openai.queue(reply(text, chunk_size=3))
    deltas: list[str] = []
    result = model_for(fake_openai).complete(MESSAGES, on_delta=deltas.append)
    assert result == text == "".join(deltas)
    # passed on sentence by sentence, once each sentence has ended and been checked
    assert deltas == ["平台2023年3月上线。", "已在12家港口和物流企业落地，单证成本下降18.5%。"]
    assert fake_openai.chat_requests()[0].stream


def test_streaming_retries_when_nothing_was_emitted_yet(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.queue(status(429), reply("重试后的流式回复。"))
    deltas: list[str] = []
    assert model_for(fake_openai).complete(MESSAGES, on_delta=deltas.append) == "重试后的流式回复。"
    assert "".join(deltas) == "重试后的流式回复。"
    assert len(fake_openai.chat_requests()) == 2


def test_build_chat_model_follows_settings(fake_openai: FakeOpenAIServer) -> None:
    assert build_chat_model(Settings(llm_base_url="", llm_model="", _env_file=None)) is None
    model = build_chat_model(
        Settings(
            llm_base_url=fake_openai.base_url, llm_model="fake-model", llm_max_retries=4, llm_timeout=7, _env_file=None
        )
    )
    assert isinstance(model, OpenAIChatModel)
    assert model.name == "fake-model" and model.retry.max_retries == 4
    fake_openai.queue(reply("配置可用。"))
    assert model.complete(MESSAGES) == "配置可用。"
    assert fake_openai.chat_requests()[0].headers["authorization"] == "Bearer not-needed"


def test_stream_dying_after_text_was_shown_is_not_retried(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.queue(
        stall_stream("已经显示。给用户的后半段永远不会到达。", after_chunks=2, seconds=30, chunk_size=4)
    )
    deltas: list[str] = []
    started = time.monotonic()
    with pytest.raises(ModelUnavailableError) as caught:
        model_for(fake_openai, timeout=0.3).complete(MESSAGES, on_delta=deltas.append)
    assert caught.value.message == BROKEN_STREAM_MESSAGE
    assert deltas == ["已经显示。"]
    assert len(fake_openai.chat_requests()) == 1  # a retry would show the caller the same text twice
    assert time.monotonic() - started < 3.0
