"""Server benchmarks: cold start to the first page, and per-turn latency under load (bench/load.py).

Run alone: ``.venv/bin/python bench/serving.py [--seconds 20]``. Every server is ``case-assistant serve``
on 127.0.0.1 in a fresh temporary data directory, bounded in time and always stopped.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import REPO, VENV_BIN, bench_env, fake_model, p50, serve, table  # noqa: E402

LEVELS = (1, 10, 50)
SERVER_ENV = {"CASE_ASSISTANT_LIMIT_APPLICATIONS_PER_USER": "100000"}  # every simulated applicant is the local user


def cold_start(work: Path) -> dict[str, Any]:
    """First 200 on / : (a) fresh dir, serve only; (b) fresh dir, prepare, then serve."""
    out: dict[str, Any] = {}
    bare = work / "cold-bare"
    bare.mkdir()
    with serve(bare, timeout=300, log=work / "cold-bare.log") as server:
        out["bare_s"] = server["seconds"]
    prepared = work / "cold-prepared"
    prepared.mkdir()
    start = time.perf_counter()
    done = subprocess.run(
        [str(VENV_BIN / "case-assistant"), "prepare"],
        env=bench_env(prepared),
        cwd=prepared,
        capture_output=True,
        timeout=600,
    )
    out["prepare_s"] = time.perf_counter() - start
    out["prepare_ok"] = done.returncode == 0
    with serve(prepared, timeout=300, log=work / "cold-prepared.log") as server:
        out["prepared_s"] = server["seconds"]
    with serve(prepared, timeout=300) as server:  # the same directory once more: a plain restart
        out["restart_s"] = server["seconds"]
    out["prepared_dir"] = prepared
    return out


def print_cold(r: dict[str, Any]) -> None:
    def s(v: float | None) -> str:
        return "未就绪（超时或退出）" if v is None else f"{v:.1f}"

    print("\n## 4. 冷启动（case-assistant serve，全新临时数据目录，到 GET / 首个 200）\n")
    print(
        table(
            ["情形", "秒"],
            [
                ["未建索引，直接 serve（serve 内建索引）", s(r["bare_s"])],
                [f"case-assistant prepare（{'成功' if r['prepare_ok'] else '失败'}）", s(r["prepare_s"])],
                ["prepare 之后 serve", s(r["prepared_s"])],
                ["同一目录再次 serve（重启）", s(r["restart_s"])],
            ],
        )
    )
    print("\n计时从启动进程算起（含 Python、gradio、chromadb 导入），每 50 ms 轮询一次 GET /。")


def fake_call_ms(base_url: str, bodies: list[dict[str, Any]]) -> list[float]:
    """The fake model's own time per call: recorded requests replayed one at a time, stream read to the end."""
    out = []
    for body in bodies:
        request = urllib.request.Request(
            base_url.rstrip("/") + "/chat/completions",
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json", "Authorization": "Bearer x"},
        )
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
        out.append((time.perf_counter() - start) * 1000)
    return out


def load_mode(data_dir: Path, work: Path, seconds: float, mode: str) -> list[dict[str, Any]]:
    """Start a server (offline or on the fake model), run bench/load.py against it, stop everything."""
    result = work / f"load-{mode}.json"
    budget = len(LEVELS) * (seconds + 120) + 60
    if mode == "offline":
        with serve(data_dir, timeout=300, log=work / f"serve-{mode}.log", **SERVER_ENV) as server:
            if server["seconds"] is None:
                raise RuntimeError("服务未能启动（离线）：" + _tail(work / f"serve-{mode}.log"))
            _run_load(server, seconds, result, budget)
        return json.loads(result.read_text(encoding="utf-8"))
    with fake_model("plain") as base_url:
        env = {
            **SERVER_ENV,
            "CASE_ASSISTANT_LLM_BASE_URL": base_url,
            "CASE_ASSISTANT_LLM_MODEL": "fake-realistic",
            "CASE_ASSISTANT_LLM_API_KEY": "x",
        }
        with serve(data_dir, timeout=300, log=work / f"serve-{mode}.log", **env) as server:
            if server["seconds"] is None:
                raise RuntimeError("服务未能启动（假模型）：" + _tail(work / f"serve-{mode}.log"))
            _run_load(server, seconds, result, budget)
        root = base_url.rstrip("/").removesuffix("/v1")
        with urllib.request.urlopen(root + "/_fake/requests", timeout=30) as response:
            bodies = json.loads(response.read())["requests"]
        rows = json.loads(result.read_text(encoding="utf-8"))
        sample = bodies[:: max(1, len(bodies) // 30)][:30]
        own = fake_call_ms(base_url, sample) if sample else []
        total_turns = sum(r["turns"] for r in rows)
        for r in rows:
            r["model_calls_per_turn"] = len(bodies) / total_turns if total_turns else 0.0
            r["fake_call_p50"] = p50(own)
        return rows


def _tail(path: Path, chars: int = 1500) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError:
        return ""


def _run_load(server: dict[str, Any], seconds: float, out: Path, budget: float) -> None:
    subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "load.py"),
            "--url",
            server["url"],
            "--pid",
            str(server["pid"]),
            "--users",
            ",".join(str(n) for n in LEVELS),
            "--seconds",
            str(seconds),
            "--out",
            str(out),
        ],
        check=True,
        timeout=budget,
        cwd=REPO,
    )


def print_load(offline: list[dict[str, Any]], model: list[dict[str, Any]], seconds: float) -> None:
    print(
        f"\n## 5. 每轮对话延迟（REST API，locust，每档 {seconds:.0f} s，闭环无等待；"
        "POST /api/applications/{id}/messages，SSE 读到 done）\n"
    )
    rows = []
    for mode, levels in (("离线起草", offline), ("假模型流式（全速）", model)):
        for r in levels:
            overhead = ""
            if "fake_call_p50" in r:
                overhead = f"{max(0.0, r['p50'] - r['model_calls_per_turn'] * r['fake_call_p50']):.0f}"
            rows.append(
                [
                    mode,
                    r["users"],
                    r["turns"],
                    f"{r['turns_per_s']:.1f}",
                    f"{r['p50']:.0f}",
                    f"{r['p95']:.0f}",
                    overhead or "—",
                    r["errors"],
                    f"{r['peak_rss_mb']:.0f}",
                ]
            )
    print(
        table(
            ["模式", "并发", "轮数", "轮/秒", "p50 ms", "p95 ms", "扣除模型自身后 p50 ms", "错误", "服务峰值 RSS MB"],
            rows,
        )
    )
    if model:
        m = model[0]
        print(
            f"\n假模型（tests/fakes/realistic_model.py --behaviours plain，无人为延迟）平均每轮被调用 "
            f"{m['model_calls_per_turn']:.2f} 次，单独回放一次调用（读完整个流）p50 {m['fake_call_p50']:.1f} ms；"
            "“扣除模型自身后” = p50 − 调用次数 × 该值（模型在负载下也分享两核 CPU，所以这是开销的上界）。"
            "延迟是客户端看到的整轮时间（发出请求 → 流结束）；错误 = 非 200 或流未以 done 结束。"
        )
    samples = [s for r in offline + model for s in r.get("error_samples", [])]
    if samples:
        print("\n错误示例：" + "；".join(samples[:3]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-serving-") as tmp:
        work = Path(tmp)
        cold = cold_start(work)
        print_cold(cold)
        offline = load_mode(cold["prepared_dir"], work, args.seconds, "offline")
        model = load_mode(cold["prepared_dir"], work, args.seconds, "model")
        print_load(offline, model, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
