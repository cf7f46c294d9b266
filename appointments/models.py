"""Bookings that can never collide: appointments, their append-only audit log, and claimable resources."""

from __future__ import annotations

import uuid
from datetime import datetime

import pgtrigger
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.contrib.postgres.indexes import GistIndex
from django.db import models
from django.db.models import F, Func, Q, Value

from medic.clinic.models import AppointmentType, Clinic, ConsultationMode, Doctor, Location, Patient, Room


class ActorType(models.TextChoices):
    PATIENT = "patient", "Patient"
    DOCTOR = "doctor", "Doctor"
    STAFF = "staff", "Clinic staff"
    SYSTEM = "system", "System"
    API = "api", "API client"


class Status(models.TextChoices):
    HELD = "held", "Held"
    CONFIRMED = "confirmed", "Confirmed"
    CHECKED_IN = "checked_in", "Checked in"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "No-show"
    EXPIRED = "expired", "Expired"


# Statuses that occupy the doctor's time: the exclusion constraints apply to these rows only (a patient who
# has checked in is still in the diary until the appointment is completed).
ACTIVE_STATUSES = (Status.HELD, Status.CONFIRMED, Status.CHECKED_IN)
# Statuses whose time may still move or be given up by a cancellation.
MOVABLE_STATUSES = (Status.HELD, Status.CONFIRMED)

# Every status change the product allows, in one place (the contract's "no other transition"). A status
# missing from the values is final. Moving an appointment in time keeps its status: see `can_reschedule`.
ALLOWED_TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.HELD: frozenset({Status.CONFIRMED, Status.EXPIRED, Status.CANCELLED}),
    Status.CONFIRMED: frozenset({Status.CHECKED_IN, Status.CANCELLED, Status.NO_SHOW}),
    Status.CHECKED_IN: frozenset({Status.COMPLETED}),
    Status.CANCELLED: frozenset(),
    Status.COMPLETED: frozenset(),
    Status.NO_SHOW: frozenset(),
    Status.EXPIRED: frozenset(),
}


def can_transition(current: str, to: str) -> bool:
    """Whether an appointment in status `current` may change to status `to`."""
    return to in ALLOWED_TRANSITIONS.get(Status(current), frozenset())


def can_reschedule(current: str) -> bool:
    """Only a held or confirmed appointment may move to another time (a checked-in patient is here)."""
    return current in MOVABLE_STATUSES


def stale_hold_q(now: datetime, prefix: str = "") -> Q:
    """Holds that ran out by `now`: they occupy no time any more, even before the sweep marks them expired.
    `prefix` reaches an appointment through a relation (e.g. "appointment__" from a resource claim)."""
    return Q(**{f"{prefix}status": Status.HELD, f"{prefix}hold_expires_at__lte": now})


def live_q(now: datetime, prefix: str = "") -> Q:
    """Appointments that occupy the doctor's time at `now`: confirmed, or held with time left on the hold."""
    return Q(**{f"{prefix}status__in": ACTIVE_STATUSES}) & ~stale_hold_q(now, prefix)


class AppointmentQuerySet(models.QuerySet):
    def live(self, now: datetime) -> AppointmentQuerySet:
        """See `live_q`."""
        return self.filter(live_q(now))

    def stale_holds(self, now: datetime) -> AppointmentQuerySet:
        """See `stale_hold_q`."""
        return self.filter(stale_hold_q(now))


def _tstzrange(start: str, end: str) -> Func:
    return Func(F(start), F(end), Value("[)"), function="tstzrange", output_field=DateTimeRangeField())


