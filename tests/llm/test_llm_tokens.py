"""tiktoken offline: the shipped files are intact, load without any network, and are never deleted."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from assistant.core.resources import TIKTOKEN_FILES, bundled_dir, verify_tiktoken_files
from assistant.llm import tokens

_connections: list[object] = []
_watching = False


def _audit(event: str, args: tuple) -> None:
    if _watching and event in ("socket.connect", "socket.getaddrinfo"):
        _connections.append(args)


sys.addaudithook(_audit)


@pytest.fixture
def fresh_encoding():
    tokens.encoding.cache_clear()
    yield
    tokens.encoding.cache_clear()


def test_shipped_files_match_their_sha256() -> None:
    assert verify_tiktoken_files() == {"cl100k_base": True, "o200k_base": True}


def test_o200k_loads_without_touching_the_network(fresh_encoding: None) -> None:
    global _watching
    _connections.clear()
    _watching = True
    try:
        count = tokens.count_tokens("数据要素×三年行动计划推动数据流通。")
    finally:
        _watching = False
    assert _connections == []
    assert 5 <= count <= 30
    assert tokens.encoding().name == "o200k_base"


def test_counting_and_truncation() -> None:
    text = "平台累计汇聚运单数据1200万条。" * 20
    assert tokens.count_tokens(text) > 100
    cut = tokens.truncate_to_tokens(text, 40)
    assert text.startswith(cut) and tokens.count_tokens(cut) <= 40
    assert tokens.truncate_to_tokens("短句。", 100) == "短句。"
    assert tokens.count_tokens("<|endoftext|>") > 1  # special tokens in user text are plain text
    assert tokens.count_message_tokens(["一", "二"]) == tokens.count_tokens("一") + tokens.count_tokens("二") + 11


def test_missing_cache_dir_is_an_error_not_a_download(fresh_encoding: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR")
    with pytest.raises(tokens.TokenizerUnavailableError, match="configure_offline_environment"):
        tokens.count_tokens("你好")


def test_damaged_file_is_reported_and_left_in_place(
    fresh_encoding: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in TIKTOKEN_FILES:
        shutil.copy(bundled_dir("tiktoken") / name, tmp_path / name)
    o200k = tmp_path / "fb374d419588a4632f3f557e76b4b70aebbca790"
    o200k.write_bytes(o200k.read_bytes()[:1000])
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    with pytest.raises(tokens.TokenizerUnavailableError, match="损坏"):
        tokens.count_tokens("你好")
    assert o200k.stat().st_size == 1000  # tiktoken would have deleted it and tried to download


def test_budget_helpers() -> None:
    assert tokens.reply_reserve(300) == 856
    assert tokens.prompt_allowance(32000, 1500) == int(32000 * 0.9) - 3256
