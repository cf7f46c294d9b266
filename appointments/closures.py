"""Writes of clinic closures (a closure of the clinic's own, a public holiday switched off or on, the clinic's
holiday calendar), each one transaction that settles the live bookings it would strand as a schedule save
does: listed (409 BOOKINGS_AFFECTED) unless told to keep or cancel them."""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from django.db import transaction

from appointments import services as booking
from appointments.affected import Affected, ScheduleChange, affected_by
from appointments.models import Appointment
from appointments.selectors import utcnow
from medic.clinic.closures import Calendar, Closure, calendars, closure_spans, closures_of
from medic.clinic.models import (
    Clinic,
    ClinicClosure,
    Doctor,
    holiday_countries,
    holiday_subdivisions,
)
from medic.errors import Conflict, FieldError, ValidationFailed
from scheduling.scope import Scope
from scheduling.services import AffectedPolicy, affected_json

CANCEL_REASON = "The clinic is closed that day."
NAME_MAX = 200
# A change of calendar is weighed over the bookings of the coming years (nobody books further ahead).
HORIZON_DAYS = 2 * 366


@dataclass(frozen=True, slots=True)
class ClosureResult:
    """What a closure write did: the closures it added and the bookings it kept or cancelled."""

    added: tuple[Closure, ...]
    kept: int = 0
    cancelled: int = 0


def today_at(clinic: Clinic, now: datetime | None = None) -> date:
    """The clinic's date now, in its zone."""
    return (now or utcnow()).astimezone(zoneinfo.ZoneInfo(clinic.timezone)).date()


# --- what a change strands ----------------------------------------------------------------------------------


def affected_by_closures(
    clinic: Clinic, before: Calendar, after: Calendar, *, now: datetime, first: date, last: date
) -> list[Affected]:
    """Live future bookings of the clinic's doctors that are in bookable time with the closures of `before`
    and would not be with those of `after`, on clinic dates first..last. Only days `after` newly closes can
    strand anyone; only doctors with a live booking on one of them are weighed (one query to find them)."""
    new_days = sorted(
        {c.date for c in closures_of(after, first, last)} - {c.date for c in closures_of(before, first, last)}
    )
    if not new_days:
        return []
    spans = [
        (s, e) for s, e, _ in closure_spans(clinic.timezone, [Closure(d, "", "custom") for d in new_days])
    ]
    lo, hi = datetime.fromtimestamp(spans[0][0], UTC), datetime.fromtimestamp(spans[-1][1], UTC)
    doctor_ids = set(
        Appointment.objects.live(now)
        .filter(doctor__clinic=clinic, starts_at__gte=max(lo, now), starts_at__lt=hi, outside_hours=False)
        .values_list("doctor_id", flat=True)
    )
    if not doctor_ids:
        return []
    # The whole closure list after the change, wide enough for everything affected_by loads around them.
    margin = timedelta(days=5)
    closed_after = [
        (s, e)
        for s, e, _ in closure_spans(
            clinic.timezone, closures_of(after, new_days[0] - margin, new_days[-1] + margin)
        )
    ]
    change = ScheduleChange(scope=Scope(), closed=closed_after)
    found: list[Affected] = []
    for doctor in Doctor.objects.filter(pk__in=doctor_ids).select_related("clinic"):
        for s, e in spans:
            found += affected_by(
                doctor,
                change,
                now=now,
                start=datetime.fromtimestamp(s, UTC),
                end=datetime.fromtimestamp(e, UTC),
            )
    found.sort(key=lambda f: f.appointment.starts_at)
    return found


def _settle(
    found: Sequence[Affected], policy: AffectedPolicy | None, path: str, now: datetime
) -> tuple[int, int]:
    """Refuse (409 BOOKINGS_AFFECTED listing them), keep or cancel; (kept, cancelled)."""
    if not found:
        return 0, 0
    if policy is None or policy.choice is None:
        n = len(found)
        raise Conflict(
            [
                FieldError(
                    path,
                    "BOOKINGS_AFFECTED",
                    f"{n} booked appointment{'s' if n != 1 else ''} fall on a day the clinic closes: "
                    f"keep {'them' if n != 1 else 'it'} anyway, or cancel {'them' if n != 1 else 'it'}.",
                    {"appointments": [affected_json(f.appointment) for f in found]},
                )
            ]
        )
    if policy.choice == "keep":
        return len(booking.keep_outside_hours([f.appointment for f in found], actor=policy.actor)), 0
    for f in found:
        booking.cancel(f.appointment, actor=policy.actor, reason=CANCEL_REASON, now=now)
    return 0, len(found)


def _locked(clinic: Clinic, first: date, last: date) -> Calendar:
    """Lock the clinic row (closure writes of one clinic take turns) and read its calendar."""
    Clinic.objects.select_for_update().filter(pk=clinic.pk).values_list("pk", flat=True).get()
    return calendars([clinic.pk], first, last)[clinic.pk]


def _apply(
    clinic: Clinic,
    before: Calendar,
    after: Calendar,
    policy: AffectedPolicy | None,
    path: str,
    now: datetime,
    first: date,
    last: date,
) -> ClosureResult:
    found = affected_by_closures(clinic, before, after, now=now, first=first, last=last)
    kept, cancelled = _settle(found, policy, path, now)
    added = {c.date for c in closures_of(before, first, last)}
    return ClosureResult(
        tuple(c for c in closures_of(after, first, last) if c.date not in added), kept, cancelled
    )


