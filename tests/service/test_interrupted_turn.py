"""A turn killed mid-draft is found and finished: nothing lost, no part skipped silently.

The "kill" is a drafter that dies with a BaseException (as a process kill would leave
things: the applicant's message stored, no draft, no reply); a new Service over the
same database then sees the interrupted part and drafts it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.auth.principal import local_principal
from assistant.core.settings import Settings
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.drafting.protocol import DraftJob, DraftOutput
from assistant.forms.application import ApplicationInfo
from assistant.service.service import Service
from assistant.store.sql import Store

ME = local_principal()
ANSWER = "我们这边铁路、港口和船公司各有一套单证，货主一票货平均要跑4个窗口，数据来自3类主体的系统，没有了，请直接起草"


class Killed(BaseException):
    """Stands in for SIGKILL: not an Exception, so nothing in the product catches it."""


class DyingDrafter(OfflineDrafter):
    def draft(self, job: DraftJob, *, on_delta=None) -> DraftOutput:
        raise Killed()


def _service(path: Path, drafter: OfflineDrafter) -> Service:
    return Service(Settings(data_dir=path.parent, _env_file=None), Store.open(path), drafter)


def test_a_turn_killed_mid_draft_is_marked_then_drafted_on_the_next_load(tmp_path: Path) -> None:
    db = tmp_path / "app.sqlite3"
    dying = _service(db, DyingDrafter())
    app = dying.create_application(ME, ApplicationInfo(field="交通运输", case_name="交通运输领域——单证互认"))
    with pytest.raises(Killed):
        dying.send_message(ME, app.id, ANSWER)

    service = _service(db, OfflineDrafter())
    view = service.get_application(ME, app.id)
    assert view.interrupted == ["intro.problem"]
    assert view.messages[-1].role == "user" and view.messages[-1].content == ANSWER
    assert next(p for p in view.parts if p.part_id == "intro.problem").version is None

    view = service.resume_interrupted(ME, app.id)
    assert view.interrupted == []
    assert next(p for p in view.parts if p.part_id == "intro.problem").version == 1
    assert "被中断" in view.messages[-1].content and "问题描述" in view.messages[-1].content


def test_the_next_message_finishes_the_interrupted_draft_first(tmp_path: Path) -> None:
    db = tmp_path / "app.sqlite3"
    dying = _service(db, DyingDrafter())
    app = dying.create_application(ME, ApplicationInfo(field="交通运输", case_name="交通运输领域——单证互认"))
    with pytest.raises(Killed):
        dying.send_message(ME, app.id, ANSWER)
    service = _service(db, OfflineDrafter())
    result = service.send_message(ME, app.id, "跳过")
    drafted = {p.part_id for p in result.application.parts if p.version is not None}
    assert "intro.problem" in drafted
    assert any("被中断" in m.content for m in result.application.messages)
