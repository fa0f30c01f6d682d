"""Print the README's settings table from the ``Settings`` field descriptions.

A test compares the README with this output, so the table cannot drift from the code.
Run: ``python -m assistant.core.settings_doc``.
"""

from __future__ import annotations

from assistant.core.settings import Settings


def settings_table() -> str:
    rows = ["| 环境变量 | 默认值 | 说明 |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default
        shown = "（空）" if default in ("", None) else str(default)
        rows.append(f"| `CASE_ASSISTANT_{name.upper()}` | `{shown}` | {field.description} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(settings_table())
