"""Content rules of the whole application: limits, placeholders, leftovers, elements, figures, privacy, names.

Each rule reads its configuration from the form spec's ``review`` section, so a new
call changes the YAML, not this module.
"""

from __future__ import annotations

import re

from assistant.core.figures import known_values
from assistant.core.textlen import count_words
from assistant.forms.application import ApplicationInfo
from assistant.forms.spec import FormSpec
from assistant.review.findings import Finding
from assistant.review.privacy import PersonTerm, find_private_data, redact
from assistant.review.traceability import structure_numbers, untraceable_figures
from assistant.understanding.shipped import element_reader

PLACEHOLDER_RE = re.compile(r"【待补充[^】]*】")
_UNIT_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司", "研究院", "中心", "医院", "大学")


def _excerpt(text: str, needle: str, width: int = 24) -> str:
    at = text.find(needle)
    return text[max(0, at - width) : at + len(needle) + width].replace("\n", " ") if at >= 0 else ""


def length_findings(form: FormSpec, texts: dict[str, str], budgets: dict[str, int]) -> list[Finding]:
    findings = []
    for group in form.groups:
        total = sum(count_words(texts.get(p.id, "")) for p in group.parts)
        if total > group.limit:
            findings.append(
                Finding(
                    rule="group_over_limit",
                    severity="错误",
                    part_id=group.id,
                    message=f"“{group.title}”共{total}字，超过{group.limit}字的上限。",
                    fix=f"压缩到{group.limit}字以内（导出时会在句末截断）。",
                )
            )
        for part in group.parts:
            words, budget = count_words(texts.get(part.id, "")), budgets.get(part.id)
            if budget and words > budget:
                findings.append(
                    Finding(
                        rule="part_over_budget",
                        severity="警告",
                        part_id=part.id,
                        message=f"“{part.title}”{words}字，超过分配的{budget}字。",
                        fix="说“更简洁”让助手压缩，或精简其他部分腾出篇幅。",
                    )
                )
    return findings


def completeness_findings(form: FormSpec, texts: dict[str, str]) -> list[Finding]:
    findings = []
    for part in form.all_parts():
        text = texts.get(part.id, "").strip()
        if not text:
            findings.append(
                Finding(
                    rule="part_empty",
                    severity="错误",
                    part_id=part.id,
                    message=f"“{part.number}{part.title}”还没有内容。",
                    fix="回答访谈问题后起草本部分。",
                )
            )
            continue
        if (marker := PLACEHOLDER_RE.search(text)) is not None:
            findings.append(
                Finding(
                    rule="placeholder",
                    severity="错误",
                    part_id=part.id,
                    excerpt=marker.group(0),
                    message=f"“{part.title}”还有【待补充】标记。",
                    fix="补充所缺内容后重新起草。",
                )
            )
        for leftover in form.review.template_leftovers:
            if leftover in text:
                findings.append(
                    Finding(
                        rule="template_leftover",
                        severity="错误",
                        part_id=part.id,
                        excerpt=_excerpt(text, leftover),
                        message=f"“{part.title}”留有模板示例文字“{leftover}”。",
                        fix="删除模板的示例或提示文字，换成本案例的内容。",
                    )
                )
    return findings


