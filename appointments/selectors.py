"""Reads for booking: each doctor's schedule inputs loaded with one query per kind of data."""

from __future__ import annotations

import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q, QuerySet

from appointments.availability import Schedule, windows_of
from appointments.models import ACTIVE_STATUSES, Appointment, BookableResource, ResourceClaim, Status
from medic.clinic.models import Doctor
from scheduling import slots
from scheduling.models import AvailabilityException, ScheduleRule

_SLACK = timedelta(days=2)  # any UTC offset fits inside: loads cover every local date asked for


@dataclass(frozen=True, slots=True)
class RequestScope:
    """What a booking asks for; None means "any" (unlike a schedule's exact scope).

    `appointment_type_ids` holds one service, or for a search across doctors each doctor's matching service:
    services belong to one doctor, so a row of doctor D can only match D's own.
    """

    appointment_type_ids: tuple[uuid.UUID, ...] | None = None
    location_id: uuid.UUID | None = None
    consultation_mode: str | None = None

    def rows_applying(self) -> Q:
        """Rules or exceptions that apply: for each field asked for, the row's is null or equal."""
        q = Q()
        if self.appointment_type_ids is not None:
            q &= Q(appointment_type_id__isnull=True) | Q(appointment_type_id__in=self.appointment_type_ids)
        for field, value in (
            ("location_id", self.location_id),
            ("consultation_mode", self.consultation_mode),
        ):
            if value is not None:
                q &= Q(**{f"{field}__isnull": True}) | Q(**{field: value})
        return q


def live_appointments(doctor_ids: Sequence[uuid.UUID], lo: datetime, hi: datetime, now: datetime) -> QuerySet:
    """Held (not yet expired) or confirmed appointments of these doctors whose busy time meets [lo, hi)."""
    return (
        Appointment.objects.filter(
            doctor_id__in=doctor_ids, status__in=ACTIVE_STATUSES, busy_starts_at__lt=hi, busy_ends_at__gt=lo
        )
        .exclude(status=Status.HELD, hold_expires_at__lte=now)
        .values_list("doctor_id", "starts_at", "ends_at", "busy_starts_at", "busy_ends_at")
    )


def load_schedules(
    doctors: Sequence[Doctor], scope: RequestScope, lo: datetime, hi: datetime, now: datetime
) -> dict[uuid.UUID, Schedule]:
    """Every input availability needs for `doctors` over [lo, hi): four queries, however many doctors."""
    ids = [d.pk for d in doctors]
    lo_pad, hi_pad = lo - _SLACK, hi + _SLACK
    rules: dict[uuid.UUID, list[ScheduleRule]] = defaultdict(list)
    for rule in (
        ScheduleRule.objects.filter(Q(doctor_id__in=ids, is_active=True) & scope.rows_applying())
        .prefetch_related("breaks")
        .order_by("day_of_week", "work_start_local")
    ):
        rules[rule.doctor_id].append(rule)

    blocked: dict[uuid.UUID, list[tuple[int, int]]] = defaultdict(list)
    openings: dict[uuid.UUID, list[slots.Opening]] = defaultdict(list)
    for exc in AvailabilityException.objects.filter(
        Q(doctor_id__in=ids, starts_at__lt=hi_pad, ends_at__gt=lo_pad) & scope.rows_applying()
    ):
        span = (int(exc.starts_at.timestamp()), int(exc.ends_at.timestamp()))
        if exc.kind == AvailabilityException.Kind.BLOCKED:
            blocked[exc.doctor_id].append(span)
        else:
            openings[exc.doctor_id].append(slots.Opening(*span, exc.slot_interval_minutes or 30, key=exc.pk))

    zones = {d.pk: d.effective_timezone for d in doctors}
    booked: dict[uuid.UUID, list[tuple[int, int]]] = defaultdict(list)
    busy: dict[uuid.UUID, list[tuple[int, int]]] = defaultdict(list)
    per_day: dict[uuid.UUID, dict] = defaultdict(lambda: defaultdict(int))
    zone_cache: dict[str, zoneinfo.ZoneInfo] = {}
    for doctor_id, starts_at, ends_at, busy_start, busy_end in live_appointments(ids, lo_pad, hi_pad, now):
        booked[doctor_id].append((int(starts_at.timestamp()), int(ends_at.timestamp())))
        busy[doctor_id].append((int(busy_start.timestamp()), int(busy_end.timestamp())))
        zone = zone_cache.setdefault(zones[doctor_id], zoneinfo.ZoneInfo(zones[doctor_id]))
        per_day[doctor_id][starts_at.astimezone(zone).date()] += 1

    return {
        d.pk: Schedule(
            windows_by_zone=windows_of(rules.get(d.pk, [])),
            blocked=blocked.get(d.pk, []),
            openings=openings.get(d.pk, []),
            booked=booked.get(d.pk, []),
            busy=busy.get(d.pk, []),
            bookings_per_day=dict(per_day.get(d.pk, {})),
            doctor_zone=zones[d.pk],
        )
        for d in doctors
    }


def resources_full(
    appointment_type_ids: Sequence[uuid.UUID],
    location_id: uuid.UUID | None,
    lo: datetime,
    hi: datetime,
    now: datetime,
) -> dict[uuid.UUID, list[tuple[int, int]]]:
    """For each service, the times when a resource it needs (at `location_id`, or anywhere) has no free seat.
    Two queries, however many services."""
    needs = BookableResource.appointment_types.through.objects.filter(
        Q(bookableresource__location__isnull=True) | Q(bookableresource__location_id=location_id),
        appointmenttype_id__in=appointment_type_ids,
        bookableresource__is_active=True,
        bookableresource__room__isnull=True,
    ).values_list("appointmenttype_id", "bookableresource_id", "bookableresource__seats")
    needs = list(needs)
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
        .exclude(appointment__status=Status.HELD, appointment__hold_expires_at__lte=now)
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


def utcnow() -> datetime:
    return datetime.now(UTC)
