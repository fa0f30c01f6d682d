"""Shared helpers for the spine tests (form → interview → drafting → .docx → CLI).

Plain functions (not fixtures) so every spine test file can import them without
touching ``tests/conftest.py``, which the lead owns.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PATH = REPO_ROOT / "examples" / "cq-logistics-example.json"
FORMS_DIR = REPO_ROOT / "knowledge" / "forms"
FORM_ID = "cq-2024-batch2"

INTRO_IDS = [
    "intro.problem",
    "intro.solution",
    "intro.results",
    "intro.innovation",
    "intro.compliance",
    "intro.participants",
]
PROMO_IDS = ["promo.description", "promo.practice"]
ALL_PART_IDS = INTRO_IDS + PROMO_IDS


def load_example() -> dict[str, Any]:
    """The shipped example answers file, parsed (a fresh copy each call)."""
    return json.loads(EXAMPLE_PATH.read_text(encoding="utf-8"))


def example_answers() -> dict[str, list[str]]:
    """The example's answers normalised to lists of turns, as scripted mode does."""
    raw = load_example()["answers"]
    return {pid: ([v] if isinstance(v, str) else list(v)) for pid, v in raw.items()}


def all_answer_texts(answers: dict[str, list[str]]) -> list[str]:
    return [turn for turns in answers.values() for turn in turns]


def docx_paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(style name, text) of every non-empty body paragraph of a .docx (tables excluded)."""
    from docx import Document

    document = Document(io.BytesIO(data))
    return [(p.style.name, p.text) for p in document.paragraphs if p.text.strip()]


def docx_full_text(data: bytes) -> str:
    """All text of a .docx: body paragraphs and table cells."""
    from docx import Document

    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    return "\n".join(texts)


def section_bodies(data: bytes) -> dict[str, list[str]]:
    """Body paragraphs of each level-1 heading, keyed by the heading's leading number (一 … 五)."""
    bodies: dict[str, list[str]] = {}
    current: str | None = None
    for style, text in docx_paragraphs(data):
        if style == "Heading 1":
            current = text.split("、", 1)[0]
            bodies[current] = []
        elif current is not None and style != "Heading 2":
            bodies[current].append(text)
    return bodies


# --- random-ish answers --------------------------------------------------------------------

_SUBJECTS = ["平台", "本单位", "我们公司", "项目", "数据中心", "联合体"]
_SENTENCES = [
    "{s}累计汇聚运单数据{n}万条，数据来源于港口和铁路的业务系统",
    "{s}接入企业{i}家，通过接口把数据共享给银行和保险公司",
    "{s}采用国密SM4加密和脱敏处理，访问有权限控制和审计",
    "{s}使单证成本下降{p}%，办理效率提升{p2}%",
    "{s}累计节约物流成本{i}万元",
    "{s}日均新增数据{d}万条，覆盖{i2}个区县",
    "嗯，{s}在{y}年上线，服务用户{i}人次",
    "{s}建立了数据分类分级制度，敏感数据不出域",
    "{s}的数据由各方系统推送到互认平台，经过标准化处理后流转给使用方",
    "{s}实现了模式创新和机制创新",
]


def random_sentence(rng: random.Random) -> str:
    template = rng.choice(_SENTENCES)
    return template.format(
        s=rng.choice(_SUBJECTS),
        n=rng.randint(1, 9999),
        i=rng.randint(2, 999),
        i2=rng.randint(2, 60),
        p=round(rng.uniform(1, 60), 1),
        p2=rng.randint(3, 90),
        d=round(rng.uniform(0.1, 9.9), 1),
        y=rng.randint(2015, 2024),
    ) + rng.choice(["。", "。", "；", "！"])


def random_answers(
    rng: random.Random,
    *,
    empty_ok: tuple[str, ...] = ("intro.innovation", "intro.participants", "promo.description", "promo.practice"),
    max_sentences: int = 12,
) -> dict[str, list[str]]:
    """Answers for every part: 1–3 turns of 1–``max_sentences`` generated sentences each.

    Parts in ``empty_ok`` are sometimes left empty (the promo parts then fall back to
    the intro answers). intro.problem and intro.solution are always answered.
    """
    answers: dict[str, list[str]] = {}
    for pid in ALL_PART_IDS:
        if pid in empty_ok and rng.random() < 0.4:
            answers[pid] = []
            continue
        turns = []
        for _ in range(rng.randint(1, 3)):
            turns.append("".join(random_sentence(rng) for _ in range(rng.randint(1, max_sentences))))
        answers[pid] = turns
    return answers


def record_answer(state: Any, form: Any, text: str, max_followups: int) -> tuple[Any, Any]:
    """One interview turn as the service runs it: the shipped reader reads ``text``, the machine applies it."""
    from assistant.interview.machine import record_turn
    from assistant.interview.turns import Turn
    from assistant.service.turn_reading import turn_context
    from assistant.understanding.shipped import element_reader, turn_reader

    act = turn_reader(form).read(text, turn_context(form, state, set()))
    kind = "answer" if act.kind == "revise" else act.kind
    turn = Turn(kind=kind, content=act.content if kind != "answer" or act.content else text, target=act.target)
    return record_turn(state, form, turn, max_followups, element_reader(form).missing)
