"""The embedded database survives processes killed with SIGKILL while they start it or import the settings.

Real processes against a real server, but never the checkout's shared one: each test starts its own server in
a data directory under tmp_path (MEDIC_PGDATA), and stops it at the end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from medic.db import (
    APP_ROLE,
    _postgres_processes,
    find_embedded,
    grant_app_role,
    prepare_embedded,
    start_embedded,
    stop_embedded,
)

BASE_DIR = Path(settings.BASE_DIR)
DB_NAME = "medic_kill"
IMPORT_SETTINGS = "import medic.settings"
START = "import sys; from medic.db import _main; sys.exit(_main(['start']))"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and flock")


def _env(pgdata: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(MEDIC_PGDATA=str(pgdata), MEDIC_DB_NAME=DB_NAME, DJANGO_SETTINGS_MODULE="medic.settings")
    return env


def _spawn(pgdata: Path, code: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=_env(pgdata),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _run(pgdata: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=_env(pgdata), capture_output=True, text=True, timeout=180
    )


def _kill_after(proc: subprocess.Popen[bytes], delay: float) -> None:
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def _delay(i: int, spread: float) -> float:
    """Kill moments spread evenly over [0, spread): from interpreter start-up to the end of the work."""
    return spread * ((i * 7) % 20) / 20


@dataclass
class Saver:
    """Saves rows as the application's role, in a loop, until stopped: a new connection every 10 saves."""

    conninfo: str
    saved: int = 0
    errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True) as conn:
                    for _ in range(10):
                        conn.execute("INSERT INTO kill_probe (n) VALUES (%s)", [self.saved])
                        self.saved += 1
            except psycopg.Error as exc:
                self.errors.append(repr(exc))
                time.sleep(0.05)


@pytest.fixture
def pgdata(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("killdb") / "data" / "postgres"
    path.parent.mkdir()
    yield path
    stop_embedded(path)


@pytest.fixture
def probe(pgdata: Path) -> str:
    """A running server with the app role, the database and a table to save into; the app role's conninfo."""
    server = prepare_embedded(pgdata, DB_NAME)
    with psycopg.connect(server.conninfo(DB_NAME), autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS kill_probe (id bigserial PRIMARY KEY, n bigint NOT NULL)")
    grant_app_role(server, DB_NAME)
    return server.conninfo(DB_NAME, APP_ROLE)


def _count(conninfo: str) -> int:
    with psycopg.connect(conninfo) as conn:
        row = conn.execute("SELECT count(*) FROM kill_probe").fetchone()
    assert row is not None
    return int(row[0])


def _works_without_repair(pgdata: Path, manage_py: bool = True) -> None:
    """What every later worker and command does: import the settings, run manage.py, connect."""
    imported = _run(pgdata, "-c", IMPORT_SETTINGS)
    assert imported.returncode == 0, imported.stderr
    if manage_py:
        command = _run(pgdata, "manage.py", "showmigrations", "appointments")
        assert command.returncode == 0, command.stderr
    server = find_embedded(pgdata)
    assert server is not None
    with psycopg.connect(server.conninfo(DB_NAME, APP_ROLE)) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (APP_ROLE,)


def test_killing_workers_while_they_import_the_settings_never_stops_the_server(
    pgdata: Path, probe: str
) -> None:
    before = find_embedded(pgdata)
    assert before is not None
    saver = Saver(probe)
    thread = threading.Thread(target=saver.run)
    thread.start()
    try:
        for i in range(20):
            code = IMPORT_SETTINGS if i % 2 else START
            _kill_after(_spawn(pgdata, code), _delay(i, 2.0))
    finally:
        saver.stop.set()
        thread.join(timeout=60)
    assert saver.errors == []
    assert saver.saved > 0
    assert _count(probe) == saver.saved
    after = find_embedded(pgdata)
    assert after is not None and after.pid == before.pid
    assert not (pgdata / ".handle_pids.json").exists()
    _works_without_repair(pgdata)


def test_killing_the_process_that_starts_the_server_leaves_nothing_to_repair(
    pgdata: Path, probe: str
) -> None:
    saved = _count(probe)
    for i in range(6):
        stop_embedded(pgdata)  # running unless the previous kill came before the start
        _kill_after(_spawn(pgdata, START if i % 2 else IMPORT_SETTINGS), 0.3 + _delay(i, 2.0))
    _works_without_repair(pgdata)
    assert _count(probe) == saved


def test_a_killed_server_is_started_again(pgdata: Path, probe: str) -> None:
    server = find_embedded(pgdata)
    assert server is not None
    os.kill(server.pid, signal.SIGKILL)
    _works_without_repair(pgdata)
    restarted = find_embedded(pgdata)
    assert restarted is not None and restarted.pid != server.pid


@pytest.mark.parametrize("content", ["", "[4242, 42\x00"])
def test_a_corrupt_state_file_heals_itself(pgdata: Path, probe: str, content: str) -> None:
    """The wheel's pid list left empty or half-written (the reported JSONDecodeError), with the server
    running and with it stopped behind a truncated postmaster.pid."""
    (pgdata / ".handle_pids.json").write_text(content)
    _works_without_repair(pgdata, manage_py=False)
    assert stop_embedded(pgdata)
    (pgdata / ".handle_pids.json").write_text(content)
    (pgdata / "postmaster.pid").write_text(content)
    _works_without_repair(pgdata)
    assert not (pgdata / ".handle_pids.json").exists()


def test_processes_starting_at_once_share_one_server(pgdata: Path, probe: str) -> None:
    assert stop_embedded(pgdata)
    procs = [_spawn(pgdata, START) for _ in range(4)]
    assert [p.wait(timeout=180) for p in procs] == [0, 0, 0, 0]
    server = find_embedded(pgdata)
    assert server is not None
    # Only postmasters carry the data directory on their command line.
    assert [p.pid for p in _postgres_processes(pgdata)] == [server.pid]


def test_a_data_directory_whose_initialisation_was_killed_is_initialised_again(pgdata: Path) -> None:
    for delay in (0.8, 1.6):
        _kill_after(_spawn(pgdata, START), delay)
    server = start_embedded(pgdata)
    assert (pgdata / "PG_VERSION").exists()
    assert not list(pgdata.parent.glob(f".{pgdata.name}.init-*"))
    with psycopg.connect(server.conninfo("postgres")) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
