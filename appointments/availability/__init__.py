"""Availability, in one place: which start times of a service can be booked, for one doctor or across a
clinic, and whether one start can. The pure computation is `engine`, the loading `loading`; what a doctor
previews and what a patient can book come from the same stored-schedule reader (`scheduling.selectors`)."""

from __future__ import annotations

import uuid
import zoneinfo
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from appointments.availability.engine import BookingRules, Place, Start, bookable_starts, label, place_of
from appointments.availability.loading import load_schedules, resources_full
from appointments.selectors import utcnow
from medic.clinic.models import AppointmentType, Doctor
from scheduling import slots
from scheduling.scope import Scope

__all__ = [
    "BookingRules",
    "Offer",
    "Place",
    "Start",
    "bookable_start",
    "booking_rules",
    "earliest_across",
    "for_doctor",
    "is_bookable",
    "label",
]


def booking_rules(appointment_type: AppointmentType) -> BookingRules:
    return BookingRules(
        duration=appointment_type.duration_minutes * 60,
        buffer_before=appointment_type.buffer_before_minutes * 60,
        buffer_after=appointment_type.buffer_after_minutes * 60,
        min_notice=appointment_type.min_notice_minutes * 60,
        max_advance=appointment_type.max_advance_days * 86_400,
        daily_cap=appointment_type.daily_cap,
    )


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
    lo, hi = _utc_range(zone, first, last)
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


@dataclass(frozen=True, slots=True)
class Offer:
    doctor: Doctor
    appointment_type: AppointmentType
    start: Start


_SEARCH_CHUNK_DAYS = 2


def earliest_across(
    *,
    types: list[AppointmentType],
    scope_location: uuid.UUID | None,
    consultation_mode: str | None,
    zone: zoneinfo.ZoneInfo,
    first: date,
    last: date,
    limit: int,
    per_doctor: int = 3,
    now: datetime | None = None,
) -> list[Offer]:
    """The earliest `limit` bookable starts across the doctors offering these services, at most
    `per_doctor` from any one doctor so that one free diary does not hide everyone else.

    The data is loaded once for the whole range; the slots are computed a few days at a time, in order,
    and a doctor drops out once they have `per_doctor` starts: everything found later is later.
    """
    now = now or utcnow()
    lo, hi = _utc_range(zone, first, last)
    doctors = {t.doctor_id: t.doctor for t in types}
    rows = Scope(location_id=scope_location, consultation_mode=consultation_mode).request_filter(
        appointment_type_ids=[t.pk for t in types]
    )
    capped = any(t.daily_cap is not None for t in types)
    schedules = load_schedules(list(doctors.values()), rows, lo, hi, now, count_days=capped)
    full = resources_full([t.pk for t in types], scope_location, lo, hi, now)
    found: dict[uuid.UUID, int] = {t.pk: 0 for t in types}
    waiting = list(types)
    offers: list[Offer] = []
    chunk_first = first
    while waiting and chunk_first <= last:
        chunk_last = min(last, chunk_first + timedelta(days=_SEARCH_CHUNK_DAYS - 1))
        for appointment_type in waiting:
            starts = bookable_starts(
                schedules[appointment_type.doctor_id],
                booking_rules(appointment_type),
                zone=zone,
                first=chunk_first,
                last=chunk_last,
                now=int(now.timestamp()),
                unavailable=full.get(appointment_type.pk, ()),
            )[: per_doctor - found[appointment_type.pk]]
            found[appointment_type.pk] += len(starts)
            offers.extend(Offer(doctors[appointment_type.doctor_id], appointment_type, s) for s in starts)
        waiting = [t for t in waiting if found[t.pk] < per_doctor]
        chunk_first = chunk_last + timedelta(days=1)
        if len(offers) >= limit:
            break  # a later chunk can only add later starts than all of these
    offers.sort(key=lambda o: (o.start.start_utc, o.doctor.display_name))
    return offers[:limit]


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
    zone = zoneinfo.ZoneInfo(doctor.effective_timezone)
    local_day = starts_at.astimezone(zone).date()
    lo, hi = _utc_range(zone, local_day, local_day)
    schedule = load_schedules([doctor], scope.request_filter(), lo, hi, now, leave_out=leave_out)[doctor.pk]
    starts = bookable_starts(
        schedule,
        booking_rules(appointment_type),
        zone=zone,
        first=local_day,
        last=local_day,
        now=int(now.timestamp()),
    )
    wanted = int(starts_at.timestamp())
    found = [s for s in starts if s.start_utc == wanted]
    return _placed(found, schedule.stored.places, doctor, appointment_type, scope)[0] if found else None


def _utc_range(zone: zoneinfo.ZoneInfo, first: date, last: date) -> tuple[datetime, datetime]:
    lo, hi = slots.day_bounds(zone, first, last)
    return datetime.fromtimestamp(lo, UTC), datetime.fromtimestamp(hi, UTC)
