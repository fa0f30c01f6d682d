"""List ordinals are structure, not figures: a numbered model draft keeps its points.

The first build masked ordinals in the model drafter but not in the drafting
guarantees, so a 解决方案 written as "1.… 2.… （3）…" passed the first check and then
lost all three points as "untraceable number 1/2/3". This drives one reply through
the whole pipeline (model drafter over HTTP, then ``finalize_part``).
"""

from __future__ import annotations

from assistant.drafting.pipeline import build_job, finalize_part
from assistant.forms.application import ApplicationInfo
from assistant.forms.spec import load_form
from assistant.review.traceability import mask_ordinals, untraceable_figures
from tests.fakes.behaviours import reply

SOLUTION_ANSWERS = [
    "我们建了多式联运单证数据互认平台，铁路、港口、船公司的运单数据通过接口推送到平台。",
    "平台累计汇聚运单数据1200万条，日均新增2.6万条，数据都是签了共享协议拿的。",
]
NUMBERED_REPLY = (
    "1.建设单证数据互认平台，铁路、港口和船公司的运单数据通过接口推送至平台。\n"
    "2.平台累计汇聚运单数据1200万条，日均新增2.6万条，数据依据共享协议获取。\n"
    "（3）带动港口吞吐量增长47.3%，形成一单到底服务模式。"
)


def test_numbered_points_survive_and_invented_figure_goes(drafter, fake_openai) -> None:
    form = load_form("cq-2024-batch2")
    info = ApplicationInfo(field="交通运输", case_name="交通运输领域——单证互认", applicant="示例公司")
    job = build_job(form, "intro.solution", info, {"intro.solution": SOLUTION_ANSWERS}, budget=600)
    fake_openai.queue(reply(NUMBERED_REPLY), reply(NUMBERED_REPLY))  # the repair call changes nothing
    part = finalize_part(form, job, drafter.draft(job), [])
    lines = part.text.splitlines()
    assert lines[0].startswith("1.建设单证数据互认平台")
    assert lines[1].startswith("2.平台累计汇聚运单数据1200万条")
    assert "47.3%" not in part.text and "47.3%" in part.removed_numbers
    assert not [i for i in part.issues if i.kind in ("number_removed", "untraceable_number") and "“1”" in i.message]


def test_ordinals_of_every_style_are_masked_but_figures_are_not() -> None:
    text = "主要做法：1.建平台；2、接数据；（3）出成效。第4点是增长1.5倍，2024.\n①共享"
    assert untraceable_figures(text, ["增长1.5倍", "2024年"]) == []
    assert "1.5" in mask_ordinals(text)
    assert untraceable_figures("3.新增就业5000人", [], ["5000字"]) == ["5000"]
    assert untraceable_figures("总篇幅不超过5000字", [], ["5000字"]) == []
