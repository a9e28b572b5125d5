"""A real PostgreSQL server for the tests, started from the Debian packages on 127.0.0.1.

Session-scoped: one server (initdb into a temporary folder, ``pg_ctl start``)
for the whole run, one fresh database per test. Tests that need it are
skipped with a reason when the PostgreSQL binaries are not installed
(``scripts/test`` installs them when run as root).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool


def _bindir() -> Path | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresServer:
    bindir: Path
    datadir: Path
    port: int
    run_as: Callable[[list[str]], list[str]]
    durable: bool = False  # fsync and synchronous commits on (benchmarks), off (tests)

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def pg_ctl(self, *args: str) -> None:
        command = [str(self.bindir / "pg_ctl"), "-D", str(self.datadir), *args]
        subprocess.run(self.run_as(command), check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self.pg_ctl("-o", options, "-l", str(self.datadir / "server.log"), "-w", "start")

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "-w", "stop")


def _runner() -> Callable[[list[str]], list[str]]:
    if os.geteuid() != 0:
        return lambda command: command
    runuser = shutil.which("runuser")
    return lambda command: [runuser or "runuser", "-u", "postgres", "--", *command]


@contextmanager
def running_postgres(bindir: Path, *, durable: bool = False) -> Iterator[PostgresServer]:
    """A throw-away PostgreSQL server on 127.0.0.1 (also used by the benchmarks)."""
    datadir = Path(tempfile.mkdtemp(prefix="newscrawler-pg-"))
    if os.geteuid() == 0:
        shutil.chown(datadir, "postgres", "postgres")
    datadir.chmod(0o700)
    run_as = _runner()
    subprocess.run(
        run_as([str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres", "--auth=trust",
                "-E", "UTF8", "--locale=C.UTF-8"]),
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    server = PostgresServer(bindir, datadir, _free_port(), run_as, durable)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(datadir, ignore_errors=True)


def postgres_bindir() -> Path | None:
    return _bindir()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = _bindir()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (scripts/test installs it as root)")
    with running_postgres(bindir) as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database on the test server."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(
        postgres_server.admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield postgres_server.url(name)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
