"""Scripted mode: an answers JSON file in, a .docx and a JSON report out.

This is the contract other tools and tests rely on (``case-assistant draft``).
Unknown keys are ignored with a warning; malformed JSON, a wrong shape or an
unknown form id is a Chinese ``InvalidInputError`` (the CLI exits 2).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from assistant.core.errors import InvalidInputError
from assistant.core.types import Passage
from assistant.drafting.pipeline import ApplicationDraft, prompt_guards
from assistant.forms.application import ApplicationInfo, MediaInfo, validation_text
from assistant.forms.spec import FormSpec, load_form
from assistant.review.application import review_application
from assistant.review.findings import ReviewReport

_TOP_KEYS = {"form", "info", "answers", "media"}
_STANDARD_INFO_KEYS = set(ApplicationInfo.model_fields) - {"extra"}


class AnswersFile(BaseModel):
    form: FormSpec
    info: ApplicationInfo
    answers: dict[str, list[str]]
    media: MediaInfo = Field(default_factory=MediaInfo)
    warnings: list[str] = Field(default_factory=list)


def _normalise_answers(raw: Any, form: FormSpec, warnings: list[str]) -> dict[str, list[str]]:
    if not isinstance(raw, dict):
        raise InvalidInputError(
            f"“answers”必须是对象，键为部分编号（如 {form.part_ids()[0]}），值为文字或文字列表。"
        )
    answers: dict[str, list[str]] = {}
    for key, value in raw.items():
        if key not in form.part_ids():
            warnings.append(f"忽略未知的部分编号“{key}”（可用：{'、'.join(form.part_ids())}）")
            continue
        turns = [value] if isinstance(value, str) else value
        if not isinstance(turns, list) or not all(isinstance(t, str) for t in turns):
            raise InvalidInputError(f"“answers.{key}”必须是文字或文字列表。")
        answers[key] = [t for t in turns if t.strip()]
    return answers


def parse_answers(data: Any, form: FormSpec | None = None) -> AnswersFile:
    """Validate an answers file; ``form`` overrides its "form" id (a call's YAML not bundled)."""
    if not isinstance(data, dict):
        raise InvalidInputError("回答文件的顶层必须是 JSON 对象。")
    warnings = [f"忽略未知字段“{k}”" for k in data if k not in _TOP_KEYS and not k.startswith("_")]
    form = form or load_form(str(data.get("form", "")))
    info_raw = data.get("info") or {}
    if not isinstance(info_raw, dict):
        raise InvalidInputError("“info”必须是对象。")
    form_keys = {f.id for f in form.info.fields}
    warnings += [f"忽略申报信息表中的未知字段“{k}”" for k in info_raw if k not in _STANDARD_INFO_KEYS | form_keys]
    extra = {k: str(v) for k, v in info_raw.items() if k in form_keys - _STANDARD_INFO_KEYS}
    try:
        standard = {k: v for k, v in info_raw.items() if k in _STANDARD_INFO_KEYS}
        info = ApplicationInfo.model_validate({**standard, "extra": extra})
        media = MediaInfo.model_validate(data.get("media") or {})
    except ValidationError as exc:
        raise InvalidInputError("回答文件中" + validation_text(exc)) from exc
    answers = _normalise_answers(data.get("answers") or {}, form, warnings)
    return AnswersFile(form=form, info=info, answers=answers, media=media, warnings=warnings)


def load_answers_file(path: Path) -> AnswersFile:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InvalidInputError(f"找不到回答文件：{path}") from exc
    except (UnicodeDecodeError, OSError) as exc:
        raise InvalidInputError(f"无法读取回答文件 {path}：请确认是 UTF-8 编码的 JSON 文件。") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"回答文件 {path.name} 不是合法的 JSON：第{exc.lineno}行第{exc.colno}列附近有错误。"
        ) from exc
    return parse_answers(data)


def review_scripted(answers: AnswersFile, draft: ApplicationDraft, plan_passages: list[Passage]) -> ReviewReport:
    """The pre-submission review of a scripted draft: the answers file is the applicant's word."""
    texts = {pid: d.text for pid, d in draft.parts.items()}
    sources = [t for turns in answers.answers.values() for t in turns]
    sources += [c.text for d in draft.parts.values() for c in d.citations]
    budgets = {pid: d.budget for pid, d in draft.parts.items()}
    return review_application(
        answers.form,
        answers.info,
        answers.media,
        texts,
        sources=sources,
        budgets=budgets,
        plan_passages=plan_passages,
        prompt_text=prompt_guards(answers.form, answers.info, answers.answers, texts),
    )


def build_report(
    form: FormSpec, draft: ApplicationDraft, mode: str, warnings: list[str], review: ReviewReport | None = None
) -> dict[str, Any]:
    limits = {p.id: g.limit for g in form.groups for p in g.parts}
    parts = []
    for part in form.all_parts():
        d = draft.parts[part.id]
        parts.append(
            {
                "part_id": part.id,
                "title": f"{part.number}{part.title}",
                "text": d.text,
                "words": d.words,
                "budget": d.budget,
                "limit": limits[part.id],
                "source": d.source,
                "model_calls": d.model_calls,
                "condense_calls": d.condense_calls,
                "removed_numbers": d.removed_numbers,
                "copied_sentences": d.copied_sentences,
                "removed_sentences": [r.model_dump() for r in d.removals],
                # the budget the material supports (issue 22): what the part was written from, asked for, used
                "material_words": d.material_words,
                "target": d.target,
                "use": round(d.words / d.budget, 3) if d.budget else 0.0,
                "issues": [i.model_dump() for i in d.issues],
            }
        )
    groups = {
        gid: {"words": w, "limit": lim, "use": round(w / lim, 3) if lim else 0.0}
        for gid, (w, lim) in draft.totals(form).items()
    }
    return {
        "form": form.id,
        "mode": mode,
        "groups": groups,
        "parts": parts,
        "info_issues": [i.model_dump() for i in draft.info_issues],
        "warnings": warnings,
        "review": [f.model_dump() for f in review.findings] if review else [],
        "checklist": [c.model_dump() for c in review.checklist] if review else [],
        "alignment": [a.model_dump(exclude={"citation"}) for a in review.alignment] if review else [],
    }