# --- the writes ---------------------------------------------------------------------------------------------


def add_closure(
    *,
    clinic: Clinic,
    day: date,
    name: str,
    on_affected: AffectedPolicy | None = None,
    now: datetime | None = None,
) -> ClosureResult:
    """Close the clinic on `day` ("Clinic training day"). A past day, a day already closed (a public holiday
    or a closure of its own) or a nameless closure is refused (422, nothing written)."""
    now = now or utcnow()
    name = " ".join(name.split())
    errors = []
    if not name:
        errors.append(FieldError("name", "REQUIRED", "Name the closure (e.g. “Clinic training day”)."))
    elif len(name) > NAME_MAX:
        errors.append(FieldError("name", "TOO_LONG", f"At most {NAME_MAX} characters."))
    if day < today_at(clinic, now):
        errors.append(FieldError("date", "INVALID_DATE", "A closure cannot be in the past."))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        before = _locked(clinic, day, day)
        existing = closures_of(before, day, day)
        if existing or any(d == day for _, d, _ in before.rows):
            what = existing[0].label if existing else "a public holiday switched off"
            raise ValidationFailed(
                [FieldError("date", "CLOSURE_EXISTS", f"{day.isoformat()} already has a closure: {what}.")]
            )
        after = replace(before, rows=(*before.rows, (ClinicClosure.Kind.CUSTOM, day, name)))
        result = _apply(clinic, before, after, on_affected, "date", now, day, day)
        ClinicClosure.objects.create(clinic=clinic, date=day, kind=ClinicClosure.Kind.CUSTOM, name=name)
    return result


def remove_closure(*, clinic: Clinic, closure_id: uuid.UUID) -> None:
    """Remove one of the clinic's own closures (the day opens again: it strands nobody). 404-like
    `ValidationFailed` when it is not this clinic's."""
    deleted, _ = ClinicClosure.objects.filter(
        pk=closure_id, clinic=clinic, kind=ClinicClosure.Kind.CUSTOM
    ).delete()
    if not deleted:
        raise ValidationFailed([FieldError("closure", "NOT_FOUND", "No such closure.")])


def switch_holiday(
    *,
    clinic: Clinic,
    day: date,
    closed: bool,
    on_affected: AffectedPolicy | None = None,
    now: datetime | None = None,
) -> ClosureResult:
    """Switch one public holiday of the clinic's calendar off (the clinic opens as usual) or back on (it
    closes again, settling the bookings that day as `on_affected` says). A day that is no public holiday of
    the calendar is refused (422 NOT_A_HOLIDAY)."""
    now = now or utcnow()
    with transaction.atomic():
        before = _locked(clinic, day, day)
        if not closures_of(replace(before, rows=()), day, day):
            raise ValidationFailed(
                [
                    FieldError(
                        "date", "NOT_A_HOLIDAY", f"{day.isoformat()} is no public holiday of this clinic."
                    )
                ]
            )
        off_rows = tuple(r for r in before.rows if r[0] == ClinicClosure.Kind.HOLIDAY_OFF and r[1] == day)
        if closed:
            after = replace(before, rows=tuple(r for r in before.rows if r not in off_rows))
            result = _apply(clinic, before, after, on_affected, "date", now, day, day)
            ClinicClosure.objects.filter(
                clinic=clinic, date=day, kind=ClinicClosure.Kind.HOLIDAY_OFF
            ).delete()
            return result
        if not off_rows:
            if before.rows:  # a closure of the clinic's own that day: remove it first
                raise ValidationFailed(
                    [
                        FieldError(
                            "date", "CLOSURE_EXISTS", f"{day.isoformat()} has a closure of the clinic's own."
                        )
                    ]
                )
            ClinicClosure.objects.create(clinic=clinic, date=day, kind=ClinicClosure.Kind.HOLIDAY_OFF)
        return ClosureResult(())


def set_calendar(
    *,
    clinic: Clinic,
    country: str,
    subdivision: str = "",
    on_affected: AffectedPolicy | None = None,
    now: datetime | None = None,
) -> ClosureResult:
    """Choose the clinic's public-holiday calendar ("" for none). Holidays it newly closes settle the live
    bookings on them as `on_affected` says (paths `holidayCountry`); an unknown country or subdivision is
    refused (422 INVALID_COUNTRY / INVALID_SUBDIVISION at its path)."""
    now = now or utcnow()
    country, subdivision = country.strip().upper(), subdivision.strip()
    if country and country not in holiday_countries():
        raise ValidationFailed(
            [FieldError("holidayCountry", "INVALID_COUNTRY", f"No public-holiday calendar for {country}.")]
        )
    if subdivision and subdivision not in holiday_subdivisions(country):
        known = ", ".join(holiday_subdivisions(country))
        message = (
            f"{country} has no subdivision {subdivision} (known: {known})."
            if known
            else "Choose a country with subdivisions first."
        )
        raise ValidationFailed([FieldError("holidaySubdivision", "INVALID_SUBDIVISION", message)])
    first = today_at(clinic, now)
    last = first + timedelta(days=HORIZON_DAYS)
    with transaction.atomic():
        before = _locked(clinic, first, last)
        after = replace(before, country=country, subdivision=subdivision)
        result = _apply(clinic, before, after, on_affected, "holidayCountry", now, first, last)
        Clinic.objects.filter(pk=clinic.pk).update(holiday_country=country, holiday_subdivision=subdivision)
        clinic.holiday_country, clinic.holiday_subdivision = country, subdivision
    return result
