"""The call's tables on SQLite and PostgreSQL: the audit log refuses UPDATE and DELETE in the database itself."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from assistant.store.bureau import AuditEntry
from assistant.store.sql import Store


def test_the_audit_log_is_append_only_in_the_database(store: Store) -> None:
    store.add_audit(AuditEntry(actor_id=1, actor_name="sam", actor_role="staff", action="score", new="3级"))
    for statement in ("UPDATE audit_log SET new_value = '0级'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="审计日志只能追加"), store.engine.begin() as conn:
            conn.execute(text(statement))
    assert [e.new for e in store.audit_entries()] == ["3级"]
