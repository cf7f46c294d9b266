"""The desk's notices: what patients booked, moved or cancelled themselves, read from the audit log, with a
per-user marker of how far each staff member has read them.

The audit log is the source (not the staff emails in `Notice`): it lists a change even when the clinic has
no staff address or the worker has not run yet, and it cannot be edited. Holds are not notices: a patient's
hold becomes one when it is confirmed, and a hold the patient gives up or moves was never announced.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import DateTimeField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from appointments.models import ActorType, AppointmentEvent, DeskNoticesSeen, Status
from appointments.selectors import utcnow
from medic.clinic.models import Clinic

# The audit events that are notices (the kinds of the partial index event_patient_change_idx).
NOTICE_KINDS = ("confirmed", "rescheduled", "cancelled")
# Without a marker (a staff member who never marked anything seen), this much of the past counts as unread.
UNREAD_WITHOUT_MARKER = timedelta(days=7)
# The navigation shows "99+" past this: counting further would cost a query per page for nothing.
UNREAD_CAP = 99

WORDS = {"confirmed": "Booked", "rescheduled": "Moved", "cancelled": "Cancelled"}


def notices_of(clinic: Clinic | uuid.UUID) -> QuerySet[AppointmentEvent]:
    """Every notice of the clinic, newest first, with what a line shows loaded in the same query."""
    clinic_id = clinic.pk if isinstance(clinic, Clinic) else clinic
    return (
        AppointmentEvent.objects.filter(
            actor_type=ActorType.PATIENT,
            kind__in=NOTICE_KINDS,
            appointment__doctor__clinic_id=clinic_id,
        )
        # A move or a cancellation of a booking, not of a hold the patient was still deciding on.
        .exclude(kind__in=("rescheduled", "cancelled"), before__status=Status.HELD)
        .select_related("appointment__patient", "appointment__doctor", "appointment__appointment_type")
        .order_by("-created_at", "-id")
    )


def seen_until(user_id: uuid.UUID, clinic_id: uuid.UUID) -> datetime:
    """The instant up to which the user has read the clinic's notices."""
    marker = (
        DeskNoticesSeen.objects.filter(user_id=user_id, clinic_id=clinic_id)
        .values_list("seen_until", flat=True)
        .first()
    )
    return marker if marker is not None else utcnow() - UNREAD_WITHOUT_MARKER


def unread_count(user_id: uuid.UUID, clinic_id: uuid.UUID) -> int:
    """How many notices are newer than the user's marker, counted up to UNREAD_CAP + 1 (one query)."""
    marker = DeskNoticesSeen.objects.filter(user_id=user_id, clinic_id=clinic_id).values("seen_until")[:1]
    since = Coalesce(Subquery(marker), Value(utcnow() - UNREAD_WITHOUT_MARKER), output_field=DateTimeField())
    rows = notices_of(clinic_id).select_related(None).order_by().filter(created_at__gt=since)
    return rows[: UNREAD_CAP + 1].count()


def mark_seen(*, user_id: uuid.UUID, clinic_id: uuid.UUID, until: datetime) -> datetime:
    """Move the user's marker forward to `until` (never back, never past now); returns the marker.

    `until` is the newest notice the user was shown, not "now", so a notice that arrived while they read
    stays unread."""
    until = min(until, utcnow())
    with transaction.atomic():
        marker, created = DeskNoticesSeen.objects.select_for_update().get_or_create(
            user_id=user_id, clinic_id=clinic_id, defaults={"seen_until": until}
        )
        if not created and until > marker.seen_until:
            marker.seen_until = until
            marker.save(update_fields=["seen_until"])
    return marker.seen_until


@dataclass(frozen=True, slots=True)
class Line:
    """One notice as the desk shows it."""

    event: AppointmentEvent
    what: str
    unread: bool
    starts_at: datetime | None  # the appointment's start when it happened (for a move: the new start)
    moved_from: datetime | None  # a move's old start


def _instant(snapshot: object, key: str) -> datetime | None:
    if not isinstance(snapshot, dict) or not snapshot.get(key):
        return None
    try:
        return datetime.fromisoformat(str(snapshot[key]))
    except ValueError:
        return None


def lines(events: list[AppointmentEvent], marker: datetime) -> list[Line]:
    return [
        Line(
            event=e,
            what=WORDS[e.kind],
            unread=e.created_at > marker,
            starts_at=_instant(e.after, "startsAt") or e.appointment.starts_at,
            moved_from=_instant(e.before, "startsAt") if e.kind == "rescheduled" else None,
        )
        for e in events
    ]
