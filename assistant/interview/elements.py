"""Detect which required elements (numbers, data sources, data flow, …) a text contains.

The template insists on quantitative evidence, data sources, the data-flow process
and security governance; applicants rarely volunteer them. The detectors are the
element definitions in the form YAML (keywords, or a number detector), so the
interview asks for what is missing and the review checks drafts with the same rules.
"""

from __future__ import annotations

from assistant.core.figures import extract_numbers
from assistant.forms.spec import ElementSpec, FormSpec


def has_element(spec: ElementSpec, text: str) -> bool:
    if spec.detector == "number":
        return bool(extract_numbers(text))
    return any(keyword in text for keyword in spec.keywords)


def missing_elements(form: FormSpec, element_ids: list[str], text: str) -> list[str]:
    """Element ids from ``element_ids`` that ``text`` does not contain, in order."""
    return [eid for eid in element_ids if not has_element(form.elements[eid], text)]


def element_labels(form: FormSpec, element_ids: list[str]) -> list[str]:
    return [form.elements[eid].label for eid in element_ids]
