"""``PATCH /api/applications/{id}`` sets the form's own extra 申报信息表 rows, checked against the form spec.

The second form (``tests/data/forms/demo-binhai-2026.yaml``) has two rows the bundled form lacks
(所在区县, 项目总投资); it is served from a forms folder holding both files, as a deployment with a
second call would. Rows sent are changed, the others kept, a blank value clears one; a row the form
does not have, or one longer than the form allows, is a 422 with a Chinese message naming the rows
that exist.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.forms import spec
from tests.api.conftest import CheckedClient, World, assert_error_body

SECOND = Path(__file__).resolve().parents[1] / "data/forms/demo-binhai-2026.yaml"


@pytest.fixture
def two_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    folder = tmp_path / "forms"
    folder.mkdir()
    shutil.copy(spec.forms_dir() / "cq-2024-batch2.yaml", folder)
    shutil.copy(SECOND, folder)
    monkeypatch.setattr(spec, "forms_dir", lambda: folder)
    spec.load_form.cache_clear()
    yield
    spec.load_form.cache_clear()


def _second_application(world: World) -> tuple[CheckedClient, int]:
    client = world.client()
    created = client.post(
        "/api/applications",
        json={
            "form_id": "demo-binhai-2026",
            "field": "港口物流",
            "case_name": "港口物流领域——集装箱多式联运数据协同",
            "extra": {"district": "临港区"},
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["info"]["extra"] == {"district": "临港区"}
    return client, created.json()["id"]


def test_patch_sets_changes_and_clears_the_forms_extra_rows(world: World, two_forms: None) -> None:
    client, app_id = _second_application(world)
    url = f"/api/applications/{app_id}"
    patched = client.patch(url, json={"extra": {"investment": "3200"}, "address": "滨海市临港区港湾路1号"})
    assert patched.status_code == 200, patched.text
    info = patched.json()["info"]
    assert info["extra"] == {"district": "临港区", "investment": "3200"} and info["address"].startswith("滨海市")
    cleared = client.patch(url, json={"extra": {"district": ""}})
    assert cleared.status_code == 200 and cleared.json()["info"]["extra"] == {"investment": "3200"}


def test_a_row_the_form_does_not_have_is_a_422_in_chinese(world: World, two_forms: None) -> None:
    client, app_id = _second_application(world)
    url = f"/api/applications/{app_id}"
    unknown = client.patch(url, json={"extra": {"altitude": "12米"}})
    assert unknown.status_code == 422
    body = assert_error_body(unknown)
    assert "altitude" in body["error"] and "所在区县" in body["error"] and body["code"] == "unknown_info_row"
    too_long = client.patch(url, json={"extra": {"district": "临" * 21}})
    assert too_long.status_code == 422 and "上限 20" in assert_error_body(too_long)["error"]
    assert client.get(url).json()["info"]["extra"] == {"district": "临港区"}


def test_the_bundled_form_has_no_extra_rows(world: World) -> None:
    client = world.client()
    app_id = client.post("/api/applications", json={"field": "交通运输"}).json()["id"]
    response = client.patch(f"/api/applications/{app_id}", json={"extra": {"district": "渝北区"}})
    assert response.status_code == 422
    assert "没有“district”这一项" in assert_error_body(response)["error"]
