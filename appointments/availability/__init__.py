"""Availability, in one place: which start times of a service can be booked, for one doctor or across a
clinic, and whether one start can. The pure computation is `engine`, the loading `loading`, the clinic
search's read model `search` (today's plain search kept as `baseline`); what a doctor previews and what a
patient can book come from the same stored-schedule reader (`scheduling.selectors`)."""

from __future__ import annotations

import threading
import uuid
import zoneinfo
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from appointments.availability.engine import (
    BookingRules,
    Place,
    Schedule,
    Start,
    bookable_span,
    bookable_starts,
    label,
    place_of,
)
from appointments.availability.loading import load_schedules, resources_full, utc_range
from appointments.availability.offers import Offer, booking_rules
from appointments.availability.search import Candidate, earliest_across, earliest_starts, search_candidates
from appointments.models import Appointment, live_q
from appointments.selectors import utcnow
from medic.clinic.models import AppointmentType, Doctor
from scheduling.scope import Scope
from scheduling.slots import ScheduleInputs

__all__ = [
    "BookingRules",
    "Candidate",
    "Offer",
    "Place",
    "Start",
    "bookable_start",
    "booking_rules",
    "earliest_across",
    "earliest_starts",
    "for_doctor",
    "is_bookable",
    "label",
    "search_candidates",
    "start_in_rules",
    "taken_start",
]


def for_doctor(
    *,
    doctor: Doctor,
    appointment_type: AppointmentType,
    scope: Scope,
    zone: zoneinfo.ZoneInfo,
    first: date,
    last: date,
    now: datetime | None = None,
) -> list[Start]:
    """Bookable starts of `appointment_type` with `doctor` on local dates first..last of `zone`."""
    now = now or utcnow()
    lo, hi = utc_range(zone, first, last)
    schedule = load_schedules(
        [doctor], scope.request_filter(), lo, hi, now, count_days=appointment_type.daily_cap is not None
    )[doctor.pk]
    full = resources_full([appointment_type.pk], scope.location_id, lo, hi, now)
    starts = bookable_starts(
        schedule,
        booking_rules(appointment_type),
        zone=zone,
        first=first,
        last=last,
        now=int(now.timestamp()),
        unavailable=full.get(appointment_type.pk, ()),
    )
    return _placed(starts, schedule.stored.places, doctor, appointment_type, scope)


def _placed(
    starts: list[Start],
    places: dict[object, object],
    doctor: Doctor,
    appointment_type: AppointmentType,
    scope: Scope,
) -> list[Start]:
    """Each start with the place and mode a hold there would get (one query for the doctor's locations)."""
    if not starts:
        return starts
    locations = list(doctor.locations.values_list("pk", flat=True))
    return [
        replace(
            s,
            place=place_of(
                s.sources,
                places,
                location_id=scope.location_id,
                room_id=scope.room_id,
                consultation_mode=scope.consultation_mode,
                doctor_locations=locations,
                service_modes=appointment_type.consultation_modes,
            ),
        )
        for s in starts
    ]


def is_bookable(
    doctor: Doctor,
    appointment_type: AppointmentType,
    starts_at: datetime,
    scope: Scope,
    now: datetime,
    *,
    leave_out: uuid.UUID | None = None,
) -> bool:
    """Is `starts_at` a bookable start of this service with this doctor right now? `leave_out` is an
    appointment being moved: its own time and its place in the daily count are free."""
    return bookable_start(doctor, appointment_type, starts_at, scope, now, leave_out=leave_out) is not None


def bookable_start(
    doctor: Doctor,
    appointment_type: AppointmentType,
    starts_at: datetime,
    scope: Scope,
    now: datetime,
    *,
    leave_out: uuid.UUID | None = None,
) -> Start | None:
    """The bookable start at `starts_at`, with the place a hold there gets, or None when it is not one."""
    found, schedule = _starts_of_the_day(doctor, appointment_type, starts_at, scope, now, leave_out=leave_out)
    return _placed(found, schedule.stored.places, doctor, appointment_type, scope)[0] if found else None


def _starts_of_the_day(
    doctor: Doctor,
    appointment_type: AppointmentType,
    starts_at: datetime,
    scope: Scope,
    now: datetime,
    *,
    leave_out: uuid.UUID | None,
    ignore_bookings: bool = False,
) -> tuple[list[Start], Schedule]:
    """The bookable starts at `starts_at` (none or one) computed over its local day in the doctor's zone,
    with the schedule they came from; `ignore_bookings`: as if the doctor had no other booking."""
    zone = zoneinfo.ZoneInfo(doctor.effective_timezone)
    local_day = starts_at.astimezone(zone).date()
    lo, hi = utc_range(zone, local_day, local_day)
    schedule = load_schedules([doctor], scope.request_filter(), lo, hi, now, leave_out=leave_out)[doctor.pk]
    used = replace(schedule, busy=[], holds_until=None) if ignore_bookings else schedule
    return _starts_at(used, appointment_type, starts_at, now, zone), schedule


