"""``case-assistant doctor`` and the staff view of ``GET /api/health``: every check, in Chinese, with its fix.

The report is ``ok`` when every required check passes (warnings allowed); optional pieces (PDF, media
tools) may be missing without failing it, because the product works without them and says so where
they are needed. ``--strict`` also fails on those, for a bureau that wants every feature.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from assistant.core.settings import Settings
from assistant.ops import checks_data, checks_system
from assistant.ops.check import STATUS_LABELS, Check

if TYPE_CHECKING:
    from assistant.knowledge.search import KnowledgeBase
    from assistant.llm.chat import ChatModel


class DoctorReport(BaseModel):
    ok: bool
    summary: str
    checks: list[Check]


def run_doctor(
    settings: Settings,
    *,
    store: object | None = None,
    knowledge: KnowledgeBase | None = None,
    chat_model: ChatModel | None = None,
) -> DoctorReport:
    """All checks; ``store``/``knowledge``/``chat_model`` are the running server's, when there is one (the store is
    read only for its SQLAlchemy ``engine``)."""
    checks = [checks_system.python_version(), checks_system.packages(), checks_system.bundled_files(),
              checks_data.data_dir(settings)]
    database, users = checks_data.database(settings, engine=getattr(store, "engine", None))
    checks += [database, checks_data.exposure(settings, users), checks_data.vector_index(settings, knowledge),
               checks_data.embedder(settings, knowledge), checks_data.chat_model(settings, chat_model)]
    checks += [checks_system.libreoffice(), checks_system.cjk_fonts(), checks_system.ffprobe(),
               checks_system.graphviz()]
    pg = checks_system.pg_tools(settings)
    if pg is not None:
        checks.append(pg)
    return DoctorReport(ok=not failed_required(checks), summary=summary(checks), checks=checks)


def failed_required(checks: list[Check]) -> list[Check]:
    return [c for c in checks if c.required and c.status == "fail"]


def summary(checks: list[Check]) -> str:
    broken = failed_required(checks)
    optional = [c for c in checks if not c.required and c.status == "fail"]
    warnings = [c for c in checks if c.status == "warn"]
    parts = [f"必需项 {len(broken)} 项不可用：{'、'.join(c.title for c in broken)}" if broken else "必需项全部可用"]
    if warnings:
        parts.append(f"{len(warnings)} 项需要注意：{'、'.join(_short(c.title) for c in warnings)}")
    if optional:
        parts.append(f"可选功能 {len(optional)} 项不可用：{'、'.join(_short(c.title) for c in optional)}")
    return "；".join(parts) + "。"


def _short(title: str) -> str:
    return title.split("（")[0]


def render(report: DoctorReport) -> str:
    lines = ["运行检查（case-assistant doctor）", ""]
    for check in report.checks:
        took = f"（耗时 {check.seconds:.2f} 秒）" if check.seconds is not None and check.status == "ok" else ""
        lines.append(f"[{STATUS_LABELS[check.status]}] {check.title}：{check.detail}{took}")
        if check.status != "ok" and check.fix:
            lines.append(f"       解决：{check.fix}")
    lines += ["", f"结论：{report.summary}"]
    return "\n".join(lines)


def exit_code(report: DoctorReport, strict: bool = False) -> int:
    """1 when a required check fails (or, with ``strict``, when any check is not ok); else 0."""
    if not report.ok or (strict and any(c.status != "ok" for c in report.checks)):
        return 1
    return 0
