"""Whether a project qualifies: 「系统刚上线两个月还没效益，现在报合适吗」「数据有一部分是爬虫抓的，会影响申报吗」.

Why a route of its own: such a question is about the case (its results, where its data came from, whether it can
be made public), not about the applying organisation (:mod:`assistant.knowledge.eligibility`), and it describes
the asker's project in the project's words (上线, 效益, 试点). Scored over every passage by shared words, the
template's worked example (「本系统自20XX年XX月上线实施以来……」) outranked the call's own requirement that a case
has 「取得显著的经济效益或社会效益」, and three independent sets' questions of this kind were answered with the
example. What a case must be is structure the call names (the form spec's ``case_requirement_headings``: 申报重点,
案例要求), so this route scores only the sentences of those sections and quotes the best, whole when short.

The candidate is structural (found by what the question is about, so the answer threshold does not apply, as for the
conditions on applicants): the asker's situation is in words the requirements never use. It needs no reading of the
question as out of scope, and either a sure reading as eligibility or a requirement sentence that shares a specific
term with the question (a part 「跟这个案例申报有关吗」 after an unheld first part is neither).
"""

from __future__ import annotations

from assistant.knowledge.eligibility import APPLICANT, section_passages
from assistant.knowledge.evidence import score_sentences, shares_specific_term
from assistant.knowledge.general import pick_evidence
from assistant.knowledge.qtypes import OUT_OF_SCOPE
from assistant.knowledge.routes import Candidate, Context

CONFIDENCE = 0.8
SURE = 0.9  # a reading this sure needs no shared term: 「符合申报要求吗」 is about the requirements whatever it names
ELIGIBILITY = "eligibility"
NEUTRAL_LEAD = "答：案例须符合通知中{headings}的规定（原文见下），请对照判断。"


class CaseRequirements:
    """Route: whether a project qualifies, answered from the call's sections on what a case must be."""

    name = "requirements"

    def answer(self, context: Context) -> Candidate | None:
        question, call = context.question, context.call
        if not question.has(ELIGIBILITY) or question.has(APPLICANT) or question.reading.score(OUT_OF_SCOPE) >= 0.5:
            return None
        headings = call.case_requirement_headings
        passages = [p for h in headings for p in section_passages(context.kb, call.notice_title, h)]
        evidence = score_sentences(question, passages, context.kb)
        sure = question.reading.score(ELIGIBILITY) >= SURE
        if not evidence or not (sure or shares_specific_term(question, context.kb, evidence[0].sentence)):
            return None  # 「跟这个案例申报有关吗」 (read as eligibility at 0.76) shares only the call's everyday words
        lead = NEUTRAL_LEAD.format(headings="".join(f"「{h}」" for h in headings))
        return Candidate(self.name, pick_evidence(question, evidence), lead, confidence=CONFIDENCE, structural=True)
