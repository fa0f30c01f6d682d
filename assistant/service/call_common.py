"""What the two desks of the call's process share: who counts as staff, audit entries, the window, places."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from assistant.auth.principal import Principal
from assistant.bureau.snapshot import place_title
from assistant.bureau.window import CallWindow, parse_day
from assistant.core.errors import InvalidInputError, PermissionDeniedError
from assistant.core.text_input import clean_block
from assistant.forms.spec import FormSpec
from assistant.store.bureau import AuditEntry
from assistant.store.desk_protocol import CallStore

Clock = Callable[[], datetime]


def is_staff(principal: Principal) -> bool:
    return principal.role in ("staff", "admin")


def require_staff(principal: Principal, what: str) -> None:
    if not is_staff(principal):
        raise PermissionDeniedError(f"只有工作人员可以{what}。")


def audit(principal: Principal, action: str, app_id: int | None = None, **values: str) -> AuditEntry:
    return AuditEntry(
        actor_id=principal.id,
        actor_name=principal.username,
        actor_role=principal.role,
        application_id=app_id,
        action=action,
        **values,
    )


def required_text(value: str | None, what: str, limit: int) -> str:
    """A cleaned, non-empty text of at most ``limit`` characters, or a Chinese error naming ``what``."""
    text = clean_block(value or "")
    if not text:
        raise InvalidInputError(f"请填写{what}。")
    if len(text) > limit:
        raise InvalidInputError(f"{what}太长了，请控制在{limit}字以内。")
    return text


def check_place(form: FormSpec, target: str) -> str:
    """A comment's place: a part id, ``info.<field id>`` or ``general``."""
    places = {"general", *form.part_ids(), *(f"info.{f.id}" for f in form.info.fields)}
    if target not in places:
        raise InvalidInputError(f"意见的位置“{target}”不存在：请选择一个部分、申报信息表中的一项，或“整体意见”。")
    return target


def window(store: CallStore, form: FormSpec) -> CallWindow:
    until = store.reopened_until(form.id)
    return CallWindow(deadline=parse_day(form.deadline, "截止日期"), reopened_until=parse_day(until) if until else None)


def place(form: FormSpec, target: str) -> str:
    return place_title(form, target)


def clean_reason(value: object, limit: int) -> str:
    """An optional reason: cleaned, possibly empty, bounded."""
    text = clean_block(value if isinstance(value, str) else "")
    if len(text) > limit:
        raise InvalidInputError(f"理由太长了，请控制在{limit}字以内。")
    return text
