"""字数 counting (Word/WPS rules), sentence-end trimming and budget allocation."""

from __future__ import annotations

import random

import pytest

from assistant.core.textlen import (
    allocate_budgets,
    count_words,
    split_sentences,
    trim_to_limit,
)

# (text, expected 字数, why)
COUNT_CASES: list[tuple[str, int, str]] = [
    ("", 0, "empty"),
    ("   \n\t  ", 0, "whitespace only"),
    ("\u3000\u3000", 0, "ideographic spaces are spaces"),
    ("数据要素", 4, "each Han character is one"),
    ("，", 1, "full-width comma"),
    ("。", 1, "ideographic full stop"),
    ("、", 1, "enumeration comma"),
    ("“”", 2, "curly double quotes, one each"),
    ("‘’", 2, "curly single quotes, one each"),
    ("—", 1, "one em dash"),
    ("——", 2, "a 破折号 is two U+2014 characters, each counted like Word does"),
    ("…", 1, "one ellipsis character"),
    ("×", 1, "multiplication sign as in 数据要素×"),
    ("·", 1, "middle dot"),
    ("：；！？", 4, "full-width colon, semicolon, exclamation, question"),
    ("（）", 2, "full-width parentheses"),
    ("（一）", 3, "numbered sub-heading"),
    ("“数据要素×”", 7, "the programme's name"),
    ("2.3TB", 1, "digits, dot and unit form one run"),
    ("SM4", 1, "letters and digits form one run"),
    ("12.6%", 1, "ASCII percent stays in the run"),
    ("hello world", 2, "two Latin words"),
    ("ISO/IEC 27001", 2, "slash does not split a run; the space does"),
    ("数据量达2.3TB", 5, "run directly after Han characters"),
    ("采用SM4加密", 5, "run between Han characters"),
    ("提升12.6%。", 4, "run followed by a full stop"),
    ("数据量达2.3TB，采用SM4加密，提升12.6%。", 16, "mixed sentence"),
    ("符合ISO/IEC 27001标准", 6, "two runs inside Chinese"),
    ("hello world，你好。", 6, "Latin words then Chinese"),
    ("１２３", 3, "full-width digits count one each (full-width forms block)"),
    ("A B  C", 3, "any whitespace separates runs"),
    ("第1名", 3, "a single digit between Han characters"),
    ("2023年3月", 4, "date with Han units"),
]


@pytest.mark.parametrize(("text", "expected", "why"), COUNT_CASES, ids=[c[2] for c in COUNT_CASES])
def test_count_words_matches_word_rules(text: str, expected: int, why: str) -> None:
    assert count_words(text) == expected, why


def test_count_words_is_additive_across_whitespace_separated_pieces() -> None:
    """Joining pieces with a space or newline never merges or splits words."""
    rng = random.Random(7)
    pieces = ["数据", "2.3TB", "SM4", "，", "hello", "“引号”", "12.6%", "……", "ISO/IEC"]
    for _ in range(200):
        chosen = [rng.choice(pieces) for _ in range(rng.randint(1, 8))]
        sep = rng.choice([" ", "\n", "\t"])
        assert count_words(sep.join(chosen)) == sum(count_words(p) for p in chosen)


# --- split_sentences / trim_to_limit -----------------------------------------------------------------


def test_split_sentences_keeps_end_marks_and_closing_quotes() -> None:
    pieces = split_sentences("他说：“好的。”然后出发；到了！对吗？最后")
    assert pieces == ["他说：“好的。”", "然后出发；", "到了！", "对吗？", "最后"]
    assert "".join(pieces) == "他说：“好的。”然后出发；到了！对吗？最后"


TRIM_TEXT = "第一句话很短。第二句话稍微长一点点；第三句话是最长的一句话了！第四句问一下？"


@pytest.mark.parametrize("limit", range(0, count_words(TRIM_TEXT) + 3))
def test_trim_to_limit_cuts_only_after_sentence_ends(limit: int) -> None:
    text, cut = trim_to_limit(TRIM_TEXT, limit)
    assert count_words(text) <= limit
    assert TRIM_TEXT.startswith(text)
    if limit >= count_words(TRIM_TEXT):
        assert (text, cut) == (TRIM_TEXT, False)
    else:
        assert cut is True
        assert text == "" or text[-1] in "。！？；", f"cut mid-sentence: {text!r}"
        # Greedy: the next whole sentence would not have fitted.
        sentences = split_sentences(TRIM_TEXT)
        kept = len(split_sentences(text)) if text else 0
        assert count_words("".join(sentences[: kept + 1])) > limit


def test_trim_to_limit_never_ends_at_comma_or_mid_sentence() -> None:
    text = "平台汇聚运单数据1200万条，日均新增2.6万条，覆盖12家企业。效率提升23%，成本下降18.5%。"
    trimmed, cut = trim_to_limit(text, count_words(text) - 3)
    assert cut
    assert trimmed == "平台汇聚运单数据1200万条，日均新增2.6万条，覆盖12家企业。"


