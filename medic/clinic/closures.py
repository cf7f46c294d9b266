"""Clinic closures: a clinic's public holidays (the `holidays` package) less those switched off, plus
closures of its own. Each is a whole local day in the clinic's time zone; the engine takes it out of every
doctor's weekly hours there, but not out of a doctor's own openings (`scheduling.slots.expand`'s `closed`)."""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.db.models.functions import JSONObject

from medic.clinic.models import Clinic, ClinicClosure, Doctor

Source = Literal["holiday", "custom"]
_SLACK = timedelta(days=2)  # wider than any UTC offset: a span's clinic-local dates all lie inside

__all__ = [
    "Calendar",
    "Closure",
    "Holiday",
    "closures",
    "closures_of",
    "doctor_closures",
    "holiday_calendar",
    "public_holidays",
]


@dataclass(frozen=True, slots=True)
class Closure:
    """A day the clinic is closed: a public holiday of its calendar or one of its own closures."""

    date: date
    name: str
    source: Source

    @property
    def label(self) -> str:
        """How people read it: "Public holiday: Epiphany", "Clinic closed: Clinic training day"."""
        return f"{'Public holiday' if self.source == 'holiday' else 'Clinic closed'}: {self.name}"


@dataclass(frozen=True, slots=True)
class Holiday:
    """A public holiday of a clinic's calendar and whether it closes the clinic (staff may switch it off)."""

    date: date
    name: str
    is_closed: bool


@dataclass(frozen=True, slots=True)
class Calendar:
    """What closures need of a clinic: its zone, its holiday calendar and its own rows (kind, date, name)."""

    clinic_id: uuid.UUID
    timezone: str
    country: str
    subdivision: str
    rows: tuple[tuple[str, date, str], ...] = ()


# --- public holidays ----------------------------------------------------------------------------------------


@lru_cache(maxsize=2048)
def public_holidays(country: str, subdivision: str, year: int) -> tuple[tuple[date, str], ...]:
    """The public holidays of one calendar year, in date order, named in English where the package can (two
    on one date share it: "A; B"). The package is pure computation, so this is cached per process."""
    if not country:
        return ()
    import holidays

    try:
        calendar = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    except NotImplementedError:  # a code this version of the package no longer knows: its holidays are none
        if not subdivision:
            return ()
        subdivision = ""  # a region it dropped: the national holidays still apply
        calendar = holidays.country_holidays(country, years=year)
    languages = getattr(calendar, "supported_languages", ()) or ()
    english = next(
        (lang for lang in ("en_US", "en_GB", *languages) if lang in languages and lang.startswith("en")), None
    )
    if english and english != getattr(calendar, "default_language", None):
        calendar = holidays.country_holidays(
            country, subdiv=subdivision or None, years=year, language=english
        )
    return tuple(sorted((d, str(name)) for d, name in calendar.items() if d.year == year))


def _holidays_between(country: str, subdivision: str, start: date, end: date) -> list[tuple[date, str]]:
    return [
        (d, name)
        for year in range(start.year, end.year + 1)
        for d, name in public_holidays(country, subdivision, year)
        if start <= d <= end
    ]


# --- closures -----------------------------------------------------------------------------------------------


def closures_of(calendar: Calendar, start: date, end: date) -> list[Closure]:
    """The closures of one clinic on dates start..end (inclusive), in date order (pure)."""
    off = {d for kind, d, _ in calendar.rows if kind == ClinicClosure.Kind.HOLIDAY_OFF}
    custom = {d: name for kind, d, name in calendar.rows if kind == ClinicClosure.Kind.CUSTOM}
    out = [
        Closure(d, name, "holiday")
        for d, name in _holidays_between(calendar.country, calendar.subdivision, start, end)
        if d not in off and d not in custom
    ]
    out += [Closure(d, name, "custom") for d, name in custom.items() if start <= d <= end]
    return sorted(out, key=lambda c: c.date)


