"""Poll ``GET /api/health`` every 0.25 s from a process of its own and print the latencies (seconds, JSON).

Why a process of its own: a monitor is another program. Polled from a thread of the benchmark, the health
check waited for the interpreter lock the fifty simulated browsers hold while they parse the page's updates,
and the client's own wait was counted as the server's.

Run: ``python bench/health_probe.py URL`` — polls until its standard input closes, then prints the list.
"""

from __future__ import annotations

import json
import sys
import threading
import time

import httpx


def main() -> int:
    url = sys.argv[1].rstrip("/")
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    latencies: list[float] = []
    with httpx.Client(timeout=30) as client:
        while not stop.is_set():
            started = time.monotonic()
            try:
                client.get(f"{url}/api/health").raise_for_status()
                latencies.append(time.monotonic() - started)
            except httpx.HTTPError:
                latencies.append(float("inf"))
            stop.wait(0.25)
    print(json.dumps(latencies))
    return 0


if __name__ == "__main__":
    sys.exit(main())
