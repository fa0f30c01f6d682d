"""Per-turn latency through the REST API under 1/10/50 concurrent applicants, with locust as a library.

Run by ``bench/run_all.py`` in its own process (locust monkey-patches the standard library with
gevent at import, which must not touch the other benchmarks), against a server it started:

    .venv/bin/python bench/load.py --url http://127.0.0.1:PORT --pid PID --users 1,10,50 --seconds 25 --out r.json

Each simulated applicant creates an application (``POST /api/applications``), then answers
the interview with one rich answer per turn (``POST /api/applications/{id}/messages``,
``Accept: text/event-stream``; a turn counts when its stream ends with ``done``) and starts a
new application when the interview is done or after 12 turns. No wait between turns: each
user is a closed loop, so the level is the number of turns in flight. Latency is the whole
turn as the client sees it (request sent → last byte); the server's RSS is sampled every
0.2 s with psutil on its pid.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import gevent
import psutil
from locust import HttpUser, task
from locust.env import Environment

FIELD = "交通运输"
ANSWER = (
    "我们公司面临物流数据分散的问题，2023年空驶率达到35%，数据来源于公司运输管理系统和交通部门，"
    "每天处理10万条数据，数据通过平台汇聚、清洗后共享给合作伙伴，采用数据加密、访问控制等安全措施，成效是成本降低20%。"
)
TURNS_PER_APPLICATION = 12
RECORD: dict[str, list[Any]] = {"turn": [], "create": [], "errors": []}


class Applicant(HttpUser):
    wait_time = staticmethod(lambda: 0)  # closed loop: the next turn as soon as the last one ended

    def on_start(self) -> None:
        self.app_id: int | None = None
        self.turns = 0
        self.new_application()

    def new_application(self) -> None:
        body = {"field": FIELD, "applicant": "重庆某物流有限公司", "case_name": "交通运输领域——物流数据共享平台"}
        start = time.perf_counter()
        with self.client.post("/api/applications", json=body, name="create", catch_response=True) as response:
            ms = (time.perf_counter() - start) * 1000
            if response.status_code == 201:
                self.app_id, self.turns = response.json()["id"], 0
                RECORD["create"].append(ms)
                response.success()
            else:
                self.app_id = None
                RECORD["errors"].append(f"create {response.status_code} {response.text[:120]}")
                response.failure(f"create {response.status_code}")

    @task
    def turn(self) -> None:
        if self.app_id is None or self.turns >= TURNS_PER_APPLICATION:
            self.new_application()
            if self.app_id is None:
                gevent.sleep(0.5)
                return
        start = time.perf_counter()
        with self.client.post(
            f"/api/applications/{self.app_id}/messages",
            json={"text": ANSWER},
            headers={"Accept": "text/event-stream"},
            name="turn",
            catch_response=True,
            timeout=300,
        ) as response:
            text = response.text  # the whole stream has been read by now
            ms = (time.perf_counter() - start) * 1000
            done = response.status_code == 200 and "event: done" in text
            if not done:
                RECORD["errors"].append(f"turn {response.status_code} {text[-160:]!r}")
                response.failure(f"turn {response.status_code}")
                self.app_id = None
                return
            response.success()
            RECORD["turn"].append(ms)
            self.turns += 1
            if '"kind": "done"' in text or '"kind":"done"' in text:
                self.app_id = None  # interview finished: start another application


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run_level(url: str, pid: int, users: int, seconds: float) -> dict[str, Any]:
    for key in RECORD:
        RECORD[key] = []
    server = psutil.Process(pid)
    peak = [server.memory_info().rss]
    stop_sampling = [False]

    def sample() -> None:
        while not stop_sampling[0]:
            try:
                peak[0] = max(peak[0], server.memory_info().rss)
            except psutil.Error:
                return
            gevent.sleep(0.2)

    env = Environment(user_classes=[Applicant], host=url)
    runner = env.create_local_runner()
    sampler = gevent.spawn(sample)
    start = time.perf_counter()
    runner.start(users, spawn_rate=users)
    gevent.sleep(seconds)
    runner.quit()  # stops users after their current request (bounded by the 300 s request timeout)
    elapsed = time.perf_counter() - start
    stop_sampling[0] = True
    sampler.join(timeout=2)
    stats = env.stats.entries.get(("turn", "POST"))
    turns = RECORD["turn"]
    return {
        "users": users,
        "seconds": elapsed,
        "turns": len(turns),
        "turns_per_s": len(turns) / elapsed if elapsed else 0.0,
        "p50": percentile(turns, 0.5),
        "p95": percentile(turns, 0.95),
        "max": max(turns) if turns else 0.0,
        "create_p50": percentile(RECORD["create"], 0.5),
        "errors": len(RECORD["errors"]),
        "locust_failures": int(env.stats.total.num_failures),
        "locust_p50": stats.get_response_time_percentile(0.5) if stats else 0,
        "error_samples": RECORD["errors"][:3],
        "peak_rss_mb": peak[0] / 2**20,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--users", default="1,10,50")
    parser.add_argument("--seconds", type=float, default=25)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    results = [run_level(args.url, args.pid, int(n), args.seconds) for n in args.users.split(",")]
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(results, fh, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
