"""Emails about appointments: compose them (text, HTML, an .ics invitation) and send each exactly once.

Exactly once: `send_notice` writes a `Notice` row (appointment, kind, version, recipient) with INSERT … ON
CONFLICT DO NOTHING in the transaction that sends (one per recipient), with the appointment's row locked, so
a retried, duplicated or late job finds the row and sends nothing, and a send that fails or a worker killed
mid-send leaves no row, so the retry (appointments.tasks: send retries, and stalled jobs of a dead worker are
retried) sends it. The one window left is a crash after the mail server accepted a message and before the
commit; it can only ever cause a repeat, never a loss. The *notice version* of an appointment is the number
of its "rescheduled" and "cancelled" audit events: it changes exactly when an earlier notice becomes wrong,
and a job carrying an older version than the appointment's is stale and sends nothing (so no reminder ever
goes out for a time the appointment has left). It is also the .ics SEQUENCE.
"""

from __future__ import annotations

import logging
import uuid
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from functools import partial

import icalendar
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, Func, Value
from django.template.loader import render_to_string
from procrastinate.types import JSONValue
from psycopg.types.json import Jsonb

from appointments.models import (
    VERSION_EVENT_KINDS,
    ActorType,
    Appointment,
    AppointmentEvent,
    Notice,
    NoticeKind,
    Status,
)
from appointments.selectors import utcnow
from medic.clinic.models import User

logger = logging.getLogger(__name__)

PATIENT_KINDS = (NoticeKind.CONFIRMED, NoticeKind.RESCHEDULED, NoticeKind.CANCELLED, NoticeKind.REMINDER)
STAFF_KINDS = (NoticeKind.STAFF_BOOKED, NoticeKind.STAFF_CANCELLED)
CANCEL_KINDS = (NoticeKind.CANCELLED, NoticeKind.STAFF_CANCELLED)

# What patients read: the subject's start and the headline of the body.
_HEADLINES = {
    NoticeKind.CONFIRMED: "Your appointment is booked",
    NoticeKind.RESCHEDULED: "Your appointment has moved",
    NoticeKind.CANCELLED: "Your appointment is cancelled",
    NoticeKind.REMINDER: "Reminder of your appointment",
    NoticeKind.STAFF_BOOKED: "A patient booked an appointment",
    NoticeKind.STAFF_CANCELLED: "A patient cancelled an appointment",
}


def notice_version(appointment_id: uuid.UUID) -> int:
    """See the module docstring."""
    return AppointmentEvent.objects.filter(
        appointment_id=appointment_id, kind__in=VERSION_EVENT_KINDS
    ).count()


def rescheduled_count(appointment_id: uuid.UUID) -> int:
    return AppointmentEvent.objects.filter(appointment_id=appointment_id, kind="rescheduled").count()


# --- from the services --------------------------------------------------------------------------------------


_SILENT: ContextVar[bool] = ContextVar("medic_notices_silent", default=False)


@contextmanager
def silenced() -> Iterator[None]:
    """No notices for changes made inside (the demo seed books dozens of appointments nobody is told of)."""
    token = _SILENT.set(True)
    try:
        yield
    finally:
        _SILENT.reset(token)


def _notice_kinds(kind: str, actor_type: str) -> list[str]:
    """The patient's notice of a change, and the clinic staff's when the patient booked or cancelled
    themself."""
    kinds = [kind]
    if actor_type == ActorType.PATIENT and kind == NoticeKind.CONFIRMED:
        kinds.append(NoticeKind.STAFF_BOOKED)
    if actor_type == ActorType.PATIENT and kind == NoticeKind.CANCELLED:
        kinds.append(NoticeKind.STAFF_CANCELLED)
    return kinds


def _notice_jobs(a: Appointment, kind: str, actor_type: str, version: int) -> list[dict[str, JSONValue]]:
    kinds = _notice_kinds(kind, actor_type)
    return [{"appointment_id": str(a.pk), "kind": str(k), "version": version} for k in kinds]


def notify_after_commit(a: Appointment, kind: str, actor_type: str) -> None:
    """Queue the notices of a change once the caller's transaction commits (never for a rolled-back one):
    one job per notice, all in one statement."""
    if _SILENT.get():
        return
    from appointments import tasks  # tasks imports the services, which import this module

    jobs = _notice_jobs(a, kind, actor_type, notice_version(a.pk))
    transaction.on_commit(partial(tasks.send_notice.batch_defer, *jobs))


