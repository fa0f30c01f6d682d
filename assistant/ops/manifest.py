"""What a backup archive holds, written as ``manifest.json`` at its start and checked on restore.

Counts and checksums are taken from the snapshot itself (the copied SQLite file, or the PostgreSQL
snapshot that pg_dump reads), never from the live database, so they describe exactly what was saved
even while the server keeps writing.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

FORMAT = "case-assistant-backup/1"
MANIFEST_NAME = "manifest.json"


class TableSum(BaseModel):
    """One table: its row count and an order-independent sha256 over its rows."""

    rows: int
    sha256: str


class FileSum(BaseModel):
    size: int
    sha256: str


class DatabasePart(BaseModel):
    """The application database: a SQLite copy (online backup API) or a pg_dump custom-format file."""

    dialect: Literal["sqlite", "postgresql"]
    member: str = Field(description="the archive member holding it")
    revision: str | None = Field(description="the Alembic revision of the snapshot")
    tables: dict[str, TableSum]


class SqliteFilePart(BaseModel):
    """Another SQLite file found under the data directory (e.g. the embedding cache), copied the same way."""

    member: str
    tables: dict[str, TableSum]


class CollectionPart(BaseModel):
    """One Chroma collection, exported through Chroma's own API (works for embedded and server Chroma)."""

    member: str
    count: int
    sha256: str
    metadata: dict[str, Any] = Field(default_factory=dict)
    space: str = "cosine"
    embedding_function: dict[str, Any] = Field(default_factory=dict)


class VectorPart(BaseModel):
    mode: Literal["persistent", "http"]
    collections: dict[str, CollectionPart] = Field(default_factory=dict)
    documents: list[dict[str, Any]] = Field(
        default_factory=list, description="every indexed document (title, source, chunks): the rebuild recipe"
    )
    unsettled: list[str] = Field(default_factory=list, description="collections still changing after every attempt")


class Manifest(BaseModel):
    format: str = FORMAT
    created_at: str
    product_version: str
    code_revision: str = Field(description="the newest Alembic revision the program that wrote it knew")
    database: DatabasePart
    sqlite_files: dict[str, SqliteFilePart] = Field(default_factory=dict, description="data-dir path → part")
    files: dict[str, FileSum] = Field(default_factory=dict, description="data-dir path → size and sha256")
    vectors: VectorPart | None = None
    members: dict[str, FileSum] = Field(default_factory=dict, description="archive member → size and sha256")
    notes: list[str] = Field(default_factory=list)

# How the summary names the tables people ask about; any other table is shown by its own name.
TABLE_LABELS = {
    "applications": "申报书",
    "part_versions": "草稿版本",
    "messages": "对话消息",
    "submissions": "提交快照",
    "submission_files": "快照文件",
    "scores": "评分",
    "comments": "意见",
    "audit_log": "操作记录",
    "users": "账号",
    "account_events": "账号变更记录",
}


def describe(manifest: Manifest) -> list[str]:
    """A few lines for people: the counts that matter first, then every other table, files and vectors."""
    tables = manifest.database.tables
    named = [f"{label} {tables[name].rows}" for name, label in TABLE_LABELS.items() if name in tables]
    others = [f"{name} {part.rows}" for name, part in tables.items() if name not in TABLE_LABELS]
    lines = [f"数据库（{manifest.database.dialect}，版本 {manifest.database.revision}）：" + "，".join(named)]
    if others:
        lines.append("其他数据表：" + "，".join(others))
    size = sum(f.size for f in manifest.files.values())
    lines.append(f"文件 {len(manifest.files)} 个（{size / 1024 / 1024:.1f} MB），"
                 f"其他 SQLite 文件 {len(manifest.sqlite_files)} 个")
    if manifest.vectors is not None:
        counts = "，".join(f"{name} {part.count} 条" for name, part in manifest.vectors.collections.items())
        documents = len(manifest.vectors.documents)
        lines.append(f"向量索引（{manifest.vectors.mode}）：{counts or '空'}；文档 {documents} 份")
    else:
        lines.append("向量索引：尚未建立（恢复后运行 case-assistant prepare）")
    lines += [f"注意：{note}" for note in manifest.notes]
    return lines
