"""Background jobs (Procrastinate, on PostgreSQL): the periodic sweep of holds that ran out.

Correctness never waits for this job: a new hold expires the stale holds in its way itself. The sweep only
keeps listings and the audit log current. Reminders will live here too.
"""

from __future__ import annotations

import logging

from procrastinate.contrib.django import app

from appointments import services

logger = logging.getLogger(__name__)


@app.periodic(cron="* * * * *", periodic_id="expire_stale_holds")
@app.task(queue="maintenance", queueing_lock="expire_stale_holds", pass_context=False)
def expire_stale_holds(timestamp: int) -> int:
    """Every minute: mark held appointments past their expiry as expired, with an audit event each."""
    count = services.expire_stale_holds()
    if count:
        logger.info("expired %d stale hold(s)", count)
    return count
