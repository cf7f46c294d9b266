"""Background jobs (Procrastinate, on PostgreSQL): the periodic sweep of holds that ran out, and emails.

Correctness never waits for the sweep: a new hold expires the stale holds in its way itself. The sweep only
keeps listings and the audit log current. Emails (appointments.notifications) are sent at most once each,
however often their job runs.
"""

from __future__ import annotations

import logging

from procrastinate.contrib.django import app

from appointments import notifications, services

logger = logging.getLogger(__name__)


@app.periodic(cron="* * * * *", periodic_id="expire_stale_holds")
@app.task(queue="maintenance", queueing_lock="expire_stale_holds", pass_context=False)
def expire_stale_holds(timestamp: int) -> int:
    """Every minute: mark held appointments past their expiry as expired, with an audit event each."""
    count = services.expire_stale_holds()
    if count:
        logger.info("expired %d stale hold(s)", count)
    return count


@app.task(queue="emails", pass_context=False)
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
