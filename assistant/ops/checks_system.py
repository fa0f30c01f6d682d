"""Health checks of the machine and the installation: Python, packages, bundled files, and the outside
programs some features need (LibreOffice and CJK fonts for PDF, ffprobe and Graphviz for media,
pg_dump for PostgreSQL backups). Each probe says what it found and, when something is missing, the
command that fixes it — the Debian package, or the offline bundle's ``./install.sh`` (run as root it
installs the packages shipped in ``debs/``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib import metadata

from assistant.core.resources import bundled_dir, verify_tiktoken_files
from assistant.core.settings import Settings
from assistant.ops.check import Check
from assistant.ops.postgres import tool as pg_tool

PROBE_TIMEOUT_S = 30
MIN_PYTHON = (3, 11)
FROM_BUNDLE = "；离线安装包中以 root 运行 ./install.sh 会从 debs/ 目录安装"
# The faces the Word export names (assistant/export/styles.py); the doctor shows what LibreOffice gets for each.
WORD_FONTS = ("仿宋_GB2312", "楷体_GB2312", "方正小标宋简体", "黑体", "宋体")
SERIF_FONTS = ("仿宋_GB2312", "楷体_GB2312", "方正小标宋简体", "宋体")  # a 黑体-like face for these reads wrong
SANS_WORDS = re.compile(r"Sans|Hei|黑|Gothic", re.IGNORECASE)


def _run(command: list[str], env: dict[str, str] | None = None) -> str | None:
    """First line of a program's output, or None when it is missing or fails."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, env=env)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0].strip() if lines else ""


def python_version() -> Check:
    found = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] >= MIN_PYTHON:
        return Check(key="python", title="Python 版本", status="ok", required=True, detail=f"Python {found}")
    return Check(key="python", title="Python 版本", status="fail", required=True, detail=f"Python {found}",
                 fix="需要 Python 3.11 或更新版本：Debian 12 自带的 python3 即可"
                     "（apt-get install python3 python3-venv）。")


def packages() -> Check:
    """Every runtime dependency installed, at the version the release pins."""
    from packaging.requirements import Requirement

    title = "依赖包"
    try:
        wanted = [Requirement(line) for line in metadata.requires("case-assistant") or []]
    except metadata.PackageNotFoundError:
        return Check(key="packages", title=title, status="warn", required=True, detail="读不到本软件的安装信息",
                     fix="在项目目录运行 make install（离线安装包：./install.sh）。")
    runtime = [r for r in wanted if r.marker is None or r.marker.evaluate({"extra": ""})]
    missing, other = [], []
    for requirement in runtime:
        try:
            installed = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            missing.append(requirement.name)
            continue
        if not requirement.specifier.contains(installed, prereleases=True):
            other.append(f"{requirement.name} {installed}（应为 {requirement.specifier}）")
    fix = "在项目目录运行 make install（离线安装包：重新运行 ./install.sh）。"
    if missing:
        return Check(key="packages", title=title, status="fail", required=True,
                     detail=f"缺少 {len(missing)} 个：{'、'.join(missing)}", fix=fix)
    if other:
        return Check(key="packages", title=title, status="warn", required=True,
                     detail=f"{len(other)} 个版本与发布时锁定的不同：{'、'.join(other)}", fix=fix)
    return Check(key="packages", title=title, status="ok", required=True,
                 detail=f"{len(runtime)} 个依赖均已安装，版本与锁定的一致（case-assistant {_own_version()}）")


def _own_version() -> str:
    try:
        return metadata.version("case-assistant")
    except metadata.PackageNotFoundError:
        return "源代码"


def bundled_files() -> Check:
    """The knowledge, prompts and tiktoken files shipped with the program (nothing is downloaded)."""
    title = "内置资料（知识库、提示词、分词表）"
    fix = "安装包不完整：请重新安装（make install，或离线安装包的 ./install.sh）。"
    try:
        forms = sorted(p.stem for p in (bundled_dir("knowledge") / "forms").glob("*.yaml"))
        prompts = len(list(bundled_dir("prompts").glob("*.md")))
        vectors = sorted(p.stem for p in (bundled_dir("knowledge") / "embeddings").glob("*.npz"))
        tiktoken = verify_tiktoken_files()
    except FileNotFoundError as exc:
        return Check(key="bundled", title=title, status="fail", required=True, detail=str(exc), fix=fix)
    broken = [name for name, good in tiktoken.items() if not good]
    if broken or not forms or not prompts:
        return Check(key="bundled", title=title, status="fail", required=True,
                     detail=f"表单 {len(forms)} 个，提示词 {prompts} 个，分词表校验失败：{'、'.join(broken) or '无'}",
                     fix=fix)
    return Check(key="bundled", title=title, status="ok", required=True,
                 detail=f"表单 {'、'.join(forms)}；提示词 {prompts} 个；随包向量 {'、'.join(vectors) or '无'}；"
                        "分词表校验通过")


