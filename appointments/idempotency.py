"""Idempotency-Key: a write's first answer is stored and replayed to a retry with the same key and body,
for MEDIC_IDEMPOTENCY_HOURS (default 24); older answers are forgotten and pruned by a periodic job."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from appointments.models import IdempotencyRecord
from appointments.selectors import utcnow
from medic.clinic.models import User
from medic.errors import FieldError, ValidationFailed

MAX_KEY_LENGTH = 255  # IdempotencyRecord.key's column
PRUNE_BATCH = 5000  # rows deleted per statement, so the prune never holds many row locks at once

# (HTTP status, JSON body): what is stored and replayed.
Answer = tuple[int, dict[str, Any]]


def request_fingerprint(method: str, path: str, data: Any) -> str:
    """SHA-256 of what makes two requests "the same": method, path and the body with its keys sorted."""
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{body}".encode()).hexdigest()


def run_once(
    *,
    user: User,
    key: str | None,
    fingerprint: Callable[[], str],
    run: Callable[[], Answer],
) -> Answer:
    """`run()`'s answer; with a `key`, the answer first given for that key instead, if there was one.

    The key is checked before `fingerprint` is called, so a bad key is reported before an unreadable body.
    A key reused with another request is 422 IDEMPOTENCY_KEY_REUSED. Anything `run` raises (rather than
    answers) is not stored: the retry runs again.
    """
    if not key:
        return run()
    if len(key) > MAX_KEY_LENGTH:
        raise ValidationFailed(
            [FieldError("", "INVALID_IDEMPOTENCY_KEY", f"At most {MAX_KEY_LENGTH} characters.")]
        )
    this_request = fingerprint()
    with transaction.atomic():
        # Serialise requests with one key (a retry racing the original waits for it, then replays it).
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"{user.pk}:{key}"])
        record = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if record is not None and record.created_at < utcnow() - keep_for():
            # Past its keeping time: the same answer whether or not the hourly prune has run yet.
            record.delete()
            record = None
        if record is not None:
            if record.fingerprint != this_request:
                raise ValidationFailed(
                    [
                        FieldError(
                            "",
                            "IDEMPOTENCY_KEY_REUSED",
                            "This Idempotency-Key was used with another request.",
                        )
                    ]
                )
            return record.status_code, record.body
        status, body = run()
        IdempotencyRecord.objects.create(
            user=user,
            key=key,
            fingerprint=this_request,
            status_code=status,
            # Stored as the JSON it is sent as (ids and instants as strings).
            body=json.loads(json.dumps(body, default=str)),
        )
    return status, body


def keep_for() -> timedelta:
    """How long an answer is replayed (a retry comes within seconds or minutes; a day is generous)."""
    return timedelta(hours=int(getattr(settings, "MEDIC_IDEMPOTENCY_HOURS", 24)))


def prune(now: datetime | None = None) -> int:
    """Delete the answers older than `keep_for()`, in batches; returns how many went."""
    cutoff = (now or utcnow()) - keep_for()
    total = 0
    while True:
        batch = IdempotencyRecord.objects.filter(created_at__lt=cutoff).order_by().values("pk")[:PRUNE_BATCH]
        deleted, _ = IdempotencyRecord.objects.filter(pk__in=batch).delete()
        total += deleted
        if deleted < PRUNE_BATCH:
            return total
