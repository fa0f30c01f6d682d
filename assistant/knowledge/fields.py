"""The call's fields: a field that is not among them, and which of them an activity belongs to.

Why: "教育也是数据要素×的领域之一吧" has a wrong premise; quoting sentences about education (there are
none) or declining both fail the asker, who needs to hear that it is not among the call's fields (「不在N个领域
之内」, N counted from the form) and which they are. The fields come from the form spec (``fields``), not
from code, and the answer quotes the documents' own sentence listing them. A name close to a field
(「智慧××」 shares ×× with a field named 「……××」) is pointed at that field.

"我们大学做科研数据共享平台，该归到哪个领域" asks which field: the first retrieved passage written about
one field alone (the action plan's section for it, a case card) names it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.core.chinese import split_sentences
from assistant.core.lru import BoundedCache
from assistant.core.settings import get_settings
from assistant.knowledge.evidence import Evidence, score_sentences
from assistant.knowledge.lexicon import any_of, lexicon
from assistant.knowledge.routes import Candidate, Context
from assistant.knowledge.tokens import _jieba

if TYPE_CHECKING:
    from assistant.knowledge.search import KnowledgeBase

_FIELD_WORD = "领域"
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")


def _named_before(tokens: list[str], index: int) -> str:
    """The name right before 「领域」: up to two content tokens (「智慧」「农业」), none of them a pointer."""
    plain = set(lexicon().fields.not_a_field) | set(lexicon().stopwords) | set(lexicon().generic_words)
    name: list[str] = []
    for token in reversed(tokens[max(0, index - 2) : index]):
        if not _HAN.match(token) or token in plain:
            break
        name.insert(0, token)
    return "".join(name)


def outside_field(text: str, fields: list[str]) -> str | None:
    """A field-like name in the question that is none of the call's fields (「教育」 in 「教育领域」,
    「教育也是……领域之一」)."""
    names = [name for window in _field_word_windows(text) for name in _names_before_field_word(window)]
    also = re.search(r"([\u4e00-\u9fff]{2,4})也是.{0,12}领域", text)
    if also:
        names.append(also.group(1))
    names += _names_around_field_word(text)
    documents = set(lexicon().title_words) | set(lexicon().document_kinds)  # 「申报书领域填……」: where, not which
    for name in names:
        if len(name) >= 2 and name not in documents and not any(name in f or f in name for f in fields):
            return name
    return None


# 「领域里有没有教育」; not 「每个领域有没有保底名额」, which asks what each field has, not which fields there are
_IN_FIELDS = re.compile(r"(?<!每个)(?<!各个)(?<![每各])领域.{0,4}?(?:有没有|有|包括|包含|含)([\u4e00-\u9fff]{2,6})")
# 「教育不在领域清单里吧」
_OUT_OF_FIELDS = re.compile(r"([\u4e00-\u9fff]{2,6}?)(?:不在|在不在|算不算|属不属于).{0,10}领域")


def _names_around_field_word(text: str) -> list[str]:
    """Names the question asks about as in or out of the fields, where the name is not right before 「领域」: the
    leading nouns of what follows 「领域里有没有」, or of what comes before 「不在/属于……领域」."""
    import jieba.posseg

    _jieba()
    plain = set(lexicon().fields.not_a_field) | set(lexicon().stopwords) | set(lexicon().generic_words)
    names = []
    for found in [*_IN_FIELDS.finditer(text[:200]), *_OUT_OF_FIELDS.finditer(text[:200])]:
        nouns = []
        for tagged in jieba.posseg.lcut(found.group(1)):
            if tagged.flag[:1] != "n" and tagged.flag != "vn" or tagged.word in plain:
                break
            nouns.append(tagged.word)
        names.append("".join(nouns))
    return names


def _field_word_windows(text: str, reach: int = 16) -> list[str]:
    """The question itself when short; in a long text only the stretches that end in 「领域」 (a name is a few
    characters before it), so segmenting costs in proportion to the mentions, not to the whole text."""
    if len(text) <= 4 * reach:
        return [text]
    return [text[max(0, m.start() - reach) : m.end()] for m in re.finditer(_FIELD_WORD, text)]


_NOT_A_NAME = ("v", "a", "d", "r", "p", "c", "u", "y")  # parts of speech that name no field (jieba's tags)


def _names_before_field_word(text: str) -> list[str]:
    """Names right before 「领域」. A verb, adjective or pointer there names nothing (「要带上领域吗」「写清楚领域」
    were told 「带上」「清楚」 is not among the fields); a verbal noun does (体育, 教育)."""
    import jieba.posseg

    _jieba()
    tokens: list[str] = []
    for tagged in jieba.posseg.lcut(text):  # 「教育领域」 may be one token: its name and 「领域」
        token = tagged.word
        joined = token.endswith(_FIELD_WORD) and token != _FIELD_WORD
        plain = tagged.flag[:1] in _NOT_A_NAME and tagged.flag != "vn" and not joined
        tokens += [token[: -len(_FIELD_WORD)], _FIELD_WORD] if joined else ["" if plain else token]
    return [_named_before(tokens, i) for i, t in enumerate(tokens) if t == _FIELD_WORD]


def similar_field(name: str, fields: list[str]) -> str | None:
    """A field sharing two consecutive characters with ``name`` (智慧×× → the field with ××), if exactly one does."""
    pairs = {name[i : i + 2] for i in range(len(name) - 1)}
    close = [f for f in fields if any(p in f for p in pairs)]
    return close[0] if len(close) == 1 else None


_LISTS: BoundedCache[Evidence | None] = BoundedCache(lambda: get_settings().knowledge_cache_entries)


def field_list_line(kb: KnowledgeBase, fields: list[str]) -> Evidence | None:
    """The documents' sentence naming (nearly) all the fields, a notice's first (cached by index content and fields)."""
    return _LISTS.get((kb.store.content_key(), tuple(fields)), lambda: _field_list_line(kb, fields))


def _field_list_line(kb: KnowledgeBase, fields: list[str]) -> Evidence | None:
    best: tuple[int, int, str, str] | None = None
    for doc_id, info in kb.store.documents().items():
        for chunk_id, _locator, text in kb.store.section_chunks(doc_id):
            for sentence in split_sentences(text, "。；;！？"):
                named = sum(f in sentence for f in fields)
                rank = (named, info.get("kind") == "notice")
                if named >= len(fields) - 1 and (best is None or rank > (best[0], best[1])):
                    best = (named, int(info.get("kind") == "notice"), chunk_id, sentence.strip())
    line = None
    if best is not None:
        (passage,) = kb.store.passages([(best[2], 1.0)])
        line = Evidence(passage=passage, sentence=best[3], score=1.0, rank=0)
    return line


class CallFields:
    """Route: a field outside the call's fields (the premise is wrong), or which field an activity belongs to."""

    name = "fields"

    def answer(self, context: Context) -> Candidate | None:
        question, fields = context.question, list(context.call.fields)
        listed = field_list_line(context.kb, fields)
        if listed is None:
            return None
        outside = outside_field(question.text, fields)
        count = context.call.fields_phrase
        if outside is not None:
            near = similar_field(outside, fields)
            lead = f"「{outside}」不在{count}之内" + (f"，名称相近的是「{near}」" if near else "") + "。"
            mentions = [e for e in context.evidence[:5] if outside in e.sentence]
            return Candidate(self.name, [listed, *mentions[:2]], lead, confidence=0.9, structural=True)
        if not any_of(*lexicon().fields.asks_which).search(question.text):
            return None
        for passage in context.retrieved.pool:
            if len(passage.fields) == 1 and passage.fields[0] in fields:
                best = score_sentences(question, [passage], context.kb)[:1]
                lead = f"可归入「{passage.fields[0]}」领域（{count}之一）。"
                directions = _directions_line(context, passage.fields[0])
                evidence = [*best, *[d for d in directions if all(d.sentence != b.sentence for b in best)], listed]
                return Candidate(self.name, evidence, lead, confidence=0.75, structural=True)
        return None


def _directions_line(context: Context, field: str) -> list[Evidence]:
    """The sentence of the field's own section listing its key directions (「重点方向：……；提升能源利用效率；……」):
    asked which field an activity belongs to, the asker also needs which of its directions the activity serves."""
    cue = any_of(*lexicon().fields.directions)
    for passage in context.retrieved.pool:
        if passage.fields == [field]:
            for sentence in split_sentences(passage.text, "。！？\n"):
                if cue.match(sentence.strip()):
                    return [Evidence(passage=passage, sentence=sentence.strip(), score=1.0, rank=0)]
    return []
