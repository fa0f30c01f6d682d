"""Text side of the realistic fake model: read a conversation like a chat model, write plausible Chinese.

Self-contained on purpose: imports nothing from the product nor from the other ``tests.fakes`` modules,
and knows none of the product's prompt markers or data-block tags.  It reads the last user message (and
the system message) the way a model would: sentences that look like facts are reused, sentences that look
like instructions are skipped, a stated length ("不超过800字", "约720字", "800字以内") is overshot, and a
set of named behaviours reproduces what real models do to such replies (think blocks, preambles, markdown,
invented figures, English drift, loops, truncation ...).
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import unicodedata
from dataclasses import dataclass

INVENTED_FIGURE = "47.3%"  # a figure nobody supplied; tests assert on this exact string
INVENTED_SENTENCE = f"据初步测算，该做法带动相关产业产值增长{INVENTED_FIGURE}。"
CLOSING = "如需进一步修改或调整篇幅，请随时告诉我。"
NOT_FOUND = "文件中没有找到相关规定"
MISSING_CITATION = "[9]"
OK_ONLY = "好的。"
ENGLISH_DRIFT = (
    "In summary, the platform significantly improves the efficiency of data sharing and cross-department "
    "collaboration, and provides a replicable model for other regions and industries."
)
FILLERS = (  # generic, digit-free sentences a model pads with
    "该做法有效提升了协同效率。",
    "相关经验具有较强的可复制性和推广价值。",
    "各参与方在实践中逐步形成了常态化的工作机制。",
    "数据资源的价值在具体应用场景中得到了进一步释放。",
    "这一模式为同类地区和行业提供了有益借鉴。",
    "通过持续迭代优化，服务能力和用户体验不断改善。",
    "跨部门、跨层级的业务协同更加顺畅高效。",
    "安全合规要求贯穿数据采集、加工和使用的全过程。",
    "相关工作得到了主管部门和社会各界的广泛认可。",
    "下一步还将进一步扩大应用范围，推动形成更多典型场景。",
    "数据要素的乘数效应正在逐步显现。",
    "整体运行平稳有序，为后续推广奠定了坚实基础。",
)
CONNECTIVES = ("此外，", "同时，", "在实际运行中，", "从长远看，", "总体而言，", "具体来看，", "值得一提的是，")
LOOP_SENTENCE_FALLBACK = "该平台实现了数据的互联互通和共享应用。"

PRESETS = {
    "realistic": (
        "think",
        "preamble",
        "markdown_heading_title",
        "bold",
        "numbered",
        "overlong",
        "invented_figure",
        "rule",
        "closing",
    ),
    "plain": (),
}
TEXT_BEHAVIOURS = frozenset(
    {
        "think",
        "reasoning_content",
        "preamble",
        "markdown_heading_title",
        "bold",
        "bullets",
        "table",
        "numbered",
        "numbered_cn",
        "overlong",
        "runaway",
        "invented_figure",
        "english_drift",
        "loop",
        "rule",
        "closing",
        "truncated",
        "ok_only",
        "cite_nonexistent",
        "not_found",
    }
)
STREAM_BEHAVIOURS = frozenset({"split_chunks", "empty_choices_chunk"})
SERVER_BEHAVIOURS = frozenset({"http_429_once", "http_500_once", "hang", "slow"})
ALL_BEHAVIOURS = TEXT_BEHAVIOURS | STREAM_BEHAVIOURS | SERVER_BEHAVIOURS


def expand_behaviours(names) -> frozenset[str]:
    """Expand presets; reject unknown names (a typo must not silently mean "cooperating model")."""
    if isinstance(names, str):
        names = [n for n in re.split(r"[,\s]+", names) if n]
    out: set[str] = set()
    for name in names:
        if name in PRESETS:
            out.update(PRESETS[name])
        elif name in ALL_BEHAVIOURS:
            out.add(name)
        else:
            known = ", ".join(sorted(ALL_BEHAVIOURS | set(PRESETS)))
            raise ValueError(f"unknown behaviour {name!r}; known: {known}")
    return frozenset(out)


# ---------------------------------------------------------------------------------------------------------
# reading the conversation
CJK = re.compile(r"[\u4e00-\u9fff]")
SENTENCE_SPLIT = re.compile(r"[。！？；!?;\n]+")
INSTRUCTION_WORDS = (
    "请",
    "要求",
    "不得",
    "必须",
    "务必",
    "输出",
    "字数",
    "不要",
    "禁止",
    "你是",
    "你将",
    "撰写",
    "格式",
    "严格",
    "不超过",
    "字以内",
    "注意",
    "助手",
    "扮演",
    "示例",
    "markdown",
)
TAG = re.compile(r"<[^<>\n]{1,60}>")
LEAD = re.compile(
    r"^(?:[\s\-*#>•·|]+|\d{1,2}[.、)]\s*|[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)+"
)
LENGTH_PATTERNS = (
    re.compile(r"(?:不超过|不多于|不超出|不少于|控制在|约|大约|限)\s*(\d{2,5})\s*个?(?:汉)?字"),
    re.compile(r"(\d{2,5})\s*个?(?:汉)?字(?:以内|以下|左右|上下)"),
    re.compile(r"字数[^\d\n]{0,8}(\d{2,5})"),
)
CN_NUM = "一二三四五六七八九十"


def cjk_len(text: str) -> int:
    return len(CJK.findall(text))


def message_text(message: dict) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts
        return "\n".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def split_conversation(messages: list) -> tuple[str, str]:
    system = "\n".join(
        message_text(m) for m in messages if isinstance(m, dict) and m.get("role") in ("system", "developer")
    )
    users = [message_text(m) for m in messages if isinstance(m, dict) and m.get("role") == "user"]
    return system, (users[-1] if users else "")


def requested_length(text: str) -> int | None:
    """The length the request asks for: the first one stated on the last line that states one.

    A model follows the instruction it read last ("约720字，不超过800字" at the end of the request), not
    a number quoted earlier in the material (a template's "总篇幅不超过5000字").
    """
    text = unicodedata.normalize("NFKC", text)
    for line in reversed(text.splitlines()):
        found = [m for pattern in LENGTH_PATTERNS for m in pattern.finditer(line)]
        if found:
            return int(min(found, key=lambda m: m.start()).group(1))
    return None


def find_title(text: str) -> str | None:
    quoted = re.findall(r"[“\"]([^”\"\n]{2,24})[”\"]", text)
    for q in quoted:
        if re.match(rf"^[（(][{CN_NUM}]{{1,3}}[)）]", q):
            return q.strip()
    m = re.search(rf"[（(][{CN_NUM}]{{1,3}}[)）][\u4e00-\u9fff]{{2,16}}", text)
    if m:
        return m.group(0)
    for q in quoted:
        if cjk_len(q) >= 2 and not any(w in q for w in INSTRUCTION_WORDS) and not re.search(r"[，。：:]", q):
            return q.strip()
    m = re.search(r"《([^》\n]{2,30})》", text)
    return m.group(1) if m else None


def rephrase(sentence: str) -> str:
    for a, b in (("我们", "本单位"), ("我司", "本单位"), ("我单位", "本单位"), ("咱们", "本单位")):
        sentence = sentence.replace(a, b)
    sentence = sentence.strip(" ，,：:、").removesuffix("等等")
    return sentence + "。"


def facts_from(text: str, title: str | None = None) -> list[str]:
    """Sentences that look like facts: Chinese, with digits or long, not imperative."""
    facts: list[str] = []
    for raw in SENTENCE_SPLIT.split(TAG.sub("\n", text)):
        s = LEAD.sub("", raw.strip()).strip()
        if cjk_len(s) < 4 or (title and s.strip("“”\"") == title):
            continue
        if any(w in s.lower() for w in INSTRUCTION_WORDS):
            continue
        if not (re.search(r"\d", s) or cjk_len(s) >= 12):
            continue
        if cjk_len(s) * 2 < len(s) * 0.6:  # mostly code / JSON / English
            continue
        s = rephrase(s)
        if s not in facts:
            facts.append(s)
    return facts


def passages_from(text: str) -> dict[int, str]:
    """Numbered passages "[1] ... [2] ..."; for each number keep the longest segment (instructions may say "[1]")."""
    marks = list(re.finditer(r"\[(\d{1,2})\]", text))
    found: dict[int, str] = {}
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        seg = text[m.end() : end].strip()
        n = int(m.group(1))
        if cjk_len(seg) > cjk_len(found.get(n, "")):
            found[n] = seg
    return found


def _bigrams(text: str) -> set[str]:
    chars = CJK.findall(text)
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


# ---------------------------------------------------------------------------------------------------------
# writing
@dataclass
class Reply:
    content: str
    reasoning: str = ""
    finish_reason: str = "stop"


def seed_for(obj) -> int:
    return int(
        hashlib.sha256(json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()[:12], 16
    )


def compose(messages: list, behaviours: frozenset[str]) -> Reply:
    rng = random.Random(seed_for(messages))
    if "ok_only" in behaviours:
        return Reply(OK_ONLY)
    system, user = split_conversation(messages)
    passages = passages_from(user) or passages_from(system)
    if 1 in passages and cjk_len(passages[1]) >= 4:
        content, reasoning = _answer(user, passages, behaviours)
    else:
        content, reasoning = _draft(system, user, behaviours, rng)
    if "think" in behaviours:
        content = f"<think>\n{reasoning}\n</think>\n\n{content}"
    reply = Reply(content, reasoning if "reasoning_content" in behaviours else "")
    if "truncated" in behaviours:
        reply.content, reply.finish_reason = truncate_mid_sentence(reply.content), "length"
    return reply


def _answer(user: str, passages: dict[int, str], behaviours: frozenset[str]) -> tuple[str, str]:
    question = re.sub(r"\[\d{1,2}\][^\[]*", "", user)
    sentences = [s.strip() for s in SENTENCE_SPLIT.split(passages[1]) if cjk_len(s) >= 4]
    q = _bigrams(question)
    best = max(sentences, key=lambda s: (len(_bigrams(s) & q), -sentences.index(s))) if sentences else passages[1]
    reasoning = (
        f"用户的问题需要依据所给的{len(passages)}段资料回答。我先看资料[1]，其中有一句与问题直接相关，可以直接引用。"
    )
    if "not_found" in behaviours:
        body = f"经查阅所提供的资料，{NOT_FOUND}。"
    else:
        cite = MISSING_CITATION if "cite_nonexistent" in behaviours else "[1]"
        body = f"根据所提供的文件，{best.rstrip('。')}{cite}。"
    parts = []
    if "preamble" in behaviours:
        parts.append("好的，根据您提供的资料，回答如下：")
    parts.append(("**答复：**" if "bold" in behaviours else "") + body)
    if "invented_figure" in behaviours:
        parts.append(INVENTED_SENTENCE)
    if "loop" in behaviours:
        parts.extend([body] * 3)
    if "english_drift" in behaviours:
        parts.append(ENGLISH_DRIFT)
    if "closing" in behaviours:
        parts.append(CLOSING)
    return "\n\n".join(parts), reasoning


def _draft(system: str, user: str, behaviours: frozenset[str], rng: random.Random) -> tuple[str, str]:
    title = find_title(user) or find_title(system)
    length = requested_length(user) or requested_length(system)
    facts = facts_from(user, title) + [f for f in facts_from(system, title) if f not in facts_from(user, title)]
    with_digits = sum(bool(re.search(r"\d", f)) for f in facts)
    reasoning = (
        f"用户希望我撰写{('“' + title + '”') if title else '一段正文'}。材料里有{len(facts)}条比较具体的信息，"
        f"其中{with_digits}条带有数字。"
        + (f"篇幅要求大约{length}字，我会尽量写得充实一些。" if length else "")
        + "结构上先概述总体情况，再分点说明主要做法，最后总结成效。"
    )
    fillers = _filler_stream(rng)
    if not facts:  # nothing usable: generic paragraphs
        facts = [next(fillers) for _ in range(6)]
    intro, points, rest = facts[:1], facts[1:7], facts[7:]
    if length:  # a model asked for ~N characters writes about that much (1.5x when it runs long), not all it read
        room = math.ceil(length * _length_factor(behaviours, 1.1)) - sum(map(cjk_len, intro + points))
        kept: list[str] = []
        for fact in rest:
            if cjk_len(fact) <= room:
                kept.append(fact)
                room -= cjk_len(fact)
        rest = kept
    sections: list[list[str]] = []  # each section: list of blocks (paragraph or list lines)

    label = lambda text, name: (f"**{name}：**" + text) if "bold" in behaviours else text  # noqa: E731
    sections.append([label("".join(intro) + next(fillers), "总体情况")])
    if points:
        if "numbered_cn" in behaviours:
            sections.append(["\n".join(f"（{i}）{p}" for i, p in enumerate(points, 1))])
        elif "numbered" in behaviours:
            sections.append(["\n".join(f"{i}. {p}" for i, p in enumerate(points, 1))])
        else:
            sections.append([label("".join(points), "主要做法")])
    if "bullets" in behaviours:
        items = rest[:3] or [next(fillers) for _ in range(3)]
        rest = rest[3:]
        sections.append(["\n".join(("- " if i % 2 == 0 else "* ") + it for i, it in enumerate(items))])
    if "table" in behaviours:
        rows = [f for f in facts if re.search(r"\d", f)][:3] or facts[:3]
        table = ["| 序号 | 关键信息 |", "| --- | --- |"] + [
            f"| {i} | {r.rstrip('。')} |" for i, r in enumerate(rows, 1)
        ]
        sections.append(["\n".join(table)])
    results = "".join(rest) + (INVENTED_SENTENCE if "invented_figure" in behaviours else "") + next(fillers)
    sections.append([label(results, "取得成效")])
    if "loop" in behaviours:
        looped = (points or intro or [LOOP_SENTENCE_FALLBACK])[0]
        sections[-1].extend([looped] * rng.randint(3, 5))

    body_len = sum(cjk_len(b) for sec in sections for b in sec)
    target = 0
    if length:
        target = math.ceil(length * _length_factor(behaviours, 0.9))
    elif "overlong" in behaviours or "runaway" in behaviours:
        target = math.ceil(body_len * _length_factor(behaviours, 1.0))
    paragraph = ""
    while body_len < target:  # pad the last section with digit-free filler paragraphs
        s = next(fillers)
        paragraph += s
        body_len += cjk_len(s)
        if cjk_len(paragraph) >= 120 or body_len >= target:
            sections[-1].append(paragraph)
            paragraph = ""
    if "english_drift" in behaviours:
        sections[-1].append(ENGLISH_DRIFT)

    sep = "\n\n---\n\n" if "rule" in behaviours else "\n\n"
    body = sep.join("\n\n".join(sec) for sec in sections)
    head = []
    if "preamble" in behaviours:
        head.append(f"好的，以下是“{title}”部分的正文：" if title else "好的，以下是为您撰写的内容：")
    if "markdown_heading_title" in behaviours:
        head.append(f"### {title or '正文'}")
    text = "\n\n".join(head + [body])
    if "closing" in behaviours:
        text += sep + CLOSING
    return text, reasoning


def _length_factor(behaviours: frozenset[str], default: float) -> float:
    """How much of the requested length the model writes: about right, 1.5x (overlong), 3x (runaway)."""
    if "runaway" in behaviours:
        return 3.0
    return 1.5 if "overlong" in behaviours else default


def _filler_stream(rng: random.Random):
    """Digit-free padding; after one round each sentence comes with a connective, as verbose models vary it."""
    order = list(FILLERS)
    rounds = 0
    while True:
        rng.shuffle(order)
        lead = CONNECTIVES[(rounds - 1) % len(CONNECTIVES)] if rounds else ""
        yield from (lead + sentence for sentence in order)
        rounds += 1


def truncate_mid_sentence(content: str) -> str:
    """Cut at ~60 % of the visible body, between two CJK characters (never at a sentence end)."""
    start = content.find("</think>") + len("</think>") if "</think>" in content else 0
    pos = start + max(1, int((len(content) - start) * 0.6))
    while pos < len(content) - 1 and not (CJK.match(content[pos - 1]) and CJK.match(content[pos])):
        pos += 1
    return content[:pos]


# ---------------------------------------------------------------------------------------------------------
# streaming plan
def chunk_text(text: str, behaviours: frozenset[str], rng: random.Random) -> list[str]:
    """Split a reply into delta strings, token-sized; ``split_chunks`` also breaks <think>/</think> tags."""
    if "slow" in behaviours:
        lo, hi = 1, 2
    elif "split_chunks" in behaviours:
        lo, hi = 1, 3
    else:
        lo, hi = 2, 6
    forced: set[int] = set()
    if "split_chunks" in behaviours:
        for tag, cut in (("<think>", 4), ("</think>", 4)):
            forced.update(m.start() + cut for m in re.finditer(re.escape(tag), text))
    chunks, i = [], 0
    while i < len(text):
        j = min(len(text), i + rng.randint(lo, hi))
        inside = [f for f in forced if i < f < j]
        if inside:
            j = min(inside)
        chunks.append(text[i:j])
        i = j
    return chunks


def split_utf8(data: bytes) -> list[bytes]:
    """Split an SSE event's bytes in the middle of a multi-byte character (transport-level split)."""
    for k in range(len(data) // 2, len(data)):
        if 0x80 <= data[k] <= 0xBF:  # a UTF-8 continuation byte: cutting here breaks a character
            return [data[:k], data[k:]]
    return [data]


def estimate_tokens(text: str) -> int:
    cjk = cjk_len(text)
    return cjk + math.ceil((len(text) - cjk) / 4)


def cap_tokens(reply: Reply, max_tokens: int | None) -> Reply:
    """Honour ``max_tokens`` like a real server: cut the output and report finish_reason "length"."""
    if not max_tokens or estimate_tokens(reply.reasoning + reply.content) <= max_tokens:
        return reply
    budget = max(0, max_tokens - estimate_tokens(reply.reasoning))
    if budget == 0:
        reply.reasoning = reply.reasoning[:max_tokens]
    out, used = [], 0
    for ch in reply.content:
        used += 1 if CJK.match(ch) else 0.25
        if used > budget:
            break
        out.append(ch)
    return Reply("".join(out), reply.reasoning, "length")
