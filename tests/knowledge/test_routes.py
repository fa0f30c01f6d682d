"""The answer routes as a registry: the order, the first confident leader, and adding a route as one entry.

Each route is also exercised on its own (a typed candidate with its evidence), on the bundled corpus with the
fast hash embedder; the end-to-end behaviour per question type is in test_qa_types.py and test_qa_examples.py.
"""

from __future__ import annotations

from assistant.core.types import Passage
from assistant.knowledge.evidence import Evidence
from assistant.knowledge.question import analyse
from assistant.knowledge.retrieval import retrieve
from assistant.knowledge.routes import CONFIDENT, Candidate, Context, routes, run_routes
from assistant.knowledge.scope import default_call

CALL = default_call()


def _context(kb, question: str) -> Context:
    asked = analyse(question, kb)
    asked.home, asked.batch = CALL.place, CALL.batch
    return Context(kb, asked, CALL, retrieve(kb, asked, list(CALL.fields)))


def test_the_registry_order_is_the_specification() -> None:
    assert [r.name for r in routes()] == [
        "particulars",
        "process",  # asked for the whole process (流程, 哪几步), before the template parts the question may name
        "template",
        "info_field",  # a length asked of an info table's field: after the template parts the question may name
        "outline",
        "definition",
        "fields",
        "case_compare",  # two or more cases named and compared: before one case's card
        "cases",
        "values",
        "eligibility",
        "requirements",
        "yes_no",
        "general",
    ]


class Fixed:
    """A route that always answers with one line and a given confidence."""

    def __init__(self, name: str, confidence: float) -> None:
        self.name, self.confidence = name, confidence

    def answer(self, context: Context) -> Candidate:
        passage = Passage(chunk_id=self.name, doc_id="d", title="t", text="x")
        line = Evidence(passage=passage, sentence="x", score=1, rank=0)
        return Candidate(self.name, [line], f"{self.name}。", confidence=self.confidence)


def test_the_first_confident_candidate_leads_and_the_later_routes_are_not_asked(bundled_kb) -> None:
    context = _context(bundled_kb, "申报截止时间是哪天")
    asked: list[str] = []

    class Recording(Fixed):
        def answer(self, context: Context) -> Candidate:
            asked.append(self.name)
            return super().answer(context)

    found = run_routes(context, (Recording("weak", 0.2), Recording("sure", CONFIDENT), Recording("later", 1.0)))
    assert [c.route for c in found] == ["sure", "weak"] and asked == ["weak", "sure"]


def test_without_a_confident_candidate_the_most_confident_leads(bundled_kb) -> None:
    context = _context(bundled_kb, "申报截止时间是哪天")
    found = run_routes(context, (Fixed("a", 0.2), Fixed("b", 0.5), Fixed("c", 0.1)))
    assert [c.route for c in found] == ["b", "a", "c"]


def test_a_new_route_is_one_registry_entry(bundled_kb) -> None:
    """What adding a route takes: an object with ``name`` and ``answer``, placed in the tuple."""
    context = _context(bundled_kb, "申报截止时间是哪天")
    found = run_routes(context, (Fixed("new", 0.9), *routes()))
    assert found[0].route == "new" and found[0].lead == "new。"


def test_each_route_returns_a_typed_candidate_with_its_evidence(bundled_kb) -> None:
    by_route = {r.name: r for r in routes()}
    expected = {
        "particulars": ("这个补充通知的文号是多少", "渝大数据发〔2024〕53号"),
        "template": ("应用成效那块该怎么写", "经济"),
        "definition": ("三医是指什么", "医疗、医保、医药"),
        "fields": ("我们是做教育的，教育领域能报吗", "不在12个领域之内"),
        "cases": ("有没有做文物方面的案例可以借鉴", "云冈"),
        "values": ("申报截止时间是哪天", "2024年8月20日"),
        "yes_no": ("申报书纸质件要盖章吗", "需要"),
        "general": ("行动计划的基本原则有哪些", "需求牵引"),
    }
    for name, (question, fact) in expected.items():
        candidate = by_route[name].answer(_context(bundled_kb, question))
        assert candidate is not None and candidate.route == name, name
        assert candidate.evidence and all(isinstance(e, Evidence) for e in candidate.evidence), name
        text = candidate.lead + "".join(e.sentence for e in candidate.evidence)
        assert fact in text, (name, text)


def test_a_route_that_does_not_apply_returns_nothing(bundled_kb) -> None:
    by_route = {r.name: r for r in routes()}
    context = _context(bundled_kb, "申报截止时间是哪天")
    assert by_route["particulars"].answer(context) is None  # the deadline is not a particular of the document
    assert by_route["fields"].answer(context) is None
    assert by_route["cases"].answer(context) is None
