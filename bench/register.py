"""Written register of the offline drafts: the spoken-marker rate (``make bench`` section 10).

Definition (also in ``knowledge/register/spoken_markers.yaml``): occurrences of the reviewed spoken
markers (first person, fillers, spoken enumerations and links, remarks to the tool, hedges, colloquial
words) per 1,000 字 of text, 字 counted as Word does. Measured on

- the offline drafts of every answers file in ``tests/data/scenarios/`` (all eight parts), and
- the independent applicant sentence sets ``tests/data/interview/applicant_sentences*.jsonl``, each
  sentence cleaned as the offline drafter cleans an answer; the sets' ``heldout`` rows (sets 4/5/7/8/9)
  were not looked at while the rewrite table was tuned and are reported apart.

The same markers counted in the applicants' own words give the starting point ("回答原文").

    python bench/register.py [--scenarios N]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import REPO, table  # noqa: E402

SCENARIOS = REPO / "tests" / "data" / "scenarios"
SENTENCES = REPO / "tests" / "data" / "interview"


def _sentence_rows() -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {"dev": [], "heldout": []}
    for path in sorted(SENTENCES.glob("applicant_sentences*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                rows["heldout" if row.get("split") == "heldout" else "dev"].append(row["text"])
    return rows


def _cleaned(text: str) -> str:
    from assistant.drafting.offline.prose import clean_answer

    return "\n".join("".join(p) for p in clean_answer(text).paragraphs)


def run(limit: int | None = None) -> dict[str, Any]:
    from assistant.drafting.offline.drafter import OfflineDrafter
    from assistant.drafting.pipeline import draft_application
    from assistant.export.scripted import load_answers_file
    from assistant.review.spoken_markers import load_markers

    markers = load_markers()
    names = sorted(p.name[: -len(".expect.json")] for p in SCENARIOS.glob("*.expect.json"))[:limit]
    per_scenario, drafts, answers, categories = [], [], [], Counter()
    for name in names:
        loaded = load_answers_file(SCENARIOS / f"{name}.json")
        draft = draft_application(loaded.form, loaded.info, loaded.answers, OfflineDrafter())
        texts = [d.text for d in draft.parts.values()]
        given = [t for turns in loaded.answers.values() for t in turns]
        drafts += texts
        answers += given
        categories.update(h.category for t in texts for h in markers.hits(t))
        per_scenario.append({"name": name, "answers": markers.rate(given), "draft": markers.rate(texts)})
    sets = {}
    for split, rows in _sentence_rows().items():
        cleaned = [_cleaned(t) for t in rows]
        sets[split] = {"n": len(rows), "raw": markers.rate(rows), "drafted": markers.rate(cleaned)}
    return {
        "scenarios": per_scenario,
        "answers_rate": markers.rate(answers),
        "draft_rate": markers.rate(drafts),
        "draft_markers": sum(markers.count(t) for t in drafts),
        "categories": dict(categories),
        "labels": {k: c.label for k, c in markers.categories.items()},
        "sets": sets,
    }


def print_register(r: dict[str, Any]) -> None:
    print("\n## 10. 离线草稿的书面语程度：口语标记率（每千字口语标记数，bench/register.py）\n")
    rows = [[s["name"], f"{s['answers']:.1f}", f"{s['draft']:.1f}"] for s in r["scenarios"]]
    rows.append(["全部场景", f"{r['answers_rate']:.1f}", f"{r['draft_rate']:.1f}"])
    print(table(["场景文件", "回答原文", "离线草稿"], rows, "lrr"))
    kinds = "，".join(f"{r['labels'].get(k, k)} {v}" for k, v in sorted(r["categories"].items(), key=lambda x: -x[1]))
    print(f"\n草稿中共 {r['draft_markers']} 处口语标记：{kinds or '无'}。")
    for split, s in r["sets"].items():
        name = "留出部分（调表时未看）" if split == "heldout" else "调表部分"
        print(f"- 申报人语句集 {name} {s['n']} 句：原文 {s['raw']:.1f}，整理后 {s['drafted']:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=None, help="只起草前 N 个场景文件")
    args = parser.parse_args()
    from assistant.core.resources import configure_offline_environment

    configure_offline_environment()
    print_register(run(args.scenarios))
