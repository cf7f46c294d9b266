"""What the booking page offers: services by name, the earliest free times, and a clicked time checked."""

from __future__ import annotations

import uuid
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from appointments import availability, selectors
from appointments.desk.access import Desk
from appointments.desk.timefmt import from_epoch, iso_utc, when
from medic.clinic.models import AppointmentType, ConsultationMode, Doctor, Location
from scheduling.scope import Scope

SEARCH_DAYS = 14
OFFERS = 12
MODE_LABELS = dict(ConsultationMode.choices)


@dataclass(frozen=True, slots=True)
class OfferRow:
    """One bookable time as the desk shows it, with what a hold there needs."""

    doctor: Doctor
    appointment_type: AppointmentType
    starts_at: datetime
    label: str
    starts_iso: str
    location_id: uuid.UUID | None
    mode: str | None
    place: str
    needs_location: bool
    needs_mode: bool


def services_for(desk: Desk) -> list[AppointmentType]:
    """The desk's bookable services (one per doctor and name)."""
    types = selectors.services_offered(desk.clinic)
    if desk.only_doctor is not None:
        types = [t for t in types if t.doctor_id == desk.only_doctor.pk]
    return sorted(types, key=lambda t: (t.name, t.doctor.display_name))


def service_choices(types: list[AppointmentType]) -> list[tuple[str, str]]:
    names: dict[str, set[int]] = {}
    for t in types:
        names.setdefault(t.name, set()).add(t.duration_minutes)
    return [
        (name, f"{name} ({'/'.join(str(m) for m in sorted(minutes))} min)")
        for name, minutes in sorted(names.items())
    ]


def offers(
    types: list[AppointmentType],
    *,
    zone: zoneinfo.ZoneInfo,
    first: date,
    location_id: uuid.UUID | None,
    mode: str | None,
    locations: dict[uuid.UUID, Location],
    limit: int = OFFERS,
) -> list[OfferRow]:
    """The earliest free times of these services (one per doctor) over the next two weeks."""
    if not types:
        return []
    found = availability.earliest_across(
        types=types,
        scope_location=location_id,
        consultation_mode=mode,
        zone=zone,
        first=first,
        last=first + timedelta(days=SEARCH_DAYS - 1),
        limit=limit,
        per_doctor=3 if len(types) > 1 else limit,
    )
    return [
        row(o.doctor, o.appointment_type, start, zone, locations, location_id, mode)
        for o, start in zip(found, _placed(found, zone, location_id, mode), strict=True)
    ]


def _placed(
    found: list[availability.Offer], zone: zoneinfo.ZoneInfo, location_id: uuid.UUID | None, mode: str | None
) -> list[availability.Start]:
    """The offers' starts with the place a hold there gets (earliest_across leaves it out): one `for_doctor`
    per doctor and service among the offers, over the dates they span."""
    groups: dict[uuid.UUID, list[availability.Offer]] = {}
    for o in found:
        groups.setdefault(o.appointment_type.pk, []).append(o)
    placed: dict[tuple[uuid.UUID, int], availability.Start] = {}
    for offers_of_type in groups.values():
        t = offers_of_type[0].appointment_type
        days = [datetime.fromtimestamp(o.start.start_utc, zone).date() for o in offers_of_type]
        for s in availability.for_doctor(
            doctor=offers_of_type[0].doctor,
            appointment_type=t,
            scope=Scope(appointment_type_id=t.pk, location_id=location_id, consultation_mode=mode),
            zone=zone,
            first=min(days),
            last=max(days),
        ):
            placed[(t.pk, s.start_utc)] = s
    return [placed.get((o.appointment_type.pk, o.start.start_utc), o.start) for o in found]


def at_time(
    doctor: Doctor,
    appointment_type: AppointmentType,
    starts_at: datetime,
    *,
    zone: zoneinfo.ZoneInfo,
    location_id: uuid.UUID | None,
    mode: str | None,
    locations: dict[uuid.UUID, Location],
) -> OfferRow | None:
    """The clicked time as an offer, when this service fits there."""
    starts = _starts_on(doctor, appointment_type, starts_at.astimezone(zone).date(), zone, location_id, mode)
    wanted = int(starts_at.timestamp())
    match = next((s for s in starts if s.start_utc == wanted), None)
    if match is None:
        return None
    return row(doctor, appointment_type, match, zone, locations, location_id, mode)


def next_today(
    doctor: Doctor,
    appointment_type: AppointmentType,
    *,
    zone: zoneinfo.ZoneInfo,
    location_id: uuid.UUID | None,
    mode: str | None,
) -> availability.Start | None:
    """A walk-in's time: the doctor's first bookable start of this service from now until the day ends."""
    today = selectors.utcnow().astimezone(zone).date()
    starts = _starts_on(doctor, appointment_type, today, zone, location_id, mode)
    return starts[0] if starts else None


def _starts_on(
    doctor: Doctor,
    appointment_type: AppointmentType,
    day: date,
    zone: zoneinfo.ZoneInfo,
    location_id: uuid.UUID | None,
    mode: str | None,
) -> list[availability.Start]:
    """One day's bookable starts of this service, narrowed to the place and mode asked for."""
    return availability.for_doctor(
        doctor=doctor,
        appointment_type=appointment_type,
        scope=Scope(appointment_type_id=appointment_type.pk, location_id=location_id, consultation_mode=mode),
        zone=zone,
        first=day,
        last=day,
    )


def row(
    doctor: Doctor,
    appointment_type: AppointmentType,
    start: availability.Start,
    zone: zoneinfo.ZoneInfo,
    locations: dict[uuid.UUID, Location],
    location_id: uuid.UUID | None,
    mode: str | None,
) -> OfferRow:
    place = start.place
    loc = location_id or (place.location_id if place else None)
    how = mode or (place.consultation_mode if place else None)
    missing = place.missing if place else ()
    needs_location = "doctorLocationId" in missing and location_id is None
    needs_mode = "consultationMode" in missing and mode is None
    where = [locations[loc].name if loc in locations else ""] if loc else []
    text = " · ".join([*where, MODE_LABELS.get(how or "", "")] if how else where)
    starts_at = from_epoch(start.start_utc).astimezone(zone)
    return OfferRow(
        doctor=doctor,
        appointment_type=appointment_type,
        starts_at=starts_at,
        label=when(starts_at, zone),
        starts_iso=iso_utc(starts_at),
        location_id=loc,
        mode=how,
        place=text,
        needs_location=needs_location,
        needs_mode=needs_mode,
    )
