"""Helpers shared by the benchmark scripts: percentiles, tables, servers started and always stopped."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
QA_SETS = ("policy_qa_dev", "staff_questions")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (0 for an empty list)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def p50(values: list[float]) -> float:
    return percentile(values, 0.5)


def p95(values: list[float]) -> float:
    return percentile(values, 0.95)


def table(headers: list[str], rows: list[list[Any]], align: str | None = None) -> str:
    """A Markdown table; ``align`` is one char per column, ``l`` or ``r`` (default: first l, rest r)."""
    align = align or "l" + "r" * (len(headers) - 1)
    marks = ["---" if a == "l" else "---:" for a in align]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def load_questions() -> list[dict[str, Any]]:
    """In-scope rows of both committed development sets, tagged with their set name."""
    rows = []
    for name in QA_SETS:
        path = REPO / "tests" / "data" / "qa" / f"{name}.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if row.get("kind") != "out_of_scope":
                    rows.append({**row, "set": name})
    return rows


def is_hit(keywords: list[str], texts: list[str]) -> bool:
    """Every keyword appears in the joined text of the passages given (the top 5)."""
    joined = "\n".join(texts)
    return all(k in joined for k in keywords)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(data_dir: Path, port: int | None = None, **extra: str) -> dict[str, str]:
    """A clean environment for a product subprocess: offline, loopback, no model unless given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASE_ASSISTANT_")}
    env.update(
        CASE_ASSISTANT_DATA_DIR=str(data_dir),
        CASE_ASSISTANT_HOST="127.0.0.1",
        HF_HUB_OFFLINE="1",
        GRADIO_ANALYTICS_ENABLED="False",
        PYTHONUNBUFFERED="1",
    )
    if port is not None:
        env["CASE_ASSISTANT_PORT"] = str(port)
    env.update(extra)
    return env


def wait_for_200(url: str, proc: subprocess.Popen, timeout: float) -> float | None:
    """Seconds until ``url`` answers 200 (polling every 50 ms); None if the process died or time ran out."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            return None
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.perf_counter() - start
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.05)
    return None


def stop(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM, then SIGKILL after ``grace`` seconds (only the process we started)."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=grace)


@contextmanager
def serve(data_dir: Path, timeout: float = 300.0, log: Path | None = None, **env: str) -> Iterator[dict[str, Any]]:
    """``case-assistant serve`` on 127.0.0.1 and a free port; yields {url, pid, seconds}; always stopped."""
    port = free_port()
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed in finally
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(VENV_BIN / "case-assistant"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=bench_env(data_dir, port, **env),
        cwd=data_dir,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        ready = wait_for_200(url + "/", proc, timeout)
        seconds = None if ready is None else time.perf_counter() - start
        yield {"url": url, "pid": proc.pid, "seconds": seconds, "proc": proc}
    finally:
        stop(proc)
        if log:
            out.close()


@contextmanager
def fake_model(behaviours: str = "plain", timeout: float = 30.0) -> Iterator[str]:
    """``tests/fakes/realistic_model.py`` as a subprocess; yields its base URL; always stopped."""
    proc = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "tests" / "fakes" / "realistic_model.py"),
            "--port",
            "0",
            "--behaviours",
            behaviours,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + timeout
        base_url = ""
        while time.monotonic() < deadline and proc.stdout is not None:
            line = proc.stdout.readline()
            if not line:
                break
            if line.startswith("READY "):
                base_url = line.split(None, 1)[1].strip()
                break
        if not base_url:
            raise RuntimeError("假模型服务未能启动")
        yield base_url
    finally:
        stop(proc)
