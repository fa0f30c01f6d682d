"""How many of each UI event run at once: decided here, per kind of work, not left at Gradio's default.

Gradio's default is one run at a time per event for everybody (``concurrency_limit=1``):
two applicants pressing 发送 a second apart waited for each other's whole model turn. Now:

* model turns (发送, 跳过, 政策问答, following a running turn after a reload): no Gradio limit (``None``).
  Their handlers are async and
  wait in the shared model-work pool (``assistant.core.workpool``), which applies the global
  and per-user limits, keeps one application's turns in order and tells a waiting person
  their place; the REST API uses the same pool, so the limits hold across both.
* CPU-heavy work (导出 Word, 审阅, 申报总览): ``heavy_workers`` at once, one group for all of
  them, so a burst of exports cannot starve everything else of the interpreter.
* everything else (open, save, undo, login, page load …): ``ui_concurrency`` at once each.

Gradio also runs at most ``max_threads`` events of any kind at once (its queue has that many job
slots) and gives sync handlers a thread pool of the same size. Fifty applicants' minute-long turns
would take forty slots and the rest would wait; so the queue gets a slot for every turn the model pool
may run or keep waiting, plus the other events', while sync handlers keep Gradio's 40 threads.

Order per user where it matters: a button cannot be pressed again while its event runs
(Gradio's ``trigger_mode="once"``), and one application's turns are serialised by the pool.
"""

from __future__ import annotations

from typing import Any

MODEL_EVENTS = frozenset({"send", "skip", "ask", "follow"})
SYNC_THREADS = 40  # Gradio's default for its sync handlers' threads
HEAVY_EVENTS = frozenset({"export", "review", "overview"})


def configure_concurrency(blocks: Any, settings: Any) -> None:
    """Set each event's concurrency from its handler's name (see the module docstring)."""
    for fn in blocks.fns.values():
        name = getattr(fn, "name", None) or ""
        if name in MODEL_EVENTS:
            fn.concurrency_limit, fn.concurrency_id = None, "model-turn"
        elif name in HEAVY_EVENTS:
            fn.concurrency_limit, fn.concurrency_id = max(1, settings.heavy_workers), "cpu-heavy"
    blocks.max_threads = settings.turn_workers + settings.turn_queue + 4 * max(1, settings.ui_concurrency)
    blocks.queue(api_open=False, default_concurrency_limit=max(1, settings.ui_concurrency), max_size=None)
    blocks.max_threads = SYNC_THREADS  # read again at start-up, for the sync handlers' thread pool only
