"""The built wheel carries prompts, form specs, the corpus and the tiktoken files."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.mark.slow
def test_wheel_ships_bundled_resources(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(tmp_path.glob("case_assistant-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "assistant/_bundled/knowledge/forms/cq-2024-batch2.yaml" in names
    assert any(n.startswith("assistant/_bundled/prompts/") and n.endswith(".md") for n in names)
    assert any(n.startswith("assistant/_bundled/knowledge/corpus/") for n in names)
    assert "assistant/_bundled/tiktoken/fb374d419588a4632f3f557e76b4b70aebbca790" in names
    assert "ui/app.py" in names and "assistant/cli/main.py" in names
