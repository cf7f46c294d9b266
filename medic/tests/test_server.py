"""The web server `make run` starts (medic/server.py: Granian), as a real process on this test's database:
it keeps answering while its workers are killed, and what the server itself adds (reading bodies, writing
answers) keeps the API's JSON answers."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest
from django.conf import settings

from medic.server import command, port_taken
from medic.tests.processes import on_test_database

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

HOST = "127.0.0.1"
PATIENCE = 60.0  # a generous bound on waiting for another process, never asserted as a timing


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _env() -> dict[str, str]:
    return {**on_test_database(), "DJANGO_SETTINGS_MODULE": "medic.settings", "DEBUG": "false"}


def _get(port: int, path: str = "/healthz", **kwargs: object) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request(kwargs.pop("method", "GET"), path, **kwargs)  # type: ignore[arg-type]
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _until(condition: Callable[[], bool], what: str, log: Path) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.1)


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError, http.client.HTTPException):
        return _get(port)[0] == 200
    return False


def _granian(server: subprocess.Popen[bytes]) -> psutil.Process:
    """Granian's main process: the child of `python -m medic.server` (medic.server.supervise)."""
    (child,) = psutil.Process(server.pid).children()
    return child


def _workers(server: subprocess.Popen[bytes]) -> list[psutil.Process]:
    return [p for p in _granian(server).children() if p.status() != psutil.STATUS_ZOMBIE]


def _started(log: Path) -> int:
    """Workers started so far, by the server's log."""
    return log.read_text(errors="replace").count("Started worker-")


def _start(port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "medic.server", "--port", str(port), "--workers", "2", "--threads", "2"],
            cwd=settings.BASE_DIR,
            env=_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )


@pytest.fixture
def server(db: None, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    """`python -m medic.server` with two workers of two threads, up and answering /healthz."""
    port = _free_port()
    log = tmp_path / "server.log"
    proc = _start(port, log)
    try:
        _until(lambda: _answers(port) and _started(log) == 2, "the server to answer", log)
        yield proc, port, log
    finally:
        everything = [proc.pid]
        with contextlib.suppress(psutil.NoSuchProcess):  # a test may have stopped it already
            everything += [p.pid for p in psutil.Process(proc.pid).children(recursive=True)]
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=PATIENCE)
        finally:
            for pid in everything:  # never leave a server behind, whatever the test found
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def test_the_command_line_serves_the_wsgi_application_and_restarts_dead_workers() -> None:
    line = command(host=HOST, port=8000, workers=2, threads=4)

    assert Path(line[0]).name == "granian"
    assert line[-1] == "medic.wsgi:application"
    assert line[line.index("--interface") + 1] == "wsgi"
    assert line[line.index("--blocking-threads") + 1] == "4"
    assert "--respawn-failed-workers" in line
    assert "--access-log" not in line
    assert "--access-log" in command(host=HOST, port=8000, workers=2, threads=4, access_log=True)


def test_killing_workers_in_a_loop_never_stops_the_server(
    server: tuple[subprocess.Popen[bytes], int, Path],
) -> None:
    proc, port, log = server
    for killed in range(1, 4):
        victim = _workers(proc)[0]
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=PATIENCE)
        # The other worker answers meanwhile, and the dead one is replaced by one that serves (Granian logs
        # "Started worker-N" once the new worker has loaded the application and listens).
        assert _get(port)[0] == 200
        _until(lambda: _started(log) == 2 + killed, "a new worker", log)

    assert proc.poll() is None
    assert all(_get(port)[0] == 200 for _ in range(10))


def test_a_burst_of_stop_signals_stops_the_server_and_its_workers(
    server: tuple[subprocess.Popen[bytes], int, Path],
) -> None:
    """Ctrl-C, then `make run`'s own SIGTERM, and more: Granian is asked once, and it all stops."""
    proc, port, _ = server
    everything = [_granian(proc), *_workers(proc)]

    for _ in range(3):
        proc.send_signal(signal.SIGINT)
        proc.send_signal(signal.SIGTERM)

    assert proc.wait(timeout=PATIENCE) == 0
    _, alive = psutil.wait_procs(everything, timeout=PATIENCE)
    assert alive == []
    assert not _answers(port)


def test_a_taken_port_is_refused_rather_than_shared(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = subprocess.run(
            [sys.executable, "-m", "medic.server", "--port", str(port)],
            cwd=settings.BASE_DIR,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=PATIENCE,
        )

    assert result.returncode == 1
    assert "already in use" in result.stderr


def test_a_port_left_in_time_wait_by_a_stopped_server_is_free() -> None:
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, 0))
        listener.listen()
        port = listener.getsockname()[1]
        client = socket.create_connection((HOST, port))
        accepted, _ = listener.accept()
        accepted.close()  # the server's side closes first: its end waits in TIME_WAIT
        client.close()
    assert not port_taken(HOST, port)


def test_killing_the_supervisor_stops_granian(server: tuple[subprocess.Popen[bytes], int, Path]) -> None:
    proc, port, _ = server
    granian = _granian(proc)

    proc.send_signal(signal.SIGKILL)

    granian.wait(timeout=PATIENCE)
    _until(lambda: not _answers(port), "the server to stop", Path(os.devnull))


def test_an_oversize_body_is_refused_as_json_before_it_is_read(
    server: tuple[subprocess.Popen[bytes], int, Path],
) -> None:
    _, port, _ = server
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = b"0" * (limit + 1)

    status, answer = _get(
        port,
        "/api/appointments/holds",
        method="POST",
        body=body,
        headers={"Content-Type": "application/json"},
    )

    assert status == 413
    assert b'"PAYLOAD_TOO_LARGE"' in answer


def test_an_api_error_is_json_through_the_server(server: tuple[subprocess.Popen[bytes], int, Path]) -> None:
    _, port, _ = server

    status, answer = _get(port, "/api/me")

    assert status == 401
    assert answer.startswith(b'{"ok":false')