# Procrastinate's own way in (its `defer_jobs` query), for a statement that queues jobs with its write. The
# jobs come as one JSON array (`notice_jobs_param`), so the statement can be prepared once per connection (a
# record array is spelled into the text by the client and planned again on every call), and one parameter
# is cheap to send (psycopg's array dumpers cost more than the rest of a confirm's parameters together).
QUEUE_JOBS_SQL = (
    "procrastinate_defer_jobs_v1(ARRAY("
    "SELECT ROW(j->>'queue_name', j->>'task_name', (j->>'priority')::int, j->>'lock', j->>'queueing_lock',"
    " j->'args', (j->>'scheduled_at')::timestamptz)::procrastinate_job_to_defer_v1"
    " FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS e(j, n) ORDER BY e.n))"
)


def notice_jobs_param(a: Appointment, kind: str, actor_type: str, version: int) -> Jsonb | None:
    """The parameter of `QUEUE_JOBS_SQL` that queues the notices of a change in the same statement as the
    change itself (committed with it, or not at all): each job as procrastinate would defer it, with the
    fields of its `JobToDefer`. None when notices are silenced."""
    if _SILENT.get():
        return None
    from appointments import tasks  # tasks imports the services, which import this module

    deferrer = tasks.send_notice.configure()
    jobs: list[dict[str, JSONValue]] = []
    for kwargs in _notice_jobs(a, kind, actor_type, version):
        job = deferrer.make_new_job(**kwargs)
        jobs.append(
            {
                "queue_name": job.queue,
                "task_name": job.task_name,
                "priority": job.priority,
                "lock": job.lock,
                "queueing_lock": job.queueing_lock,
                "args": job.task_kwargs,
                "scheduled_at": job.scheduled_at.isoformat() if job.scheduled_at else None,
            }
        )
    return Jsonb(jobs)


# --- deciding and sending -----------------------------------------------------------------------------------


def _still_true(a: Appointment, kind: str) -> bool:
    """Whether the notice still describes the appointment (its version already matched)."""
    if kind in CANCEL_KINDS:
        # A hold given up was never announced: there is nothing to take back.
        return a.status == Status.CANCELLED and a.confirmed_at is not None
    return a.status == Status.CONFIRMED


def recipients(a: Appointment, kind: str) -> list[str]:
    """The patient's address (none: no email), or every active staff member of the doctor's clinic."""
    if kind in STAFF_KINDS:
        return sorted(
            set(
                User.objects.filter(memberships__clinic_id=a.doctor.clinic_id, is_active=True).values_list(
                    "email", flat=True
                )
            )
        )
    email = a.patient.email or (a.patient.user.email if a.patient.user else "")
    return [email] if email else []


def _record(a: Appointment, kind: str, version: int, recipient: str) -> bool:
    """Record the notice; False when it was already recorded (by this or a concurrent job)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Notice._meta.db_table} (appointment_id, kind, version, recipient, sent_at) "  # noqa: S608 - our own table name
            "VALUES (%s, %s, %s, %s, now()) ON CONFLICT DO NOTHING RETURNING id",
            [a.pk, kind, version, recipient],
        )
        return cursor.fetchone() is not None


def send_notice(appointment_id: uuid.UUID | str, kind: str, version: int) -> int:
    """Send the `kind` notice of the appointment as of `version`; returns how many emails went out.

    Nothing is sent when the appointment has changed since (a stale job), when the notice no longer holds
    (a reminder for a cancelled booking), to a recipient already sent this notice, or to nobody."""
    kind = NoticeKind(kind)
    a = _current(appointment_id, kind, version, lock=False)
    if a is None:
        return 0
    sent = 0
    for recipient in recipients(a, kind):
        sent += _send_one(appointment_id, kind, version, recipient)
    return sent


def _current(appointment_id: uuid.UUID | str, kind: str, version: int, *, lock: bool) -> Appointment | None:
    """The appointment, when the notice (as of `version`) still describes it; else None."""
    rows = Appointment.objects.select_related(
        "doctor__clinic", "patient__user", "appointment_type", "location"
    )
    if lock:
        rows = rows.select_for_update(of=("self",), no_key=True)
    a = rows.filter(pk=appointment_id).first()
    if a is None or notice_version(a.pk) != version or not _still_true(a, kind):
        return None
    return a


def _send_one(appointment_id: uuid.UUID | str, kind: str, version: int, recipient: str) -> int:
    """One recipient's email, in its own transaction: recorded first, sent, then committed. A send that
    fails, or a worker killed while sending, rolls the record back, so the retry sends it; one recipient's
    failure never makes the others' emails (already committed) go out again."""
    with transaction.atomic():
        # Locked and checked again: a move or cancellation committed since the first look wins.
        a = _current(appointment_id, kind, version, lock=True)
        if a is None or not _record(a, kind, version, recipient):
            return 0
        compose(a, kind, recipient).send()
        return 1


