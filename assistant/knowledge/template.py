"""Questions about a part of the application template, answered from the template's own guidance.

Why: "……里要不要交代数据来源", "多媒体材料里要不要放系统截图", "……放在第几部分" (……: a part's title)
name a part of the call's application template (模板). Retrieval finds the part's chunk, but the
answer often lives in two places retrieval splits apart: the part's own guidance and the
template's 注 ("……部分要明确运用了哪些数据及其来源"), or a list the chunker cut into one
chunk per item (图片 1.…5.). So the template is read as a tree of its headings (from the
chunk locators) and field lines ("案例名称：示例：XX领域——案例名称"); a question naming a part
(its heading, without numbering, quotes and 模板/目录) gets every guidance line of that part,
the 注 clauses that mention it, its enumerated items, and its position in the template.

The template region of a document is every chunk under a heading that contains 模板 or 目录,
or under an 附件 heading naming a 申报书/承诺书/信息表 — any uploaded template works the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.core.chinese import split_sentences
from assistant.core.lru import BoundedCache
from assistant.core.settings import get_settings
from assistant.knowledge.asked_kind import asked_kind
from assistant.knowledge.evidence import Evidence, question_weights
from assistant.knowledge.lexicon import any_of, lexicon
from assistant.knowledge.question import Question
from assistant.knowledge.retrieval import document_titles, named_document
from assistant.knowledge.routes import Candidate, Context

if TYPE_CHECKING:
    from assistant.knowledge.search import KnowledgeBase

_NUMBERING = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十\d]+\s*[、.．]|附件\s*\d*[：:])\s*"
)
_QUOTED = re.compile(r"[“\"「《][^”\"」》]{0,20}[”\"」》]")
_REGION = re.compile(r"模板|目录")
_ATTACHMENT = re.compile(r"^附件.*(申报书|承诺书|信息表)")
_FIELD_LINE = re.compile(r"^([\u4e00-\u9fff]{2,8})[：:]\s*(示例[：:].+)$")
_ARTIFACT = re.compile(r"\[bookmark:[^\][]*\]")
_ITEM = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|\d+\s*[.、．])")
_EXAMPLE = re.compile(r"^(?:如|例如|示例)[：:]")
# "写了6000字会不会超", "限多少字": a value with a unit the part's lines also state.
_UNIT = re.compile(r"(?:(?:多少|几|(?<!\d)\d++)\s*|(?=字数))(字|分钟|份|页)")  # "限多少字", "字数上限"
_GUIDE = re.compile(r"申报书「([^」]{2,12})」")  # 「申报书「<部分>」部分……可对照……撰写」
MAX_LINES = 24
MAX_CHARS = 400  # a table's short rows (信息表) all fit; long guidance lines stop sooner


@dataclass
class Part:
    """One heading (or field line) of a template, with its lines in reading order."""

    doc_id: str
    path: tuple[str, ...]
    heading: str
    aliases: tuple[str, ...]
    lines: list[tuple[str, str]] = field(default_factory=list)  # (chunk_id, line) under this part
    own: list[tuple[str, str]] = field(default_factory=list)  # lines not under a sub-part
    children: list[str] = field(default_factory=list)


def part_name(heading: str) -> str:
    """ "二、“……”<name>模板" → "<name>模板" (numbering and quoted words removed)."""
    name = _NUMBERING.sub("", heading.split(" 至 ")[-1])
    return _QUOTED.sub("", name).strip(" ：:")


def aliases_of(name: str) -> tuple[str, ...]:
    """The ways staff name a part: 典型案例简介模板 → 简介模板, 案例简介, 简介 …

    A two-character alias only comes from dropping a suffix (简介模板 → 简介), never a prefix
    (……描述 ↛ 描述: too common a word to name a part).
    """
    words = lexicon().template
    found = {name}
    for _ in range(3):
        for alias in list(found):
            for prefix in words.alias_prefixes:
                if alias.startswith(prefix) and len(alias) - len(prefix) >= 3:
                    found.add(alias[len(prefix) :])
            for suffix in words.alias_suffixes:
                if alias.endswith(suffix) and len(alias) - len(suffix) >= 2:
                    found.add(alias[: -len(suffix)])
    found |= {"案例" + a for a in list(found) if len(a) == 2}
    found |= {a.replace("宣传推广", "宣传") for a in list(found) if "宣传推广" in a}  # 宣传材料: what staff say
    return tuple(sorted((a for a in found if len(a) >= 2), key=len, reverse=True))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in _ARTIFACT.sub("", text).splitlines() if line.strip()]


def _in_region(parts: list[str]) -> int | None:
    """Depth at which the template region starts, or None when the chunk is outside it."""
    for depth, part in enumerate(parts):
        if _REGION.search(part) or _ATTACHMENT.search(part):
            return depth
    return None


_CACHE: BoundedCache[list[Part]] = BoundedCache(lambda: get_settings().knowledge_cache_entries)
_QUOTES: BoundedCache[dict[str, list[tuple[str, str, str]]]] = BoundedCache(
    lambda: get_settings().knowledge_cache_entries
)


def template_parts(kb: KnowledgeBase) -> list[Part]:
    """Every part of every template region in the knowledge base (cached by the index's content)."""
    return _CACHE.get(kb.store.content_key(), lambda: _template_parts(kb))


def _template_parts(kb: KnowledgeBase) -> list[Part]:
    parts: dict[tuple[str, tuple[str, ...]], Part] = {}
    for doc_id, info in kb.store.documents().items():
        if info.get("kind") == "template_example":
            continue
        for cid, locator, text in kb.store.section_chunks(doc_id):
            path = [p for p in locator.split(" > ") if p]
            start = _in_region(path)
            if start is None:
                continue
            for depth in range(start, len(path)):
                key = (doc_id, tuple(path[: depth + 1]))
                part = parts.get(key)
                if part is None:
                    heading = path[depth].split(" 至 ")[-1]
                    part = parts[key] = Part(doc_id, key[1], heading, aliases_of(part_name(heading)))
                    if depth > start:
                        parts[(doc_id, key[1][:-1])].children.append(heading)
                lines = _lines(text)
                part.lines += [(cid, line) for line in lines]
                if depth == len(path) - 1:
                    part.own += [(cid, line) for line in lines]
            for line in _lines(text):
                match = _FIELD_LINE.match(line)
                if match:
                    key = (doc_id, (*path, match.group(1)))
                    parts.setdefault(key, Part(doc_id, key[1], match.group(1), (match.group(1),), [(cid, line)]))
                    parts[key].own = [(cid, line)]
    return list(parts.values())


def match_parts(question: Question, kb: KnowledgeBase) -> list[Part]:
    """The template parts the question names, most specific first.

    A part whose sub-part is also named gives way to it ("<part>里的<sub-part>" → the sub-part;
    "多媒体材料里jpg图片" → 图片); among the rest the longest alias wins.
    """
    if not any_of(*lexicon().template.cues).search(question.text):
        return []
    found: list[tuple[int, Part]] = []
    # 「图片交什么格式？大致要准备哪些」: a list a later clause asks for is the one the nearest earlier clause
    # names (only a list: 「简介字数上限？推广材料字数上限？」 asks about a part its own words name, if not by an alias)
    inherited = reversed(question.earlier) if question.has("list") else ()
    for text in (question.text, *inherited):
        for part in template_parts(kb):
            hit = next((a for a in part.aliases if a in text), None)
            if hit is not None and (text == question.text or _has_guidance(part)):
                found.append((len(hit), part))
        if found:
            break
    kept = [
        (n, part)
        for n, part in found
        if not any(
            o.doc_id == part.doc_id and len(o.path) > len(part.path) and o.path[: len(part.path)] == part.path
            for _, o in found
        )
    ]
    return [part for _, part in sorted(kept, key=lambda pair: (pair[0], len(pair[1].path)), reverse=True)]


def _has_guidance(part: Part) -> bool:
    """A line under the part besides its heading (a heading with nothing under it has no list to inherit)."""
    return any(part_name(line) != part_name(part.heading) for _, line in part.lines)


def match_part(question: Question, kb: KnowledgeBase) -> Part | None:
    parts = match_parts(question, kb)
    return parts[0] if parts else None


def _mentions(part: Part, kb: KnowledgeBase) -> list[tuple[str, str]]:
    """Clauses elsewhere in the template that name the part ("……部分要明确运用了哪些数据及其来源")."""
    names = [a for a in part.aliases if len(a) >= 4] or list(part.aliases[:1])
    own = {line for _, line in part.lines}
    out = []
    for other in template_parts(kb):
        if (
            other.doc_id != part.doc_id
            or len(other.path) >= len(part.path)
            or other.path != part.path[: len(other.path)]
        ):
            continue
        for cid, line in other.own:
            if line in own:
                continue
            for clause in split_sentences(line, "。；;"):
                clause = clause.strip("（）() ;；")
                if any(n in clause for n in names) and len(clause) > max(len(n) for n in names) + 4:
                    out.append((cid, clause))
    return out


def _guides(part: Part, kb: KnowledgeBase) -> list[tuple[str, str]]:
    """Clauses of other documents that quote the part's name with the template's (「申报书「<部分>」部分……可对照……
    撰写」): advice on writing the part, found by the name the documents quote, not by words the question shares."""
    names = [a for a in part.aliases if len(a) >= 2]
    quoted = _QUOTES.get(kb.store.content_key(), lambda: _quoted_clauses(kb))
    return [(cid, clause) for name in names for doc_id, cid, clause in quoted.get(name, []) if doc_id != part.doc_id]


def _quoted_clauses(kb: KnowledgeBase) -> dict[str, list[tuple[str, str, str]]]:
    """name → (doc_id, chunk id, clause) of every clause quoting a name in 「」 after 申报书 (the template's word)."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    for doc_id in kb.store.documents():
        for cid, _locator, text in kb.store.section_chunks(doc_id):
            for clause in split_sentences(text, "。；;"):
                for match in _GUIDE.finditer(clause):
                    found.setdefault(match.group(1), []).append((doc_id, cid, clause.strip()))
    return found


def template_evidence(question: Question, part: Part, kb: KnowledgeBase) -> tuple[list[Evidence], str]:
    """The lines to quote for a question about ``part`` and a lead line read off them."""
    guidance = [(cid, line) for cid, line in part.lines if line != part.heading and not _EXAMPLE.match(line)]
    guidance = [(c, ln) for c, ln in guidance if part_name(ln) != part_name(part.heading)]
    mentions = _mentions(part, kb)
    lines = mentions + guidance + _guides(part, kb)
    if "示例" in question.text or "例子" in question.text or not lines:
        lines += [(c, ln) for c, ln in part.lines if _EXAMPLE.match(ln)]
    if not lines:
        lines = part.own[:1] or part.lines[:1]
    passages = {p.chunk_id: p for p in kb.store.passages([(cid, 1.0) for cid in dict.fromkeys(c for c, _ in lines)])}
    if not passages:
        return [], ""
    weights = question_weights(question, kb)
    words = lexicon().template
    rest = {
        t: w
        for t, w in weights.items()
        if len(t) >= 2 and t not in words.plain_words and not any(t in a for a in part.aliases)
    }

    def overlap(line: str) -> float:
        return sum(w for t, w in rest.items() if t in line)

    items = [ln for _, ln in lines if _ITEM.match(ln)]
    position = bool(any_of(*words.where).search(question.text) and _position(part))
    unit = _UNIT.search(question.text)
    sized = bool(unit and any(re.search(r"\d\s*" + unit.group(1), ln) for _, ln in lines))
    one_field = len(part.own) == 1 and bool(_FIELD_LINE.match(part.own[0][1]))
    writing = any_of(*words.write).search(question.text) or (
        one_field and any_of(*words.field_form).search(question.text)  # 「案例名称有格式要求吗」: its example
    )
    if not (position or sized or writing or any(overlap(ln) for _, ln in lines)):
        return [], ""  # the part is named but its guidance says nothing about what is asked
    lead = _lead(question, part, lines, items, overlap)
    evidence = [
        Evidence(passage=passages[cid], sentence=line, score=1.0 + overlap(line) / 100, rank=0)
        for cid, line in lines
        if cid in passages
    ]
    if "yes_no" in question.types and not items:
        evidence.sort(key=lambda e: e.score, reverse=True)
    kept: list[Evidence] = []
    used = 0
    for item in evidence[:MAX_LINES]:
        if kept and used + len(item.sentence) > MAX_CHARS:
            break
        kept.append(item)
        used += len(item.sentence)
    return kept, lead


def _position(part: Part) -> str:
    number = re.match(r"^\s*([（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十\d]+)", part.heading)
    if not number or len(part.path) < 2:
        return ""
    return f"「{part_name(part.heading)}」是「{part.path[-2]}」的第{number.group(1)}部分"


def _lead(question: Question, part: Part, lines: list[tuple[str, str]], items: list[str], overlap: object) -> str:
    name = part_name(part.heading)
    words = lexicon().template
    if any_of(*words.where).search(question.text) and _position(part):
        return f"{_position(part)}。"
    if ("list" in question.types or re.search(r"几[种类个部块节]|哪几|顺序|先后", question.text)) and not any_of(
        *words.amount
    ).search(question.text):
        if len(part.children) >= 2:
            kids = [c.strip() for c in part.children]
            return f"「{name}」包括以下{len(kids)}个部分：{'；'.join(kids)}。"
        if items:
            return f"「{name}」共{len(items)}项：{'；'.join(items)}。"
    field_line = _FIELD_LINE.match(part.own[0][1]) if len(part.own) == 1 else None
    if field_line:
        return f"模板给出的写法是「{field_line.group(2)}」。"
    if "yes_no" in question.types:
        score = overlap if callable(overlap) else (lambda _line: 0.0)
        best = max(lines, key=lambda pair: score(pair[1]))
        if score(best[1]) > 0:
            optional = any_of(*words.optional).search(best[1])  # 「……（若有）」 may stay empty: not 要
            first = "没有的可以不填。" if optional else "要。" if asked_kind(question) == "requirement" else ""
            return f"{first}模板对「{name}」的要求是：{best[1].rstrip('。')}。"  # 「只写定性的行不行」 asks no 要
    return f"模板对「{name}」的写法要求如下。"


# --- the route ------------------------------------------------------------------------------------------
def each_part(question: Question, parts: list[Part], kb: KnowledgeBase) -> tuple[list[Evidence], str]:
    """ "简介和宣传材料分别限多少字": each named part's lines, and one lead naming each part's answer."""
    from assistant.knowledge.values import lead_line

    evidence: list[Evidence] = []
    leads = []

    def position(part: Part) -> int:  # in the order the question names them
        return min((question.text.find(a) for a in part.aliases if a in question.text), default=len(question.text))

    for part in sorted(parts[:3], key=position):
        found, _ = template_evidence(question, part, kb)
        direct = lead_line(question, found).removeprefix("答：").rstrip("。") if found else ""
        if direct:
            evidence += found[:3]
            leads.append(f"「{part_name(part.heading)}」{direct}")
    return (evidence, f"答：{'；'.join(leads)}。") if len(leads) >= 2 else ([], "")


class TemplateParts:
    """Route: a question naming a part of the application template, answered from the template's guidance.

    Less sure when the part named is the whole template (「申报书」) and the question is not about its
    parts: "申报书要盖章吗" is about the notice's rule, not the template's cover."""

    name = "template"

    def answer(self, context: Context) -> Candidate | None:
        from assistant.knowledge.values import lead_line

        question, kb = context.question, context.kb
        parts = match_parts(question, kb)
        if not parts:
            return None
        if len(parts) >= 2 and any_of(*lexicon().each).search(question.text):
            evidence, lead = each_part(question, parts, kb)
            if evidence:
                return Candidate(self.name, evidence, lead, confidence=0.95, structural=True)
        part = parts[0]
        if named_document(question.text, document_titles(kb)) not in (None, part.doc_id):
            return None  # 「模板给的供应链协同管理那个例子」 names the template example, another document
        evidence, lead = template_evidence(question, part, kb)
        if not evidence:
            return None
        direct = lead_line(question, evidence)
        if direct and (not direct.startswith("答：") or lead.startswith("模板对")):
            lead = direct
        whole = len(part.path) <= 1 and len(part.children) >= 2
        asks_parts = question.has("list") or bool(any_of(*lexicon().outline.asks).search(question.text))
        sure = not whole or asks_parts
        return Candidate(self.name, evidence, lead, confidence=0.9 if sure else 0.3, structural=sure)