class Appointment(models.Model):
    """One booking of one patient with one doctor, in UTC; `period` is what the database compares."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of their own: (doctor, starts_at) and (patient, starts_at) below lead with them. Every status
    # change writes a new entry into each index of the table, so a redundant one costs every confirm.
    doctor = models.ForeignKey(Doctor, on_delete=models.PROTECT, related_name="appointments", db_index=False)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="appointments", db_index=False
    )
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, related_name="appointments"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True)
    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, blank=True)
    consultation_mode = models.CharField(  # noqa: DJ001 - NULL means "not chosen", like the schedule scope
        max_length=16, choices=ConsultationMode.choices, null=True, blank=True
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    period = models.GeneratedField(
        expression=_tstzrange("starts_at", "ends_at"), output_field=DateTimeRangeField(), db_persist=True
    )
    # The time kept free around the appointment (its type's buffers, copied when booked): busy_starts_at is
    # starts_at minus the buffer before, busy_ends_at ends_at plus the buffer after.
    busy_starts_at = models.DateTimeField()
    busy_ends_at = models.DateTimeField()
    busy_period = models.GeneratedField(
        expression=_tstzrange("busy_starts_at", "busy_ends_at"),
        output_field=DateTimeRangeField(),
        db_persist=True,
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.HELD)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    patient_timezone = models.CharField(max_length=64)
    doctor_timezone = models.CharField(max_length=64)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by_type = models.CharField(max_length=16, choices=ActorType.choices)
    created_by_id = models.UUIDField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by_type = models.CharField(max_length=16, choices=ActorType.choices, blank=True)
    cancelled_by_id = models.UUIDField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    rescheduled_at = models.DateTimeField(null=True, blank=True)
    rescheduled_by_type = models.CharField(max_length=16, choices=ActorType.choices, blank=True)
    rescheduled_by_id = models.UUIDField(null=True, blank=True)
    # Kept on purpose when a schedule change left it outside bookable time (onAffectedBookings "keep"), so
    # every place that shows it can say so; a reschedule into bookable time clears it.
    outside_hours = models.BooleanField(default=False, db_default=False)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["doctor", "starts_at"], name="appointment_doctor_start_idx"),
            models.Index(fields=["patient", "starts_at"], name="appointment_patient_start_idx"),
            models.Index(
                fields=["hold_expires_at"],
                name="appointment_hold_expiry_idx",
                condition=Q(status=Status.HELD),
            ),
            GistIndex(fields=["period"], name="appointment_period_gist"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(busy_starts_at__lte=F("starts_at"), busy_ends_at__gte=F("ends_at")),
                name="appointment_busy_covers_period",
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="appointment_status_known"),
            models.CheckConstraint(
                condition=~Q(status=Status.HELD) | Q(hold_expires_at__isnull=False),
                name="appointment_hold_has_expiry",
            ),
            # The contract's guarantee: no two held/confirmed appointments of one doctor overlap…
            ExclusionConstraint(
                name="appointment_no_doctor_overlap",
                expressions=[("doctor", RangeOperators.EQUAL), ("period", RangeOperators.OVERLAPS)],
                condition=Q(status__in=ACTIVE_STATUSES),
            ),
            # …and neither do their buffers (a buffer may not overlap another appointment's time or buffer).
            ExclusionConstraint(
                name="appointment_no_doctor_buffer_overlap",
                expressions=[("doctor", RangeOperators.EQUAL), ("busy_period", RangeOperators.OVERLAPS)],
                condition=Q(status__in=ACTIVE_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.doctor} · {self.starts_at:%Y-%m-%d %H:%M} UTC · {self.get_status_display()}"

    def hold_ran_out(self, now: datetime) -> bool:
        """`stale_hold_q` for one row already in memory."""
        return self.status == Status.HELD and self.hold_expires_at is not None and self.hold_expires_at <= now


# The audit events that change an appointment's notice version (`appointments.notifications`).
VERSION_EVENT_KINDS = ("rescheduled", "cancelled")


class AppointmentEvent(models.Model):
    """One change to an appointment: who, what, when, before and after. Append-only, in the database."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=32)
    actor_type = models.CharField(max_length=16, choices=ActorType.choices)
    actor_id = models.UUIDField(null=True, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["appointment", "created_at"], name="event_appointment_time_idx"),
            # The desk's notices (appointments.desk.notices): what patients booked, moved or cancelled.
            models.Index(
                fields=["created_at"],
                condition=Q(actor_type="patient", kind__in=["confirmed", "rescheduled", "cancelled"]),
                name="event_patient_change_idx",
            ),
        ]
        # UPDATE and DELETE are refused row by row, whoever sends them. For every role but the table's owner
        # (the application's is not: README, Database), migration 0007's trigger also refuses UPDATE, DELETE
        # and TRUNCATE whatever `pgtrigger.ignore` says.
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.actor_type} at {self.created_at:%Y-%m-%d %H:%M:%S}"


