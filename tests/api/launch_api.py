"""Serve only the API (no UI) under uvicorn, configured from the environment.

For subprocess tests (the kill-and-restart test) that must not depend on the UI
package; it builds the service exactly as ``case-assistant serve`` does.
Run: ``python -m tests.api.launch_api`` with ``CASE_ASSISTANT_*`` variables set.
"""

from __future__ import annotations

import sys


def main() -> int:
    import uvicorn

    from assistant.api.app import create_api
    from assistant.auth.accounts import Accounts
    from assistant.auth.exposure import check_exposure
    from assistant.core.errors import UserFacingError
    from assistant.core.resources import configure_offline_environment
    from assistant.core.settings import Settings
    from assistant.service.factory import build_service

    configure_offline_environment()
    settings = Settings()
    service = build_service(settings)
    accounts = Accounts(service.store, settings)
    try:
        check_exposure(settings, accounts.count_users())
    except UserFacingError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    uvicorn.run(create_api(service, accounts, settings), host=settings.host, port=settings.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
