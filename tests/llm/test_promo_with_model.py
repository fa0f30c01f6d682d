"""With a model, the 宣传推广材料 is written from the 简介's stored drafts and answers (issue 22, item 4)."""

from __future__ import annotations

from assistant.core.settings import Settings
from assistant.drafting.model.drafter import ModelDrafter
from assistant.drafting.pipeline import build_job, finalize_part
from assistant.forms.application import ApplicationInfo
from assistant.forms.spec import load_form
from tests.fakes import reply
from tests.fakes.openai_server import FakeOpenAIServer

FORM = load_form("cq-2024-batch2")
INFO = ApplicationInfo(applicant="重庆示例物流科技有限公司", case_name="交通运输领域——单证互认", field="交通运输")
ANSWERS = {
    "intro.solution": ["我们搭了一个单证数据平台，把3类主体的运单数据汇到一起，这个上面说过了。"],
    "intro.compliance": ["数据按协议共享，平台过了等保三级。"],
    "intro.results": ["单证办理时间从2天缩短到4小时。"],
}
DRAFTS = {
    "intro.solution": "本单位搭建了单证数据平台，汇聚3类主体的运单数据。",
    "intro.compliance": "数据按协议共享，平台通过等保三级测评。",
    "intro.results": "单证办理时间从2天缩短至4小时。",
}


def test_the_promo_prompt_carries_the_introductions_drafts_and_written_answers(
    fake_openai: FakeOpenAIServer, settings: Settings, chat_model
) -> None:
    fake_openai.queue(
        reply(
            "1.数据应用与流通：本单位搭建了单证数据平台，汇聚3类主体的运单数据。\n"
            "2.安全治理措施：数据按协议共享，平台通过等保三级测评。\n"
            "3.数据赋能成效：单证办理时间从2天缩短至4小时。"
        )
    )
    job = build_job(FORM, "promo.practice", INFO, ANSWERS, 1100, drafts=DRAFTS)
    part = finalize_part(FORM, job, ModelDrafter(chat_model, settings).draft(job), [])
    prompt = fake_openai.chat_requests("起草")[0]
    drafts_block = prompt.block("已写好的正文")
    assert "〔（二）解决方案〕" in drafts_block and "平台通过等保三级测评" in drafts_block
    assert "这个上面说过了" not in prompt.user_text  # remarks to the interviewer are not material
    assert "申报单位没有单独回答本部分" in prompt.system_text and "<申报单位回答>" not in prompt.user_text
    # published: the applicant in the third person, within its budget, every point filled
    assert part.text.startswith("1.数据应用与流通：重庆示例物流科技有限公司搭建了单证数据平台")
    assert "本单位" not in part.text and part.words <= part.budget and "【待补充" not in part.text
