"""The README is the contract for newcomers: two commands, a settings table that matches the code."""

from __future__ import annotations

from pathlib import Path

from assistant.core.settings_doc import settings_table

ROOT = Path(__file__).parents[1]


def test_settings_table_matches_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- settings-table:start -->")[1].split("<!-- settings-table:end -->")[0]
    assert block.strip() == settings_table().strip(), (
        "README 设置表已过期：运行 python -m assistant.core.settings_doc 重新生成"
    )


def test_two_commands_and_ci_entry() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("run:", "test:", "bench:"):
        assert target in makefile


def test_project_never_reads_shared_folder() -> None:
    offenders = [
        p
        for p in ROOT.rglob("*.py")
        if ".venv" not in p.parts and "../shared" in p.read_text(encoding="utf-8") and p.name != "test_readme.py"
    ]
    assert offenders == []
