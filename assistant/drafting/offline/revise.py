"""Revise-by-chat without a model: every operation the understanding layer names, done on the stored draft.

The operation arrives typed (``RevisionOp``: shorten / expand / formalise / delete / replace /
supplement / reorder, with the place or text it names), so nothing here parses the applicant's
wording. Each edit is honest: shortening drops the least informative sentences but never one that
carries a figure or opens a point; expanding adds only the applicant's own answer sentences the draft
does not hold yet; a supplement adds the applicant's words where they asked. When an operation cannot
be done without inventing, the draft is returned unchanged with the reason; the pipeline verifies
whatever comes back before it is stored.
"""

from __future__ import annotations

import re

from assistant.core.figures import extract_numbers
from assistant.core.textlen import count_words
from assistant.core.types import Issue
from assistant.drafting import draft_text as dt
from assistant.drafting.offline.fitting import sentence_priority
from assistant.drafting.offline.prose import answer_to_paragraphs, formalize_sentence
from assistant.drafting.protocol import DraftJob, DraftOutput
from assistant.drafting.revision_check import SHORTEN_TO
from assistant.forms.spec import load_form
from assistant.understanding.acts import RevisionOp
from assistant.understanding.features import bigram_containment
from assistant.understanding.rules import ordinals_all, placement
from assistant.understanding.shipped import element_reader

MARKER_RE = re.compile(r"【待补充[^】]*】")
HELP = (
    "可以说“更简洁”“更正式”，也可以直接说明要删哪一句（如“删除第二句”）、把什么改成什么（如“把A改成B”），或“补充：……”。"
)


def revise_offline(job: DraftJob) -> DraftOutput:
    op = job.revision
    if op is None:
        return _unchanged(job, "没有读懂这条修改要求。" + HELP)
    paras = dt.paragraphs(job.previous_text)
    handler = {
        "shorten": _shorten,
        "expand": _expand,
        "formalise": _formalise,
        "delete": _delete,
        "replace": _replace,
        "supplement": _supplement,
        "reorder": _reorder,
    }[op.kind]
    return handler(job, op, paras)


def _scope(op: RevisionOp, paras: list[list[str]]) -> list[int] | str:
    """Paragraph indexes the operation applies to, or a Chinese reason when the named place does not exist."""
    if op.paragraph is not None:
        index = dt.resolve(op.paragraph, len(paras))
        return [index] if index is not None else f"当前草稿只有{len(paras)}段，找不到{op.scope()}。"
    if op.point is not None:
        points = dt.point_indexes(paras)
        index = dt.resolve(op.point, len(points))
        return [points[index]] if index is not None else f"当前草稿只有{len(points)}点，找不到{op.scope()}。"
    return list(range(len(paras)))


def _shorten(job: DraftJob, op: RevisionOp, paras: list[list[str]]) -> DraftOutput:
    scope = _scope(op, paras)
    if isinstance(scope, str):
        return _unchanged(job, scope)
    words = sum(count_words(s) for i in scope for s in paras[i])
    goal = int(words * SHORTEN_TO)
    candidates = [
        (i, k)
        for i in scope
        for k, sentence in enumerate(paras[i])
        if len(paras[i]) > 1 and k > 0 and not extract_numbers(sentence) and not MARKER_RE.search(sentence)
    ]
    candidates.sort(key=lambda ik: (sentence_priority(paras[ik[0]][ik[1]]), -count_words(paras[ik[0]][ik[1]])))
    dropped: set[tuple[int, int]] = set()
    for i, k in candidates:
        if words <= goal:
            break
        if len(paras[i]) - sum(1 for j, _ in dropped if j == i) <= 1:
            continue
        dropped.add((i, k))
        words -= count_words(paras[i][k])
    if not dropped:
        return _unchanged(
            job,
            f"{op.scope()}的每一句都含有数字或是要点的首句，离线模式不再删减，以免丢失您提供的事实。"
            "也可以直接说明要删哪一句（如“删除第二句”）。",
        )
    kept = [[s for k, s in enumerate(p) if (i, k) not in dropped] for i, p in enumerate(paras)]
    return _changed(job, kept, f"已精简{op.scope()}，删去{len(dropped)}句不含数字的表述，要点和数字都保留。")


