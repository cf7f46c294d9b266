"""Reads for the desk's diaries: the day and week grids, in a fixed number of queries whatever the number of
doctors or appointments (doctors, appointments, the stored schedules, time off)."""

from __future__ import annotations

import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.urls import reverse

from appointments.availability.engine import schedule_slots
from appointments.desk.timefmt import from_epoch, hhmm, iso_utc
from appointments.models import ACTIVE_STATUSES, Appointment, Status
from appointments.selectors import utcnow
from medic.clinic.closures import Closure
from medic.clinic.models import Doctor
from scheduling import slots
from scheduling.models import AvailabilityException
from scheduling.scope import Scope
from scheduling.selectors import Epoch, schedule_inputs

_ZERO = str(uuid.UUID(int=0))
PX_PER_MINUTE = 1.6  # a 30-minute slot is 48 px: room for two lines of text
DEFAULT_FIRST_HOUR, DEFAULT_LAST_HOUR = 8, 19
# What the grid shows: everything but lapsed holds and cancellations (those stay in the audit trail).
SHOWN_STATUSES = (*ACTIVE_STATUSES, Status.COMPLETED, Status.NO_SHOW)


@dataclass(frozen=True, slots=True)
class _Row:
    pk: uuid.UUID
    doctor_id: uuid.UUID
    status: str
    start: int
    end: int
    busy_start: int
    busy_end: int
    hold_expires_at: datetime | None
    outside_hours: bool
    patient: str
    service: str

    @property
    def starts_at(self) -> datetime:
        return from_epoch(self.start)

    @property
    def ends_at(self) -> datetime:
        return from_epoch(self.end)


@dataclass(frozen=True, slots=True)
class Block:
    """One appointment on the grid."""

    id: uuid.UUID
    url: str
    top: float
    height: float
    status: str
    status_label: str
    patient: str
    service: str
    start: str
    end: str
    hold_expires_iso: str | None
    outside_hours: bool


@dataclass(frozen=True, slots=True)
class FreeCell:
    top: float
    height: float
    start: str  # "HH:MM"
    start_iso: str


@dataclass(frozen=True, slots=True)
class TimeOff:
    top: float
    height: float
    reason: str
    span: str


@dataclass
class Column:
    doctor: Doctor
    day: date
    blocks: list[Block] = field(default_factory=list)
    free: list[FreeCell] = field(default_factory=list)
    time_off: list[TimeOff] = field(default_factory=list)
    html: str = ""  # the cells, rendered (see `render.column_body`)
    closure: str = ""  # the clinic is closed this day: its closure's label ("Public holiday: Epiphany")

    @property
    def booked(self) -> int:
        return sum(1 for b in self.blocks if b.status in ACTIVE_STATUSES)


@dataclass(frozen=True, slots=True)
class HourMark:
    top: float
    label: str


@dataclass
class Grid:
    columns: list[Column]
    hours: list[HourMark]
    height: float
    now_top: float | None
    first_minute: int
    closures: list[str] = field(default_factory=list)  # the closures on the days shown, labelled, in order


@dataclass(frozen=True, slots=True)
class Filters:
    location_id: uuid.UUID | None = None
    room_id: uuid.UUID | None = None
    appointment_type_ids: tuple[uuid.UUID, ...] | None = None  # the chosen service, per doctor


