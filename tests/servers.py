"""Real PostgreSQL and Chroma servers for tests: started on 127.0.0.1 in a temporary directory.

``PostgresServer`` runs the Debian ``postgresql-15`` binaries (``initdb``/``pg_ctl``),
as the ``postgres`` user when the tests run as root (PostgreSQL refuses root);
``ChromaServer`` runs ``chroma run`` from the venv. Both pick a free loopback port,
wait until they answer, and stop cleanly (``pg_ctl stop -m fast``; SIGTERM, then
SIGKILL) on ``stop()``, on leaving the ``with`` block, and at interpreter exit.
``start_or_skip`` turns "the binaries are missing / it would not start" into a skip
with the reason, so the suite still passes on a machine without them.

    python -m tests.servers   # start both, print their URLs, stop on Ctrl-C (for make bench)
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
VENV_BIN = Path(sys.executable).parent


class ServerUnavailable(RuntimeError):
    """The server could not be started here (missing binaries, no unprivileged user, …)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(ready, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    raise ServerUnavailable(f"{what} did not answer within {timeout:.0f}s: {tail}")


class PostgresServer:
    """A throw-away PostgreSQL cluster (fsync off: tests, not durability) on a loopback port."""

    def __init__(self) -> None:
        bins = sorted(glob.glob(PG_BIN_GLOB), reverse=True)
        if not bins and not shutil.which("pg_ctl"):
            raise ServerUnavailable("PostgreSQL is not installed (apt-get install postgresql-15)")
        self.bin = Path(bins[0]) if bins else Path(shutil.which("pg_ctl") or "").parent
        self.user = self._run_as()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="case-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.started = False

    @staticmethod
    def _run_as() -> str | None:
        if os.geteuid() != 0:
            return None
        for name in ("postgres", "nobody"):
            with contextlib.suppress(KeyError):
                pwd.getpwnam(name)
                return name
        raise ServerUnavailable("running as root and no unprivileged user (postgres) to run PostgreSQL as")

    def _cmd(self, *args: str) -> list[str]:
        return (["runuser", "-u", self.user, "--"] if self.user else []) + list(args)

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> PostgresServer:
        if self.user:
            shutil.chown(self.dir, self.user)
        init = subprocess.run(
            self._cmd(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                      "-E", "UTF8", "--locale=C.UTF-8"),
            capture_output=True, text=True, timeout=120,
        )
        if init.returncode != 0:
            raise ServerUnavailable(f"initdb failed: {init.stderr[-1000:]}")
        options = f"-h 127.0.0.1 -p {self.port} -k {self.dir} -F -c max_connections=200"
        start = subprocess.run(
            self._cmd(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
                      "-t", "60", "start"),
            capture_output=True, text=True, timeout=90,
        )
        if start.returncode != 0:
            raise ServerUnavailable(f"pg_ctl start failed: {start.stderr[-1000:]} {self._log_tail()}")
        self.started = True
        atexit.register(self.stop)
        _wait(self._ready, 30, "PostgreSQL", self.log)
        return self

    def _log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-1000:] if self.log.exists() else ""

    def _ready(self) -> bool:
        done = subprocess.run([str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                              capture_output=True)
        return done.returncode == 0

    def new_database(self) -> str:
        """A fresh, empty database; returns its SQLAlchemy URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if self.started:
            self.started = False
            subprocess.run(
                self._cmd(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop"),
                capture_output=True, timeout=60,
            )
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ChromaServer:
    """``chroma run --path <tmp> --host 127.0.0.1 --port <free>``."""

    def __init__(self) -> None:
        exe = VENV_BIN / "chroma"
        if not exe.exists() and not shutil.which("chroma"):
            raise ServerUnavailable("the chroma command is missing (pip install chromadb)")
        self.exe = str(exe if exe.exists() else shutil.which("chroma"))
        self.port = free_port()
        self.host = "127.0.0.1"
        self.dir = Path(tempfile.mkdtemp(prefix="case-chroma-"))
        self.log = self.dir / "server.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> ChromaServer:
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [self.exe, "run", "--path", str(self.dir / "db"), "--host", self.host, "--port", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
            )
        atexit.register(self.stop)
        _wait(self._ready, 60, "chroma run", self.log)
        return self

    def _ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise ServerUnavailable(f"chroma run exited ({self.process.returncode}): {self.log.read_text()[-1000:]}")
        try:
            with urllib.request.urlopen(f"http://{self.host}:{self.port}/api/v2/heartbeat", timeout=1) as reply:
                return reply.status == 200
        except OSError:
            return False

    def client(self):
        import chromadb

        return chromadb.HttpClient(host=self.host, port=self.port,
                                   settings=chromadb.Settings(anonymized_telemetry=False))

    def clear(self) -> None:
        """Delete every collection (tests share one server)."""
        client = self.client()
        for collection in client.list_collections():
            client.delete_collection(collection.name)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> ChromaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_or_skip(factory):
    """Start a server, or skip the calling test/fixture with the reason it could not start."""
    import pytest

    server = None
    try:
        server = factory()
        return server.start()
    except (ServerUnavailable, OSError, subprocess.SubprocessError) as exc:
        if server is not None:
            server.stop()
        pytest.skip(f"{factory.__name__} unavailable: {exc}")


if __name__ == "__main__":
    with PostgresServer() as pg, ChromaServer() as chroma:
        print(f"CASE_ASSISTANT_DATABASE_URL={pg.new_database()}")
        print(f"CASE_ASSISTANT_CHROMA_MODE=http CASE_ASSISTANT_CHROMA_HOST=127.0.0.1 "
              f"CASE_ASSISTANT_CHROMA_PORT={chroma.port}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
