"""Shared helpers for the database benchmarks: throw-away databases on the embedded server, and a real
gunicorn serving one of them on 127.0.0.1 (started in its own process group, always stopped)."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import psycopg
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"


def embedded_conninfo(dbname: str) -> str:
    """libpq conninfo for `dbname` on this checkout's embedded server (started if needed)."""
    from medic.db import start_embedded

    return start_embedded(BASE_DIR / ".data" / "postgres").conninfo(dbname)


def fresh_database(name: str) -> None:
    """Drop (closing its sessions) and create database `name`: only bench databases, never the demo's."""
    if not name.startswith("medic_bench"):
        raise ValueError(f"refusing to drop {name!r}: benchmark databases are named medic_bench*")
    with psycopg.connect(embedded_conninfo("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def query(dbname: str, statement: str, params: list | None = None) -> list[tuple]:
    with psycopg.connect(embedded_conninfo(dbname), autocommit=True) as conn:
        return conn.execute(statement, params or []).fetchall()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def bench_env(dbname: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # always the embedded server: the bench databases are dropped freely
    env.update(MEDIC_DB_NAME=dbname, DJANGO_SETTINGS_MODULE="medic.settings", DEBUG="false")
    return env


@contextlib.contextmanager
def gunicorn(
    dbname: str,
    *,
    workers: int,
    threads: int,
    app: str = "medic.wsgi",
    timeout: float = 30.0,
    log_path: str | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[int]:
    """Serve `app` (WSGI module[:callable]) on a free 127.0.0.1 port; yields the port once /healthz is 200.

    The server gets its own session (process group) and the whole group is terminated on the way out,
    whatever happens (error, Ctrl-C). Its log goes to `log_path` (kept) or to a temporary file (removed),
    shown if it fails to start. `env` adds to its environment (e.g. a setting to compare designs).
    """
    port = free_port()
    log: IO[bytes]
    if log_path:
        log = open(log_path, "wb")  # noqa: SIM115
    else:
        log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    cmd = [
        str(BIN / "gunicorn"),
        app,
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--keep-alive",
        "75",  # clients reuse their connections; never let an idle one be closed under them
        "--graceful-timeout",
        "3",
    ]
    proc = subprocess.Popen(
        cmd,
        cwd=BASE_DIR,
        env={**bench_env(dbname), **(env or {})},
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.returncode}: {_tail(log.name)}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"gunicorn did not answer /healthz within {timeout:.0f} s: {_tail(log.name)}"
                )
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection(HOST, port, timeout=2)
                conn.request("GET", "/healthz")
                ok = conn.getresponse().status == 200
                conn.close()
                if ok:
                    break
            time.sleep(0.2)
        yield port
    finally:
        _stop(proc)
        log.close()
        if not log_path:
            with contextlib.suppress(OSError):
                os.unlink(log.name)


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM the server's process group (the arbiter and its workers), SIGKILL it if it lingers."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def _tail(path: str, chars: int = 2000) -> str:
    with contextlib.suppress(OSError):
        return Path(path).read_text(errors="replace")[-chars:]
    return ""
