"""Two app instances on one PostgreSQL and one Chroma server: nothing is only in one instance.

Each "instance" is its own ``Store``/``Service`` or ``KnowledgeBase`` (own connections,
own in-memory BM25 mirror); some checks use a second OS process, as a second worker would.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from assistant.auth.principal import Principal
from assistant.core.settings import Settings
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.forms.application import ApplicationInfo
from assistant.knowledge.search import KnowledgeBase
from assistant.service.service import Service
from assistant.store.sql import Store
from tests.multi.conftest import http_settings

ROOT = Path(__file__).resolve().parents[2]
ALICE = Principal(id=1, username="alice", role="applicant")
NOTICE = (
    "# 关于开展冷链数据互认试点的通知\n\n## 一、试点内容\n\n"
    "在冷链物流领域开展温控数据互认试点，由铁路、港口和冷库共享温度记录，减少重复查验。\n"
)


def _service(tmp_path: Path, url: str, name: str) -> Service:
    settings = Settings(data_dir=tmp_path / name, database_url=url, _env_file=None)
    return Service(settings, Store.open(url), OfflineDrafter())


def test_a_turn_stored_by_one_instance_is_visible_on_the_other_at_once(tmp_path: Path, pg_url: str) -> None:
    one, two = _service(tmp_path, pg_url, "one"), _service(tmp_path, pg_url, "two")
    app = one.create_application(ALICE, ApplicationInfo(field="交通运输", case_name="交通运输领域——单证互认"))
    assert [a.id for a in two.list_applications(ALICE)] == [app.id]
    one.send_message(ALICE, app.id, "货主一票货平均要跑4个窗口。")
    seen = two.get_application(ALICE, app.id)
    assert "货主一票货平均要跑4个窗口。" in [m.content for m in seen.messages]
    two.send_message(ALICE, app.id, "数据来自铁路、港口和船公司的业务系统。")  # and back the other way
    assert [m.content for m in one.get_application(ALICE, app.id).messages] == [
        m.content for m in two.get_application(ALICE, app.id).messages
    ]


WRITER = """
import sys
from assistant.store.sql import Store
store = Store.open(sys.argv[1])
for i in range(int(sys.argv[4])):
    store.add_version(int(sys.argv[2]), "intro.problem", f"{sys.argv[3]}-{i}", 1, 300, "offline", "revise", {})
"""


def test_two_processes_revising_one_part_at_once_lose_no_version(pg_url: str) -> None:
    store = Store.open(pg_url)
    app_id = store.create_application(1, "cq-2024-batch2", {}, {})
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, pg_url, str(app_id), name, "25"], cwd=ROOT)
        for name in ("甲", "乙")
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    versions = store.versions(app_id, "intro.problem")
    assert [v.version for v in versions] == list(range(1, 51))
    assert sorted(v.text for v in versions) == sorted(f"{n}-{i}" for n in ("甲", "乙") for i in range(25))
    assert store.head_versions(app_id)["intro.problem"].version == 50


def _found(kb: KnowledgeBase, doc_id: str) -> bool:
    return any(p.doc_id == doc_id for p in kb.search("冷链温控数据互认试点", k=5))


def test_an_upload_on_one_instance_is_searchable_on_the_other(tmp_path: Path, chroma) -> None:
    one = KnowledgeBase.open(http_settings(tmp_path / "one", chroma))
    two = KnowledgeBase.open(http_settings(tmp_path / "two", chroma))
    assert two.ensure_bundled_corpus() > 0 and len(one.store) == len(two.store) > 0  # both mirrors loaded
    result = one.ingest_bytes("冷链通知.md", NOTICE.encode("utf-8"))
    assert result.status == "added", result.message
    time.sleep(two.store.stamp_ttl)  # at most this long since instance two last looked at the stamp
    assert _found(two, result.doc_id)
    assert result.doc_id in {d.doc_id for d in two.list_documents()}
    one.store.delete_document(result.doc_id)
    time.sleep(two.store.stamp_ttl)
    assert not _found(two, result.doc_id) and len(two.store) == len(one.store)


UPLOADER = """
import json, sys
from pathlib import Path
from assistant.core.settings import Settings
from assistant.knowledge.search import KnowledgeBase
settings = Settings(data_dir=Path(sys.argv[1]), embedder="hash", chroma_mode="http", chroma_port=int(sys.argv[2]),
                    _env_file=None)
print(json.dumps(KnowledgeBase.open(settings).ingest_bytes("冷链通知.md", sys.argv[3].encode()).model_dump()))
"""


def test_an_upload_by_another_process_is_searchable_here_without_a_restart(tmp_path: Path, chroma) -> None:
    here = KnowledgeBase.open(http_settings(tmp_path / "here", chroma))
    here.ensure_bundled_corpus()
    assert not any("冷链" in p.title for p in here.search("冷链温控数据互认试点", k=5))
    done = subprocess.run(
        [sys.executable, "-c", UPLOADER, str(tmp_path / "there"), str(chroma.port), NOTICE],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    time.sleep(here.store.stamp_ttl)
    assert result["status"] == "added" and _found(here, result["doc_id"])
