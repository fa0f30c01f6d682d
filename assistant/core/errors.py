"""Errors whose message is shown to the user as is (in Simplified Chinese).

Every layer raises these instead of returning canned text; the API maps them to a
4xx JSON body, the CLI prints them and exits 2, the UI shows them as a warning.
"""

from __future__ import annotations


class UserFacingError(Exception):
    """An error the user can act on. ``message`` says what to do next, in Chinese."""

    status_code: int = 400
    code: str = "bad_request"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InvalidInputError(UserFacingError):
    status_code = 400
    code = "invalid_input"


class NotFoundError(UserFacingError):
    status_code = 404
    code = "not_found"


class PermissionDeniedError(UserFacingError):
    status_code = 403
    code = "forbidden"


class AuthenticationError(UserFacingError):
    status_code = 401
    code = "unauthenticated"


class LimitExceededError(UserFacingError):
    status_code = 413
    code = "limit_exceeded"


class QuotaExceededError(UserFacingError):
    """A per-user count (not a size) is used up, e.g. applications per user."""

    status_code = 409
    code = "quota_exceeded"


class ModelUnavailableError(UserFacingError):
    """The configured chat model could not answer after retries; answers are already saved."""

    status_code = 503
    code = "model_unavailable"


class UnsupportedFileError(InvalidInputError):
    """A file type the knowledge base cannot read (one list: ``knowledge.ingest.SUPPORTED_SUFFIXES``)."""

    status_code = 415
    code = "unsupported_file_type"


class DiskFullError(UserFacingError):
    """A write failed for lack of space: nothing was half-written, and the user is told so."""

    status_code = 507
    code = "disk_full"

    def __init__(self, message: str = "磁盘空间不足，您的内容未保存，请联系管理员释放空间后重试。") -> None:
        super().__init__(message)


_DISK_FULL_WORDS = ("no space left", "disk is full", "database or disk is full", "disk full", "enospc")


def is_disk_full(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or anything in its cause chain) means the disk is full, whatever library raised it."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError) and exc.errno == 28:  # ENOSPC
            return True
        if any(word in str(exc).lower() for word in _DISK_FULL_WORDS):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


class InstallationError(UserFacingError):
    """A file the package ships is missing or damaged: the fix is a reinstall, not a different input."""

    status_code = 500
    code = "installation"
