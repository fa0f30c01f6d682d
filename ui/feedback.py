"""Errors as readable Chinese warnings, never a stack trace.

Every event handler is wrapped: a ``UserFacingError`` becomes ``gr.Warning`` with its
message as is; anything else is logged with its traceback on the server and the
user sees a short apology. The outputs are left unchanged (``gr.skip()``) so a
failed click never blanks the screen.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import logging
from collections.abc import AsyncGenerator, Callable, Generator
from typing import Any

import gradio as gr

from assistant.core.errors import UserFacingError

log = logging.getLogger("ui")

UNEXPECTED = "操作没有完成：服务器出现意外错误，已记录日志。您的回答已保存，请刷新页面后重试。"


def warn(message: str) -> None:
    gr.Warning(message, title="提示")


def notify(message: str) -> None:
    gr.Info(message, title="完成", duration=5)


def report(exc: BaseException) -> None:
    """Show one exception to the user in Chinese; only the server log sees the traceback."""
    if isinstance(exc, UserFacingError):
        warn(exc.message)
    else:
        log.exception("UI handler failed", exc_info=exc)
        warn(UNEXPECTED)


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a handler (plain, generator or async generator); keeps its signature so gr.Request/gr.Progress
    still inject."""
    if inspect.isasyncgenfunction(fn):

        @functools.wraps(fn)
        async def astream(*args: Any, **kwargs: Any) -> AsyncGenerator[Any, None]:
            try:
                async with contextlib.aclosing(fn(*args, **kwargs)) as inner:  # closed with us (the page left)
                    async for item in inner:
                        yield item
            except Exception as exc:  # noqa: BLE001 - every failure must reach the user as a warning
                report(exc)
                yield gr.skip()

        return astream

    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def acall(*args: Any, **kwargs: Any) -> Any:
            try:
                return await fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001
                report(exc)
                return gr.skip()

        return acall

    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def stream(*args: Any, **kwargs: Any) -> Generator[Any, None, None]:
            try:
                yield from fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - every failure must reach the user as a warning
                report(exc)
                yield gr.skip()

        return stream

    @functools.wraps(fn)
    def plain(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001
            report(exc)
            return gr.skip()

    return plain
