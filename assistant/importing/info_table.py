"""Read the 申报信息表 of an existing file into the info fields.

Rows of a Word table (label cell, value cells; a person row “负责人 | 姓名 | 部门职务 | … |
联系方式 | …”), a PDF's table rows (cells kept apart by ``reader.CELL``), and “标签：值” lines
(the cover, or an old file that wrote the table as paragraphs). Labels come from the form YAML,
then from the reviewed aliases in ``knowledge/importing/sections.yaml``. The 申报单位 cell of the
template lists the co-applicants on the following lines. Nothing is guessed: an item not found
stays empty and the review asks for it.
"""

from __future__ import annotations

import re
from datetime import date

from assistant.forms.spec import FormSpec
from assistant.importing.headings import core
from assistant.importing.models import Table
from assistant.importing.vocabulary import vocabulary

_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_SPLIT_UNITS = re.compile(r"[、；;\n]")


class InfoReader:
    """Collects info items from rows and lines; ``found`` lists the labels read, in the form's words."""

    def __init__(self, form: FormSpec) -> None:
        self.form = form
        self.info: dict = {}
        self.found: list[str] = []
        words = vocabulary()
        self.labels: list[tuple[str, str]] = []  # (label, field id), longest first
        for spec in form.info.fields:
            self.labels.append((spec.label, spec.id))
        for field_id, aliases in words.info_labels.items():
            self.labels += [(a, field_id) for a in aliases]
        self.labels.sort(key=lambda pair: -len(pair[0]))
        title_label, phone_label = form.info.person_labels
        self.person = {
            "title": [title_label, *words.person_labels.get("title", [])],
            "phone": [phone_label, *words.person_labels.get("phone", [])],
        }

    def field_of(self, label: str) -> str | None:
        name = core(label)
        for known, field_id in self.labels:
            if name == known or (len(name) <= len(known) + 4 and name.startswith(known)):
                return field_id
        return None

    def _kind(self, field_id: str) -> str:
        spec = self.form.info.field(field_id)
        if spec is not None:
            return spec.kind
        return {"date": "date", "co_applicants": "list"}.get(field_id, "text")

    def _note(self, field_id: str) -> None:
        spec = self.form.info.field(field_id)
        label = spec.label if spec else {"date": "日期"}.get(field_id, field_id)
        if label not in self.found:
            self.found.append(label)

    def take(self, field_id: str, cells: list[str]) -> None:
        """One item's value cells; a person row's cells carry its own sub-labels."""
        cells = [c for c in cells if c]
        if not cells or field_id in self.info:
            return
        kind = self._kind(field_id)
        if kind == "person":
            self.info[field_id] = self._person(cells)
        elif field_id == "applicant":
            units = [u.strip() for u in _SPLIT_UNITS.split("\n".join(cells)) if u.strip()]
            self.info["applicant"] = units[0]
            if units[1:]:
                self.info.setdefault("co_applicants", units[1:])
        elif kind == "list":
            self.info[field_id] = [u.strip() for u in _SPLIT_UNITS.split("\n".join(cells)) if u.strip()]
        elif kind == "date":
            match = _DATE.search(" ".join(cells))
            if not match:
                return
            year, month, day = (int(x) for x in match.groups())
            self.info["date"] = date(year, month, day).isoformat()
        else:
            self.info[field_id] = "\n".join(cells) if kind == "multiline" else "".join(" ".join(cells).split("\n"))
        self._note(field_id)

    def extend(self, field_id: str, text: str) -> bool:
        """A line that continues the item before it (a PDF wraps a cell or a cover line); True when taken."""
        value = self.info.get(field_id)
        if field_id == "applicant" and isinstance(value, str):
            known = [value, *self.info.get("co_applicants", [])]
            units = [u.strip() for u in _SPLIT_UNITS.split(text) if u.strip() and u.strip() not in known]
            self.info["co_applicants"] = [*known[1:], *units]
            return True
        if isinstance(value, list):
            value.extend(u.strip() for u in _SPLIT_UNITS.split(text) if u.strip())
            return True
        if isinstance(value, str):
            self.info[field_id] = value + ("\n" if self._kind(field_id) == "multiline" else "") + text
            return True
        return False

    def _person(self, cells: list[str]) -> dict:
        """“姓名 | 部门职务 | 总经理 | 联系方式 | 138…”; a PDF may run a label into its value (“部门职务董事长”)."""
        person = {"name": cells[0] if self._sub_label(cells[0]) is None else ""}
        for index, cell in enumerate(cells):
            found = self._sub_label(cell)
            if found is None:
                continue
            sub, rest = found
            if rest:
                person[sub] = rest
            elif index + 1 < len(cells) and self._sub_label(cells[index + 1]) is None:
                person[sub] = cells[index + 1]
        return person

    def _sub_label(self, cell: str) -> tuple[str, str] | None:
        """(``title`` or ``phone``, what follows the label in the same cell), or None for a plain value."""
        name = core(cell)
        for sub, labels in self.person.items():
            for label in sorted(labels, key=len, reverse=True):
                if name.startswith(label):
                    return sub, name[len(label) :]
        return None

    def read_table(self, table: Table) -> None:
        for row in table.rows:
            self.read_row(row)

    def read_row(self, cells: list[str]) -> bool:
        """A table row whose first cell is an info label; True when it was one."""
        if len(cells) < 2:
            return False
        field_id = self.field_of(cells[0])
        if field_id is None:
            return False
        self.take(field_id, cells[1:])
        return True

    def read_line(self, text: str) -> bool:
        """“标签：值” (the cover, an old file's info paragraphs); True when it was one."""
        label, sep, value = text.partition("：")
        if not sep:
            label, sep, value = text.partition(":")
        if not sep or len(label) > 12:
            return False
        field_id = self.field_of(label)
        if field_id is None:
            return False
        self.take(field_id, [value.strip()])
        return True

    def finish(self) -> dict:
        """The field from the case name's “<领域>领域——” when no row named it."""
        if "field" not in self.info:
            match = re.match(self.form.case_name_pattern, self.info.get("case_name", ""))
            if match and match.group("field") in self.form.fields:
                self.info["field"] = match.group("field")
        return self.info
