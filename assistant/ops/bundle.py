"""``make bundle``: one archive that installs and runs the product on a machine with no network.

    python -m assistant.ops.bundle --out dist [--wheelhouse build/wheelhouse] [--debs auto|none] [--debs-from DIR]

Inside ``case-assistant-<版本>-<cp3xx>-<平台>/``: the project as checked out (the code, the bundled knowledge
and its shipped vectors, the tiktoken files, the form specs, the Makefile, README and requirements.lock);
``wheelhouse/`` with every wheel of requirements.lock for this platform, made by pip itself (``pip wheel``,
which also turns any sdist into a wheel, so the target needs no compiler); ``debs/`` with the Debian
packages of ``packaging/debian-packages.txt`` and their dependencies when built as root; ``install.sh``;
``SHA256SUMS`` over all of it, which install.sh checks first.

The wheelhouse is cached (``--wheelhouse``): a rebuild first resolves the lock from the cache alone
(``--no-index``), and only goes to the package index when that is incomplete.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
from importlib import metadata
from pathlib import Path

from assistant.core.errors import UserFacingError
from assistant.ops import debs as debian

INSTALL_SCRIPT = Path("packaging") / "install.sh"
LEFT_OUT = (".venv/", "data/", "build/", "dist/", "test-output/", ".git/")


def bundle_name(version: str) -> str:
    python = f"cp{sys.version_info.major}{sys.version_info.minor}"
    return f"case-assistant-{version}-{python}-{sysconfig.get_platform().replace('-', '_')}"


def project_files(source: Path) -> list[str]:
    """The files git knows (tracked, or new and not ignored); every file but the left-out folders without git."""
    try:
        done = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=source,
                              capture_output=True, check=True, timeout=120)
        names = [n for n in done.stdout.decode("utf-8").split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        names = [p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file()]
    return sorted(n for n in names if not n.startswith(LEFT_OUT) and (source / n).is_file())


def _pip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
                          capture_output=True, text=True, timeout=3600)


def build_requirements(source: Path) -> list[str]:
    """What pip needs to build the project itself (an editable install, like ``make install``): the
    ``[build-system]`` requirements and what the backend asks for on top (hatchling: ``editables``)."""
    import tomllib

    system = tomllib.loads((source / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]
    ask = f"import {system['build-backend']} as b; print(' '.join(b.get_requires_for_build_editable()))"
    asked = subprocess.run([sys.executable, "-c", ask], cwd=source, capture_output=True, text=True, timeout=300)
    if asked.returncode != 0:
        raise UserFacingError(f"无法询问构建后端需要什么：{asked.stderr.strip()[-500:]}。请先运行 make install。",
                              code="build_backend")
    return [*system["requires"], *asked.stdout.split()]


def wheelhouse(source: Path, cache: Path) -> list[Path]:
    """Every wheel of requirements.lock and of the build backend in ``cache``: from the cache alone when it can."""
    cache.mkdir(parents=True, exist_ok=True)
    wanted = ["-r", str(source / "requirements.lock"), *build_requirements(source)]
    offline = _pip("wheel", "-q", "--no-index", "--find-links", str(cache), *wanted, "-w", str(cache))
    if offline.returncode != 0:
        online = _pip("wheel", "-q", *wanted, "-w", str(cache))
        if online.returncode != 0:
            raise UserFacingError(f"pip wheel 失败：{online.stderr.strip()[-800:]}", code="pip_failed")
    return sorted(cache.glob("*.whl"))


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def build(source: Path, out: Path, cache: Path, debs: str = "auto", debs_from: Path | None = None) -> Path:
    """Build the archive in ``out``; returns its path."""
    name = bundle_name(metadata.version("case-assistant"))
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".bundle-", dir=out) as tmp:
        root = Path(tmp) / name
        for relative in project_files(source):
            _link_or_copy(source / relative, root / relative)
        for wheel in wheelhouse(source, cache):
            _link_or_copy(wheel, root / "wheelhouse" / wheel.name)
        if debs == "auto" and debian.available():
            debian.download(debian.closure(debian.listed(source)), root / "debs")
        for deb in sorted(debs_from.glob("*.deb")) if debs_from else []:
            _link_or_copy(deb, root / "debs" / deb.name)
        shutil.copy2(source / INSTALL_SCRIPT, root / "install.sh")
        (root / "install.sh").chmod(0o755)
        (root / "PYTHON_VERSION").write_text(f"{sys.version_info.major}.{sys.version_info.minor}\n")
        (root / "PLATFORM").write_text(os.uname().machine + "\n")
        sums = [f"{_sha256(p)}  {p.relative_to(root).as_posix()}" for p in sorted(root.rglob("*")) if p.is_file()]
        (root / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
        archive = out / f"{name}.tar.gz"
        partial = out / f"{name}.tar.gz.partial"
        with tarfile.open(partial, "w:gz", compresslevel=1) as tar:
            tar.add(root, arcname=name, filter=_plain_owner)
        partial.replace(archive)
    return archive


def _plain_owner(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.ops.bundle", description="制作离线安装包（本机平台）")
    parser.add_argument("--out", default="dist", help="输出目录（默认 dist）")
    parser.add_argument("--source", default=".", help="项目目录（默认当前目录）")
    parser.add_argument("--wheelhouse", default="build/wheelhouse", help="wheel 缓存目录（默认 build/wheelhouse）")
    parser.add_argument("--debs", choices=["auto", "none"], default="auto",
                        help="auto：以 root 运行时下载 Debian 软件包到 debs/；none：不下载")
    parser.add_argument("--debs-from", help="另把此目录中的 .deb 文件放进 debs/")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        archive = build(Path(args.source).resolve(), Path(args.out).resolve(), Path(args.wheelhouse).resolve(),
                        args.debs, Path(args.debs_from) if args.debs_from else None)
    except UserFacingError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    wheels = sum(n.endswith(".whl") for n in names)
    packages = sum(n.endswith(".deb") for n in names)
    if args.debs == "auto" and not packages:
        print("提示：未附带 Debian 软件包（需以 root 运行并能访问软件源）；目标机器需已装好 python3-venv，"
              "导出 PDF 另需 LibreOffice 和中文字体。", file=sys.stderr)
    print(f"已生成 {archive}（{archive.stat().st_size / 1024 / 1024:.0f} MB：wheel {wheels} 个，"
          f"Debian 软件包 {packages} 个），用时 {time.monotonic() - started:.0f} 秒。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
