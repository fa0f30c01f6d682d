"""What the service needs from storage, as a protocol.

The SQLite store implements it today; a PostgreSQL store is another implementation
of the same methods, not a change to the layers above.
"""

from __future__ import annotations

from typing import Protocol

from assistant.store.rows import ApplicationRow, MessageRow, VersionRow


class ApplicationStore(Protocol):
    """Applications, their chat messages and part versions; every write is committed before it returns."""

    def create_application(self, owner_id: int, form_id: str, info: dict, state: dict) -> int: ...

    def get_application(self, app_id: int) -> ApplicationRow | None: ...

    def list_applications(self, owner_id: int | None = None) -> list[ApplicationRow]: ...

    def count_applications(self, owner_id: int) -> int: ...

    def update_application(
        self, app_id: int, *, info: dict | None = None, media: dict | None = None, state: dict | None = None
    ) -> None: ...

    def delete_application(self, app_id: int) -> None: ...

    def add_message(
        self, app_id: int, role: str, content: str, part_id: str | None = None, state: dict | None = None
    ) -> int: ...

    def messages(self, app_id: int) -> list[MessageRow]: ...

    def add_version(
        self, app_id: int, part_id: str, text: str, words: int, budget: int, source: str, action: str, report: dict
    ) -> int: ...

    def versions(self, app_id: int, part_id: str) -> list[VersionRow]: ...

    def head_versions(self, app_id: int) -> dict[str, VersionRow]: ...

    def set_head(self, app_id: int, part_id: str, version: int | None) -> None: ...
