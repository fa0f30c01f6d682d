"""Eight concurrent 「补充：…」 on one part lose nothing and keep nothing refused (issue 25, item 8).

The attack: eight requests at once on a drafted part. Before, the draft versions were right (some
accepted, the rest 409) but the interview state kept only some of the accepted supplements and one from a
refused request. The answer and the version are now stored in one transaction under the same version
check, so the state holds exactly the accepted supplements and the head draft contains each of them.
Real SQLite, the offline drafter, eight threads released together by a barrier.
"""

from __future__ import annotations

import threading
from pathlib import Path

from assistant.auth.principal import Principal
from assistant.core.settings import Settings
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.forms.application import ApplicationInfo
from assistant.service.service import Service
from assistant.store.errors import ConflictError
from assistant.store.sql import Store

ALICE = Principal(id=1, username="alice", role="applicant")
PROBLEM = (
    "我们铁路、港口、船公司各一套单证，货主一票货平均要跑4个窗口，一票单证平均要2天才能办完。"
    "涉及运单和结算数据，来自铁路、港口和船公司3类主体的系统。"
)
SUPPLEMENTS = [f"补充：第{n}批接入了{n + 10}家货代企业的订舱数据" for n in range(1, 9)]


def test_eight_concurrent_supplements_keep_exactly_the_accepted_ones(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, _env_file=None)
    service = Service(settings, Store.open(settings.sqlite_path), OfflineDrafter())
    info = ApplicationInfo(field="交通运输", case_name="交通运输领域——多式联运单证协同", applicant="示例物流公司")
    app_id = service.create_application(ALICE, info).id
    assert service.send_message(ALICE, app_id, PROBLEM).drafted_part == "intro.problem"

    barrier = threading.Barrier(len(SUPPLEMENTS))
    accepted: list[str] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def supplement(text: str) -> None:
        barrier.wait()
        try:
            turn = service.send_message(ALICE, app_id, text, part_id="intro.problem")
        except ConflictError:
            refused.append(text)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        else:
            (accepted if turn.revised_part == "intro.problem" else refused).append(text)

    threads = [threading.Thread(target=supplement, args=(text,)) for text in SUPPLEMENTS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors, errors
    print(f"accepted {len(accepted)}, refused {len(refused)}")
    assert accepted and len(accepted) + len(refused) == len(SUPPLEMENTS)
    facts = {text: text.removeprefix("补充：") for text in SUPPLEMENTS}
    answers = "\n".join(service.store.get_application(app_id).state["parts"]["intro.problem"]["answers"])
    head = service.store.head_versions(app_id)["intro.problem"]
    versions = service.versions(ALICE, app_id, "intro.problem")
    for text in accepted:
        assert facts[text] in answers, f"an accepted supplement was lost from the interview state: {text}"
        assert facts[text] in head.text, f"an accepted supplement is not in the head draft: {text}"
    for text in refused:
        assert facts[text] not in answers, f"a refused supplement was kept in the interview state: {text}"
        assert facts[text] not in head.text, f"a refused supplement reached the draft: {text}"
    assert len(versions) == 1 + len(accepted)
