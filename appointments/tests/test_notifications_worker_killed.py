"""Exactly once with real processes: a worker killed (SIGKILL) while it sends an email, then a new worker →
one email, not none and not two."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from appointments import notifications, tasks
from appointments.models import Appointment, Notice, NoticeKind
from appointments.tests.factories import AppointmentFactory
from medic.tests.processes import on_test_database

pytestmark = pytest.mark.django_db(transaction=True)

# Generous bounds on waiting for another process (never asserted as timings).
PATIENCE = 60.0


def worker_env(tmp_path: Path, backend: str) -> dict[str, str]:
    """The environment of a worker process on this test's database, with the given email backend."""
    env = {**on_test_database(), "PYTHONPATH": str(settings.BASE_DIR)}
    env.update(
        MEDIC_TEST_EMAIL_BACKEND=backend,
        MEDIC_TEST_EMAIL_DIR=str(tmp_path / "mail"),
        MEDIC_TEST_SENDING_MARKER=str(tmp_path / "sending"),
    )
    return env


def start_worker(tmp_path: Path, backend: str, *, wait: bool) -> subprocess.Popen[bytes]:
    env = worker_env(tmp_path, backend)
    if wait:
        env["MEDIC_TEST_WORKER_WAIT"] = "1"
    log = tmp_path / f"worker-{time.monotonic_ns()}.log"
    with log.open("wb") as out:  # a file, not a pipe: a chatty worker never blocks on a full pipe
        proc = subprocess.Popen(
            [sys.executable, "-m", "appointments.tests.email_backends"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    proc.log = log  # type: ignore[attr-defined]
    return proc


def output_of(proc: subprocess.Popen[bytes]) -> str:
    return proc.log.read_text(errors="replace")  # type: ignore[attr-defined]


def until(condition: Callable[[], object], what: str, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"the worker stopped before {what}:\n{output_of(proc)}")
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}" + (f":\n{output_of(proc)}" if proc else ""))
        time.sleep(0.05)


def emails_written(tmp_path: Path) -> list[str]:
    folder = tmp_path / "mail"
    return [p.read_text() for p in sorted(folder.glob("*.log"))] if folder.exists() else []


def recovered() -> bool:
    """What `retry_stalled_jobs` does every minute, with a threshold this test can wait for: the dead
    worker's job is queued again (or closed, when its periodic twin is already queued)."""
    tasks.retry_stalled(seconds_since_heartbeat=0.5)
    return app.job_manager.list_jobs(status="doing") == []


def defer_reminders(tick: int) -> int:
    """Queue the reminder sweep as its periodic schedule would (the tick is hidden from the task's types)."""
    return tasks.send_due_reminders.defer(timestamp=tick)  # type: ignore[call-arg]


@pytest.fixture
def clean_queue() -> Iterator[None]:
    """The worker tables are not flushed between transactional tests: leave them as found."""
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs")
        cursor.execute("DELETE FROM procrastinate_workers")


@pytest.fixture
def due(demo, consult) -> Appointment:
    """A confirmed appointment three hours from now: inside the clinic's 24-hour reminder lead."""
    starts = (timezone.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    return AppointmentFactory.create(appointment_type=consult, patient=demo.patient, starts_at=starts)


def kill_mid_send_then_restart(tmp_path: Path, defer: Callable[[], object]) -> subprocess.Popen[bytes]:
    """Run the deferred job in a worker that hangs in the mail backend, SIGKILL it there, let the periodic
    recovery put the dead worker's job back, and run a fresh worker until the queue is empty."""
    defer()
    hung = start_worker(tmp_path, "appointments.tests.email_backends.HangWhileSending", wait=True)
    try:
        until((tmp_path / "sending").exists, "the worker started sending", hung)
    finally:
        hung.kill()  # SIGKILL: no cleanup, no goodbye to the database
        hung.wait(timeout=PATIENCE)
    assert emails_written(tmp_path) == []
    until(recovered, "the dead worker's job to be put back")
    fresh = start_worker(tmp_path, "django.core.mail.backends.filebased.EmailBackend", wait=False)
    assert fresh.wait(timeout=PATIENCE) == 0, output_of(fresh)
    return fresh


def test_a_reminder_survives_a_worker_killed_mid_send_and_goes_out_once(
    demo, due, tmp_path, clean_queue
) -> None:
    kill_mid_send_then_restart(tmp_path, lambda: defer_reminders(0))
    written = emails_written(tmp_path)
    assert len(written) == 1 and demo.patient.email in written[0] and "Reminder" in written[0]
    assert Notice.objects.filter(appointment=due, kind=NoticeKind.REMINDER).count() == 1
    # The next periodic run (and a duplicate of it) finds the reminder recorded and sends nothing.
    with contextlib.suppress(AlreadyEnqueued):  # the worker's own periodic deferrer may have queued it
        defer_reminders(1)
    again = start_worker(tmp_path, "django.core.mail.backends.filebased.EmailBackend", wait=False)
    assert again.wait(timeout=PATIENCE) == 0, output_of(again)
    assert len(emails_written(tmp_path)) == 1


def test_a_confirmation_survives_a_worker_killed_mid_send_and_goes_out_once(
    demo, due, tmp_path, clean_queue
) -> None:
    version = notifications.notice_version(due.pk)

    def defer() -> None:
        tasks.send_notice.defer(appointment_id=str(due.pk), kind=NoticeKind.CONFIRMED.value, version=version)

    kill_mid_send_then_restart(tmp_path, defer)
    # The fresh worker's periodic reminder run may also fall due meanwhile (every 5 minutes by the clock), and
    # `due` is within its reminder lead: that email is another notice, not a second confirmation.
    written = [e for e in emails_written(tmp_path) if "Reminder" not in e]
    assert len(written) == 1 and demo.patient.email in written[0]
    assert Notice.objects.filter(appointment=due, kind=NoticeKind.CONFIRMED).count() == 1
    assert app.job_manager.list_jobs(task="appointments.tasks.send_notice", status="doing") == []
