"""Render the prompt files in ``prompts/`` strictly (Jinja2).

File layout (meant to be edited by a Chinese policy-writing expert, not a programmer)::

    {# 说明：给编辑者看的注释，不会发给模型 #}
    ## 系统消息
    ……系统提示词（角色、必须遵守的规则）……
    ## 用户消息
    ……本次任务的资料和要求，用 {{ 变量 }} 填入……

The two marker lines must stand alone on their line, exactly as written. Text
before ``## 系统消息`` is a note for editors and is never sent. A file without
markers is one user message.

Why strict both ways: a missing variable (``StrictUndefined``) would silently send
the model an empty slot, and a variable the template does not use usually means the
template and the code drifted apart (e.g. an expert renamed ``answers``), so the
applicant's answers would silently stop reaching the model. Both raise ``PromptError``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2 import meta

from assistant.core.errors import UserFacingError
from assistant.core.resources import bundled_dir
from assistant.llm.chat import ChatMessage

SYSTEM_MARKER = "## 系统消息"
USER_MARKER = "## 用户消息"
_MARKER_RE = re.compile(rf"^({re.escape(SYSTEM_MARKER)}|{re.escape(USER_MARKER)})[ \t]*$", re.M)


class PromptError(UserFacingError):
    """A prompt file is missing, malformed, or does not match the variables passed to it."""

    status_code = 500
    code = "prompt_error"


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def prompts_dir() -> Path:
    return bundled_dir("prompts")


def list_prompts() -> list[str]:
    """Names of the bundled prompts (file stems), sorted."""
    return sorted(p.stem for p in prompts_dir().glob("*.md"))


@lru_cache(maxsize=64)
def _source(name: str) -> str:
    """A bundled prompt's text, read once: every draft and every review renders the prompts (the review to
    know the product's own wording), and reading the file each time cost a quarter of that work."""
    path = prompts_dir() / f"{name}.md"
    if not re.fullmatch(r"[a-z0-9_]+", name) or not path.is_file():
        raise PromptError(f"找不到提示词模板“{name}”。可用的模板：{'、'.join(list_prompts())}")
    return path.read_text(encoding="utf-8")


def split_sections(source: str) -> dict[str, str]:
    """Split a prompt file into its ``system`` and ``user`` sections (either may be absent)."""
    pieces = _MARKER_RE.split(source)
    if len(pieces) == 1:
        return {"user": source}
    sections: dict[str, str] = {}
    for marker, body in zip(pieces[1::2], pieces[2::2], strict=False):
        role = "system" if marker == SYSTEM_MARKER else "user"
        if role in sections:
            raise PromptError(f"提示词模板中“{marker}”出现了不止一次。")
        sections[role] = body.strip("\n")
    return sections


def _parse(name: str, section: str, text: str, env: jinja2.Environment) -> tuple[jinja2.Template, set[str]]:
    return _compiled(name, section, text)


@lru_cache(maxsize=64)
def _compiled(name: str, section: str, text: str) -> tuple[jinja2.Template, set[str]]:
    """A section compiled once per source text (compiling costs far more than rendering; every draft renders)."""
    env = _environment()
    try:
        declared = meta.find_undeclared_variables(env.parse(text))
        return env.from_string(text), declared
    except jinja2.TemplateSyntaxError as exc:
        raise PromptError(f"提示词模板 {name}.md（{section}）第 {exc.lineno} 行有语法错误：{exc.message}") from exc


def prompt_variables(name: str) -> set[str]:
    """Variables the prompt ``name`` uses (all must be passed to ``render``)."""
    env = _environment()
    return set().union(*(_parse(name, s, t, env)[1] for s, t in split_sections(_source(name)).items()))


def render_messages(name: str, **variables: object) -> list[ChatMessage]:
    """Render prompt ``name`` into chat messages (system first when the file has one)."""
    env = _environment()
    parsed = {section: _parse(name, section, text, env) for section, text in split_sections(_source(name)).items()}
    declared = set().union(*(names for _, names in parsed.values()))
    missing = sorted(declared - variables.keys())
    unknown = sorted(variables.keys() - declared)
    if missing or unknown:
        detail = "；".join(
            part
            for part in (
                f"缺少变量 {'、'.join(missing)}" if missing else "",
                f"模板未使用变量 {'、'.join(unknown)}" if unknown else "",
            )
            if part
        )
        raise PromptError(f"提示词模板 {name}.md 与程序传入的变量不一致：{detail}。")
    messages = []
    for role in ("system", "user"):
        if role in parsed:
            try:
                content = parsed[role][0].render(**variables).strip()
            except jinja2.UndefinedError as exc:
                raise PromptError(f"提示词模板 {name}.md 渲染失败：{exc.message}") from exc
            messages.append(ChatMessage(role=role, content=content))
    return messages


def render(name: str, **variables: object) -> str:
    """Render prompt ``name`` as one text (system part, a blank line, user part)."""
    return "\n\n".join(m.content for m in render_messages(name, **variables))
