"""The submission state machine: 草稿 → 已提交 → (退回修改 → 已提交)* → 已审核 → 推荐 / 不推荐.

Pure: which action moves which status, and who may take it. The service checks the
deadline and writes each step, with who and when, to the audit log.
"""

from __future__ import annotations

from typing import Literal

from assistant.core.errors import InvalidInputError

Status = Literal["draft", "submitted", "returned", "reviewed", "recommended", "not_recommended"]
Action = Literal["submit", "withdraw", "return", "review", "recommend", "not_recommend", "reconsider"]
Actor = Literal["applicant", "staff"]

STATUS_LABELS: dict[str, str] = {
    "draft": "草稿",
    "submitted": "已提交",
    "returned": "退回修改",
    "reviewed": "已审核",
    "recommended": "推荐",
    "not_recommended": "不推荐",
}
ACTION_LABELS: dict[str, str] = {
    "submit": "提交",
    "withdraw": "撤回",
    "return": "退回修改",
    "review": "审核完成",
    "recommend": "推荐",
    "not_recommend": "不推荐",
    "reconsider": "重新审核",
}
# (action, from) -> to; the actor who may take each action
_MOVES: dict[tuple[str, str], str] = {
    ("submit", "draft"): "submitted",
    ("submit", "returned"): "submitted",
    ("withdraw", "submitted"): "draft",
    ("return", "submitted"): "returned",
    ("return", "reviewed"): "returned",
    ("review", "submitted"): "reviewed",
    ("recommend", "submitted"): "recommended",
    ("recommend", "reviewed"): "recommended",
    ("recommend", "not_recommended"): "recommended",
    ("not_recommend", "submitted"): "not_recommended",
    ("not_recommend", "reviewed"): "not_recommended",
    ("not_recommend", "recommended"): "not_recommended",
    ("reconsider", "recommended"): "reviewed",
    ("reconsider", "not_recommended"): "reviewed",
}
_ACTORS: dict[str, str] = {
    "submit": "applicant",
    "withdraw": "applicant",
    "return": "staff",
    "review": "staff",
    "recommend": "staff",
    "not_recommend": "staff",
    "reconsider": "staff",
}
UNDER_REVIEW = frozenset({"submitted", "reviewed", "recommended", "not_recommended"})
"""Statuses in which staff review a frozen snapshot."""
RANKABLE = frozenset({"submitted", "reviewed", "recommended"})
"""Statuses that may stand above the recommendation line."""


def label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def next_status(status: str, action: str, actor: str) -> str:
    """The status after ``action``, or a Chinese error saying why not and what to do."""
    if action not in _ACTORS:
        raise InvalidInputError(f"未知的操作“{action}”。")
    if _ACTORS[action] != actor:
        who = "申报单位" if _ACTORS[action] == "applicant" else "工作人员"
        raise InvalidInputError(f"“{ACTION_LABELS[action]}”只能由{who}操作。", code="wrong_actor")
    target = _MOVES.get((action, status))
    if target is None:
        raise InvalidInputError(_refusal(status, action), code="wrong_status")
    return target


def _refusal(status: str, action: str) -> str:
    now = f"这份申报书目前是“{label(status)}”，"
    if action == "submit":
        return now + "不能再次提交；如需修改已提交的内容，请先撤回（截止前）或等待工作人员退回。"
    if action == "withdraw":
        return now + "只有“已提交”且尚在审核前的申报书可以撤回。"
    return now + f"不能“{ACTION_LABELS[action]}”。"
