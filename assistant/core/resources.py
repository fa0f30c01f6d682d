"""Locate files bundled with the package (prompts, knowledge, tiktoken encodings).

In a source checkout or an editable install they live at the repository root
(``prompts/``, ``knowledge/``, ``assets/tiktoken``); in a built wheel they are
force-included under ``assistant/_bundled/``. Looking in both places keeps one
code path for ``make run`` and for a wheel installed elsewhere.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the assistant package
_SOURCE_LOCATIONS = {
    "prompts": "prompts",
    "knowledge": "knowledge",
    "tiktoken": "assets/tiktoken",
    "fontconfig": "assets/fontconfig",
}

# tiktoken caches encodings under sha1(url); a file whose sha256 differs is deleted
# and re-downloaded by tiktoken, so we check the hashes ourselves before use.
TIKTOKEN_FILES = {
    "9b5ad71b2ce5302211f9c61530b329a4922fc6a4": (
        "cl100k_base",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
    "fb374d419588a4632f3f557e76b4b70aebbca790": (
        "o200k_base",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
}


@lru_cache(maxsize=16)
def bundled_dir(name: str) -> Path:
    """Return the directory holding bundled resource ``name`` (prompts, knowledge, tiktoken, fontconfig).

    Cached: the installation does not move while the process runs, and every draft and review asks
    (two ``stat`` calls each time, holding the interpreter lock other users' requests wait for)."""
    candidates = [_PACKAGE_DIR / "_bundled" / name, _PACKAGE_DIR.parent / _SOURCE_LOCATIONS[name]]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"找不到内置资源目录 {name}：安装包不完整，请重新安装。")


def verify_tiktoken_files(directory: Path | None = None) -> dict[str, bool]:
    """Check each shipped encoding file against its expected sha256."""
    directory = directory or bundled_dir("tiktoken")
    results = {}
    for cache_name, (encoding, expected) in TIKTOKEN_FILES.items():
        path = directory / cache_name
        actual = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        results[encoding] = actual == expected
    return results


def configure_offline_environment() -> None:
    """Point tiktoken at the shipped files, switch off phone-home analytics, park idle encoder threads.

    Called explicitly by entry points (CLI, app factory, tests), never at import time.
    """
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(bundled_dir("tiktoken")))
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    # The e5 engine (OpenMP) parks its threads between calls instead of spinning on the cores: a turn encodes a
    # few sentences, and a spinning thread takes the core another user's request needs (and bills the caller's
    # thread for the wait). Read when the engine loads, which is always later (on first use).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
