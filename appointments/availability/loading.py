"""Loading what availability needs: each doctor's stored schedule, other bookings and full resources, one
query per kind of data however many doctors."""

from __future__ import annotations

import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.db.models import BigIntegerField, Case, F, Func, Q, QuerySet, When

from appointments.availability.engine import Schedule
from appointments.models import Appointment, BookableResource, ResourceClaim, Status, stale_hold_q
from medic.clinic.models import AppointmentType, Doctor
from scheduling import slots
from scheduling.selectors import Epoch, schedule_inputs

_SLACK = timedelta(days=2)  # any UTC offset fits inside: loads cover every local date asked for


@dataclass(frozen=True, slots=True)
class DoctorZone:
    """A doctor as loading needs one (the clinic search has no model rows): the id, and the zone their
    bookings' days are counted in."""

    pk: uuid.UUID
    effective_timezone: str


def utc_range(zone: zoneinfo.ZoneInfo, first: date, last: date) -> tuple[datetime, datetime]:
    """The instants of local dates first..last of `zone`, as [lo, hi) in UTC."""
    lo, hi = slots.day_bounds(zone, first, last)
    return datetime.fromtimestamp(lo, UTC), datetime.fromtimestamp(hi, UTC)


class _FloorEpoch(Func):
    """A timestamptz as epoch seconds rounded down: never later than the instant itself."""

    template = "FLOOR(EXTRACT(EPOCH FROM %(expressions)s))::bigint"
    output_field = BigIntegerField()


def live_appointments(
    doctor_ids: Sequence[uuid.UUID],
    lo: datetime,
    hi: datetime,
    now: datetime,
    leave_out: uuid.UUID | None = None,
) -> QuerySet[Appointment, tuple[uuid.UUID, int, int, int, int | None]]:
    """Held (not yet expired) or confirmed appointments of these doctors whose busy time meets [lo, hi),
    as (doctor id, start, busy start, busy end, a hold's expiry rounded down or None) in epoch seconds, in
    no particular order; `leave_out` is one being moved.

    The clinic search's stamps (migration appointments.0008) move on any change to an appointment, so
    reading another column here needs nothing more there."""
    return (
        Appointment.objects.live(now)
        .filter(doctor_id__in=doctor_ids, busy_starts_at__lt=hi, busy_ends_at__gt=lo)
        .exclude(pk__in=[leave_out] if leave_out else [])
        .order_by()  # no sort of every row for Meta.ordering: the engine merges the spans itself
        .values_list(
            "doctor_id",
            Epoch("starts_at"),
            Epoch("busy_starts_at"),
            Epoch("busy_ends_at"),
            _FloorEpoch(Case(When(status=Status.HELD, then=F("hold_expires_at")))),
        )
    )


def load_schedules(
    doctors: Sequence[Doctor | DoctorZone],
    rows: Q,
    lo: datetime,
    hi: datetime,
    now: datetime,
    *,
    count_days: bool = True,
    leave_out: uuid.UUID | None = None,
) -> dict[uuid.UUID, Schedule]:
    """Every input availability needs for `doctors` over [lo, hi): the stored schedule that `rows` (a
    `Scope.request_filter`) selects, read exactly as the preview reads it, plus other bookings. One query per
    kind of data however many doctors. `count_days=False` skips the bookings-per-day count when no service in
    play has a daily cap; `leave_out` ignores one appointment (the one being rescheduled: its own time and day
    count are free)."""
    ids = [d.pk for d in doctors]
    stored = schedule_inputs(ids, rows, lo, hi)
    zones = {d.pk: d.effective_timezone for d in doctors}
    busy: dict[uuid.UUID, list[tuple[int, int]]] = defaultdict(list)
    per_day: dict[uuid.UUID, dict] = defaultdict(lambda: defaultdict(int))
    holds_until: dict[uuid.UUID, int] = {}
    zone_cache: dict[str, zoneinfo.ZoneInfo] = {}
    for doctor_id, start, busy_start, busy_end, hold_expiry in live_appointments(
        ids, lo - _SLACK, hi + _SLACK, now, leave_out
    ):
        busy[doctor_id].append((busy_start, busy_end))
        if hold_expiry is not None:  # only holds have one: a live hold runs out after `now`
            holds_until[doctor_id] = min(hold_expiry, holds_until.get(doctor_id, hold_expiry))
        if count_days:
            zone = zone_cache.get(zones[doctor_id]) or zone_cache.setdefault(
                zones[doctor_id], zoneinfo.ZoneInfo(zones[doctor_id])
            )
            per_day[doctor_id][datetime.fromtimestamp(start, zone).date()] += 1
    return {
        d.pk: Schedule(
            stored=stored[d.pk],
            busy=busy.get(d.pk, []),
            bookings_per_day=dict(per_day.get(d.pk, {})),
            doctor_zone=zones[d.pk],
            holds_until=holds_until.get(d.pk),
        )
        for d in doctors
    }


