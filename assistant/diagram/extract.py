"""Build the flow graph offline from what the applicant said about data sources and data flow.

Sentences of the solution, compliance and 主要做法 parts that name a source or a flow (the
interview's element detectors decide) are cut into chunks at function words; a chunk ending like
an organisation (委, 局, 银行, 企业 …) is a party, one ending like a platform (平台, 数据空间 …) is
the platform, one ending in 数据 is a kind of data. A party followed by a providing verb (推送,
上报, 共享 …) is a source; one followed by a using verb (调用, 查看, 扫码 …) or preceded by 给/供 is
a user. Sources point at the platform with their data, the platform points at users with what
they use. Every name comes from the applicant's words; the word lists are data
(``knowledge/diagram/flow_words.yaml``). It is a first draft for the applicant to edit.
The encoder reads the first ``MAX_PIECES`` sentences and the form's keywords the rest, and nothing
here grows faster than the answers (a 100,000-character answer took minutes before these bounds).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import islice

import yaml
from pydantic import BaseModel

from assistant.core.chinese import fix_typos, split_sentences
from assistant.core.resources import bundled_dir
from assistant.diagram.graph import FlowGraph
from assistant.forms.spec import FormSpec
from assistant.understanding.elements import MAX_PIECES
from assistant.understanding.shipped import element_reader

_CLAUSE = re.compile(r"[，。；！？：,;:\n（）()、]")
_COUNT_PREFIX = re.compile(
    r"^([\d.]+[万亿千百]?[家个所座户名位条笔类项]?|一?个|一套|一张|这个|那个|全区|全市|各|每家|多家|几家|相关|周边)+"
)


class FlowWords(BaseModel):
    """The reviewed wording of ``flow_words.yaml``; word lists as tuples, so ``str.endswith`` takes them as they are."""

    splitters: list[str]
    org_suffixes: tuple[str, ...]
    platform_suffixes: tuple[str, ...]
    source_verbs: tuple[str, ...]
    user_verbs: tuple[str, ...]
    user_markers: tuple[str, ...]
    stays_cues: list[str]
    not_parties: tuple[str, ...]
    platform_prefix_verbs: tuple[str, ...]


@lru_cache(maxsize=1)
def words() -> FlowWords:
    path = bundled_dir("knowledge") / "diagram" / "flow_words.yaml"
    return FlowWords.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def _splitter_pattern() -> re.Pattern[str]:
    """Built once: rebuilding it for every clause cost more than the splitting itself."""
    splitters = sorted(words().splitters, key=len, reverse=True)
    return re.compile("(" + "|".join(re.escape(s) for s in splitters) + ")")


def _chunks(clause: str) -> list[str]:
    return [c for c in _splitter_pattern().split(clause) if c]


def _name(chunk: str) -> str:
    name = _COUNT_PREFIX.sub("", chunk.strip())
    verbs = words().platform_prefix_verbs
    if not name.startswith(verbs):  # one test in C for the common case; the loop strips in list order
        return name
    for verb in verbs:
        if name.startswith(verb) and len(name) > len(verb) + 1:
            name = name[len(verb) :]
    return name


_OWNED_DATA = re.compile(r"([\u4e00-\u9fff]{2,8}?)的([\u4e00-\u9fff]{1,10}数据)")
_GIVEN_TO = re.compile(
    r"(?:提供给|共享给|推送给|开放给|交给|给|供)([^，。；：]{2,40}?)(?:使用|调用|查询|查看|参考|用|。|，|；|$)"
)
_LIST = re.compile(r"[、和及与]|以及")


def _sentence_parties(sentence: str) -> tuple[list[tuple[str, str]], list[str]]:
    """((source, its data) from “X的Y数据”, users from “提供给A、B和C使用”) of one sentence."""
    owned = [(_party(m.group(1)), m.group(2)) for m in _OWNED_DATA.finditer(sentence)]
    users = [_party(x) for match in _GIVEN_TO.finditer(sentence) for x in _LIST.split(match.group(1))]
    return [(x, kind) for x, kind in owned if x], [x for x in users if x]


def _party(text: str) -> str:
    """A party's name from the end of a phrase (“来源包括铁路货运” → 铁路货运), or "" when it is not one."""
    chunks = [c for c in _chunks(text) if c not in words().splitters]
    name = _name(chunks[-1]) if chunks else ""
    w = words()
    if not 2 <= len(name) <= 10 or name in w.not_parties or re.search(r"\d|数据|平台", name):
        return ""
    return name if _is(name, w.org_suffixes) or len(name) <= 4 else ""


def _is(chunk: str, suffixes: tuple[str, ...]) -> bool:
    return 2 <= len(chunk) <= 20 and chunk.endswith(suffixes)


