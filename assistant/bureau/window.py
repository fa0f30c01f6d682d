"""When the call is open: the form's deadline, or the date staff reopened it until.

The notice sets a date (申报截止时间为2024年8月20日), which we read as the end of that
day in China Standard Time. The clock is passed in, so a test sets the time instead of
waiting for it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from pydantic import BaseModel

from assistant.core.errors import InvalidInputError

CHINA = timezone(timedelta(hours=8), "UTC+8")


class CallWindow(BaseModel):
    deadline: date
    """The form's deadline."""
    reopened_until: date | None = None
    """Set by staff to accept submissions again until the end of that day."""

    @property
    def effective(self) -> date:
        return self.reopened_until or self.deadline

    def closes_at(self) -> datetime:
        return datetime.combine(self.effective + timedelta(days=1), time(0), CHINA)

    def is_open(self, now: datetime) -> bool:
        return now < self.closes_at()

    def describe(self, now: datetime) -> str:
        if self.reopened_until:
            state = "已重新开放" if self.is_open(now) else "重新开放期已结束"
            return f"申报截止时间{self.deadline.isoformat()}；工作人员{state}至{self.reopened_until.isoformat()}。"
        state = "征集进行中" if self.is_open(now) else "已截止"
        return f"申报截止时间{self.deadline.isoformat()}（{state}）。"


def parse_day(value: str, what: str = "日期") -> date:
    try:
        return date.fromisoformat(value.strip())
    except (ValueError, AttributeError) as exc:
        raise InvalidInputError(f"{what}“{value}”格式不对，请写成 YYYY-MM-DD（例如 2024-08-20）。") from exc


def closed_message(window: CallWindow, action: str) -> str:
    return (
        f"申报已于{window.effective.isoformat()}截止，不能再{action}。"
        "如确需补交或撤回，请联系数据主管部门的工作人员重新开放征集。"
    )
