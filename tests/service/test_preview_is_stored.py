"""The text an applicant watches stream in is the text that is stored, whatever the model writes.

Real HTTP to the non-cooperating fake (``tests/fakes/realistic_model``), a real knowledge base
(whose passages the fake pastes into its drafts), a real SQLite store. For each behaviour set
the turn's deltas are replayed the way the UI and the SSE client do (a restart marker starts
the preview over): the preview the turn ends on must equal the stored version, and no sentence
the guarantees removed may have been shown (``preview_corrected`` stays false: the gate held
them back while streaming, nothing had to be replaced at the end).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.auth.principal import local_principal
from assistant.core.settings import Settings
from assistant.drafting.model.drafter import ModelDrafter
from assistant.forms.application import ApplicationInfo
from assistant.knowledge.search import KnowledgeBase
from assistant.llm.chat import STREAM_RESTART
from assistant.llm.client import OpenAIChatModel, RetryPolicy
from assistant.service.service import Service
from assistant.store.sql import Store
from tests.fakes.realistic_model import INVENTED_FIGURE, RealisticModelServer

ME = local_principal()
FIRST = "我们铁路、港口、船公司各一套单证，货主一票货平均要跑4个窗口，一票单证平均要2天才能办完"
FINISH = "涉及运单和结算数据，来自铁路、港口和船公司3类主体的系统。没有了，请直接起草"
BEHAVIOURS = [
    ["realistic"],
    ["realistic", "numbered_cn", "table"],
    ["plain", "bullets", "loop", "invented_figure"],
    ["realistic", "truncated"],
    ["plain", "english_drift", "numbered", "invented_figure"],
    ["realistic", "split_chunks", "empty_choices_chunk", "reasoning_content"],
]


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    settings = Settings(data_dir=tmp_path_factory.mktemp("kb"), embedder="hash", _env_file=None)
    kb = KnowledgeBase.open(settings)
    assert kb.ensure_bundled_corpus() > 50
    return kb


@pytest.fixture(scope="module")
def fake():
    with RealisticModelServer(["realistic"]) as server:
        yield server


def replay(deltas: list[str]) -> str:
    """The preview as the UI shows it at the end of the turn."""
    text = ""
    for delta in deltas:
        text = "" if delta == STREAM_RESTART else text + delta
    return text


def shown(deltas: list[str]) -> str:
    return "".join(d for d in deltas if d != STREAM_RESTART)


def service_for(tmp_path: Path, fake: RealisticModelServer, knowledge: KnowledgeBase) -> Service:
    settings = Settings(
        data_dir=tmp_path, llm_base_url=fake.base_url, llm_model="fake-realistic", llm_max_retries=0, _env_file=None
    )
    retry = RetryPolicy(max_retries=0)
    model = OpenAIChatModel(base_url=fake.base_url, model="fake-realistic", timeout=10.0, retry=retry)
    return Service(settings, Store.open(tmp_path / "app.sqlite3"), ModelDrafter(model, settings), knowledge, model)


@pytest.mark.parametrize("behaviours", BEHAVIOURS, ids=["+".join(b) for b in BEHAVIOURS])
def test_the_preview_a_turn_ends_on_is_the_stored_draft(
    tmp_path: Path, fake: RealisticModelServer, knowledge: KnowledgeBase, behaviours: list[str]
) -> None:
    fake.set_behaviours(behaviours)
    service = service_for(tmp_path, fake, knowledge)
    app = service.create_application(ME, ApplicationInfo(field="交通运输", case_name="交通运输领域——单证互认"))
    service.send_message(ME, app.id, FIRST)
    deltas: list[str] = []
    result = service.send_message(ME, app.id, FINISH, on_delta=deltas.append)
    assert result.drafted_part == "intro.problem"
    head = service.store.head_versions(app.id)["intro.problem"]
    assert head.text and replay(deltas).strip() == head.text.strip()
    assert head.report["preview_corrected"] is False, (replay(deltas), head.text)
    assert INVENTED_FIGURE not in shown(deltas)
    copied = head.report["copied_sentences"]  # reported once for the part, and never on screen
    assert len([i for i in head.report["issues"] if i["kind"] == "passage_copied"]) == (1 if copied else 0)
    for sentence in copied:
        assert sentence[:20] not in shown(deltas)

    deltas.clear()
    service.send_message(ME, app.id, "再精简一点，把重复的话删掉", part_id="intro.problem", on_delta=deltas.append)
    head = service.store.head_versions(app.id)["intro.problem"]
    assert replay(deltas).strip() == head.text.strip()
    assert INVENTED_FIGURE not in shown(deltas)


def test_contact_data_in_a_publishable_part_is_never_shown_either(
    fake: RealisticModelServer, knowledge: KnowledgeBase, tmp_path: Path
) -> None:
    """The applicant pastes the contact's mobile number and name into a 宣传推广材料 answer."""
    from assistant.drafting.pipeline import build_job, finalize_part, people_of, retrieve_for
    from assistant.forms.application import Person
    from assistant.forms.spec import load_form

    fake.set_behaviours(["realistic"])
    info = ApplicationInfo(
        field="交通运输",
        case_name="交通运输领域——单证互认",
        contact=Person(name="李演示", phone="138 0000 1234"),
    )
    answers = {
        "promo.practice": [
            "平台把铁路、港口和船公司3类主体的运单数据打通，单证办理从2天缩短到4小时。"
            "有问题找联系人李演示，电话13800001234，我们随时对接。"
        ]
    }
    form = load_form("cq-2024-batch2")
    job = retrieve_for(knowledge, build_job(form, "promo.practice", info, answers, budget=600))
    settings = Settings(data_dir=tmp_path, _env_file=None)
    model = OpenAIChatModel(base_url=fake.base_url, model="m", timeout=10.0, retry=RetryPolicy(max_retries=0))
    deltas: list[str] = []
    output = ModelDrafter(model, settings).draft(job, on_delta=deltas.append)
    final = finalize_part(form, job, output, people_of(info))
    assert replay(deltas).strip() == final.text.strip()
    for private in ("13800001234", "1380000", "李演示"):
        assert private not in shown(deltas) and private not in final.text
    assert "2天" in final.text and "4小时" in final.text
    assert any(i.kind == "private_data" for i in final.issues)
