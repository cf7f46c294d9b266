"""Background jobs (Procrastinate, on PostgreSQL): the periodic sweep of holds that ran out, emails, and
housekeeping (jobs of a dead worker retried, old idempotency records pruned).

Correctness never waits for the sweep: a new hold expires the stale holds in its way itself. The sweep only
keeps listings and the audit log current. Emails (appointments.notifications) are sent at most once each,
however often their job runs, so every job here may safely run again: a failed send is retried, and a job
whose worker died mid-run (SIGKILL, a lost machine) is put back in the queue by `retry_stalled_jobs`.
"""

from __future__ import annotations

import contextlib
import logging

from django.conf import settings
from django.db import transaction
from procrastinate import RetryStrategy, exceptions
from procrastinate.contrib.django import app
from procrastinate.sql import queries
from procrastinate.utils import utcnow

from appointments import idempotency, notifications, services

logger = logging.getLogger(__name__)

# A send that fails (mail server down, a timeout) is tried again after about 3 s, 9 s, 27 s, … ~2 h.
EMAIL_RETRY = RetryStrategy(max_attempts=8, exponential_wait=3)


@app.periodic(cron="* * * * *", periodic_id="expire_stale_holds")
@app.task(queue="maintenance", queueing_lock="expire_stale_holds", pass_context=False)
def expire_stale_holds(timestamp: int) -> int:
    """Every minute: mark held appointments past their expiry as expired, with an audit event each."""
    count = services.expire_stale_holds()
    if count:
        logger.info("expired %d stale hold(s)", count)
    return count


@app.task(queue="emails", pass_context=False, retry=EMAIL_RETRY)
def send_notice(appointment_id: str, kind: str, version: int) -> int:
    """One notice about one appointment (queued by the services after their transaction commits)."""
    return notifications.send_notice(appointment_id, kind, version)


@app.periodic(cron="*/5 * * * *", periodic_id="send_due_reminders")
@app.task(queue="emails", queueing_lock="send_due_reminders", pass_context=False)
def send_due_reminders(timestamp: int) -> int:
    """Every five minutes: remind patients of confirmed appointments within their clinic's reminder_hours."""
    count = notifications.send_due_reminders()
    if count:
        logger.info("sent %d reminder(s)", count)
    return count


def stalled_after_seconds() -> float:
    """How long a worker may miss its heartbeat (sent every 10 s) before its running jobs count as stalled."""
    return float(getattr(settings, "MEDIC_STALLED_JOB_SECONDS", 30))


def retry_stalled(*, seconds_since_heartbeat: float | None = None) -> int:
    """Put back in the queue every job left "doing" by a worker that stopped sending heartbeats (killed, or
    its machine lost); returns how many. Safe because every task here may run again (module docstring)."""
    seconds = stalled_after_seconds() if seconds_since_heartbeat is None else seconds_since_heartbeat
    rows = app.connector.get_sync_connector().execute_query_all(
        query=queries["select_stalled_jobs_by_heartbeat"],
        queue=None,
        task_name=None,
        seconds_since_heartbeat=seconds,
    )
    retried = 0
    for row in rows:
        try:
            with transaction.atomic():
                app.job_manager.retry_job_by_id(job_id=row["id"], retry_at=utcnow())
        except exceptions.UniqueViolation:
            # A periodic job (one queueing lock) is already queued again: that one does this one's work.
            logger.warning(
                "job %s (%s) of a stalled worker is queued again: closed", row["id"], row["task_name"]
            )
            _close(row["id"])
        except exceptions.ConnectorException:
            pass  # finished or retried by another worker meanwhile
        else:
            logger.warning("retrying job %s (%s) of a stalled worker", row["id"], row["task_name"])
            retried += 1
    return retried


def _close(job_id: int) -> None:
    with contextlib.suppress(exceptions.ConnectorException), transaction.atomic():
        app.connector.get_sync_connector().execute_query(
            query=queries["finish_job"], job_id=job_id, status="failed", delete_job=False
        )


@app.periodic(cron="* * * * *", periodic_id="retry_stalled_jobs")
@app.task(queue="maintenance", queueing_lock="retry_stalled_jobs", pass_context=False)
def retry_stalled_jobs(timestamp: int) -> int:
    """Every minute: requeue the jobs of workers that died mid-job (see `retry_stalled`)."""
    return retry_stalled()


@app.periodic(cron="17 * * * *", periodic_id="prune_idempotency_records")
@app.task(queue="maintenance", queueing_lock="prune_idempotency_records", pass_context=False)
def prune_idempotency_records(timestamp: int) -> int:
    """Every hour: delete the Idempotency-Key answers older than MEDIC_IDEMPOTENCY_HOURS (default 24)."""
    count = idempotency.prune()
    if count:
        logger.info("pruned %d idempotency record(s)", count)
    return count
