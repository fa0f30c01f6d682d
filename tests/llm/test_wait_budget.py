"""A hanging model holds a turn for the wait budget, not read timeout × attempts (it used to be 183 s)."""

from __future__ import annotations

import time

import pytest

from assistant.core.errors import ModelUnavailableError
from assistant.llm.chat import ChatMessage
from assistant.llm.client import OpenAIChatModel, RetryPolicy
from tests.fakes.realistic_model import RealisticModelServer

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast


def test_a_hanging_model_is_given_up_within_the_budget_across_retries() -> None:
    with RealisticModelServer(["hang"]) as server:
        model = OpenAIChatModel(
            base_url=server.base_url,
            model="m",
            timeout=30.0,
            retry=RetryPolicy(max_retries=2, base_delay=0.1, max_delay=0.2),
        )
        model.wait_budget = 2.0
        start = time.monotonic()
        with pytest.raises(ModelUnavailableError):
            model.complete([ChatMessage(role="user", content="请写一段话。")])
        assert time.monotonic() - start < 6.0
        model.close()


def test_a_slow_model_that_has_started_is_not_cut_by_the_budget() -> None:
    with RealisticModelServer(["plain", "slow"], tokens_per_second=20) as server:
        model = OpenAIChatModel(base_url=server.base_url, model="m", timeout=10.0)
        model.wait_budget = 1.0  # shorter than the whole reply takes
        start = time.monotonic()
        text = model.complete([ChatMessage(role="user", content="平台累计汇聚运单数据1200万条，请据此写一段话。")])
        assert text and time.monotonic() - start > 1.0
        model.close()
