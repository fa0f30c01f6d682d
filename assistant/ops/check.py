"""One line of the health check: what was looked at, what was found, and what to do about it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["ok", "warn", "fail"]
STATUS_LABELS: dict[str, str] = {"ok": "正常", "warn": "注意", "fail": "不可用"}


class Check(BaseModel):
    key: str = Field(description="stable id, e.g. database, libreoffice")
    title: str = Field(description="what was checked, in Chinese")
    status: Status
    required: bool = Field(description="True: the product cannot work without it (doctor exits non-zero)")
    detail: str = Field("", description="what was found")
    fix: str = Field("", description="what to do, when status is not ok")
    seconds: float | None = Field(None, description="how long the probe took, when it made a call")


def timed(probe: Callable[[], Check]) -> Check:
    """Run a probe and note its duration (for the calls that go somewhere: the model, the embedder)."""
    started = time.perf_counter()
    result = probe()
    return result.model_copy(update={"seconds": round(time.perf_counter() - started, 3)})