def _expand(job: DraftJob, op: RevisionOp, paras: list[list[str]]) -> DraftOutput:
    scope = _scope(op, paras)
    if isinstance(scope, str):
        return _unchanged(job, scope)
    draft = job.previous_text
    extra: list[str] = []
    for answer in job.answers:
        for para in answer_to_paragraphs(answer)[0]:
            extra += [s for s in para if bigram_containment(s, [draft]) < 0.6 and s not in extra]
    room = job.budget - count_words(draft)
    added: list[str] = []
    for sentence in extra:
        if count_words(sentence) <= room:
            added.append(sentence)
            room -= count_words(sentence)
    if not added:
        return _unchanged(
            job,
            "您的回答里的内容都已写进这一部分，离线模式不会凭空扩写。请补充更多事实，例如“补充：……”，或配置大模型后再试。",
        )
    target = scope[-1] if scope else None
    if target is None:
        paras.append(added)
    else:
        paras[target] = paras[target] + added
    return _changed(job, paras, f"已用您回答中尚未写入的{len(added)}句内容扩写{op.scope()}。")


def _formalise(job: DraftJob, op: RevisionOp, paras: list[list[str]]) -> DraftOutput:
    scope = _scope(op, paras)
    if isinstance(scope, str):
        return _unchanged(job, scope)
    changed = [[formalize_sentence(s) if i in scope else s for s in para] for i, para in enumerate(paras)]
    if dt.join(changed) == dt.join(paras):
        return _unchanged(job, f"{op.scope()}已经是书面语表达，没有找到需要改正式的口语说法。")
    return _changed(job, changed, f"已把{op.scope()}的口语说法改为书面语（离线模式只改用语和标点，不改内容）。")


def _delete(job: DraftJob, op: RevisionOp, paras: list[list[str]]) -> DraftOutput:
    if op.quote:
        return _delete_quote(job, op.quote, paras)
    if op.sentence is not None:
        within = _scope(op.model_copy(update={"sentence": None}), paras) if op.paragraph or op.point else None
        if isinstance(within, str):
            return _unchanged(job, within)
        places = [(i, k) for i, p in enumerate(paras) for k in range(len(p)) if within is None or i in within]
        index = dt.resolve(op.sentence, len(places))
        if index is None:
            return _unchanged(job, f"当前只有{len(places)}句，找不到{op.scope()}。")
        i, k = places[index]
        kept = [[s for kk, s in enumerate(p) if (ii, kk) != (i, k)] for ii, p in enumerate(paras)]
        return _changed(job, dt.renumber([p for p in kept if p]), f"已删除{op.scope()}。")
    if op.paragraph is None and op.point is None:  # 「删掉第0句」 names no place there is: the whole part is not it
        return _unchanged(job, "请说明要删除哪一句、哪一段或哪一点。" + HELP)
    scope = _scope(op, paras)
    if isinstance(scope, str) or len(scope) != 1:
        return _unchanged(job, scope if isinstance(scope, str) else "请说明要删除哪一句、哪一段或哪一点。" + HELP)
    kept = [p for i, p in enumerate(paras) if i != scope[0]]
    return _changed(job, dt.renumber(kept), f"已删除{op.scope()}。")


def _delete_quote(job: DraftJob, quote: str, paras: list[list[str]]) -> DraftOutput:
    text = job.previous_text
    if quote not in text:
        return _unchanged(job, f"草稿中没有找到“{quote}”，请检查引用的文字。")
    kept: list[list[str]] = []
    for para in paras:
        sentences = []
        for sentence in para:
            if quote not in sentence:
                sentences.append(sentence)
                continue
            rest = sentence.replace(quote, "")
            if len(re.sub(r"\W", "", rest)) >= 4 and not rest.strip().startswith(("，", "。")):
                sentences.append(re.sub(r"[，、]{2,}", "，", rest).replace("，。", "。"))
        if sentences:
            kept.append(sentences)
    return _changed(job, dt.renumber(kept), f"已删除“{quote}”。")