def grid(
    doctors: Sequence[Doctor],
    days: Sequence[date],
    zone: zoneinfo.ZoneInfo,
    filters: Filters = Filters(),
    *,
    now: datetime | None = None,
) -> Grid:
    """A column per (doctor, day): appointments, free schedule slots and time off, placed on one time axis
    in `zone`. Four queries (appointments, rules with their breaks, exceptions, time off reasons)."""
    now = now or utcnow()
    lo_epoch, hi_epoch = slots.day_bounds(zone, days[0], days[-1])
    lo, hi = from_epoch(lo_epoch), from_epoch(hi_epoch)
    ids = [d.pk for d in doctors]
    columns = {(d.pk, day): Column(d, day) for d in doctors for day in days}

    rows = Appointment.objects.filter(
        doctor_id__in=ids, status__in=SHOWN_STATUSES, starts_at__lt=hi, ends_at__gt=lo
    ).exclude(Q(status=Status.HELD) & Q(hold_expires_at__lte=now))
    if filters.room_id is not None:
        rows = rows.filter(room_id=filters.room_id)
    elif filters.location_id is not None:
        rows = rows.filter(Q(location_id=filters.location_id) | Q(location__isnull=True))
    # Plain values, not model instances: a full clinic day is hundreds of rows, rendered every 30 s.
    appointments = [
        _Row(*r)
        for r in rows.order_by("starts_at").values_list(
            "pk",
            "doctor_id",
            "status",
            Epoch("starts_at"),
            Epoch("ends_at"),
            Epoch("busy_starts_at"),
            Epoch("busy_ends_at"),
            "hold_expires_at",
            "outside_hours",
            "patient__full_name",
            "appointment_type__name",
        )
    ]

    scope = Scope(location_id=filters.location_id, room_id=filters.room_id)
    stored = schedule_inputs(
        ids, scope.request_filter(appointment_type_ids=filters.appointment_type_ids), lo, hi
    )
    off = list(
        AvailabilityException.objects.filter(
            doctor_id__in=ids, kind=AvailabilityException.Kind.BLOCKED, starts_at__lt=hi, ends_at__gt=lo
        ).values_list("doctor_id", "starts_at", "ends_at", "reason")
    )

    spans: list[tuple[datetime, datetime]] = [(a.starts_at, a.ends_at) for a in appointments]
    busy: dict[uuid.UUID, list[tuple[int, int]]] = defaultdict(list)
    for a in appointments:
        if a.status in ACTIVE_STATUSES:
            busy[a.doctor_id].append((a.busy_start, a.busy_end))
    free: dict[uuid.UUID, list[tuple[int, int]]] = {}
    for d in doctors:
        doctor_slots = [
            (s, e)
            for s, e in schedule_slots(stored[d.pk], d.effective_timezone, lo_epoch, hi_epoch)
            if s >= lo_epoch and e <= hi_epoch
        ]
        free[d.pk] = doctor_slots
        if doctor_slots:  # the axis only needs each doctor's first start and last end
            first_s = min(s for s, _ in doctor_slots)
            last_e = max(e for _, e in doctor_slots)
            spans.append((from_epoch(first_s), from_epoch(first_s + 60)))
            spans.append((from_epoch(last_e - 60), from_epoch(last_e)))

    url_of = reverse("desk-appointment", args=[_ZERO])  # one reverse() for every block
    first_minute, last_minute = _axis(spans, zone)
    axis = _Axis(zone, first_minute, last_minute)
    for a in appointments:
        column = columns.get((a.doctor_id, a.starts_at.astimezone(zone).date()))
        if column is None:
            continue
        top, height = axis.place(a.starts_at, a.ends_at)
        column.blocks.append(
            Block(
                id=a.pk,
                url=url_of.replace(_ZERO, str(a.pk)),
                top=top,
                height=height,
                status=a.status,
                status_label=Status(a.status).label,
                patient=a.patient,
                service=a.service,
                start=hhmm(a.starts_at, zone),
                end=hhmm(a.ends_at, zone),
                hold_expires_iso=iso_utc(a.hold_expires_at)
                if a.status == Status.HELD and a.hold_expires_at
                else None,
                outside_hours=a.outside_hours,
            )
        )
    now_epoch = int(now.timestamp())
    for d in doctors:
        taken = slots.merge(busy.get(d.pk, []))
        for s, e in free[d.pk]:
            if s < now_epoch or slots.hits(*taken, s, e):
                continue
            start = from_epoch(s)
            column = columns.get((d.pk, start.astimezone(zone).date()))
            if column is None:
                continue
            top, height = axis.place(start, from_epoch(e))
            column.free.append(FreeCell(top, height, hhmm(start, zone), iso_utc(start)))
    for doctor_id, starts_at, ends_at, reason in off:
        for day in days:
            day_lo, day_hi = slots.day_bounds(zone, day, day)
            off_start, off_end = max(starts_at, from_epoch(day_lo)), min(ends_at, from_epoch(day_hi))
            if off_start >= off_end or (doctor_id, day) not in columns:
                continue
            top, height = axis.place(off_start, off_end)
            columns[(doctor_id, day)].time_off.append(
                TimeOff(top, height, reason or "Time off", f"{hhmm(starts_at, zone)}–{hhmm(ends_at, zone)}")
            )
    closed: dict[date, str] = {}
    for d in doctors:  # the clinic's closures came with each doctor's schedule (no query of their own)
        for closure in stored[d.pk].closed_keys:
            if isinstance(closure, Closure) and closure.date in days:
                closed[closure.date] = closure.label
    for (_, day), column in columns.items():
        column.closure = closed.get(day, "")
    today = now.astimezone(zone)
    now_top = (
        axis.top(now) if today.date() in days and first_minute <= _minute(today) <= last_minute else None
    )
    return Grid(
        columns=list(columns.values()),
        hours=[
            HourMark((m - first_minute) * PX_PER_MINUTE, f"{m // 60:02d}:00")
            for m in range(first_minute, last_minute, 60)
        ],
        height=(last_minute - first_minute) * PX_PER_MINUTE,
        now_top=now_top,
        first_minute=first_minute,
        closures=[closed[day] for day in sorted(closed)],
    )


def _minute(local: datetime) -> int:
    return local.hour * 60 + local.minute


def _axis(spans: list[tuple[datetime, datetime]], zone: zoneinfo.ZoneInfo) -> tuple[int, int]:
    """Whole hours covering the usual working day and everything there is to show."""
    first, last = DEFAULT_FIRST_HOUR * 60, DEFAULT_LAST_HOUR * 60
    for s, e in spans:
        ls, le = s.astimezone(zone), e.astimezone(zone)
        first = min(first, _minute(ls) // 60 * 60)
        end = 24 * 60 if le.date() > ls.date() else -(-_minute(le) // 60) * 60
        last = max(last, end)
    return first, min(last, 24 * 60)


@dataclass(frozen=True, slots=True)
class _Axis:
    zone: zoneinfo.ZoneInfo
    first_minute: int
    last_minute: int

    def top(self, at: datetime) -> float:
        return round((_minute(at.astimezone(self.zone)) - self.first_minute) * PX_PER_MINUTE, 1)

    def place(self, start: datetime, end: datetime) -> tuple[float, float]:
        top = self.top(start)
        local_start, local_end = start.astimezone(self.zone), end.astimezone(self.zone)
        bottom_minute = 24 * 60 if local_end.date() > local_start.date() else _minute(local_end)
        bottom = round((min(bottom_minute, self.last_minute) - self.first_minute) * PX_PER_MINUTE, 1)
        return top, max(bottom - top, 14.0)


def week_of(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=i) for i in range(7)]
