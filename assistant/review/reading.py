"""Read each part as a reader of the finished application will, and say what reads wrong.

The other rules check what the notice asks (limits, figures, elements); these check what a reader
sees: words said to the interviewer left in the text (「上面说过了，就是……」), the product's own prompt
text, a sentence said twice, the spoken register (first person, fillers, 「第三块是」), a point of the
宣传推广材料 left as 【待补充】 although the 简介 holds its content, and a paragraph that starts in the
middle of a thought (「横向上连了……」「了，还有……」). Each is a finding at its part, with the words
that show it and a fix. The prompt text is known per part from the rendered prompt, which the caller
(the drafting layer knows the prompts) hands in as ``prompt_text``; without it that rule is skipped.
"""

from __future__ import annotations

import re
from collections import Counter

from assistant.core.textlen import split_sentences
from assistant.forms.spec import FormSpec
from assistant.review.findings import Finding
from assistant.review.machine_text import MachineText
from assistant.review.repeats import find_repeats
from assistant.review.spoken_markers import SpokenMarkers, load_markers
from assistant.understanding.shipped import element_reader

SHOWN = 3
_REMARK = "remark"
_MARK = re.compile(r"^\s*(?:\d{1,2}[.．、]|（\d{1,2}）)\s*(?:[^：:，。；\s]{2,12}[：:])?")
_PLACEHOLDER = re.compile(r"【待补充[：:]?([^】——]*)[^】]*】")


def _quote(items: list[str]) -> str:
    unique = list(dict.fromkeys(items))
    shown = "；".join(f"“{x[:40]}{'…' if len(x) > 40 else ''}”" for x in unique[:SHOWN])
    return shown + (f"等{len(items)}处" if len(items) > SHOWN or len(unique) < len(items) else "")


def _sentences(text: str) -> list[str]:
    return [s.strip() for line in text.split("\n") for s in split_sentences(line) if s.strip()]


def conversation_findings(form: FormSpec, texts: dict[str, str], markers: SpokenMarkers) -> list[Finding]:
    """Words said to the interviewer or the tool, left in a part (「上面说过了」「你看着写吧」)."""
    findings = []
    for part in form.all_parts():
        hits = [s for s in _sentences(texts.get(part.id, "")) if any(h.category == _REMARK for h in markers.hits(s))]
        if hits:
            findings.append(
                Finding(
                    rule="conversation_left",
                    severity="错误",
                    part_id=part.id,
                    excerpt=hits[0][:80],
                    message=f"“{part.title}”留有对话用语：{_quote(hits)}。",
                    fix="这是对访谈或工具说的话，不是申报内容：删去，或改写为正式表述。",
                )
            )
    return findings


def prompt_text_findings(form: FormSpec, texts: dict[str, str], prompt_text: dict[str, MachineText]) -> list[Finding]:
    findings = []
    for part in form.all_parts():
        guard = prompt_text.get(part.id)
        echoes = guard.echoes(texts.get(part.id, "")) if guard is not None else []
        if echoes:
            findings.append(
                Finding(
                    rule="prompt_text",
                    severity="错误",
                    part_id=part.id,
                    excerpt=echoes[0][:80],
                    message=f"“{part.title}”混入了本工具给模型的提示文字：{_quote(echoes)}。",
                    fix="删去这些句子：它们是起草时的提示、标签或占位文字，不是申报内容。",
                )
            )
    return findings


def repeat_findings(form: FormSpec, texts: dict[str, str]) -> list[Finding]:
    findings = []
    for part in form.all_parts():
        repeats = find_repeats(_sentences(texts.get(part.id, "")))
        if repeats:
            findings.append(
                Finding(
                    rule="repeated_sentence",
                    severity="警告",
                    part_id=part.id,
                    excerpt=repeats[0].sentence[:80],
                    message=f"“{part.title}”有{len(repeats)}句与前文重复：{_quote([r.sentence for r in repeats])}。",
                    fix="删去重复的句子，保留第一次出现的表述。",
                )
            )
    return findings


