"""The staff view of the health check: the same report as ``case-assistant doctor``, about the running server.

Kept out of the anonymous ``GET /api/health`` (which stays a three-field answer for load balancers and
monitors): the report names paths, hosts and versions, which only staff (or the single user of local
mode, who runs the machine) may read. It probes the server's own store, index and model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.auth.principal import Principal
from assistant.core.errors import PermissionDeniedError
from assistant.ops.doctor import DoctorReport, run_doctor

if TYPE_CHECKING:
    from assistant.service.service import Service


def health_report(service: Service, principal: Principal) -> DoctorReport:
    if not (principal.can_read_all or principal.local):
        raise PermissionDeniedError("只有工作人员可以查看运行检查的详细结果。")
    return run_doctor(service.settings, store=service.store, knowledge=service.knowledge, chat_model=service.chat_model)
