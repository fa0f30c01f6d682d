"""Parse an uploaded document in a separate, bounded process.

Why a process: a 3.9 MB .docx can hold 1.15 GB of XML (a zip bomb) and a crafted
PDF can spin for minutes; parsed in the server they took it from 206 MB to 9.7 GB
resident and kept it there. Here the archive is checked first (member count,
uncompressed size, compression ratio), then the parse runs in a child process with
an address-space limit and a time limit, and is killed when it exceeds either. The
child returns plain text; nothing it allocated stays in the server.

Run as ``python -m assistant.knowledge.parse_worker NAME MAX_BYTES MEMORY_BYTES`` with the file on stdin.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import zipfile

from assistant.core.errors import InvalidInputError
from assistant.knowledge.readers import DocumentReadError, ExtractedText, extract_text

MAX_MEMBERS = 5_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
PARSE_SECONDS = 60
PARSE_MEMORY = 1536 * 1024 * 1024


def check_archive(name: str, data: bytes) -> None:
    """Refuse a .docx whose zip would expand past the limits, before any XML is read."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile as exc:
        raise DocumentReadError(f"文件 {name} 无法读取：不是有效的 .docx 文件（{exc}）。") from exc
    total = sum(m.file_size for m in members)
    ratio = max((m.file_size / max(m.compress_size, 1) for m in members), default=0)
    if len(members) > MAX_MEMBERS or total > MAX_UNCOMPRESSED or ratio > MAX_RATIO:
        raise DocumentReadError(
            f"文件 {name} 解压后过大（{total // (1024 * 1024)} MB，压缩比 {ratio:.0f}:1），疑似压缩炸弹，已拒绝导入。"
        )


def extract_text_bounded(name: str, data: bytes, max_bytes: int) -> ExtractedText:
    """``extract_text`` for untrusted uploads: archive checks, then a killed-on-excess child process."""
    if name.lower().endswith(".docx") and data[:2] == b"PK":
        check_archive(name, data)
    if not name.lower().endswith((".docx", ".pdf", ".html", ".htm")):
        return extract_text(name, data, max_bytes)  # plain text: bounded by the upload size already
    # The child sets its own memory limit (a preexec_fn is unsafe in a threaded server).
    command = [sys.executable, "-m", "assistant.knowledge.parse_worker", name, str(max_bytes), str(PARSE_MEMORY)]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=PARSE_SECONDS, check=False)
    except subprocess.TimeoutExpired as exc:
        raise DocumentReadError(
            f"文件 {name} 解析超时（超过{PARSE_SECONDS}秒），已停止导入：请检查文件或拆分后再试。"
        ) from exc
    try:
        reply = json.loads(done.stdout.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise DocumentReadError(
            f"文件 {name} 解析时占用内存过多或意外中止，已停止导入：请检查文件或另存后再试。"
        ) from None
    if "error" in reply:
        raise DocumentReadError(reply["error"])
    return ExtractedText(reply["text"], title=reply.get("title", ""), header=reply.get("header"))


def main(argv: list[str]) -> int:
    name, max_bytes, memory = argv[0], int(argv[1]), int(argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        extracted = extract_text(name, sys.stdin.buffer.read(), max_bytes)
        reply = {"text": extracted.text, "title": extracted.title, "header": extracted.header}
    except InvalidInputError as exc:
        reply = {"error": exc.message}
    except MemoryError:
        return 3
    sys.stdout.write(json.dumps(reply, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
