"""Every scenario file drafted through the realistic fake model: clean, theirs, complete, within limits.

The fake (``tests/fakes/realistic_model``) writes like a chat model that does not cooperate: it thinks
aloud, adds a preamble, a Markdown heading, bold run-in labels, numbered points, runs to 1.5× the
length asked, pads with generic sentences (again with 「此外，」「同时，」 in front), invents a figure and
closes with an offer — and it drops every applicant sentence that mentions 「示例」. Whatever it writes,
the stored draft holds no prompt text, no sentence twice, no figure the applicant did not give, every
figure of the part's answers (the fake's omissions are brought back from the answers), and fits the
limits (issue 22, Must show 1; the offline half is in ``tests/drafting/test_scenarios.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.core.settings import Settings
from assistant.drafting.length import EXPANSION, MIN_WANTED
from assistant.drafting.model.drafter import ModelDrafter
from assistant.drafting.pipeline import ApplicationDraft, draft_application
from assistant.export.scripted import parse_answers
from assistant.forms.spec import load_form
from assistant.llm.client import OpenAIChatModel, RetryPolicy
from tests.fakes.realistic_model import INVENTED_FIGURE, RealisticModelServer
from tests.scenario_checks import (
    SCENARIOS,
    figures_lost,
    figures_untraceable,
    prompt_text_in,
    repeated_in,
    scenario,
)

NAMES = sorted(p.name[: -len(".expect.json")] for p in SCENARIOS.glob("*.expect.json"))
_DRAFTS: dict[str, ApplicationDraft] = {}


@pytest.fixture(scope="module")
def drafter() -> Iterator[ModelDrafter]:
    with RealisticModelServer(["realistic"]) as server:
        settings = Settings(llm_base_url=server.base_url, llm_model="fake", llm_max_retries=0, _env_file=None)
        model = OpenAIChatModel(base_url=server.base_url, model="fake", timeout=30, retry=RetryPolicy(max_retries=0))
        yield ModelDrafter(model, settings)
        model.close()


def drafted(name: str, drafter: ModelDrafter) -> ApplicationDraft:
    if name not in _DRAFTS:
        answers = parse_answers(scenario(name))
        _DRAFTS[name] = draft_application(answers.form, answers.info, answers.answers, drafter)
    return _DRAFTS[name]


@pytest.mark.parametrize("name", NAMES)
def test_a_scenario_drafted_through_the_realistic_fake_is_clean_and_complete(
    name: str, drafter: ModelDrafter
) -> None:
    draft = drafted(name, drafter)
    parts = {pid: p.text for pid, p in draft.parts.items()}
    assert {p.source for p in draft.parts.values() if p.material_words} == {"model"}
    assert prompt_text_in(parts) == {}
    assert repeated_in(parts) == {}
    assert INVENTED_FIGURE not in "\n".join(parts.values())
    assert figures_untraceable(name, parts) == {}
    assert figures_lost(name, parts) == {}
    for group, (words, limit) in draft.totals(load_form(draft.form_id)).items():
        assert words <= limit, group
    assert all(p.words <= p.budget for p in draft.parts.values())


def test_a_part_asks_for_the_length_its_material_supports(drafter: ModelDrafter) -> None:
    """Item 5: more material, a longer part (up to the budget); a thin answer is not padded to 90% of it."""
    for name in NAMES:
        for part in drafted(name, drafter).parts.values():
            if part.source != "model" or part.part_id.startswith("promo."):
                continue
            supported = int(EXPANSION * part.material_words)
            assert part.target == max(1, min(int(part.budget * 0.9), max(MIN_WANTED, supported))), (name, part)
            assert part.budget >= min(supported, part.target), (name, part.part_id)


def test_the_introduction_is_not_a_quarter_of_its_limit_when_the_answers_could_fill_it(drafter: ModelDrafter) -> None:
    uses = {}
    for name in NAMES:
        draft = drafted(name, drafter)
        intro = [p for pid, p in draft.parts.items() if pid.startswith("intro.")]
        uses[name] = (sum(p.material_words for p in intro), sum(p.words for p in intro))
    long_ones = {n: words for n, (material, words) in uses.items() if material >= 2000}
    assert long_ones and all(words >= 3000 for words in long_ones.values()), long_ones
    richest = max(uses, key=lambda n: uses[n][0])
    assert uses[richest][1] == max(words for _, words in uses.values())