_NEEDS = BookableResource.appointment_types.through._meta.db_table
_RESOURCES = BookableResource._meta.db_table
_SERVICES = AppointmentType._meta.db_table
_DOCTORS = Doctor._meta.db_table


def resources_full(
    appointment_type_ids: Sequence[uuid.UUID],
    location_id: uuid.UUID | None,
    lo: datetime,
    hi: datetime,
    now: datetime,
    *,
    clinic_id: uuid.UUID | None = None,
) -> dict[uuid.UUID, list[tuple[int, int]]]:
    """For each service, the times when a resource it needs (at `location_id`, or anywhere) has no free seat.
    Two queries, however many services (one when none needs a resource). `clinic_id`: the services are all
    that clinic's, so the needs are looked up by clinic (a clinic search's thousand ids are not sent)."""
    with connection.cursor() as cursor:
        if clinic_id is None:
            # One array parameter rather than an IN list of a clinic's thousand services.
            cursor.execute(
                f"""
                SELECT t.appointmenttype_id, r.id, r.seats
                FROM {_NEEDS} t JOIN {_RESOURCES} r ON r.id = t.bookableresource_id
                WHERE t.appointmenttype_id = ANY(%s) AND r.is_active AND r.room_id IS NULL
                AND (r.location_id IS NULL OR r.location_id = %s)
                """,  # noqa: S608 - our own table names
                [list(appointment_type_ids), location_id],
            )
        else:
            cursor.execute(
                f"""
                SELECT t.appointmenttype_id, r.id, r.seats
                FROM {_NEEDS} t JOIN {_RESOURCES} r ON r.id = t.bookableresource_id
                JOIN {_SERVICES} s ON s.id = t.appointmenttype_id JOIN {_DOCTORS} d ON d.id = s.doctor_id
                WHERE d.clinic_id = %s AND r.is_active AND r.room_id IS NULL
                AND (r.location_id IS NULL OR r.location_id = %s)
                """,  # noqa: S608 - our own table names
                [clinic_id, location_id],
            )
        needs: list[tuple[uuid.UUID, uuid.UUID, int]] = cursor.fetchall()
    if clinic_id is not None and needs:
        wanted = set(appointment_type_ids)
        needs = [n for n in needs if n[0] in wanted]
    if not needs:
        return {}
    seats = {resource: count for _, resource, count in needs}
    claims: dict[uuid.UUID, list[tuple[int, int]]] = defaultdict(list)
    for resource, start, end in (
        ResourceClaim.objects.filter(
            resource_id__in=seats,
            released_at__isnull=True,
            starts_at__lt=hi + _SLACK,
            ends_at__gt=lo - _SLACK,
        )
        .exclude(stale_hold_q(now, prefix="appointment__"))
        .values_list("resource_id", "starts_at", "ends_at")
    ):
        claims[resource].append((int(start.timestamp()), int(end.timestamp())))
    full_by_resource = {r: _saturated(claims.get(r, []), n) for r, n in seats.items()}
    out: dict[uuid.UUID, list[tuple[int, int]]] = defaultdict(list)
    for type_id, resource, _ in needs:
        out[type_id].extend(full_by_resource[resource])
    return dict(out)


def _saturated(intervals: list[tuple[int, int]], seats: int) -> list[tuple[int, int]]:
    """The spans covered by at least `seats` of `intervals` at once (a sweep over their ends)."""
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    out: list[tuple[int, int]] = []
    depth, opened = 0, 0
    for at, step in events:
        before = depth
        depth += step
        if before < seats <= depth:
            opened = at
        elif depth < seats <= before and at > opened:
            out.append((opened, at))
    return out
