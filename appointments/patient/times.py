"""What the booking pages offer: a month's days that have free times, and one day's times, in the patient's
zone. Every start comes from `appointments.availability`; nothing here decides what is bookable."""

from __future__ import annotations

import calendar
import uuid
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from appointments import availability, selectors
from medic.clinic.models import AppointmentType, ConsultationMode, Doctor
from scheduling.scope import Scope

MODE_LABELS = dict(ConsultationMode.choices)


def zone_or_none(name: str | None) -> zoneinfo.ZoneInfo | None:
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def today_in(zone: zoneinfo.ZoneInfo) -> date:
    return selectors.utcnow().astimezone(zone).date()


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _starts(t: AppointmentType, zone: zoneinfo.ZoneInfo, first: date, last: date) -> list[availability.Start]:
    return availability.for_doctor(
        doctor=t.doctor,
        appointment_type=t,
        scope=Scope(appointment_type_id=t.pk),
        zone=zone,
        first=first,
        last=last,
    )


def bookable_days(types: list[AppointmentType], zone: zoneinfo.ZoneInfo, month: date) -> set[date]:
    """The dates of `month` (in `zone`) on which any of these services has a free time. One availability
    call per doctor over the month; only the dates leave this function, never the slots."""
    first, last = month_bounds(month)
    first = max(first, today_in(zone))
    days: set[date] = set()
    if first > last:
        return days
    for t in types:
        for s in _starts(t, zone, first, last):
            days.add(datetime.fromtimestamp(s.start_utc, zone).date())
    return days


@dataclass(frozen=True, slots=True)
class Time:
    """One free time as the patient sees it, with what a hold there needs."""

    doctor: Doctor
    appointment_type: AppointmentType
    starts_at: datetime
    label: str  # in the patient's zone
    clinic_label: str  # the clinic's clock, when it differs
    needs_location: bool
    needs_mode: bool
    location_id: uuid.UUID | None
    mode: str | None

    @property
    def pick(self) -> str:
        """The value of this time's button: who, what and when (re-checked by the services on hold)."""
        return (
            f"{self.doctor.pk}|{self.appointment_type.pk}|{self.starts_at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
        )


def day_times(
    types: list[AppointmentType], zone: zoneinfo.ZoneInfo, clinic_zone: zoneinfo.ZoneInfo, day: date
) -> list[Time]:
    """The free times of one day, earliest first; with "any doctor" each time once, with the first doctor
    (by name) who is free then."""
    found: dict[int, Time] = {}
    for t in sorted(types, key=lambda t: t.doctor.display_name):
        for s in _starts(t, zone, day, day):
            if s.start_utc in found:
                continue
            at = datetime.fromtimestamp(s.start_utc, UTC)
            place = s.place
            missing = place.missing if place else ()
            theirs, clinics = at.astimezone(zone), at.astimezone(clinic_zone)
            found[s.start_utc] = Time(
                doctor=t.doctor,
                appointment_type=t,
                starts_at=at,
                label=theirs.strftime("%H:%M"),
                clinic_label=clinics.strftime("%H:%M") if theirs.utcoffset() != clinics.utcoffset() else "",
                needs_location="doctorLocationId" in missing,
                needs_mode="consultationMode" in missing,
                location_id=place.location_id if place else None,
                mode=place.consultation_mode if place else None,
            )
    return [found[k] for k in sorted(found)]


def week_times(
    a_type: AppointmentType,
    doctor: Doctor,
    scope: Scope,
    zone: zoneinfo.ZoneInfo,
    first: date,
    days: int = 7,
) -> dict[date, list[datetime]]:
    """A week of one doctor's free times of one service (for moving a booking), by local date."""
    by_day: dict[date, list[datetime]] = {}
    for s in availability.for_doctor(
        doctor=doctor,
        appointment_type=a_type,
        scope=scope,
        zone=zone,
        first=first,
        last=first + timedelta(days=days - 1),
    ):
        at = datetime.fromtimestamp(s.start_utc, zone)
        by_day.setdefault(at.date(), []).append(at)
    return by_day
