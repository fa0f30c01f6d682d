"""The vector index when Chroma runs as a server (``chroma run``): exported through its API into the
backup, refused over a server that already holds data, restored and verified record by record."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.settings import Settings
from assistant.knowledge.search import KnowledgeBase
from assistant.ops.backup import create_backup
from assistant.ops.restore import RestoreRefused, restore_backup
from assistant.store.sql import Store
from tests.servers import ChromaServer

NOTICE = "# 关于冷链数据互认试点的通知\n\n在冷链物流领域开展温控数据互认试点，由铁路、港口和冷库共享温度记录。\n"


def http_settings(data_dir: Path, chroma: ChromaServer) -> Settings:
    return Settings(data_dir=data_dir, embedder="hash", chroma_mode="http", chroma_host=chroma.host,
                    chroma_port=chroma.port, _env_file=None)


def test_a_chroma_server_index_is_backed_up_and_restored_record_by_record(
    chroma_server: ChromaServer, tmp_path: Path
) -> None:
    chroma_server.clear()
    settings = http_settings(tmp_path / "source", chroma_server)
    Store.open(settings.data_dir / "app.sqlite3").close()
    kb = KnowledgeBase.open(settings)
    kb.ensure_bundled_corpus()
    assert kb.ingest_bytes("冷链通知.md", NOTICE.encode()).status == "added"
    chunks = len(kb.store)
    manifest = create_backup(settings, tmp_path / "backup.tar.gz")
    assert manifest.vectors is not None and manifest.vectors.mode == "http"
    assert "冷链通知.md" in {d["source"] for d in manifest.vectors.documents}

    target = http_settings(tmp_path / "restored", chroma_server)
    with pytest.raises(RestoreRefused, match="Chroma 服务中已有数据"):
        restore_backup(target, tmp_path / "backup.tar.gz")
    chroma_server.clear()
    assert restore_backup(target, tmp_path / "backup.tar.gz", verify=True).problems == []
    restored = KnowledgeBase.open(target)
    assert len(restored.store) == chunks == manifest.vectors.collections[kb.store.collection.name].count
    assert restored.search("冷链温控数据互认", k=1)[0].title == "关于冷链数据互认试点的通知"
