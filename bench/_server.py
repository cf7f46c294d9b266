"""Shared helpers for the database benchmarks: throw-away databases on the embedded server, and a real
server (Granian, as `make run` starts it, or gunicorn) serving one of them on 127.0.0.1 (started in its own
process group, always stopped)."""

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
from dataclasses import dataclass
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


SERVERS = ("granian", "gunicorn")  # what `make run` serves with (medic/server.py); the one before it


@dataclass(frozen=True, slots=True)
class Served:
    port: int
    session: int  # the server's session id: every process of it (the main one and its workers) is in it


@contextlib.contextmanager
def serve(
    dbname: str,
    *,
    workers: int,
    threads: int,
    server: str = "granian",
    app: str = "medic.wsgi:application",
    timeout: float = 30.0,
    log_path: str | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[Served]:
    """Serve `app` (WSGI module:callable) on a free 127.0.0.1 port with `server`; yields once /healthz is 200.

    Granian runs with `make run`'s command line (medic.server.command); gunicorn, the server before it, with
    the settings it had there (gthread workers), for a comparison in one run. The server gets its own session
    (process group) and the whole group is terminated on the way out, whatever happens (error, Ctrl-C). Its
    log goes to `log_path` (kept) or to a temporary file (removed), shown if it fails to start. `env` adds to
    its environment (e.g. a setting to compare designs).
    """
    from medic.server import command

    port = free_port()
    log: IO[bytes]
    if log_path:
        log = open(log_path, "wb")  # noqa: SIM115
    else:
        log = tempfile.NamedTemporaryFile(prefix=f"bench-{server}-", suffix=".log", delete=False)  # noqa: SIM115
    if server == "granian":
        cmd = command(host=HOST, port=port, workers=workers, threads=threads, app=app)
    elif server == "gunicorn":
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
    else:
        raise ValueError(f"unknown server {server!r}: one of {', '.join(SERVERS)}")
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
                raise RuntimeError(f"{server} exited with {proc.returncode}: {_tail(log.name)}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{server} did not answer /healthz within {timeout:.0f} s: {_tail(log.name)}"
                )
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection(HOST, port, timeout=2)
                conn.request("GET", "/healthz")
                ok = conn.getresponse().status == 200
                conn.close()
                if ok:
                    break
            time.sleep(0.2)
        yield Served(port=port, session=proc.pid)
    finally:
        _stop(proc)
        log.close()
        if not log_path:
            with contextlib.suppress(OSError):
                os.unlink(log.name)


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM the server's main process (it stops its workers), SIGKILL its process group if it lingers.

    One signal to one process: Granian's main process deadlocks when a second stop signal lands inside its
    handler of the first (medic.server.supervise)."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGTERM)
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