def _rows_subquery(clinic_ref: str, start: date, end: date) -> ArraySubquery:
    return ArraySubquery(
        ClinicClosure.objects.filter(clinic_id=OuterRef(clinic_ref), date__gte=start, date__lte=end)
        .order_by("date")
        .values(row=JSONObject(kind="kind", date="date", name="name"))
    )


def _rows(found: Iterable[dict[str, str]] | None) -> tuple[tuple[str, date, str], ...]:
    return tuple((r["kind"], date.fromisoformat(r["date"]), r["name"]) for r in found or ())


def calendars(clinic_ids: Sequence[uuid.UUID], start: date, end: date) -> dict[uuid.UUID, Calendar]:
    """Each clinic's calendar with its own rows on start..end: one query."""
    return {
        pk: Calendar(pk, zone, country, subdivision, _rows(found))
        for pk, zone, country, subdivision, found in Clinic.objects.filter(pk__in=clinic_ids).values_list(
            "pk", "timezone", "holiday_country", "holiday_subdivision", _rows_subquery("pk", start, end)
        )
    }


def closures(clinic_ids: Sequence[uuid.UUID], start: date, end: date) -> dict[uuid.UUID, list[Closure]]:
    """Each clinic's closures on dates start..end (inclusive, in each clinic's zone), in date order; one query
    however many clinics (every id asked for has a list, empty for an unknown one)."""
    found = calendars(clinic_ids, start, end)
    return {pk: closures_of(found[pk], start, end) if pk in found else [] for pk in clinic_ids}


def closure_spans(zone_name: str, found: Sequence[Closure]) -> list[tuple[int, int, Closure]]:
    """Each closure as the UTC span (epoch seconds) of its whole local day in `zone_name`."""
    zone = zoneinfo.ZoneInfo(zone_name)
    return [(_midnight(zone, c.date), _midnight(zone, c.date + timedelta(days=1)), c) for c in found]


def _midnight(zone: zoneinfo.ZoneInfo, d: date) -> int:
    """Local midnight of `d` (the first instant of that date: `slots.day_bounds`' reading, fold 0)."""
    return int(datetime.combine(d, time(), tzinfo=zone).timestamp())


def doctor_closures(
    doctor_ids: Sequence[uuid.UUID], lo: datetime, hi: datetime
) -> dict[uuid.UUID, list[tuple[int, int, Closure]]]:
    """For each doctor, the closures of their clinic that meet [lo, hi) (with two days' slack, as the other
    engine inputs), as UTC spans of whole clinic-local days. One query however many doctors."""
    start, end = (lo - _SLACK).date(), (hi + _SLACK).date()
    out: dict[uuid.UUID, list[tuple[int, int, Closure]]] = {}
    by_clinic: dict[uuid.UUID, list[tuple[int, int, Closure]]] = {}
    for pk, clinic_id, zone, country, subdivision, found in Doctor.objects.filter(
        pk__in=doctor_ids
    ).values_list(
        "pk",
        "clinic_id",
        "clinic__timezone",
        "clinic__holiday_country",
        "clinic__holiday_subdivision",
        _rows_subquery("clinic_id", start, end),
    ):
        if clinic_id not in by_clinic:
            calendar = Calendar(clinic_id, zone, country, subdivision, _rows(found))
            by_clinic[clinic_id] = closure_spans(zone, closures_of(calendar, start, end))
        out[pk] = by_clinic[clinic_id]
    return out


def holiday_calendar(clinic: Clinic, start: date, end: date) -> list[Holiday]:
    """The public holidays of the clinic's calendar on start..end, each with whether it closes the clinic
    (a holiday switched off does not). One query."""
    off = set(
        ClinicClosure.objects.filter(
            clinic=clinic, date__gte=start, date__lte=end, kind=ClinicClosure.Kind.HOLIDAY_OFF
        ).values_list("date", flat=True)
    )
    return [
        Holiday(d, name, d not in off)
        for d, name in _holidays_between(clinic.holiday_country, clinic.holiday_subdivision, start, end)
    ]