def libreoffice() -> Check:
    from assistant.export.pdf import soffice_path

    title = "LibreOffice（导出 PDF，可选）"
    path = soffice_path()
    fix = "apt-get install libreoffice-writer-nogui" + FROM_BUNDLE + "。没有它时仍可导出 Word，用 WPS/Word 另存为 PDF。"
    if path is None:
        return Check(key="libreoffice", title=title, status="fail", required=False,
                     detail="没有找到 soffice 命令，无法导出 PDF", fix=fix)
    version = _run([path, "--headless", "--version"])
    if version is None:
        return Check(key="libreoffice", title=title, status="fail", required=False,
                     detail=f"{path} 无法运行", fix=fix)
    return Check(key="libreoffice", title=title, status="ok", required=False, detail=f"{version}（{path}）")


def cjk_fonts() -> Check:
    """Which installed face LibreOffice will use for each face the Word file names, through the shipped
    substitution file (``assets/fontconfig/fonts.conf``) the PDF conversion uses."""
    title = "中文字体（PDF 排版，可选）"
    fix = ("apt-get install fonts-noto-cjk fonts-arphic-gkai00mp fontconfig" + FROM_BUNDLE +
           "；有正版仿宋_GB2312、方正小标宋简体等字体时复制到 /usr/share/fonts/ 后运行 fc-cache -f。")
    if shutil.which("fc-match") is None or shutil.which("fc-list") is None:
        return Check(key="cjk_fonts", title=title, status="fail", required=False,
                     detail="没有 fontconfig（fc-match），无法查找中文字体", fix=fix)
    env = _fontconfig_env()
    chinese = set((_run_all(["fc-list", ":lang=zh", "family"], env) or "").replace("\n", ",").split(","))
    chinese.discard("")
    if not chinese:
        return Check(key="cjk_fonts", title=title, status="fail", required=False,
                     detail="系统中没有中文字体，PDF 中的汉字会显示为方框", fix=fix)
    mapping = {face: (_run(["fc-match", "-f", "%{family}", f"{face}:lang=zh-cn"], env) or "？").split(",")[0]
               for face in WORD_FONTS}
    detail = f"中文字体 {len(chinese)} 种；" + "，".join(f"{face}→{used}" for face, used in mapping.items())
    plain = [face for face in SERIF_FONTS if SANS_WORDS.search(mapping[face])]
    if plain:
        return Check(key="cjk_fonts", title=title, status="warn", required=False,
                     detail=detail + f"（{'、'.join(plain)} 用了黑体类字体代替，PDF 与公文样式不符）", fix=fix)
    return Check(key="cjk_fonts", title=title, status="ok", required=False, detail=detail)


def _fontconfig_env() -> dict[str, str]:
    """This environment with the PDF conversion's font substitution file, as ``export.pdf`` sets it."""
    from assistant.export.pdf import fontconfig_file

    conf = fontconfig_file()
    return {**os.environ, "FONTCONFIG_FILE": str(conf)} if conf is not None else dict(os.environ)


def _run_all(command: list[str], env: dict[str, str] | None = None) -> str | None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, env=env)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def ffprobe() -> Check:
    title = "ffprobe（检查视频材料，可选）"
    version = _run(["ffprobe", "-version"]) if shutil.which("ffprobe") else None
    if version is None:
        return Check(key="ffprobe", title=title, status="fail", required=False,
                     detail="没有找到 ffprobe 命令，无法检查 MP4 视频的时长和格式",
                     fix="apt-get install ffmpeg" + FROM_BUNDLE + "。")
    return Check(key="ffprobe", title=title, status="ok", required=False, detail=version[:80])


def graphviz() -> Check:
    title = "Graphviz（绘制数据流向图，可选）"
    version = _run(["dot", "-V"]) if shutil.which("dot") else None
    if version is None:
        return Check(key="graphviz", title=title, status="fail", required=False,
                     detail="没有找到 dot 命令，无法生成数据要素流向图",
                     fix="apt-get install graphviz" + FROM_BUNDLE + "。")
    return Check(key="graphviz", title=title, status="ok", required=False, detail=version[:80])


def pg_tools(settings: Settings) -> Check | None:
    """pg_dump/pg_restore, only when the database is PostgreSQL (backups need them)."""
    if settings.sqlite_path is not None:
        return None
    title = "pg_dump / pg_restore（备份 PostgreSQL）"
    missing = [name for name in ("pg_dump", "pg_restore") if pg_tool(name) is None]
    if missing:
        return Check(key="pg_tools", title=title, status="warn", required=False,
                     detail=f"没有找到 {'、'.join(missing)}，case-assistant backup 无法备份数据库",
                     fix="apt-get install postgresql-client（版本不低于数据库服务器）。")
    dump = pg_tool("pg_dump") or ""
    return Check(key="pg_tools", title=title, status="ok", required=False, detail=_run([dump, "--version"]) or dump)
