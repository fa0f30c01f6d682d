"""With a model configured: remarks stay out of drafts, and a revision that does not do what was asked is refused.

Real HTTP to the non-cooperating realistic fake (it pads, runs long, invents); a real knowledge base and
SQLite store. The fake decides what it writes; the product checks the result before storing it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.auth.principal import local_principal
from assistant.core.settings import Settings
from assistant.drafting.model.drafter import ModelDrafter
from assistant.forms.application import ApplicationInfo
from assistant.knowledge.search import KnowledgeBase
from assistant.llm.client import OpenAIChatModel, RetryPolicy
from assistant.service.service import Service
from assistant.store.sql import Store
from tests.fakes.realistic_model import RealisticModelServer

ME = local_principal()
PROBLEM = (
    "我们铁路、港口、船公司各一套单证，货主一票货平均要跑4个窗口，一票单证平均要2天才能办完。"
    "涉及运单和结算数据，来自铁路、港口和船公司3类主体的系统。"
)


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    settings = Settings(data_dir=tmp_path_factory.mktemp("kb"), embedder="hash", _env_file=None)
    kb = KnowledgeBase.open(settings)
    kb.ensure_bundled_corpus()
    return kb


@pytest.fixture()
def fake():
    with RealisticModelServer(["plain"]) as server:
        yield server


def service_for(tmp_path: Path, fake: RealisticModelServer, knowledge: KnowledgeBase) -> Service:
    settings = Settings(
        data_dir=tmp_path, llm_base_url=fake.base_url, llm_model="fake-realistic", llm_max_retries=0, _env_file=None
    )
    model = OpenAIChatModel(
        base_url=fake.base_url, model="fake-realistic", timeout=10.0, retry=RetryPolicy(max_retries=0)
    )
    return Service(settings, Store.open(tmp_path / "app.sqlite3"), ModelDrafter(model, settings), knowledge, model)


def _new_application(service: Service) -> int:
    info = ApplicationInfo(
        applicant="重庆示例物流有限公司", case_name="交通运输领域——多式联运单证协同", field="交通运输"
    )
    return service.create_application(ME, info).id


def _drafted_problem(service: Service) -> int:
    """An answer holding every required element is drafted at once, without a follow-up."""
    app_id = _new_application(service)
    turn = service.send_message(ME, app_id, PROBLEM)
    assert turn.drafted_part == "intro.problem"
    return app_id


def _head(service: Service, app_id: int, part_id: str):
    return service.store.head_versions(app_id)[part_id]


def test_a_remark_that_closes_a_part_is_never_written_into_the_draft(tmp_path, fake, knowledge) -> None:
    service = service_for(tmp_path, fake, knowledge)
    app_id = _new_application(service)
    first = service.send_message(ME, app_id, "我们铁路、港口、船公司各一套单证，货主要跑好几个窗口。")
    assert first.drafted_part is None, "an answer without figures or sources gets a follow-up"
    turn = service.send_message(ME, app_id, "没啥要补充的了")
    assert turn.understood == "draft_now" and turn.drafted_part == "intro.problem"
    assert "补充" not in _head(service, app_id, "intro.problem").text
    answers = service.store.get_application(app_id).state["parts"]["intro.problem"]["answers"]
    assert not any("没啥要补充" in a for a in answers)


def test_a_shorter_text_asked_and_a_longer_one_written_is_refused(tmp_path, fake, knowledge) -> None:
    service = service_for(tmp_path, fake, knowledge)
    app_id = _drafted_problem(service)
    before = _head(service, app_id, "intro.problem")
    fake.set_behaviours(["plain", "runaway"])
    turn = service.send_message(ME, app_id, "更简洁")
    after = _head(service, app_id, "intro.problem")
    assert turn.understood == "revise:shorten"
    assert "没有修改" in turn.reply and "精简" in turn.reply and turn.revised_part is None
    assert after.version == before.version and after.text == before.text


def test_a_shorten_asks_the_model_for_three_quarters_of_the_words(tmp_path, fake, knowledge) -> None:
    """「更简洁」 asks for the shorter length outright: asked for the old one, a padding model comes back as long."""
    service = service_for(tmp_path, fake, knowledge)
    app_id = _drafted_problem(service)
    before = _head(service, app_id, "intro.problem").words
    fake.requests.clear()
    service.send_message(ME, app_id, "更简洁")
    prompt = "".join(m["content"] for m in fake.requests[0]["messages"])
    asked = int(re.search(r"【篇幅】约\s*(\d+)\s*字", prompt).group(1))
    assert asked <= before * 3 // 4 + 1, (asked, before)
