"""Which queued jobs are announced to the worker with NOTIFY (migration 0010): not the emails, whose worker
polls every second, so the commits that queue them are not serialised; the other queues still are."""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from procrastinate.contrib.django import app

from appointments import tasks

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _leave_the_queue_as_found():
    """The job tables are not flushed between transactional tests."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM procrastinate_jobs")
        (last,) = cursor.fetchone()
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs WHERE id > %s", [last])


@pytest.fixture
def listener():
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as conn:
        conn.execute("LISTEN procrastinate_any_queue_v1")
        yield conn


def _announced(conn: psycopg.Connection) -> list[str]:
    return [n.payload for n in conn.notifies(timeout=0.5, stop_after=1)]


def test_an_email_job_is_queued_without_a_notify(listener) -> None:
    job_id = tasks.send_notice.defer(appointment_id=str(uuid.uuid4()), kind="confirmed", version=1)

    assert _announced(listener) == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT queue_name, status FROM procrastinate_jobs WHERE id = %s", [job_id])
        assert cursor.fetchone() == ("emails", "todo")


def test_a_maintenance_job_is_still_announced(listener) -> None:
    job_id = tasks.prune_idempotency_records.configure(queueing_lock=str(uuid.uuid4())).defer(timestamp=0)

    assert [json.loads(payload) for payload in _announced(listener)] == [
        {"type": "job_inserted", "job_id": job_id}
    ]


def test_the_worker_polls_every_second() -> None:
    assert settings.PROCRASTINATE_WORKER_DEFAULTS["fetch_job_polling_interval"] == 1.0
    assert app.worker_defaults["fetch_job_polling_interval"] == 1.0
