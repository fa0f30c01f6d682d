"""The type of a JSON object as the store keeps it: application info, media, interview state, version
reports, snapshots, assessments, media facts, gate overrides.

The store reads and writes these as JSON and does not know their shape; each reader validates the
one it needs with its pydantic model (``ApplicationInfo``, ``InterviewState``, ``Snapshot``, …). So the
values stay ``Any`` here, named once, rather than a bare ``dict`` at every seam.
"""

from __future__ import annotations

from typing import Any, TypeAlias

JsonObject: TypeAlias = dict[str, Any]
