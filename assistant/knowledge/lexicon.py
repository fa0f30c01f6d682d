"""The one reviewed word file of the knowledge base (``knowledge/qa/lexicon.yaml``), loaded and compiled once.

Why a file: the Q&A used to keep about 260 listed words in seven modules (stop words six times over,
places, loanwords, colloquialisms, cue words of every route); a domain expert could not review them
and a word added in one place was missing in another. Every list lives in the YAML now, validated here
(a missing or misspelt key fails at load, and ``tests/knowledge/test_lexicon.py`` loads every key);
the code only names the list it needs. The words shape how questions are read and searched — never
what an answer says, which is always quoted from the documents.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from assistant.core.errors import InstallationError
from assistant.core.resources import bundled_dir


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Loanword(_Strict):
    pattern: str
    written: str


class Colloquial(_Strict):
    spoken: str
    written: str


class YesNoWords(_Strict):
    asks_permission: list[str]
    asks_requirement: list[str]
    asks_identity: list[str]
    asks_existence: list[str]
    asks_possibility: list[str]
    belief_marks: list[str]
    limits: list[str]
    done_to_a_file: list[str]
    alternatives: list[str]
    permits: list[str]
    requires: list[str]
    negations: list[str]
    opposites: list[tuple[str, str]]
    different: list[str]


class AmountWords(_Strict):
    compared_units: list[str]
    approximations: list[str]
    stated_bounds: list[str]
    limits: list[str]
    upper_limits: list[str]
    claims_limit: list[str]
    counters: list[str]
    per_entities: list[str]
    only: list[str]
    not_needed: list[str]


class NumberWords(_Strict):
    """Single characters, used as character classes."""

    after_digits: list[str]
    after_han_digits: list[str]
    asked_units: list[str]
    asked_count_of: list[str]
    numeral_counters: list[str]
    numeral_names: list[str]
    numeral_measures: list[str]
    quantities: dict[str, str]


class Need(_Strict):
    asks: list[str]
    holds: str
    only_for: str = ""  # a question type the need applies to ("date": 「哪天公布」, not 「官方公布的案例吗」)
    not_for: str = ""  # a question type it does not apply to ("yes_no": 「是不是进了名单」 asks for no list)
    only_with: list[str] = []  # words the question must hold for the need to apply (「这些部门都有谁」: 部门)
    not_with: list[str] = []  # words that make it not apply (a person's name is not what 「部门都有谁」 asks)


class ParticularWords(_Strict):
    issued: list[str]
    when: list[str]
    issuer: list[str]
    issuer_who: list[str]
    doc_number: list[str]
    date: list[str]
    published: list[str]
    not_particulars: list[str]
    not_a_name: list[str]
    self_reference: list[str] = []
    citing: list[str] = []  # asks whether a document is cited right (「这样写对吗」)


class TemplateWords(_Strict):
    cues: list[str]
    write: list[str]
    amount: list[str]
    where: list[str]
    field_form: list[str]  # asks how a one-line field is written (「案例名称有格式要求吗」「怎么起」)
    plain_words: list[str]
    alias_suffixes: list[str]
    alias_prefixes: list[str]
    optional: list[str]  # a template line that may be left empty (「联合申报单位1名称（若有）」)


class CaseWords(_Strict):
    asks: list[str]
    nouns: list[str]
    plain_words: list[str]
    not_stated: list[str] = []
    asks_given: list[str] = []  # asks whether the card gives it (「写没写」), whatever the question's type
    not_given_lead: str = ""  # after the case's name, when a yes/no question asks whether the card gives it
    asks_amount: list[str] = []
    compare: list[str] = []  # a question comparing the cases it names (「哪个更多」「分别多少」)
    no_figure: str = ""  # a compared card without the figure asked for
    asks_who: list[str] = []  # asks who applied for each compared case (「各自是谁申报的」)


class OutlineWords(_Strict):
    asks: list[str]
    parts: list[str]
    plain_words: list[str]


class DefinitionWords(_Strict):
    asks: list[str]
    defines: list[str]
    names: list[str]
    not_after: list[str]
    not_the_term: list[str]


class ProcessWords(_Strict):
    asks: list[str]
    asks_who: list[str]


class InfoTableWords(_Strict):
    as_field: list[str]  # after a cover's label, what makes it the table's field (「案例名称那一栏」)
    no_length: str  # the answer when a field's length is asked: {label}, {limits}
    limit: str  # one group's limit in that answer: {title}, {limit}


class FieldWords(_Strict):
    asks_which: list[str]
    not_a_field: list[str]
    directions: list[str]


class Lexicon(_Strict):
    stopwords: list[str]
    generic_words: list[str]
    loanwords: list[Loanword]
    colloquial: list[Colloquial]
    expansions: dict[str, str]
    confusable: list[str]
    not_typos: list[str]
    units: list[str]
    bounds: list[str]
    month_parts: dict[str, int]
    amounts: AmountWords
    formats: list[str]
    format_cues: list[str]
    numbers: NumberWords
    counted: list[str]
    eligibility: list[str]
    question_words: list[str]
    not_asking: list[str]
    continuing: list[str]
    topic_question_words: list[str]
    statement_marks: list[str]
    premise_cues: list[str]
    yes_no: YesNoWords
    type_labels: dict[str, str]
    national_words: list[str]
    call_words: list[str]
    places: list[str]
    needs: list[Need]
    document_suffixes: list[str]
    document_kinds: list[str]
    asks_title: list[str]
    not_document_words: list[str] = []
    not_in_titles: list[str] = []
    particulars: ParticularWords
    template: TemplateWords
    cases: CaseWords
    outline: OutlineWords
    each: list[str]
    fields: FieldWords
    process: ProcessWords
    info_table: InfoTableWords
    definition: DefinitionWords
    title_words: list[str]


def lexicon_path() -> Path:
    return bundled_dir("knowledge") / "qa" / "lexicon.yaml"


@cache
def lexicon() -> Lexicon:
    """The reviewed word lists (read once per process, on first use)."""
    path = lexicon_path()
    try:
        return Lexicon.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise InstallationError(f"词表文件 {path.name} 缺失或格式错误：{exc}。请重新安装或按注释修正。") from exc


def alternation(words: list[str] | tuple[str, ...]) -> str:
    """ "a|b|c" of the words, longest first and escaped, so 需不需要 is tried before 需要."""
    return "|".join(re.escape(w) for w in sorted(dict.fromkeys(words), key=len, reverse=True))


@cache
def any_of(*words: str) -> re.Pattern[str]:
    """A compiled pattern matching any of ``words`` (cached per word tuple)."""
    return re.compile(alternation(words)) if words else re.compile(r"(?!)")


def words_pattern(words: list[str]) -> re.Pattern[str]:
    return any_of(*words)