def test_trim_to_limit_keeps_closing_quotes() -> None:
    text = "负责人说：“数据要素是新的生产要素。”这是第二句话，比较长一些。"
    trimmed, cut = trim_to_limit(text, count_words("负责人说：“数据要素是新的生产要素。”") + 2)
    assert cut
    assert trimmed == "负责人说：“数据要素是新的生产要素。”"
    assert trimmed.endswith("。”")


def test_trim_to_limit_returns_empty_when_first_sentence_does_not_fit() -> None:
    text = "这是一个相当长的第一句话，没有任何办法放进很小的额度里。第二句。"
    assert trim_to_limit(text, 5) == ("", True)


def test_trim_to_limit_keeps_paragraph_breaks_between_kept_sentences() -> None:
    text = "第一段第一句。\n第二段第一句。\n第三段第一句，这一段很长很长很长很长很长。"
    trimmed, cut = trim_to_limit(text, count_words("第一段第一句。第二段第一句。") + 3)
    assert cut
    assert trimmed == "第一段第一句。\n第二段第一句。"


def test_trim_to_limit_unchanged_when_within_limit() -> None:
    text = "没有句号的短文本"
    assert trim_to_limit(text, 100) == (text, False)


def test_trim_random_texts_property() -> None:
    """Random mixes of sentences: the result fits, is a prefix, and ends at a sentence end."""
    rng = random.Random(20240820)
    bank = [
        "数据来源于港口。",
        "提升12.6%！",
        "采用SM4加密；",
        "对吗？",
        "他说：“可以。”",
        "覆盖2.3TB数据，",
        "hello world。",
    ]
    for _ in range(300):
        text = "".join(rng.choice(bank) for _ in range(rng.randint(1, 15)))
        limit = rng.randint(0, count_words(text) + 5)
        trimmed, cut = trim_to_limit(text, limit)
        assert count_words(trimmed) <= limit
        assert text.startswith(trimmed)
        assert cut == (count_words(text) > limit)
        if cut and trimmed:
            assert trimmed.rstrip("”’」』）》】")[-1] in "。！？；"


# --- allocate_budgets ----------------------------------------------------------------------------------

INTRO_DEFAULTS = {
    "problem": 800,
    "solution": 1500,
    "results": 900,
    "innovation": 600,
    "compliance": 700,
    "participants": 500,
}


def test_allocate_budgets_lends_spare_from_short_parts() -> None:
    needs = {
        "problem": 100,
        "solution": 4000,
        "results": 100,
        "innovation": 100,
        "compliance": 100,
        "participants": 100,
    }
    budgets = allocate_budgets(5000, INTRO_DEFAULTS, needs)
    assert sum(budgets.values()) <= 5000
    assert budgets["solution"] > INTRO_DEFAULTS["solution"], "spare 字数 should be lent to the long part"
    assert budgets["solution"] == 4000  # 5000 - 5×100 leaves room for the whole need
    assert all(budgets[p] == 100 for p in needs if p != "solution")


def test_allocate_budgets_gives_every_need_when_total_fits() -> None:
    needs = {
        "problem": 300,
        "solution": 2500,
        "results": 1200,
        "innovation": 200,
        "compliance": 300,
        "participants": 100,
    }
    assert allocate_budgets(5000, INTRO_DEFAULTS, needs) == needs


def test_allocate_budgets_scales_defaults_that_exceed_the_limit() -> None:
    budgets = allocate_budgets(1000, {"a": 800, "b": 800}, {"a": 5000, "b": 5000})
    assert sum(budgets.values()) <= 1000
    assert budgets["a"] > 0 and budgets["b"] > 0


@pytest.mark.parametrize("seed", range(8))
def test_allocate_budgets_property_never_exceeds_limit(seed: int) -> None:
    """Random defaults and needs: never over the limit, no negative budget, no budget above a stated need,
    and nobody gets less than min(default, need) when the defaults fit."""
    rng = random.Random(seed)
    for _ in range(250):
        n = rng.randint(1, 8)
        defaults = {f"p{i}": rng.randint(1, 2000) for i in range(n)}
        limit = rng.randint(1, 8000)
        needs = {pid: rng.choice([0, rng.randint(1, 300), rng.randint(1, 12000)]) for pid in defaults}
        budgets = allocate_budgets(limit, defaults, needs)
        assert set(budgets) == set(defaults)
        assert sum(budgets.values()) <= limit, (limit, defaults, needs, budgets)
        assert all(b >= 0 for b in budgets.values())
        assert all(budgets[p] <= needs[p] for p in needs)
        if sum(defaults.values()) <= limit:
            assert all(budgets[p] >= min(defaults[p], needs[p]) for p in defaults)
        if sum(needs.values()) <= limit and sum(defaults.values()) <= limit:
            assert budgets == needs
