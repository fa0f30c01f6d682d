"""The rows the store hands out: typed, so no layer above sees a database cursor."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import CursorResult

from assistant.store.json_object import JsonObject


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def inserted_id(result: CursorResult[Any]) -> int:
    """The id of the row an INSERT just wrote (SQLAlchemy types the key as optional; an INSERT always has one)."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("INSERT returned no primary key")
    return int(key[0])


class ApplicationRow(BaseModel):
    id: int
    owner_id: int
    form_id: str
    info: JsonObject
    media: JsonObject
    state: JsonObject
    created_at: str
    updated_at: str


class MessageRow(BaseModel):
    id: int
    role: str
    part_id: str | None
    content: str
    created_at: str


class VersionRow(BaseModel):
    id: int
    part_id: str
    version: int
    parent_version: int | None
    text: str
    words: int
    budget: int
    source: str
    action: str
    report: JsonObject
    created_at: str


class UserRow(BaseModel):
    """An account as stored (the password hash is for ``Accounts`` only, never for display)."""

    id: int
    username: str
    role: str
    password_hash: str
    disabled: bool
    created_at: str


class SessionRow(BaseModel):
    """A login session joined with its account."""

    user_id: int
    username: str
    role: str
    disabled: bool
    expires_at: str
