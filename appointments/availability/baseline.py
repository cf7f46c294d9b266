"""The clinic search as it was before the read model (`search`): everything loaded and computed on every
call. Kept as the reference that the differential tests and `bench/bench_search.py` compare against."""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import date, datetime, timedelta

from appointments.availability.engine import bookable_starts
from appointments.availability.loading import load_schedules, resources_full, utc_range
from appointments.availability.offers import Offer, booking_rules
from appointments.selectors import utcnow
from medic.clinic.models import AppointmentType
from scheduling.scope import Scope

SEARCH_CHUNK_DAYS = 2


def earliest_across_baseline(
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
    lo, hi = utc_range(zone, first, last)
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
        chunk_last = min(last, chunk_first + timedelta(days=SEARCH_CHUNK_DAYS - 1))
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