def _starts_at(
    schedule: Schedule,
    appointment_type: AppointmentType,
    starts_at: datetime,
    now: datetime,
    zone: zoneinfo.ZoneInfo,
) -> list[Start]:
    """The engine's bookable starts at exactly `starts_at` (none or one), computed over its local day."""
    local_day = starts_at.astimezone(zone).date()
    starts = bookable_starts(
        schedule,
        booking_rules(appointment_type),
        zone=zone,
        first=local_day,
        last=local_day,
        now=int(now.timestamp()),
    )
    wanted = int(starts_at.timestamp())
    return [s for s in starts if s.start_utc == wanted]


def taken_start(
    doctor: Doctor,
    appointment_type: AppointmentType,
    starts_at: datetime,
    scope: Scope,
    now: datetime,
    *,
    leave_out: uuid.UUID | None = None,
) -> bool:
    """Whether another live booking's own time overlaps `starts_at` (its buffers aside) and the start would
    be bookable without the doctor's bookings: 409 SLOT_TAKEN for a hold or a move, rather than 422
    SLOT_NOT_AVAILABLE for a time that is not a slot, or one kept free by a booking's buffer. `leave_out`:
    the appointment being moved."""
    ends_at = starts_at + timedelta(minutes=appointment_type.duration_minutes)
    others = Appointment.objects.filter(
        live_q(now), doctor=doctor, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if leave_out is not None:
        others = others.exclude(pk=leave_out)
    if not others.exists():
        return False
    found, _ = _starts_of_the_day(
        doctor, appointment_type, starts_at, scope, now, leave_out=leave_out, ignore_bookings=True
    )
    return bool(found)


# The starts each day has by a doctor's weekly rules alone, for the fast hold: keyed by the rules object (one
# per schedule version, kept by `services._rules_for`; held by the entry, so its id cannot be reused while it
# is), the doctor's zone, the service's duration and the local day.
_RULE_DAYS_MAX = 4096
_rule_days: dict[tuple[int, str, int, date], tuple[ScheduleInputs, dict[int, Start]]] = {}
_rule_days_lock = threading.Lock()
_ANY_TIME = 2**62  # an advance limit no start reaches: `_rule_day` keeps every start of the day


def _rule_day(
    rules: ScheduleInputs, doctor_zone: str, zone: zoneinfo.ZoneInfo, duration: int, local_day: date
) -> dict[int, Start]:
    """Every start of `local_day` where a booking of `duration` fits in the rules' slots (no booking, time
    off, opening or closure considered; no notice or advance limit), by its UTC epoch second."""
    key = (id(rules), doctor_zone, duration, local_day)
    with _rule_days_lock:
        entry = _rule_days.get(key)
    if entry is not None and entry[0] is rules:
        return entry[1]
    schedule = Schedule(stored=rules, busy=[], bookings_per_day={}, doctor_zone=doctor_zone)
    starts = bookable_starts(
        schedule,
        BookingRules(duration=duration, max_advance=_ANY_TIME),
        zone=zone,
        first=local_day,
        last=local_day,
        now=0,
    )
    day = {s.start_utc: s for s in starts}
    with _rule_days_lock:
        if len(_rule_days) >= _RULE_DAYS_MAX:
            _rule_days.clear()
        _rule_days[key] = (rules, day)
    return day


def start_in_rules(
    doctor: Doctor,
    appointment_type: AppointmentType,
    starts_at: datetime,
    scope: Scope,
    now: datetime,
    *,
    rules: ScheduleInputs,
    live: ScheduleInputs,
    doctor_locations: Sequence[uuid.UUID],
) -> Start | None:
    """`bookable_start` for a caller that settles other bookings itself (the hold's fast path: the exclusion
    constraints refuse an overlap, and it takes no service with a daily cap or a needed resource).

    `rules` holds the doctor's weekly windows for `scope` and their places (a copy cached by schedule version
    will do: only those two are used); `live` the time off, openings and closures around the start that apply
    to `scope`, as `schedule_inputs` reads them. With no other booking in the way, the answer is
    `bookable_start`'s (same engine, same placing).
    """
    zone = zoneinfo.ZoneInfo(doctor.effective_timezone)
    stored: ScheduleInputs
    if live.blocked or live.openings or live.closed:
        # Everything read live (time off, openings, closures), with the given rules' windows and places.
        stored = replace(live, windows_by_zone=rules.windows_by_zone, places={**rules.places, **live.places})
        schedule = Schedule(
            stored=stored, busy=[], bookings_per_day={}, doctor_zone=doctor.effective_timezone
        )
        found = next(iter(_starts_at(schedule, appointment_type, starts_at, now, zone)), None)
    else:
        # The weekly rules alone decide: their starts of the day are kept (`_rule_day`); the notice and the
        # advance limit, which move with `now`, are applied here as `bookable_starts` applies them.
        stored = rules
        booking = booking_rules(appointment_type)
        local_day = starts_at.astimezone(zone).date()
        lo, hi = bookable_span(zone, local_day, local_day, int(now.timestamp()), booking)
        wanted = int(starts_at.timestamp())
        day = _rule_day(rules, doctor.effective_timezone, zone, booking.duration, local_day)
        found = day.get(wanted) if lo <= wanted < hi else None
    if found is None:
        return None
    place = place_of(
        found.sources,
        stored.places,
        location_id=scope.location_id,
        room_id=scope.room_id,
        consultation_mode=scope.consultation_mode,
        doctor_locations=doctor_locations,
        service_modes=appointment_type.consultation_modes,
    )
    return replace(found, place=place)
