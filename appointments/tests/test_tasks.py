"""The periodic job that sweeps holds which ran out."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from procrastinate.contrib.django import app

from appointments import tasks
from appointments.models import Appointment, AppointmentEvent, Status
from appointments.tests.conftest import hold_body, local

pytestmark = pytest.mark.usefixtures("hours")


def test_sweep_is_registered_to_run_every_minute() -> None:
    periodic = {p.periodic_id: p for p in app.periodic_registry.periodic_tasks.values()}
    assert periodic["expire_stale_holds"].cron == "* * * * *"


def test_sweep_expires_only_holds_that_ran_out(patient_api, demo, consult, day) -> None:
    stale = patient_api.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "10:00")), format="json"
    )
    fresh = patient_api.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "11:00")), format="json"
    )
    Appointment.objects.filter(pk=stale.json()["id"]).update(
        hold_expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert tasks.expire_stale_holds(timestamp=0) == 1
    assert Appointment.objects.get(pk=stale.json()["id"]).status == Status.EXPIRED
    assert Appointment.objects.get(pk=fresh.json()["id"]).status == Status.HELD
    assert AppointmentEvent.objects.filter(kind="expired", actor_type="system").count() == 1


def test_housekeeping_is_registered() -> None:
    periodic = {p.periodic_id: p for p in app.periodic_registry.periodic_tasks.values()}
    assert periodic["retry_stalled_jobs"].cron == "* * * * *"
    assert periodic["prune_idempotency_records"].cron == "17 * * * *"


def _worker(heartbeat_age: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now() - %s::interval) RETURNING id",
            [heartbeat_age],
        )
        return int(cursor.fetchone()[0])


def _running(job_id: int, worker_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s WHERE id = %s",
            [worker_id, job_id],
        )


def _status(job_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT status FROM procrastinate_jobs WHERE id = %s", [job_id])
        return str(cursor.fetchone()[0])


def test_jobs_of_a_worker_that_stopped_its_heartbeat_go_back_in_the_queue(db) -> None:
    dead = tasks.send_notice.defer(appointment_id=str(uuid.uuid4()), kind="confirmed", version=0)
    alive = tasks.send_notice.defer(appointment_id=str(uuid.uuid4()), kind="confirmed", version=0)
    _running(dead, _worker("5 minutes"))
    _running(alive, _worker("1 second"))
    assert tasks.retry_stalled_jobs(timestamp=0) == 1
    assert _status(dead) == "todo" and _status(alive) == "doing"
    assert tasks.retry_stalled_jobs(timestamp=0) == 0


def test_a_stalled_periodic_job_already_queued_again_is_closed_not_retried(db) -> None:
    stalled = tasks.send_due_reminders.defer(timestamp=0)  # type: ignore[call-arg]
    _running(stalled, _worker("5 minutes"))
    queued = tasks.send_due_reminders.defer(timestamp=60)  # type: ignore[call-arg]  # the next tick
    assert tasks.retry_stalled_jobs(timestamp=0) == 0
    assert _status(stalled) == "failed" and _status(queued) == "todo"
