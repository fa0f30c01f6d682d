"""Nothing of the machinery in a stored draft (issue 22, item 1).

The guard knows the prompt as it was rendered for the part (``drafting.prompt_guard``), not a word
list: a model that echoes the other-answers block's 〔（一）问题描述〕 label, the length line, the
「案例名称：」 header or a rule, or says a sentence twice, gets none of it stored or shown, and the
applicant is told which sentence went and why.
"""

from __future__ import annotations

from assistant.core.settings import Settings
from assistant.drafting.model.drafter import ModelDrafter
from assistant.drafting.pipeline import build_job, finalize_part
from assistant.drafting.prompt_guard import machine_text, prompt_fragments
from assistant.forms.application import ApplicationInfo
from assistant.forms.spec import load_form
from tests.fakes import reply
from tests.fakes.openai_server import FakeOpenAIServer

FORM = load_form("cq-2024-batch2")
INFO = ApplicationInfo(applicant="重庆示例物流科技有限公司", case_name="交通运输领域——单证互认", field="交通运输")
ANSWERS = {
    "intro.problem": ["我们铁路、港口、船公司各一套单证，货主一票货平均要跑4个窗口。"],
    "intro.solution": ["平台汇聚3类主体的运单数据，通过接口推送给货代。"],
    "intro.compliance": ["数据按协议共享，敏感字段脱敏，平台过了等保三级。"],
    "intro.results": ["单证办理时间从2天缩短到4小时。"],
}


def promo_job(budget: int = 400):
    return build_job(FORM, "promo.description", INFO, ANSWERS, budget)


def test_the_guard_is_the_rendered_prompt_without_its_data() -> None:
    fragments = prompt_fragments(promo_job())
    assert "〔（一）问题描述〕" in fragments and "【篇幅】约 360 字，不超过 400 字。" in fragments
    assert not any("4个窗口" in f or "重庆示例物流" in f for f in fragments)  # the applicant's data is cut out
    guard = machine_text(promo_job())
    assert guard.clean("（一）问题描述")[0] is None
    assert guard.clean("案例名称：交通运输领域——单证互认")[0] is None
    assert guard.clean("事实只能来自<申报单位回答>、<已写好的正文>、<其他部分回答>和<政策依据>。")[0] is None
    assert guard.clean("货主一票货平均要跑4个窗口。") == ("货主一票货平均要跑4个窗口。", None)
    # the applicant may say what a prompt also says: their words are never prompt text
    own = build_job(FORM, "intro.problem", INFO, {"intro.problem": ["包括但不限于单证重复录入。"]}, 800)
    assert machine_text(own).clean("包括但不限于单证重复录入。")[1] is None


def test_a_model_that_echoes_the_prompt_and_repeats_itself_stores_neither(
    fake_openai: FakeOpenAIServer, settings: Settings, chat_model
) -> None:
    echo = (
        "（一）问题描述\n"
        "铁路、港口、船公司各一套单证，货主一票货平均要跑4个窗口。\n"
        "〔（二）解决方案〕\n"
        "平台汇聚3类主体的运单数据，通过接口推送给货代。\n"
        "此外，平台汇聚3类主体的运单数据，通过接口推送给货代。\n"
        "【篇幅】约 360 字，不超过 400 字。"
    )
    fake_openai.queue(reply(echo))
    job = promo_job()
    shown: list[str] = []
    output = ModelDrafter(chat_model, settings).draft(job, on_delta=shown.append)
    part = finalize_part(FORM, job, output, [])
    assert part.text == (
        "铁路、港口、船公司各一套单证，货主一票货平均要跑4个窗口。\n平台汇聚3类主体的运单数据，通过接口推送给货代。"
    )
    for machinery in ("问题描述", "解决方案", "〔", "【篇幅】", "此外，平台"):
        assert machinery not in "".join(shown), machinery  # never on screen either
    reasons = {(r.reason, r.sentence) for r in part.removals}
    assert ("prompt_text", "（一）问题描述") in reasons and ("prompt_text", "〔（二）解决方案〕") in reasons
    assert ("repeated", "此外，平台汇聚3类主体的运单数据，通过接口推送给货代。") in reasons
    kinds = {i.kind: i.message for i in part.issues}
    assert "（一）问题描述" in kinds["prompt_text_removed"] and "此外，平台汇聚" in kinds["repeat_removed"]


def test_an_offline_draft_is_untouched_by_the_guard() -> None:
    from assistant.drafting.offline.drafter import OfflineDrafter

    job = build_job(FORM, "intro.problem", INFO, ANSWERS, 800)
    part = finalize_part(FORM, job, OfflineDrafter().draft(job), [])
    assert part.removals == [] and "4个窗口" in part.text