def _replace(job: DraftJob, op: RevisionOp, paras: list[list[str]]) -> DraftOutput:
    if not op.old or not op.new:
        return _unchanged(job, "请说明把什么改成什么，例如“把‘示例平台’改成‘渝运通平台’”。")
    if op.old not in job.previous_text:
        return _unchanged(job, f"草稿中没有找到“{op.old}”，没有修改。")
    replaced = [[s.replace(op.old, op.new) for s in para] for para in paras]
    times = job.previous_text.count(op.old)
    return _changed(job, replaced, f"已把“{op.old}”改为“{op.new}”（{times}处）。")


def _supplement(job: DraftJob, op: RevisionOp, paras: list[list[str]]) -> DraftOutput:
    added = [s for para in answer_to_paragraphs(op.content)[0] for s in para] if op.content.strip() else []
    if not added:
        return _unchanged(job, "没有读到要补充的内容，请用“补充：……”写出要加入的事实。")
    addition = "".join(added)
    wanted = _marker_for(job, op.content, paras) if op.where in ("placeholder", "end") else None
    if wanted is not None:
        i, k, marker = wanted
        sentence = paras[i][k]
        alone = sentence.strip().rstrip("。") == marker
        paras[i][k] = addition if alone else sentence.replace(marker, addition.rstrip("。"), 1)
        return _changed(job, paras, "已把您补充的内容填入【待补充】处。")
    if op.where == "placeholder":
        op = op.model_copy(update={"where": "end"})
    scope = _scope(op, paras) if op.where in ("point", "paragraph") else [len(paras) - 1] if paras else []
    if isinstance(scope, str):
        return _unchanged(job, scope)
    if not scope:
        paras.append(added)
    else:
        paras[scope[-1]] = paras[scope[-1]] + added
    where = op.scope() if op.where in ("point", "paragraph") else "末尾"
    return _changed(job, paras, f"已把您补充的内容加入{where}。")


def _marker_for(job: DraftJob, content: str, paras: list[list[str]]) -> tuple[int, int, str] | None:
    """The 【待补充】 marker a supplement fills: the one naming an element the content holds (by meaning),
    else — when the applicant named the marker — the first one."""
    form = load_form(job.form_id)
    held = element_reader(form).elements_in(content)
    markers = [(i, k, m.group(0)) for i, p in enumerate(paras) for k, s in enumerate(p) for m in MARKER_RE.finditer(s)]
    for i, k, marker in markers:
        if any(spec.label in marker for eid, spec in form.elements.items() if eid in held):
            return i, k, marker
    named = job.revision is not None and job.revision.where == "placeholder"
    return markers[0] if markers and named else None


def _reorder(job: DraftJob, op: RevisionOp, paras: list[list[str]]) -> DraftOutput:
    points = dt.point_indexes(paras)
    resolved = [dt.resolve(n, len(points)) for n in ordinals_all(op.detail)]
    numbers = [n for n in resolved if n is not None]
    move = placement(op.detail)
    order = list(range(len(points)))
    if len(numbers) >= 2 and move != "swap":
        first, second = numbers[0], numbers[1]
        order.remove(first)
        order.insert(second, first)
    elif len(numbers) >= 2:
        order[numbers[0]], order[numbers[1]] = order[numbers[1]], order[numbers[0]]
    elif len(numbers) == 1 and move in ("first", "last"):
        order.remove(numbers[0])
        order.insert(0 if move == "first" else len(order), numbers[0])
    else:
        return _unchanged(job, "离线模式只能按编号调整顺序，例如“把第三点放到第一点”“第一段和第二段对调”。")
    if order == list(range(len(points))):
        return _unchanged(job, "顺序没有变化。")
    moved = [paras[points[j]] for j in order]
    result = list(paras)
    for slot, para in zip(points, moved, strict=True):
        result[slot] = para
    return _changed(job, dt.renumber(result), "已调整顺序。")


def _changed(job: DraftJob, paras: list[list[str]], note: str) -> DraftOutput:
    issue = Issue(part_id=job.part.id, kind="revision", severity="info", message=note)
    return DraftOutput(text=dt.join(paras), issues=[issue])


def _unchanged(job: DraftJob, reason: str) -> DraftOutput:
    issue = Issue(part_id=job.part.id, kind="revision", severity="warning", message=reason)
    return DraftOutput(text=job.previous_text, issues=[issue])
