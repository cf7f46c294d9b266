"""The embedded PostgreSQL: started on demand, reused by every process, real enough for our constraints."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from medic.db import APP_ROLE, ensure_database, find_embedded, start_embedded, stop_embedded

BASE_DIR = Path(settings.BASE_DIR)


@pytest.fixture
def fresh_pgdata(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    pgdata = tmp_path_factory.mktemp("pg") / "data"
    yield pgdata
    stop_embedded(pgdata)


def test_fresh_data_dir_is_initialised_and_started(fresh_pgdata: Path) -> None:
    server = start_embedded(fresh_pgdata)
    assert (fresh_pgdata / "PG_VERSION").exists()
    ensure_database(server, "medic_probe")
    with psycopg.connect(server.conninfo("medic_probe")) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_second_start_reuses_the_running_server(fresh_pgdata: Path) -> None:
    first = start_embedded(fresh_pgdata)
    second = start_embedded(fresh_pgdata)
    assert second.pid == first.pid


_PRINT_PID = (
    "from pathlib import Path; from medic.db import start_embedded; "
    "print(start_embedded(Path('.data/postgres').resolve()).pid)"
)


def test_another_process_reuses_the_checkouts_server() -> None:
    if os.environ.get("DATABASE_URL"):
        pytest.skip("DATABASE_URL is set: this run uses that server, not the embedded one")
    ours = start_embedded(BASE_DIR / ".data" / "postgres")
    out = subprocess.run(
        [sys.executable, "-c", _PRINT_PID], cwd=BASE_DIR, capture_output=True, text=True, check=True
    )
    assert int(out.stdout.strip().splitlines()[-1]) == ours.pid


def test_ensure_database_is_idempotent(fresh_pgdata: Path) -> None:
    server = start_embedded(fresh_pgdata)
    ensure_database(server, "twice")
    ensure_database(server, "twice")


def test_stop_reports_whether_a_server_ran(fresh_pgdata: Path) -> None:
    start_embedded(fresh_pgdata)
    assert stop_embedded(fresh_pgdata) is True
    assert stop_embedded(fresh_pgdata) is False


@pytest.mark.django_db
def test_database_is_postgresql_with_btree_gist() -> None:
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'btree_gist'")
        assert cursor.fetchone() == ("btree_gist",)


def test_the_start_command_prepares_the_database_and_the_app_role(fresh_pgdata: Path) -> None:
    fresh_pgdata.parent.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(MEDIC_PGDATA=str(fresh_pgdata), MEDIC_DB_NAME="medic_started")
    out = subprocess.run(
        [sys.executable, "-m", "medic.db", "start"], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    server = find_embedded(fresh_pgdata)
    assert server is not None
    with psycopg.connect(server.conninfo("medic_started", APP_ROLE)) as conn:
        row = conn.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
    assert row == (False, False, False)
