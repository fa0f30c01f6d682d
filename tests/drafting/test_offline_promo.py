"""宣传推广材料 built by role offline (issue 22, item 4): summarised, complete, in the third person."""

from __future__ import annotations

from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.drafting.pipeline import build_job, finalize_part
from assistant.forms.application import ApplicationInfo
from assistant.forms.spec import load_form

FORM = load_form("cq-2024-batch2")
INFO = ApplicationInfo(
    applicant="重庆示例物流科技有限公司",
    case_name="交通运输领域——单证互认",
    field="交通运输",
    reason="本案例通过单证数据互认，让货主一次委托、一单到底，已在本地12家港口和物流企业落地。",
)
ANSWERS = {
    "intro.problem": [
        "我们铁路、港口、船公司各一套单证，货主一票货平均要跑4个窗口。",
        "一票单证平均要2天才能办完，重复录入的错误率有6%。",
        "还有就是信息不透明，货主不知道货到哪了。",
    ],
    "intro.solution": [
        "我们搭了一个单证数据平台，把铁路、港口、船公司的运单数据汇到一起。",
        "一是单证互认，平台按统一标准转换单证，货代通过接口调用。",
        "二是全程跟踪，港口和铁路的到发数据每10分钟推送一次。",
    ],
    "intro.compliance": [
        "数据按协议共享，敏感字段脱敏后才推送给货代，平台过了等保三级，查询全程留痕审计。",
    ],
    "intro.results": ["单证办理时间从2天缩短到4小时，货主成本下降18.5%。"],
}


def draft(part_id: str, budget: int) -> str:
    job = build_job(FORM, part_id, INFO, ANSWERS, budget)
    return finalize_part(FORM, job, OfflineDrafter().draft(job), []).text


def test_case_description_summarises_significance_problem_and_approach() -> None:
    text = draft("promo.description", 400)
    problem = draft("intro.problem", 800)
    first, second = text.split("\n")
    assert first.startswith("该案例通过单证数据互认")  # 意义: the applicant's own 申报理由, in the third person
    assert "4个窗口" in first and "6%" in first  # 问题: the telling sentences, figures first
    assert "信息不透明" not in text  # not a copy of 问题描述
    assert problem.split("\n")[-1] not in text
    # 做法; the applicant is named at its first mention, then 「该单位」
    assert text.count("重庆示例物流科技有限公司") == 1 and second.startswith("该单位搭建了单证数据平台")
    assert "一是单证互认；二是全程跟踪。" in second  # the measures' heads, not the measures copied whole
    assert "本单位" not in text and "我们" not in text


def test_practice_takes_security_from_compliance_and_results_from_results() -> None:
    text = draft("promo.practice", 1100)
    lines = text.split("\n")
    assert [line[:2] for line in lines] == ["1.", "2.", "3."]
    assert "【待补充" not in text
    assert "等保三级" in lines[1] and "脱敏" in lines[1]  # 安全治理措施 from 安全合规
    assert "18.5%" in lines[2] and "4小时" in lines[2]  # 数据赋能成效 from 应用成效
    assert "本单位" not in text


def test_a_point_stays_marked_only_when_no_answer_holds_it() -> None:
    answers = {pid: turns for pid, turns in ANSWERS.items() if pid != "intro.compliance"}
    job = build_job(FORM, "promo.practice", INFO, answers, 1100)
    text = finalize_part(FORM, job, OfflineDrafter().draft(job), []).text
    assert "【待补充：安全治理措施】" in text.split("\n")[1]
