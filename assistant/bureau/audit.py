"""The audit log's entries and their export: who, when, what, old → new, why.

The log is append-only (the store has no method to change or delete an entry, and the
database refuses UPDATE and DELETE on its table); this module only shapes entries.
"""

from __future__ import annotations

import csv
import io

from assistant.store.bureau import AuditEntry

ACTION_LABELS = {
    "status": "状态变更",
    "score": "评分",
    "gate": "资格认定",
    "move": "调整排序",
    "comment": "意见",
    "resolve": "意见已处理",
    "allow": "允许带错误提交",
    "reason": "推荐理由",
    "call": "征集时间",
    "prescore": "预评分",
}
HEADERS = ["编号", "时间", "操作人", "角色", "申报书", "操作", "对象", "原值", "新值", "理由"]
ROLE_LABELS = {"applicant": "申报单位", "staff": "工作人员", "admin": "管理员"}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: object) -> object:
    """A cell Excel would read as a formula (=, +, -, @) gets a leading apostrophe (OWASP CSV injection)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def audit_csv(entries: list[AuditEntry]) -> str:
    """UTF-8 CSV with a BOM so Excel opens the Chinese correctly."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for e in entries:
        role = ROLE_LABELS.get(e.actor_role, e.actor_role)
        action = ACTION_LABELS.get(e.action, e.action)
        row = [e.id, e.at, e.actor_name, role, e.application_id or "", action, e.target, e.old, e.new, e.reason]
        writer.writerow(inert(v) for v in row)
    return out.getvalue()
