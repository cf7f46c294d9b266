"""Reads for booking: each doctor's schedule inputs loaded with one query per kind of data."""

from __future__ import annotations

import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import BigIntegerField, Func, Q, QuerySet

from appointments.availability import Schedule
from appointments.models import ACTIVE_STATUSES, Appointment, BookableResource, ResourceClaim, Status
from medic.clinic.models import Doctor
from scheduling import slots
from scheduling.models import AvailabilityException, ScheduleRule, ScheduleRuleBreak

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


class _Epoch(Func):
    """A timestamptz as whole epoch seconds, computed by PostgreSQL: cheaper than parsing datetimes."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)::bigint"
    output_field = BigIntegerField()


def live_appointments(
    doctor_ids: Sequence[uuid.UUID],
    lo: datetime,
    hi: datetime,
    now: datetime,
    leave_out: uuid.UUID | None = None,
) -> QuerySet:
    """Held (not yet expired) or confirmed appointments of these doctors whose busy time meets [lo, hi),
    as (doctor id, start, end, busy start, busy end) in epoch seconds; `leave_out` is one being moved."""
    return (
        Appointment.objects.filter(
            doctor_id__in=doctor_ids, status__in=ACTIVE_STATUSES, busy_starts_at__lt=hi, busy_ends_at__gt=lo
        )
        .exclude(status=Status.HELD, hold_expires_at__lte=now)
        .exclude(pk=leave_out)
        .values_list(
            "doctor_id",
            _Epoch("starts_at"),
            _Epoch("ends_at"),
            _Epoch("busy_starts_at"),
            _Epoch("busy_ends_at"),
        )
    )


def _windows(ids: Sequence[uuid.UUID], scope: RequestScope) -> dict[uuid.UUID, dict[str, list[slots.Window]]]:
    """The active rules that apply, as engine windows per doctor and time zone (two queries)."""
    applying = Q(doctor_id__in=ids, is_active=True) & scope.rows_applying()
    breaks: dict[uuid.UUID, list[slots.Break]] = defaultdict(list)
    for rule_id, start, end in ScheduleRuleBreak.objects.filter(
        rule__in=ScheduleRule.objects.filter(applying).values("pk")
    ).values_list("rule_id", "break_start_local", "break_end_local"):
        breaks[rule_id].append(slots.Break(start, end))
    out: dict[uuid.UUID, dict[str, list[slots.Window]]] = defaultdict(lambda: defaultdict(list))
    for row in ScheduleRule.objects.filter(applying).values_list(
        "pk",
        "doctor_id",
        "timezone",
        "day_of_week",
        "work_start_local",
        "work_end_local",
        "slot_interval_minutes",
        "priority",
        "effective_from",
        "effective_to",
    ):
        pk, doctor_id, zone, day, start, end, interval, priority, eff_from, eff_to = row
        out[doctor_id][zone].append(
            slots.Window(
                day, start, end, interval, tuple(breaks.get(pk, ())), priority, eff_from, eff_to, key=pk
            )
        )
    return out


def load_schedules(
    doctors: Sequence[Doctor],
    scope: RequestScope,
    lo: datetime,
    hi: datetime,
    now: datetime,
    *,
    count_days: bool = True,
    leave_out: uuid.UUID | None = None,
) -> dict[uuid.UUID, Schedule]:
    """Every input availability needs for `doctors` over [lo, hi), one query per kind of data however many
    doctors. `count_days=False` skips the bookings-per-day count when no service in play has a daily cap;
    `leave_out` ignores one appointment (the one being rescheduled: its own time and day count are free)."""
    ids = [d.pk for d in doctors]
    lo_pad, hi_pad = lo - _SLACK, hi + _SLACK
    windows = _windows(ids, scope)

    blocked: dict[uuid.UUID, list[tuple[int, int]]] = defaultdict(list)
    openings: dict[uuid.UUID, list[slots.Opening]] = defaultdict(list)
    for doctor_id, kind, start, end, interval, pk in AvailabilityException.objects.filter(
        Q(doctor_id__in=ids, starts_at__lt=hi_pad, ends_at__gt=lo_pad) & scope.rows_applying()
    ).values_list("doctor_id", "kind", _Epoch("starts_at"), _Epoch("ends_at"), "slot_interval_minutes", "pk"):
        if kind == AvailabilityException.Kind.BLOCKED:
            blocked[doctor_id].append((start, end))
        else:
            openings[doctor_id].append(slots.Opening(start, end, interval or 30, key=pk))

    zones = {d.pk: d.effective_timezone for d in doctors}
    booked: dict[uuid.UUID, list[tuple[int, int]]] = defaultdict(list)
    busy: dict[uuid.UUID, list[tuple[int, int]]] = defaultdict(list)
    per_day: dict[uuid.UUID, dict] = defaultdict(lambda: defaultdict(int))
    zone_cache: dict[str, zoneinfo.ZoneInfo] = {}
    for doctor_id, start, end, busy_start, busy_end in live_appointments(ids, lo_pad, hi_pad, now, leave_out):
        booked[doctor_id].append((start, end))
        busy[doctor_id].append((busy_start, busy_end))
        if count_days:
            zone = zone_cache.get(zones[doctor_id]) or zone_cache.setdefault(
                zones[doctor_id], zoneinfo.ZoneInfo(zones[doctor_id])
            )
            per_day[doctor_id][datetime.fromtimestamp(start, zone).date()] += 1

    return {
        d.pk: Schedule(
            windows_by_zone=dict(windows.get(d.pk, {})),
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