Clauses = list[tuple[str, list[str], list[str]]]
"""A sentence's clauses, each with its chunks and their names: split and named once, read twice."""


def _clauses(sentence: str) -> Clauses:
    out = []
    for clause in _CLAUSE.split(sentence):
        chunks = _chunks(clause)
        out.append((clause, chunks, [_name(c) for c in chunks]))
    return out


def _clause_parties(
    clause: str, chunks: list[str], names: list[str]
) -> tuple[list[str], list[str], list[str], list[str], str]:
    """(sources, users, platforms, data kinds, what is used) named in one clause."""
    w = words()
    sources, users, platforms, kinds = [], [], [], []
    use, looked = "", False
    for index, name in enumerate(names):
        following = "".join(chunks[index + 1 : index + 4])
        before = chunks[index - 1] if index else ""
        organisation = _is(name, w.org_suffixes)
        if not organisation and _is(name, w.platform_suffixes):
            platforms.append(name)
        elif organisation:
            if before in w.user_markers or following.startswith(w.user_verbs) or any(
                v in following[:8] for v in w.user_verbs
            ):
                users.append(name)
                if not looked:  # the rest of a later user is a suffix of this rest: it cannot say more
                    looked = True
                    rest = "".join(chunks[index + 1 :])
                    verb = next((v for v in w.user_verbs if v in rest), "")
                    use = rest.split(verb, 1)[-1][:14] if verb else ""
            elif any(v in following[:12] for v in w.source_verbs) or index == 0 and "提供" in clause:
                sources.append(name)
        elif name.endswith("数据") and 3 <= len(name) <= 14:
            kinds.append(name)
    return sources, users, platforms, kinds, use


def _fix(text: str) -> str:
    return fix_typos(text)


def extract_graph(answers: dict[str, list[str]], form: FormSpec, case_name: str = "") -> FlowGraph:
    """A first 数据要素流向图 from the answers (part id → texts); empty when they name no flow."""
    graph = FlowGraph()
    texts = [_fix(t) for pid in form.flow_parts() for t in answers.get(pid, [])]
    sentences = [s for t in texts for s in split_sentences(t) if s.strip()]
    flow = {"data_sources", "data_flow"}
    held = element_reader(form).present(sentences, budget=MAX_PIECES, wanted=[flow] * len(sentences))
    relevant = [s for s, found in zip(sentences, held, strict=True) if found]
    parsed = [_clauses(s) for s in relevant or sentences]
    platform = _platform(parsed, case_name)
    graph.add_node(platform, "platform")
    for sentence, clauses in zip(relevant, parsed, strict=False):  # parsed is of the relevant ones when any
        owned, given = _sentence_parties(sentence)
        for source, kind in owned:
            graph.add_node(source, "source")
            graph.add_edge(source, platform, kind)
        for user in given:
            graph.add_node(user, "user")
            graph.add_edge(platform, user, "数据服务")
        sentence_kinds: dict[str, None] = {}
        for clause, chunks, names in clauses:
            sources, users, platforms, kinds, use = _clause_parties(clause, chunks, names)
            sentence_kinds.update(dict.fromkeys(kinds))
            label = _kinds_label(dict.fromkeys(kinds) or sentence_kinds)
            for source in sources:
                graph.add_node(source, "source")
                graph.add_edge(source, platform, label)
            for user in users:
                graph.add_node(user, "user")
                graph.add_edge(platform, user, use.strip("的了，") or "数据服务")
    graph.stays = _stays(sentences)
    return graph


def _kinds_label(kinds: dict[str, None]) -> str:
    """The first kinds of data, as an edge label of at most 30 characters (a kind has 3 or more characters, so the
    first ten always fill it: the label does not grow with the text)."""
    return "、".join(islice(kinds, 10))[:30]


def _platform(sentences: list[Clauses], case_name: str) -> str:
    """The platform the applicant built: the longest “…平台/数据空间” they name, else one named after the case."""
    w = words()
    found = []
    for clauses in sentences:
        for _, _, names in clauses:
            found += [name for name in names if _is(name, w.platform_suffixes)]
    times = Counter(found)
    own = [f for f in times if "共享交换" not in f and "政务云" not in f and f not in ("平台", "数据平台")]
    if own:
        return max(own, key=lambda f: (times[f], len(f)))
    short = case_name.split("——")[-1][:16]
    return f"{short}平台" if short else "数据平台"


def _stays(sentences: list[str]) -> list[str]:
    cues = re.compile("|".join(re.escape(c) for c in words().stays_cues) or "(?!)")
    out: list[str] = []
    for sentence in sentences:
        for clause in _CLAUSE.split(sentence):
            if cues.search(clause) and clause.strip() and clause.strip() not in out:
                out.append(clause.strip()[:40])
                if len(out) == 3:
                    return out
    return out
