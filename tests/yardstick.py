"""How fast this machine runs just now, against the reference machine: one yardstick for tests and the bench.

A virtual machine's speed drifts (the same call measured 147 ms and 313 ms a minute apart, nothing else
running). Plain Python text scanning, the kind of work the product does, timed in the calling thread
(best of three, the garbage collector paused), divided by what it took on the reference machine.
"""

from __future__ import annotations

import gc
import re
import time
from collections.abc import Callable
from typing import Any

REFERENCE_S = 0.019  # the yardstick on the reference machine (best of 3)
_TEXT = ("我们公司面临物流数据分散的问题，数据来源于运输管理系统，通过平台汇聚后共享给合作伙伴。" * 2400)[:100_000]


def cpu_seconds_once(call: Callable[[str], Any], text: str) -> float:
    """CPU seconds of one ``call(text)`` in this thread, the garbage collector paused (its pauses depend on
    everything else the process holds, not on the call)."""
    gc.disable()
    try:
        start = time.thread_time()
        call(text)
        return time.thread_time() - start
    finally:
        gc.enable()


def _reference_work(text: str) -> int:
    kept = "".join(ch for ch in text if not ch.isspace())
    pairs = re.findall(r"[\u4e00-\u9fff]{2}", kept)
    return len(set(pairs)) + sum(1 for ch in kept if ch.isalnum())


def machine_slowness() -> float:
    """How many times slower than the reference machine this one runs just now (below 1: faster)."""
    return min(cpu_seconds_once(_reference_work, _TEXT) for _ in range(3)) / REFERENCE_S
