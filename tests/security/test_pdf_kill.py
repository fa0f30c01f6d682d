"""Issue 25, item 6 (last part): a ``kill -9`` during PDF export leaves no copy of the application behind.

The PDF was made in a ``tempfile`` directory under ``/tmp``: killed mid-conversion, the
server left the application's .docx there for anyone on the machine to read, and
nothing ever removed it. The conversion now works in a private directory under the
data directory that the next start cleans.

LibreOffice is replaced by a stand-in that records its pid and never finishes, so the
kill lands mid-conversion every time (the test waits for that state, not for a timer).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

import httpx

from tests.ui.conftest import _clean_env, free_port, start, stop, wait_for

STAND_IN = """#!/bin/sh
echo $$ > {marker}
exec sleep 300
"""


def leftovers(*roots: Path) -> list[Path]:
    return [p for root in roots if root.exists() for p in root.rglob("*") if p.suffix in (".docx", ".pdf")]


def test_a_killed_pdf_export_leaves_no_document_behind(tmp_path: Path) -> None:
    bin_dir, tmp_dir, data = tmp_path / "bin", tmp_path / "tmp", tmp_path / "data"
    bin_dir.mkdir()
    tmp_dir.mkdir()
    marker = tmp_path / "soffice.pid"
    soffice = bin_dir / "soffice"
    soffice.write_text(STAND_IN.format(marker=marker))
    soffice.chmod(0o755)
    env = _clean_env()
    env.update(
        CASE_ASSISTANT_DATA_DIR=str(data),
        CASE_ASSISTANT_EMBEDDER="hash",
        PATH=f"{bin_dir}:{env['PATH']}",
        TMPDIR=str(tmp_dir),
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)]
    process = start(command, env, tmp_path / "first.log")
    try:
        wait_for(f"{url}api/health", process, tmp_path / "first.log")
        with httpx.Client(base_url=url, timeout=30, trust_env=False) as client:
            app = client.post(
                "api/applications",
                json={"field": "交通运输", "case_name": "交通运输领域——机密物流平台", "applicant": "机密公司"},
            )
            assert app.status_code == 201, app.text
        app_id = app.json()["id"]
        threading.Thread(target=_export_pdf, args=(url, app_id), daemon=True).start()
        _wait_for_file(marker, process)
        assert leftovers(tmp_dir, data), "the conversion should be under way"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        stop(process)
        if marker.exists():
            os.kill(int(marker.read_text().strip()), signal.SIGKILL)
    second = start(command, env, tmp_path / "second.log")
    try:
        wait_for(f"{url}api/health", second, tmp_path / "second.log")
        assert leftovers(tmp_dir, data) == []
    finally:
        stop(second)


def _export_pdf(url: str, app_id: int) -> None:
    try:
        with httpx.Client(base_url=url, timeout=60, trust_env=False) as client:
            client.get(f"api/applications/{app_id}/export.pdf")
    except httpx.HTTPError:
        pass  # the server is killed under this request


def _wait_for_file(path: Path, process) -> None:
    """Wait until the stand-in has started (a state), failing fast if the server died instead."""
    done = threading.Event()

    def poll() -> None:
        while not path.exists() and process.poll() is None:
            done.wait(0.05)
        done.set()

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    watcher.join(timeout=60)
    assert path.exists(), "LibreOffice stand-in never started"