def due_for_reminder(now: datetime) -> list[tuple[uuid.UUID, int]]:
    """Confirmed appointments starting within their clinic's `reminder_hours`, with their notice version,
    that have had no reminder for that version."""
    window = Func(
        F("doctor__clinic__reminder_hours"),
        template="make_interval(hours => %(expressions)s)",
        output_field=DurationField(),
    )
    horizon = ExpressionWrapper(Value(now) + window, output_field=DateTimeField())
    due = Appointment.objects.filter(status=Status.CONFIRMED, starts_at__gt=now, starts_at__lte=horizon)
    reminded = set(
        Notice.objects.filter(appointment__in=due, kind=NoticeKind.REMINDER).values_list(
            "appointment_id", "version"
        )
    )
    out = []
    for pk in due.values_list("pk", flat=True):
        version = notice_version(pk)
        if (pk, version) not in reminded:
            out.append((pk, version))
    return out


def send_due_reminders(now: datetime | None = None) -> int:
    """Send every reminder that is due (each in its own transaction); returns how many emails went out."""
    return sum(
        send_notice(pk, NoticeKind.REMINDER, version) for pk, version in due_for_reminder(now or utcnow())
    )


# --- composing ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Details:
    """What every notice says about the appointment, in the reader's words."""

    clinic: str
    address: str
    doctor: str
    service: str
    patient: str
    starts_local: datetime
    ends_local: datetime
    timezone: str


def details(a: Appointment) -> Details:
    zone = zoneinfo.ZoneInfo(a.patient_timezone or a.patient.timezone or "UTC")
    location = a.location
    return Details(
        clinic=a.doctor.clinic.name,
        address=(location.address or location.name) if location else "",
        doctor=a.doctor.display_name,
        service=a.appointment_type.name,
        patient=a.patient.full_name,
        starts_local=a.starts_at.astimezone(zone),
        ends_local=a.ends_at.astimezone(zone),
        timezone=zone.key,
    )


def compose(a: Appointment, kind: str, recipient: str) -> EmailMultiAlternatives:
    """The email: plain text and HTML, and for the patient an .ics invitation (or its cancellation)."""
    d = details(a)
    headline = _HEADLINES[NoticeKind(kind)]
    # Formatted here: the template's `date` filter would show the server's zone, not the patient's.
    when = f"{d.starts_local:%A %d %B %Y, %H:%M}–{d.ends_local:%H:%M}"
    context = {"kind": kind, "headline": headline, "d": d, "when": when, "cancel_reason": a.cancel_reason}
    folder = "staff_notice" if kind in STAFF_KINDS else "patient_notice"
    message = EmailMultiAlternatives(
        subject=f"{headline}: {d.starts_local:%a %d %b %Y, %H:%M} · {d.clinic}",
        body=render_to_string(f"emails/{folder}.txt", context),
        to=[recipient],
    )
    message.attach_alternative(render_to_string(f"emails/{folder}.html", context), "text/html")
    if kind in PATIENT_KINDS:
        message.attach("appointment.ics", calendar(a, kind, recipient).to_ical(), "text/calendar")
    return message


def calendar(a: Appointment, kind: str, attendee: str) -> icalendar.Calendar:
    """An iTIP invitation (METHOD:REQUEST) or its withdrawal (METHOD:CANCEL), with a UID that stays the
    same for the appointment's life and a SEQUENCE that grows with every move (and the cancellation), so
    calendar programs update the one event they already have."""
    d = details(a)
    cancelled = kind in CANCEL_KINDS
    organizer = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Medic//Appointments//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = icalendar.Event()
    event.add("uid", f"{a.pk}@medic")
    event.add("sequence", notice_version(a.pk))
    event.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    event.add("dtstart", a.starts_at.astimezone(UTC))
    event.add("dtend", a.ends_at.astimezone(UTC))
    event.add("summary", f"{d.service} with {d.doctor} · {d.clinic}")
    event.add("location", ", ".join(part for part in (d.clinic, d.address) if part))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("organizer", f"mailto:{organizer}", parameters={"cn": d.clinic})
    event.add("attendee", f"mailto:{attendee}", parameters={"cn": d.patient, "role": "REQ-PARTICIPANT"})
    if not cancelled:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", event["summary"])
        alarm.add("trigger", -timedelta(hours=a.doctor.clinic.reminder_hours))
        event.add_component(alarm)
    cal.add_component(event)
    return cal
