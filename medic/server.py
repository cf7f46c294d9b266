"""Serve Medic over HTTP with Granian: one command line for `make run`, the benchmarks and the tests.

Why Granian rather than gunicorn: with the booking API's own work down to about a millisecond a request,
gunicorn's pure-Python HTTP handling (reading and parsing each request, its thread pool's queue, writing the
answer) was a seventh of the web CPU. Granian does that part in Rust and runs only the WSGI application in
Python threads; `make bench` runs the fast path on both servers in one run (docs/PERFORMANCE.md).

Each worker process imports `medic.wsgi` and runs `--threads` Python threads (Granian's "blocking threads"),
each with its own persistent database connection. A worker that dies (a crash, a SIGKILL) is started again
at once; the other keeps answering meanwhile. `python -m medic.server` refuses a port already taken and runs
Granian under `supervise`, which passes on one stop request however many signals arrive.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
APP = "medic.wsgi:application"
RESPAWN_SECONDS = 0.5  # Granian waits 3.5 s by default before starting a worker again
WORKER_STOP_SECONDS = 5  # a worker still busy 5 s after Ctrl-C or SIGTERM is killed, as gunicorn did
STOP_SECONDS = 15  # and Granian itself, if it has not stopped 15 s after it was asked
IDLE_THREAD_SECONDS = 600  # Granian's most: an idle thread and its connection live 10 min, not 30 s


def command(
    *,
    host: str,
    port: int,
    workers: int,
    threads: int,
    access_log: bool = False,
    app: str = APP,
) -> list[str]:
    """Granian's command line serving `app` (module:callable) on host:port."""
    line = [
        str(BIN / "granian"),
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--blocking-threads-idle-timeout",
        str(IDLE_THREAD_SECONDS),
        "--http",
        "1",
        "--no-ws",
        "--respawn-failed-workers",
        "--respawn-interval",
        str(RESPAWN_SECONDS),
        "--workers-kill-timeout",
        str(WORKER_STOP_SECONDS),
    ]
    if access_log:
        line.append("--access-log")
    return [*line, app]


def port_taken(host: str, port: int) -> bool:
    """Whether something already listens on host:port. Granian binds with SO_REUSEPORT, so a second server
    on a taken port would start without a word and share the port with the first; a plain bind fails."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        # As servers bind: a connection of a server just stopped, left in TIME_WAIT, does not count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def supervise(line: list[str], *, kill_after: float = STOP_SECONDS) -> int:
    """Run Granian (`line`) until it exits, passing on one stop request; its exit status.

    Granian runs in its own process group, so a Ctrl-C in the terminal reaches only this process, and this
    process sends Granian exactly one SIGTERM however many signals arrive (Ctrl-C, then `make run`'s own
    SIGTERM): Granian's main process sets a threading.Event from its signal handler, and a second signal
    landing inside that handler deadlocks it for good. A server still running `kill_after` seconds after the
    stop request is killed with its workers, and on Linux Granian is told to stop should this process die
    without passing anything on (a SIGKILL), rather than keep the port.
    """
    server = subprocess.Popen(  # noqa: S603 - our own command line
        line, start_new_session=True, preexec_fn=_stop_with_parent if sys.platform == "linux" else None
    )
    stop_at: float | None = None

    def stop(signum: int, frame: object) -> None:
        nonlocal stop_at
        if stop_at is None:
            stop_at = time.monotonic() + kill_after
            with contextlib.suppress(ProcessLookupError):
                os.kill(server.pid, signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while True:
        try:
            return server.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            if stop_at is not None and time.monotonic() > stop_at:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(server.pid, signal.SIGKILL)


def _stop_with_parent() -> None:
    """In the child, before Granian starts: SIGTERM when the parent (the supervisor) dies."""
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m medic.server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2, help="processes")
    parser.add_argument("--threads", type=int, default=4, help="Python threads per process")
    parser.add_argument("--access-log", action="store_true", help="one line per request on stdout")
    args = parser.parse_args(argv)
    if port_taken(args.host, args.port):
        print(f"{args.host}:{args.port} is already in use (another server?): not starting", file=sys.stderr)
        return 1
    line = command(
        host=args.host,
        port=args.port,
        workers=args.workers,
        threads=args.threads,
        access_log=args.access_log,
    )
    return supervise(line)


if __name__ == "__main__":
    sys.exit(main())
