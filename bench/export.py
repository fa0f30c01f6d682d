"""Export benchmark: offline draft of the bundled example, then .docx (p50 of 20) and PDF (if soffice).

Run alone: ``.venv/bin/python bench/export.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import REPO, p50, p95, table  # noqa: E402

EXAMPLE = REPO / "examples" / "cq-logistics-example.json"


def run(docx_runs: int = 20, pdf_runs: int = 3) -> dict[str, Any]:
    from assistant.drafting.offline.drafter import OfflineDrafter
    from assistant.drafting.pipeline import draft_application
    from assistant.export.docx_builder import build_docx
    from assistant.export.pdf import docx_to_pdf, soffice_path
    from assistant.export.scripted import load_answers_file

    answers = load_answers_file(EXAMPLE)
    start = time.perf_counter()
    draft = draft_application(answers.form, answers.info, answers.answers, OfflineDrafter(), None)
    draft_ms = (time.perf_counter() - start) * 1000
    texts = {pid: d.text for pid, d in draft.parts.items()}
    build_docx(answers.form, answers.info, texts, answers.media)  # warm-up (imports, template)
    docx_ms = []
    data = b""
    for _ in range(docx_runs):
        start = time.perf_counter()
        data = build_docx(answers.form, answers.info, texts, answers.media)
        docx_ms.append((time.perf_counter() - start) * 1000)
    out: dict[str, Any] = {
        "draft_ms": draft_ms,
        "docx_p50": p50(docx_ms),
        "docx_p95": p95(docx_ms),
        "docx_runs": docx_runs,
        "docx_kb": len(data) / 1024,
        "pdf_s": None,
        "pdf_first_s": None,
        "pdf_runs": 0,
    }
    if soffice_path():
        pdf_s = []
        for _ in range(pdf_runs):
            start = time.perf_counter()
            pdf = docx_to_pdf(data, answers.info.case_name or "申报书")
            pdf_s.append(time.perf_counter() - start)
        out.update(pdf_s=p50(pdf_s), pdf_first_s=pdf_s[0], pdf_runs=pdf_runs, pdf_kb=len(pdf) / 1024)
    return out


def print_export(r: dict[str, Any]) -> None:
    print(f"\n## 3. 导出（{EXAMPLE.relative_to(REPO)}，离线起草后）\n")
    rows = [
        ["离线起草全部部分（1 次）", f"{r['draft_ms']:.0f} ms", ""],
        [
            f"生成 .docx（{r['docx_runs']} 次，{r['docx_kb']:.0f} KB）",
            f"p50 {r['docx_p50']:.1f} ms",
            f"p95 {r['docx_p95']:.1f} ms",
        ],
    ]
    if r["pdf_s"] is None:
        rows.append(["PDF（docx_to_pdf）", "未安装 soffice，跳过", ""])
    else:
        rows.append(
            [
                f"PDF（docx_to_pdf，LibreOffice，{r['pdf_runs']} 次）",
                f"p50 {r['pdf_s']:.2f} s",
                f"首次 {r['pdf_first_s']:.2f} s",
            ]
        )
    print(table(["步骤", "耗时", ""], rows, "lrr"))


if __name__ == "__main__":
    from assistant.core.resources import configure_offline_environment

    configure_offline_environment()
    print_export(run())
