"""Each failure the understanding issue lists, written as the exact chat, through the service (offline).

Real store (SQLite), the shipped classifiers and the offline drafter; the export is read back.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document

from assistant.auth.principal import Principal
from assistant.core.settings import Settings
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.forms.application import ApplicationInfo
from assistant.service.service import Service
from assistant.store.sql import Store

ALICE = Principal(id=1, username="alice", role="applicant")
SOLUTION = (
    "我们建了物流数据平台，数据来自市交通运输委和12家物流企业，通过接口实时推送到平台。"
    "安全方面采用分类分级、加密、分级授权、操作留痕、网络隔离等措施。"
)
SOURCES = "数据来自市交通运输委的货运平台和12家物流企业的运单系统，都签了数据共享协议。"
RESTATED = "上面说过了，就是分类分级、加密、分级授权、操作留痕、网络隔离这些。"
INNOVATION = (
    "一是模式创新，平台把运单、轨迹和结算数据打通，企业不用再重复录入。货主一次下单就能全程跟踪。\n"
    "二是技术创新，用隐私计算做联合建模，原始数据不出企业。模型只输出风险评分，银行据此放贷。\n"
    "三是机制创新，建立了数据收益分配机制，数据提供方按调用量分成。今年已有8家企业拿到分成。"
)


@pytest.fixture()
def service(tmp_path: Path) -> Service:
    settings = Settings(data_dir=tmp_path, _env_file=None)
    return Service(settings, Store.open(settings.sqlite_path), OfflineDrafter())


@pytest.fixture()
def app_id(service: Service) -> int:
    info = ApplicationInfo(
        applicant="重庆示例物流科技有限公司", case_name="交通运输领域——物流数据平台", field="交通运输"
    )
    return service.create_application(ALICE, info).id


def part_text(service: Service, app_id: int, part_id: str) -> str:
    view = service.get_application(ALICE, app_id)
    return next(p.text for p in view.parts if p.part_id == part_id)


def docx_text(service: Service, app_id: int) -> str:
    _, data = service.export_docx(ALICE, app_id)
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_restatement_after_a_question_becomes_the_applicants_own_sentence(service: Service, app_id: int) -> None:
    service.send_message(ALICE, app_id, "回到解决方案")
    service.send_message(ALICE, app_id, SOLUTION)
    service.send_message(ALICE, app_id, "回到安全合规")
    asked = service.send_message(ALICE, app_id, SOURCES)
    assert asked.prompt.part_id == "intro.compliance"  # the security question follows
    turn = service.send_message(ALICE, app_id, RESTATED)
    assert turn.understood == "restatement"
    assert turn.drafted_part == "intro.compliance"  # security is now there: no follow-up for it
    draft = part_text(service, app_id, "intro.compliance")
    assert "分类分级" in draft and "上面说过" not in draft and "这些。" not in draft
    assert "上面说过" not in docx_text(service, app_id)
    findings = [f for f in service.review(ALICE, app_id) if f.part_id == "intro.compliance"]
    assert not any("安全" in f.message and "缺" in f.message for f in findings)


def test_restatement_of_what_the_part_already_holds_adds_nothing(service: Service, app_id: int) -> None:
    service.send_message(ALICE, app_id, "回到安全合规")
    service.send_message(ALICE, app_id, SOURCES)
    before = service.store.get_application(app_id).state["parts"]["intro.compliance"]["answers"]
    turn = service.send_message(ALICE, app_id, "同上，前面讲了，数据来自市交通运输委和物流企业。")
    after = service.store.get_application(app_id).state["parts"]["intro.compliance"]["answers"]
    assert turn.understood == "restatement"
    assert [a for a in after if not a.startswith("【")] == before


def test_no_followup_for_figures_the_answer_already_gave(service: Service, app_id: int) -> None:
    service.send_message(ALICE, app_id, "回到应用成效")
    results = "平台2023年上线，已在3个区县落地，累计服务1.2万户货主，单证办理时间从2天缩短到2小时，物流成本下降了18%。"
    turn = service.send_message(ALICE, app_id, results)
    assert turn.drafted_part == "intro.results"
    assert "具体数字" not in turn.reply and turn.prompt.kind == "question"


def test_a_skipped_part_is_never_also_announced_as_drafted(service: Service, app_id: int) -> None:
    turn = service.send_message(ALICE, app_id, "这块先跳过")
    assert turn.understood == "skip"
    assert "先留空" in turn.reply and "已起草“（一）问题描述”" not in turn.reply


def test_delete_the_first_sentence(service: Service, app_id: int) -> None:
    service.send_message(ALICE, app_id, "回到创新点")
    service.send_message(ALICE, app_id, INNOVATION)
    before = part_text(service, app_id, "intro.innovation")
    turn = service.send_message(ALICE, app_id, "第一句删掉")
    assert turn.understood == "revise:delete" and turn.revised_part == "intro.innovation"
    after = part_text(service, app_id, "intro.innovation")
    first = re.split(r"(?<=。)", before)[0]
    assert first not in after and len(after) < len(before)
    assert "删去：" in turn.reply


def test_more_concise_keeps_every_point_of_a_three_point_part(service: Service, app_id: int) -> None:
    service.send_message(ALICE, app_id, "回到创新点")
    service.send_message(ALICE, app_id, INNOVATION)
    before = part_text(service, app_id, "intro.innovation")
    assert all(mark in before for mark in ("一是", "二是", "三是"))
    turn = service.send_message(ALICE, app_id, "更简洁")
    after = part_text(service, app_id, "intro.innovation")
    assert turn.understood == "revise:shorten"
    assert all(mark in after for mark in ("一是", "二是", "三是"))  # no point lost, no gap in the numbering
    assert "8家" in after  # every figure kept
    assert len(after) < len(before) or "没有修改" in turn.reply


def test_more_formal_says_one_thing(service: Service, app_id: int) -> None:
    service.send_message(ALICE, app_id, "回到创新点")
    service.send_message(ALICE, app_id, "我们搞了个数据平台，把各家的数据弄到一起，企业不用再跑来跑去了。")
    turn = service.send_message(ALICE, app_id, "语气更正式")
    assert turn.understood == "revise:formalise"
    changed, unchanged = "已把" in turn.reply, "没有修改" in turn.reply or "没有变化" in turn.reply
    assert changed != unchanged


def test_supplement_fills_the_placeholder_of_main_practice(service: Service, app_id: int) -> None:
    service.send_message(ALICE, app_id, "回到解决方案")
    service.send_message(ALICE, app_id, "数据来自市交通运输委和12家物流企业，通过接口实时推送到平台，货主按需调用。")
    service.send_message(ALICE, app_id, "结束吧，全部起草")
    before = part_text(service, app_id, "promo.practice")
    assert "【待补充" in before
    turn = service.send_message(ALICE, app_id, "主要做法及成效补充：数据传输全程加密，访问按角色授权并留痕。")
    assert turn.understood == "revise:supplement" and turn.revised_part == "promo.practice"
    after = part_text(service, app_id, "promo.practice")
    assert "全程加密" in after and after.count("【待补充") < before.count("【待补充")
    state = service.store.get_application(app_id).state
    assert any("全程加密" in a for a in state["parts"]["promo.practice"]["answers"])


def test_goto_main_practice_then_an_answer_is_filed_there(service: Service, app_id: int) -> None:
    turn = service.send_message(ALICE, app_id, "回到主要做法及成效")
    assert turn.understood == "goto" and turn.prompt.part_id == "promo.practice"
    service.send_message(ALICE, app_id, "可以公开的成效：累计服务1.2万户货主，物流成本下降18%。")
    state = service.store.get_application(app_id).state
    assert any("1.2万户" in a for a in state["parts"]["promo.practice"]["answers"])
    assert not any("1.2万户" in a for a in state["parts"]["intro.problem"]["answers"])


def test_a_question_to_the_assistant_is_answered_and_the_interview_resumes(service: Service, app_id: int) -> None:
    turn = service.send_message(ALICE, app_id, "这部分写多少字合适？")
    assert turn.understood == "question"
    assert "800" in turn.reply and turn.prompt.part_id == "intro.problem"
    assert service.store.get_application(app_id).state["parts"]["intro.problem"]["answers"] == []


def test_a_remark_changes_nothing(service: Service, app_id: int) -> None:
    turn = service.send_message(ALICE, app_id, "好的，辛苦了")
    assert turn.understood == "remark"
    assert service.store.get_application(app_id).state["parts"]["intro.problem"]["answers"] == []


def test_reason_is_chosen_by_meaning(service: Service, app_id: int) -> None:
    service.send_message(ALICE, app_id, "回到应用成效")
    service.send_message(ALICE, app_id, "平台上线后，企业的物流成本下降了三成，货主办单时间从两天变成两小时。")
    service.send_message(ALICE, app_id, "回到创新点")
    service.send_message(ALICE, app_id, "本单位觉得有三点新的地方，第一是数据不出企业就能联合建模。")
    reason = service.suggest_reason(ALICE, app_id)
    assert "新的地方" in reason and "下降了三成" in reason