class BookableResource(models.Model):
    """A room, a device, or a group session: something with `seats` that appointments claim."""

    class Kind(models.TextChoices):
        ROOM = "room", "Room"
        DEVICE = "device", "Device"
        GROUP = "group", "Group session"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="resources")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True)
    room = models.ForeignKey(Room, on_delete=models.CASCADE, null=True, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ROOM)
    name = models.CharField(max_length=200)
    seats = models.PositiveIntegerField(default=1, help_text="How many appointments may claim it at once.")
    appointment_types = models.ManyToManyField(
        AppointmentType,
        blank=True,
        related_name="required_resources",
        help_text="Bookings of these services must claim a seat of this resource.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["clinic__name", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1, seats__lte=1000), name="resource_seats_range"),
            models.UniqueConstraint(fields=["clinic", "name"], name="resource_name_unique_per_clinic"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.seats} seat{'s' if self.seats != 1 else ''})"


class ResourceClaim(models.Model):
    """One seat of one resource taken by one appointment for its period; released claims stay as history."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resource = models.ForeignKey(BookableResource, on_delete=models.PROTECT, related_name="claims")
    seat = models.PositiveIntegerField()
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="claims")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    period = models.GeneratedField(
        expression=_tstzrange("starts_at", "ends_at"), output_field=DateTimeRangeField(), db_persist=True
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["appointment"], name="claim_appointment_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="claim_end_after_start"),
            models.CheckConstraint(condition=Q(seat__gte=1), name="claim_seat_positive"),
            ExclusionConstraint(
                name="claim_no_seat_overlap",
                expressions=[
                    ("resource", RangeOperators.EQUAL),
                    ("seat", RangeOperators.EQUAL),
                    ("period", RangeOperators.OVERLAPS),
                ],
                condition=Q(released_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} seat {self.seat}"


class IdempotencyRecord(models.Model):
    """The first answer to a request sent with an `Idempotency-Key`, replayed for the same key and body."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey("clinic.User", on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]

    def __str__(self) -> str:
        return f"{self.key} → {self.status_code}"


class CalendarFeed(models.Model):
    """A doctor's calendar subscription. The secret in its URL is derived from SECRET_KEY and `nonce`
    (appointments.feeds.services), so the URL can be shown again, yet the database alone reveals no working
    URL: it keeps only the nonce and the SHA-256 digest the feed is looked up by. Rotating changes both."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    doctor = models.OneToOneField(Doctor, on_delete=models.CASCADE, related_name="calendar_feed")
    nonce = models.CharField(max_length=64, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    include_patient_names = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.doctor}"


class NoticeKind(models.TextChoices):
    CONFIRMED = "confirmed", "Booking confirmed"
    RESCHEDULED = "rescheduled", "Booking moved"
    CANCELLED = "cancelled", "Booking cancelled"
    REMINDER = "reminder", "Reminder"
    STAFF_BOOKED = "staff_booked", "Staff: patient booked"
    STAFF_CANCELLED = "staff_cancelled", "Staff: patient cancelled"


class Notice(models.Model):
    """One email sent about one appointment: the row is written in the transaction that decides to send, so
    a retried, duplicated or late job finds it and sends nothing. `version` is the appointment's notice
    version when it was sent (appointments.notifications.notice_version)."""

    id = models.BigAutoField(primary_key=True)
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=32, choices=NoticeKind.choices)
    version = models.PositiveIntegerField()
    recipient = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "kind", "version", "recipient"], name="notice_once_per_version"
            ),
            models.CheckConstraint(condition=Q(kind__in=NoticeKind.values), name="notice_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version} to {self.recipient}"


class DeskNoticesSeen(models.Model):
    """How far one staff member has read their clinic's desk notices (appointments.desk.notices): the
    patients' bookings, moves and cancellations made after `seen_until` count as unread."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey("clinic.User", on_delete=models.CASCADE, related_name="+")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    seen_until = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "clinic"], name="desk_notices_seen_once")]

    def __str__(self) -> str:
        return f"Desk notices seen until {self.seen_until:%Y-%m-%d %H:%M:%S}"
