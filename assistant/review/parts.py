"""Rule checks on a drafted part: limits, traceable numbers, required elements,
placeholders and private data in publishable text.

The same checks run after either drafter, so the report means the same thing in
offline and model mode.
"""

from __future__ import annotations

from assistant.core.textlen import count_words
from assistant.core.types import Issue
from assistant.forms.spec import FormSpec
from assistant.review.privacy import PersonTerm, find_private_data
from assistant.review.traceability import structure_numbers, untraceable_figures
from assistant.understanding.shipped import element_reader

PLACEHOLDER_MARK = "【待补充"


def review_part(
    form: FormSpec,
    part_id: str,
    text: str,
    budget: int,
    sources: list[str],
    people: list[PersonTerm],
) -> list[Issue]:
    part = form.part(part_id)
    group = form.group_of(part_id)
    issues: list[Issue] = []
    words = count_words(text)
    if words > budget:
        issues.append(
            Issue(
                part_id=part_id, kind="over_limit", severity="error", message=f"本部分{words}字，超过分配的{budget}字。"
            )
        )
    if PLACEHOLDER_MARK in text:
        issues.append(
            Issue(
                part_id=part_id,
                kind="placeholder",
                severity="error",
                message="草稿中还有【待补充】标记，请补充后再提交。",
            )
        )
    for raw in untraceable_figures(text, sources, structure_numbers(part, group)):
        issues.append(
            Issue(
                part_id=part_id,
                kind="untraceable_number",
                severity="error",
                message=f"数字“{raw}”在您的回答和引用材料中找不到出处，请核实或删除。",
            )
        )
    lacking = element_reader(form).missing(part.required_elements, text) if PLACEHOLDER_MARK not in text else []
    if lacking:
        labels = "、".join(form.elements[e].label for e in lacking)
        issues.append(
            Issue(
                part_id=part_id,
                kind="missing_element",
                severity="warning",
                message=f"模板要求本部分体现：{labels}。目前草稿中没有找到，建议补充。",
            )
        )
    if group.publishable:
        for kind in find_private_data(text, people):
            issues.append(
                Issue(
                    part_id=part_id,
                    kind="private_data",
                    severity="error",
                    message=f"宣传推广材料将对外公开，其中含有{kind}，请删除。",
                )
            )
    return issues


def group_totals(form: FormSpec, texts: dict[str, str]) -> dict[str, tuple[int, int]]:
    """字数 per group against its limit, e.g. {"intro": (4870, 5000)}."""
    return {g.id: (sum(count_words(texts.get(p.id, "")) for p in g.parts), g.limit) for g in form.groups}
