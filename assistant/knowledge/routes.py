"""The answer routes, in order: each answerer returns a typed candidate or nothing; the first confident one leads.

Why a registry: the answer routes used to be eight branches of one if-chain whose order *was* the
specification, so a new kind of question meant reading all of them. Here every route is an object with
a ``name`` and ``answer(context) -> Candidate | None``; ``ROUTES`` is the order they are asked in. A
candidate carries the quoted evidence (sentences with their passages), an optional lead line (the
direct answer, read off the evidence) and a confidence. The first candidate at or above
``CONFIDENT`` leads; without one, the most confident leads; the others stay candidates (their passages
may still be cited). Adding a route is one entry here and one module with its tests.

The order, most specific first: a document's own particulars (文号, 落款日期), the template's
parts, an outline of a section's headings, what a term stands for, the call's fields, cases compared, the case cards,
dates and numbers (and premises about them), who may apply, whether a project qualifies, yes/no, and the general
evidence answer that always has something to say when the evidence is strong enough.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from assistant.knowledge.evidence import Evidence, score_sentences

if TYPE_CHECKING:
    from assistant.forms.spec import FormSpec
    from assistant.knowledge.question import Question
    from assistant.knowledge.retrieval import Retrieved
    from assistant.knowledge.search import KnowledgeBase

CONFIDENT = 0.7


@dataclass
class Candidate:
    """One route's answer: the lines to quote (in order), a lead read off them, and how sure the route is."""

    route: str
    evidence: list[Evidence]
    lead: str = ""
    confidence: float = 0.0
    unstated: str = ""  # a line saying the figure asked for is not stated (「……未载明经济效益数字」): nothing to answer
    structural: bool = False  # found by what the question names (a document, a template part, a field, a case,
    # a condition it does not meet), not by how strongly its words match: no evidence threshold applies

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT and bool(self.evidence)


@dataclass
class Context:
    """What every route reads: the question, the call (form spec), the retrieved passages and their scored
    sentences (scored once, on first use)."""

    kb: KnowledgeBase
    question: Question
    call: FormSpec
    retrieved: Retrieved
    _evidence: list[Evidence] | None = field(default=None, repr=False)

    @property
    def evidence(self) -> list[Evidence]:
        if self._evidence is None:
            self._evidence = score_sentences(self.question, self.retrieved.passages, self.kb)
        return self._evidence


class Answerer(Protocol):
    name: str

    def answer(self, context: Context) -> Candidate | None: ...


def routes() -> tuple[Answerer, ...]:
    """The registry, in the order the routes are asked (imported here so each route module stays independent)."""
    from assistant.knowledge.case_compare import CaseComparison
    from assistant.knowledge.case_requirements import CaseRequirements
    from assistant.knowledge.cases import CaseCards
    from assistant.knowledge.definition import Definition
    from assistant.knowledge.doc_facts import Particulars
    from assistant.knowledge.eligibility import ApplicantConditions
    from assistant.knowledge.fields import CallFields
    from assistant.knowledge.general import GeneralEvidence, Outline
    from assistant.knowledge.info_table import InfoFieldLength
    from assistant.knowledge.process import Process
    from assistant.knowledge.template import TemplateParts
    from assistant.knowledge.values import DatesAndNumbers
    from assistant.knowledge.yes_no import YesOrNo

    return (
        Particulars(),
        Process(),
        TemplateParts(),
        InfoFieldLength(),
        Outline(),
        Definition(),
        CallFields(),
        CaseComparison(),
        CaseCards(),
        DatesAndNumbers(),
        ApplicantConditions(),
        CaseRequirements(),
        YesOrNo(),
        GeneralEvidence(),
    )


def run_routes(context: Context, answerers: tuple[Answerer, ...] | None = None) -> list[Candidate]:
    """The candidates, leader first: the first confident one (the routes after it are not asked), else the
    most confident of all."""
    candidates = []
    for answerer in answerers or routes():
        candidate = answerer.answer(context)
        if candidate is not None and candidate.evidence:
            candidates.append(candidate)
            if candidate.confident:
                break
    if not candidates:
        return []
    leader = next((c for c in candidates if c.confident), None)
    leader = leader or max(candidates, key=lambda c: c.confidence)
    return [leader] + [c for c in candidates if c is not leader]