def register_findings(form: FormSpec, texts: dict[str, str], markers: SpokenMarkers) -> list[Finding]:
    """First person and spoken words (the reviewed markers other than remarks), once per part."""
    findings = []
    for part in form.all_parts():
        hits = [h for h in markers.hits(texts.get(part.id, "")) if h.category != _REMARK]
        if not hits:
            continue
        words = [w for w, _ in Counter(h.marker for h in hits).most_common()]
        kinds = list(dict.fromkeys(h.category for h in hits))
        labels = "、".join(markers.categories[k].label for k in kinds)
        fixes = "".join(markers.categories[k].fix for k in kinds[:2])
        shown = "、".join(f"“{w}”" for w in words[:6])
        findings.append(
            Finding(
                rule="spoken_register",
                severity="警告" if "first_person" in kinds or len(hits) >= 3 else "建议",
                part_id=part.id,
                excerpt="、".join(words[:6]),
                message=f"“{part.title}”有{len(hits)}处口语化表述（{labels}）：{shown}。",
                fix=fixes or "改为书面表述。",
            )
        )
    return findings


def promo_placeholder_findings(form: FormSpec, texts: dict[str, str]) -> list[Finding]:
    """A point of a part built from the 简介 left as 【待补充】 although a 简介 part holds its content."""
    findings = []
    reader = element_reader(form)
    for part in form.all_parts():
        if not part.fallback_sources:
            continue
        for missing in _PLACEHOLDER.findall(texts.get(part.id, "")):
            point = next((sp for sp in part.subpoints if sp.title == missing.strip()), None)
            wanted = [e for e in (point.elements if point else []) if e != "numbers"]
            holders = [
                pid
                for pid in part.fallback_sources
                if texts.get(pid, "").strip()
                and "【待补充" not in texts[pid]
                and (not wanted or not reader.missing(wanted, texts[pid]))
            ]
            if holders:
                names = "、".join(f"“{form.part(pid).title}”" for pid in holders)
                findings.append(
                    Finding(
                        rule="promo_placeholder_content_elsewhere",
                        severity="警告",
                        part_id=part.id,
                        excerpt=f"【待补充：{missing}】",
                        message=f"“{part.title}”的“{missing or part.title}”还是【待补充】，但{names}中已有相应内容。",
                        fix=f"重新起草“{part.title}”，或从{names}中摘取相应内容写入。",
                    )
                )
    return findings


def mid_thought_findings(form: FormSpec, texts: dict[str, str], markers: SpokenMarkers) -> list[Finding]:
    """Paragraphs that start in the middle of a thought: cut out of the sentence or answer around them."""
    findings = []
    for part in form.all_parts():
        lines = [line for line in texts.get(part.id, "").split("\n") if line.strip()]
        cut = [
            line
            for i, line in enumerate(lines)
            if "【待补充" not in line and markers.starts_mid_thought(_MARK.sub("", line), first=i == 0)
        ]
        if cut:
            findings.append(
                Finding(
                    rule="starts_mid_thought",
                    severity="警告",
                    part_id=part.id,
                    excerpt=cut[0][:80],
                    message=f"“{part.title}”有段落从半句话开始：{_quote(cut)}。",
                    fix="补全这一段的开头（写明主语和前文所指），或与上一段合并。",
                )
            )
    return findings


def reading_findings(
    form: FormSpec, texts: dict[str, str], prompt_text: dict[str, MachineText] | None = None
) -> list[Finding]:
    """Every reading rule over the application's current texts."""
    markers = load_markers()
    findings = conversation_findings(form, texts, markers)
    findings += prompt_text_findings(form, texts, prompt_text or {})
    findings += repeat_findings(form, texts)
    findings += register_findings(form, texts, markers)
    findings += promo_placeholder_findings(form, texts)
    findings += mid_thought_findings(form, texts, markers)
    return findings
