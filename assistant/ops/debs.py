"""The Debian packages of the offline bundle: the listed ones and everything they need, downloaded with
``apt-get download`` on a connected machine.

The list is data (``packaging/debian-packages.txt``). Which packages a machine with nothing installed
would need is asked of apt itself (a simulated install against an empty dpkg status), so one choice is
made for each alternative, as apt would; packages of priority ``required`` (present on every Debian
system) are left out. Only root may run apt-get this way, so ``make bundle`` fetches them only as root.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from assistant.core.errors import UserFacingError

LIST_FILE = Path("packaging") / "debian-packages.txt"
INST = re.compile(r"^Inst (\S+) \((\S+) ")
APT_TIMEOUT_S = 3600


def listed(source: Path) -> list[str]:
    """Package names from the list file (one per line, ``#`` starts a comment)."""
    names = []
    for line in (source / LIST_FILE).read_text(encoding="utf-8").splitlines():
        name = line.split("#", 1)[0].strip()
        if name:
            names.append(name)
    return names


def available() -> bool:
    return os.geteuid() == 0 and shutil.which("apt-get") is not None and shutil.which("apt-cache") is not None


def closure(packages: list[str]) -> list[tuple[str, str]]:
    """(name, version) of every package a bare system needs for ``packages``, required ones excluded."""
    with tempfile.NamedTemporaryFile(prefix="empty-dpkg-status-") as empty:
        done = subprocess.run(
            ["apt-get", "-s", "-q", "--no-install-recommends", "-o", f"Dir::State::status={empty.name}",
             "install", *packages],
            capture_output=True, text=True, timeout=APT_TIMEOUT_S,
        )
    if done.returncode != 0:
        raise UserFacingError(f"apt-get 无法解析这些软件包的依赖：{done.stderr.strip()[-500:]}", code="apt_failed")
    pairs = [m.groups() for m in map(INST.match, done.stdout.splitlines()) if m]
    required = _required({name for name, _ in pairs})
    return sorted((name, version) for name, version in pairs if name not in required)


def _required(names: set[str]) -> set[str]:
    if not names:
        return set()
    shown = subprocess.run(["apt-cache", "show", "--no-all-versions", *sorted(names)], capture_output=True,
                           text=True, timeout=APT_TIMEOUT_S)
    found, name = set(), ""
    for line in shown.stdout.splitlines():
        if line.startswith("Package: "):
            name = line.split(": ", 1)[1].strip()
        elif (line.startswith("Priority: required") or line.startswith("Essential: yes")) and name:
            found.add(name)
    return found


def download(pairs: list[tuple[str, str]], target: Path) -> list[Path]:
    """``apt-get download`` each package (at the version apt chose) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["apt-get", "download", "-q", *[f"{name}={version}" for name, version in pairs]],
                          cwd=target, capture_output=True, text=True, timeout=APT_TIMEOUT_S)
    if done.returncode != 0:
        raise UserFacingError(
            f"apt-get download 失败：{done.stderr.strip()[-500:]}。请在能访问 Debian 软件源的机器上以 root 运行"
            " make bundle，或用 make bundle DEBS=none 制作不含系统软件包的安装包。",
            code="apt_failed",
        )
    return sorted(target.glob("*.deb"))
