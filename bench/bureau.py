"""The call's process at scale: 300 submitted applications, offline pre-scoring and the board's load time.

The applications are the scenario answers files and their generated variants (good, copies, thin,
with 【待补充】, over the limit, unsealed; ``tests/bureau/variants.py``), created and submitted through
the service with the deadline clock set before the deadline. Measured separately:
* submission, per application (snapshot, review, the two .docx files, gates and proposals);
* pre-scoring all 300 again from their stored snapshots (``service.board.rescore``: gates, the
  evidence sentences and levels of every criterion, written back) — target ≤ 60 s on two cores;
* loading the ranked board (``service.board.board``, and ``GET /api/board`` in process), and
  rendering it as the UI's HTML — target ≤ 1 s.

Run alone: ``.venv/bin/python bench/bureau.py [--count 300]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import p50, p95, table  # noqa: E402


def run(work: Path, count: int = 300, loads: int = 10) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from assistant.api.app import create_api
    from assistant.auth.accounts import Accounts
    from assistant.forms.spec import load_form
    from tests.bureau import variants as v
    from ui.board_render import board_html

    service = v.make_service(work)
    create_s, submit_s = [], []
    for name, kind, serial in v.plan(count):
        start = time.perf_counter()
        app_id = v.create(service, name, kind, serial=serial)
        create_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        v.submit(service, app_id)
        submit_s.append(time.perf_counter() - start)
    start = time.perf_counter()
    rescored = service.board.rescore(v.STAFF)
    prescore_s = time.perf_counter() - start
    board_s, api_s, html_s = [], [], []
    accounts = Accounts(service.store, service.settings, scrypt_n=2**8)
    staff = accounts.add_user("bench-staff", "bench-password-1", "staff")
    client = TestClient(create_api(service, accounts, service.settings),
                        headers={"Authorization": f"Bearer {accounts.create_session(staff)}"})
    form = load_form("cq-2024-batch2")
    for _ in range(loads):
        start = time.perf_counter()
        board = service.board.board(v.STAFF)
        board_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        response = client.get("/api/board")
        api_s.append(time.perf_counter() - start)
        assert response.status_code == 200 and len(response.json()["rows"]) == count
        start = time.perf_counter()
        board_html(form, board)
        html_s.append(time.perf_counter() - start)
    return {
        "count": count,
        "rescored": rescored,
        "create_p50": p50(create_s),
        "submit_p50": p50(submit_s),
        "submit_total": sum(submit_s),
        "prescore_s": prescore_s,
        "board_p50": p50(board_s),
        "board_p95": p95(board_s),
        "api_p50": p50(api_s),
        "api_p95": p95(api_s),
        "html_p50": p50(html_s),
        "above": sum(r.above_line for r in board.rows),
        "gated": sum(not r.gates_passed for r in board.rows),
    }


def _ms(a: float, b: float) -> str:
    return f"{a * 1000:.0f} / {b * 1000:.0f} ms"


def print_bureau(r: dict[str, Any]) -> None:
    print(f"\n## 7. 评审：{r['count']} 份已提交申报书（离线预评分，tests/bureau/variants.py 生成）\n")
    rows = [
        ["创建并起草一份（离线）p50", f"{r['create_p50'] * 1000:.0f} ms", ""],
        ["提交一份（冻结、审阅、两个 .docx、资格与预评分）p50", f"{r['submit_p50'] * 1000:.0f} ms",
         f"合计 {r['submit_total']:.1f} s"],
        [f"预评分全部 {r['rescored']} 份（从提交快照重算并写回）", f"{r['prescore_s']:.1f} s", "目标 ≤ 60 s"],
        [f"评审排序加载（{r['count']} 份，服务层）p50 / p95", _ms(r["board_p50"], r["board_p95"]), "目标 ≤ 1 s"],
        ["GET /api/board（进程内）p50 / p95", _ms(r["api_p50"], r["api_p95"]), "目标 ≤ 1 s"],
        ["排序表 HTML 渲染 p50", f"{r['html_p50'] * 1000:.0f} ms", ""],
        ["推荐线以上 / 未通过资格", f"{r['above']} / {r['gated']}", ""],
    ]
    print(table(["步骤", "耗时", "备注"], rows, "lrr"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    from assistant.core.resources import configure_offline_environment

    configure_offline_environment()
    with tempfile.TemporaryDirectory(prefix="case-assistant-bureau-") as tmp:
        print_bureau(run(Path(tmp), args.count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
