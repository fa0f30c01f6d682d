"""Must show: ``make bundle``'s archive installs and starts on a machine without network, from the archive alone.

Built like ``make bundle`` (the wheelhouse cache in build/wheelhouse makes rebuilds fast), without the large
Debian packages (``--debs none``: fetching ~280 MB from the Debian mirror is not a test's business) but with a
tiny package of our own in ``debs/`` to prove install.sh installs from there. Then, inside ``unshare -n -m``
(only loopback; the machine's wheel mirror and the wheelhouse cache hidden under empty tmpfs; an empty HOME):
unpack, ``./install.sh`` (as root it installs the tiny package from debs/), ``make run``, and fetch the first
page and /api/health. Each phase's seconds are
printed (run with ``-s`` to see them). Runs as part of ``make test``; ``make test-bundle`` runs it alone.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ops.conftest import REPO, clean_env

pytestmark = [pytest.mark.bundle, pytest.mark.slow]
PROBE = "case-assistant-bundle-probe"
HIDDEN = ("/opt/wheels", "/opt/pypi", "/opt/pypi-more", str(REPO / "build"))
TITLE = "数据要素× 案例申报助手"

OFFLINE_SCRIPT = r"""
set -euo pipefail
stamp() { echo "TIMING $1 $(date +%s.%N)"; }
ip link set lo up
for d in $HIDDEN; do if [ -d "$d" ]; then mount -t tmpfs none "$d"; fi; done
cd "$SITE"
stamp start
tar xzf case-assistant-*.tar.gz
cd case-assistant-*/
stamp unpacked
./install.sh
stamp installed
setsid make run > run.log 2>&1 &
server=$!
trap 'kill -TERM -- -"$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
.venv/bin/python - <<'PY'
import json, sys, time, urllib.request
deadline = time.monotonic() + 300
while True:
    try:
        with urllib.request.urlopen("http://127.0.0.1:7860/", timeout=10) as page:
            body = page.read().decode("utf-8", "replace")
        break
    except OSError as exc:
        if time.monotonic() > deadline:
            sys.exit(f"no first page within 300 s: {exc}")
        time.sleep(0.25)
with urllib.request.urlopen("http://127.0.0.1:7860/api/health", timeout=10) as health:
    print("HEALTH", json.dumps(json.load(health), ensure_ascii=False))
print("FIRST_PAGE", len(body), "数据要素× 案例申报助手" in body)
PY
stamp served
if command -v dpkg-query >/dev/null; then dpkg-query -W -f='PROBE ${Status}\n' case-assistant-bundle-probe || true; fi
"""


def _probe_deb(folder: Path) -> Path | None:
    """A minimal Debian package (no dependencies, one file), when dpkg-deb is here."""
    if shutil.which("dpkg-deb") is None or shutil.which("dpkg") is None:
        return None
    root = folder / "probe"
    (root / "DEBIAN").mkdir(parents=True)
    (root / "DEBIAN" / "control").write_text(
        f"Package: {PROBE}\nVersion: 1.0\nArchitecture: all\nMaintainer: tests <tests@localhost>\n"
        "Description: installed by the offline bundle test from debs/\n")
    doc = root / "usr" / "share" / "doc" / PROBE
    doc.mkdir(parents=True)
    (doc / "README").write_text("installed from the offline bundle's debs/ folder\n")
    (folder / "debs").mkdir()
    subprocess.run(["dpkg-deb", "--build", "--root-owner-group", str(root), str(folder / "debs" / f"{PROBE}.deb")],
                   check=True, capture_output=True, timeout=60)
    return folder / "debs"


def _can_isolate() -> str | None:
    if os.geteuid() != 0:
        return "needs root (unshare -n -m and mounting tmpfs)"
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return "needs unshare and ip (util-linux, iproute2)"
    probe = subprocess.run(["unshare", "-n", "-m", "true"], capture_output=True, timeout=30)
    return None if probe.returncode == 0 else f"unshare -n -m is not permitted here: {probe.stderr[-200:]!r}"


def test_the_bundle_installs_and_serves_the_first_page_with_only_loopback(tmp_path: Path) -> None:
    reason = _can_isolate()
    if reason:
        pytest.skip(reason)
    debs = _probe_deb(tmp_path)
    build = [sys.executable, "-m", "assistant.ops.bundle", "--out", str(tmp_path / "dist"),
             "--wheelhouse", str(REPO / "build" / "wheelhouse"), "--debs", "none"]
    started = time.monotonic()
    built = subprocess.run([*build, *(["--debs-from", str(debs)] if debs else [])], cwd=REPO, env=clean_env(),
                           capture_output=True, text=True, timeout=1800)
    build_seconds = time.monotonic() - started
    assert built.returncode == 0, built.stderr[-3000:]
    archive = next((tmp_path / "dist").glob("case-assistant-*.tar.gz"))
    site = tmp_path / "site"
    site.mkdir()
    os.link(archive, site / archive.name)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path / "home"), "LANG": "C.UTF-8", "SITE": str(site),
           "HIDDEN": " ".join(HIDDEN)}
    (tmp_path / "home").mkdir()
    try:
        done = subprocess.run(["unshare", "-n", "-m", "bash", "-c", OFFLINE_SCRIPT], env=env, capture_output=True,
                              text=True, timeout=1800)
    finally:
        if debs:
            subprocess.run(["dpkg", "-r", PROBE], capture_output=True, timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-5000:]
    assert "安装完成" in done.stdout and "结论：必需项全部可用" in done.stdout, output[-3000:]
    assert "FIRST_PAGE" in done.stdout and done.stdout.split("FIRST_PAGE", 1)[1].split()[1] == "True", output[-3000:]
    assert '"status": "ok"' in done.stdout.split("HEALTH", 1)[1].splitlines()[0]
    if debs:
        assert "PROBE install ok installed" in done.stdout, output[-3000:]
    marks = {name: float(at) for name, at in re.findall(r"^TIMING (\w+) ([\d.]+)$", done.stdout, re.M)}
    print(f"\nbundle: {archive.stat().st_size / 1024 / 1024:.0f} MB built in {build_seconds:.0f} s; offline: unpack "
          f"{marks['unpacked'] - marks['start']:.0f} s, ./install.sh {marks['installed'] - marks['unpacked']:.0f} s, "
          f"make run to the first page {marks['served'] - marks['installed']:.0f} s")