def element_findings(form: FormSpec, texts: dict[str, str]) -> list[Finding]:
    """Quantitative evidence, data sources, lawful acquisition, data flow and security, as the template asks.

    Every text the checks name is read by the element reader in one call: each is split, encoded and
    searched for figures once, however many checks look at it.
    """
    asked: list[tuple[str, str, str]] = [
        (part_id, texts[part_id], "numbers")
        for part_id in form.review.quantitative_parts
        if texts.get(part_id, "").strip()
    ]
    for index, check in enumerate(form.review.element_checks):
        joined = "\n".join(texts.get(pid, "") for pid in check.parts)
        if joined.strip():
            asked.append((f"check:{index}", joined, check.element))
    read = element_reader(form).present([t for _, t, _ in asked], wanted=[{eid} for _, _, eid in asked])
    held = dict(zip([key for key, _, _ in asked], read, strict=True))
    findings = []
    for part_id in form.review.quantitative_parts:
        if part_id in held and "numbers" not in held[part_id]:
            findings.append(
                Finding(
                    rule="no_figures",
                    severity="警告",
                    part_id=part_id,
                    message=f"“{form.part(part_id).title}”没有量化数据，模板要求用数字说明。",
                    fix="补充覆盖范围、数据量、成本或效率变化等具体数字。",
                )
            )
    for index, check in enumerate(form.review.element_checks):
        key = f"check:{index}"
        if key in held and check.element not in held[key]:
            findings.append(
                Finding(
                    rule=f"no_{check.element}",
                    severity="警告",
                    part_id=check.parts[0],
                    message=f"申报书中没有找到{check.label}的说明。",
                    fix=check.fix,
                )
            )
    lawful = form.review.lawful_acquisition
    if lawful is not None:
        joined = "\n".join(texts.get(pid, "") for pid in lawful.parts)
        if joined.strip() and not any(k in joined for k in lawful.keywords):
            findings.append(
                Finding(
                    rule="no_lawful_acquisition",
                    severity="警告",
                    part_id=lawful.parts[0],
                    message="没有说明数据是如何依法合规获取的。",
                    fix=lawful.fix,
                )
            )
    return findings


def figure_findings(
    form: FormSpec, texts: dict[str, str], sources: list[str], people: list[PersonTerm]
) -> list[Finding]:
    """Figures found in no source. Phone numbers and the like are private data, not figures: masked first."""
    findings = []
    known = known_values(sources)  # once: every part is checked against the same sources
    for part in form.all_parts():
        structure = structure_numbers(part, form.group_of(part.id))
        for raw in untraceable_figures(redact(texts.get(part.id, ""), people).text, sources, structure, known=known):
            findings.append(
                Finding(
                    rule="untraceable_figure",
                    severity="错误",
                    part_id=part.id,
                    excerpt=_excerpt(texts[part.id], raw),
                    message=f"数字“{raw}”在申报单位的回答和引用材料中找不到出处。",
                    fix="核实后在回答中补充出处，或删除这个数字。",
                )
            )
    return findings


def privacy_findings(form: FormSpec, texts: dict[str, str], people: list[PersonTerm]) -> list[Finding]:
    findings = []
    for group in form.groups:
        if not group.publishable:
            continue
        for part in group.parts:
            for kind in find_private_data(texts.get(part.id, ""), people):
                findings.append(
                    Finding(
                        rule="private_data",
                        severity="错误",
                        part_id=part.id,
                        message=f"“{part.title}”将对外公开，其中含有{kind}。",
                        fix="删除电话、邮箱、身份证号和个人姓名；联系方式只写在申报信息表中。",
                    )
                )
    return findings


def _core(unit: str) -> tuple[str, str]:
    for suffix in _UNIT_SUFFIXES:
        if unit.endswith(suffix) and len(unit) - len(suffix) >= 4:
            return unit[: -len(suffix)], suffix
    return unit, ""


def name_findings(form: FormSpec, info: ApplicationInfo, texts: dict[str, str]) -> list[Finding]:
    """A unit written differently from the 申报信息表 (示例物流科技公司 for 示例物流科技有限公司), once per part."""
    findings = []
    for unit in [info.applicant.strip(), *info.co_applicants]:
        core, suffix = _core(unit)
        if not suffix:
            continue
        variant = re.compile(re.escape(core) + "(?:" + "|".join(map(re.escape, _UNIT_SUFFIXES)) + ")?")
        for part in form.all_parts():
            text = texts.get(part.id, "")
            odd = next((m.group(0) for m in variant.finditer(text) if not text.startswith(unit, m.start())), None)
            if odd is not None:
                findings.append(
                    Finding(
                        rule="inconsistent_name",
                        severity="警告",
                        part_id=part.id,
                        excerpt=odd,
                        message=f"单位名称“{odd}”与申报信息表中的“{unit}”不一致。",
                        fix=f"全文统一写作“{unit}”。",
                    )
                )
    return findings
