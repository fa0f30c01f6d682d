"""Who is acting, and what their role lets them do. Checked in the service layer."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

Role = Literal["applicant", "staff", "admin"]

LOCAL_USER_ID = 0


class Principal(BaseModel):
    id: int
    username: str
    role: Role
    local: bool = False

    @property
    def can_read_all(self) -> bool:
        """Staff and admins read every application (to review them); applicants only their own."""
        return self.role in ("staff", "admin")

    @property
    def can_manage_knowledge(self) -> bool:
        return self.role in ("staff", "admin") or self.local

    @property
    def can_manage_users(self) -> bool:
        return self.role == "admin"


def local_principal() -> Principal:
    """The single user of local mode (127.0.0.1, no accounts): an applicant who may also load documents."""
    return Principal(id=LOCAL_USER_ID, username="本机用户", role="applicant", local=True)
