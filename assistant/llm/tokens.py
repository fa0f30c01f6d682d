"""Token counting for prompt budgeting, with tiktoken's ``o200k_base`` as a proxy.

Why a proxy: Qwen, DeepSeek, GLM and Moonshot each have their own tokenizer; none is
available offline, and o200k_base (≈0.8 token per Han character) is close enough once
a safety margin is kept (``PROMPT_SAFETY``).

Why the checks before ``tiktoken.get_encoding``: without a valid cached file tiktoken
downloads the encoding, and it *deletes* a cached file whose sha256 is wrong before
trying to download it again. The shipped files live in ``assets/tiktoken``;
``assistant.resources.configure_offline_environment()`` points ``TIKTOKEN_CACHE_DIR``
there and entry points call it. If that was not done, or the file is damaged, we
raise instead of letting tiktoken reach for the network.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.core.errors import UserFacingError
from assistant.core.resources import verify_tiktoken_files

if TYPE_CHECKING:
    import tiktoken

ENCODING_NAME = "o200k_base"
MESSAGE_OVERHEAD_TOKENS = 4  # role markers and separators per chat message
PROMPT_SAFETY = 0.9  # use at most this share of the context: real tokenizers differ from o200k


class TokenizerUnavailableError(UserFacingError):
    status_code = 500
    code = "tokenizer_unavailable"


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    """The o200k_base encoding, loaded from the shipped file only (never downloaded)."""
    cache_dir = os.environ.get("TIKTOKEN_CACHE_DIR", "")
    if not cache_dir:
        raise TokenizerUnavailableError(
            "未找到离线分词文件目录：程序入口需先调用 assistant.resources.configure_offline_environment()。"
        )
    if not verify_tiktoken_files(Path(cache_dir)).get(ENCODING_NAME):
        raise TokenizerUnavailableError(
            f"离线分词文件缺失或已损坏（{cache_dir}）：请重新安装本程序，或将 TIKTOKEN_CACHE_DIR 指向 assets/tiktoken。"
        )
    import tiktoken

    return tiktoken.get_encoding(ENCODING_NAME)


def count_tokens(text: str) -> int:
    """Tokens in ``text`` (special-token strings in user text are counted as plain text)."""
    return len(encoding().encode(text, disallowed_special=()))


def count_message_tokens(contents: list[str]) -> int:
    """Tokens of a chat prompt made of these message contents, with per-message overhead."""
    return sum(count_tokens(c) + MESSAGE_OVERHEAD_TOKENS for c in contents) + 3


def truncate_to_tokens(text: str, max_tokens: int) -> str:
    """The longest prefix of ``text`` within ``max_tokens`` tokens (decoded cleanly)."""
    if max_tokens <= 0:
        return ""
    tokens = encoding().encode(text, disallowed_special=())
    if len(tokens) <= max_tokens:
        return text
    return encoding().decode(tokens[:max_tokens], errors="ignore")


def reply_reserve(budget_words: int) -> int:
    """Tokens to keep free for a reply of ``budget_words`` 字 (generous: models overshoot)."""
    return int(budget_words * 2) + 256


def prompt_allowance(context_tokens: int, budget_words: int) -> int:
    """Tokens a prompt may use in a model with ``context_tokens`` when the reply is ``budget_words`` 字."""
    return int(context_tokens * PROMPT_SAFETY) - reply_reserve(budget_words)
