"""The clinic search over its read model answers exactly what the plain search (`earliest_across_baseline`)
answers: random schedules in three zones around DST changes, time off, openings, clinic closures, bookings and
holds, read cold, warm, later (notice and hold expiry moving) and after writes."""

from __future__ import annotations

import random
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest

from appointments import availability, selectors
from appointments.availability import search
from appointments.availability.baseline import earliest_across_baseline
from appointments.models import Appointment, Status
from appointments.tests.factories import AppointmentFactory, BookableResourceFactory
from medic.clinic.models import AppointmentType, Clinic, ClinicClosure, Doctor
from medic.clinic.tests.factories import (
    AppointmentTypeFactory,
    ClinicFactory,
    DoctorFactory,
    PatientFactory,
)
from scheduling.models import SLOT_INTERVALS, AvailabilityException, ScheduleRule, ScheduleRuleBreak

ZONES = ("Europe/Athens", "America/New_York", "Australia/Lord_Howe")
# Local dates with a DST change (Lord Howe moves by 30 minutes), and one without.
DST_DAYS = (
    ("Europe/Athens", date(2027, 3, 28)),
    ("Europe/Athens", date(2027, 10, 31)),
    ("America/New_York", date(2027, 3, 14)),
    ("America/New_York", date(2027, 11, 7)),
    ("Australia/Lord_Howe", date(2027, 4, 4)),
    ("Australia/Lord_Howe", date(2027, 10, 3)),
    ("Europe/Athens", date(2027, 6, 16)),
)
SCENARIOS = 10


def _instant(zone: str, day: date, minutes: int) -> datetime:
    return datetime.combine(day, time(), tzinfo=zoneinfo.ZoneInfo(zone)) + timedelta(minutes=minutes)


def _clinic(rng: random.Random, zone: str, around: date, now: datetime) -> Clinic:
    """A clinic of 3–5 doctors with random weekly hours (in any of the zones), breaks, time off, openings,
    bookings and holds, all around `around`."""
    clinic = ClinicFactory.create(timezone=zone, is_public=True)
    patient = PatientFactory.create()
    for n in range(rng.randint(3, 5)):
        doctor = DoctorFactory.create(
            clinic=clinic, timezone=rng.choice(["", *ZONES]), display_name=f"Dr {rng.randint(0, 2)}"
        )
        services = [
            AppointmentTypeFactory.create(
                doctor=doctor,
                name=name,
                duration_minutes=rng.choice([15, 20, 30, 45, 60, 90]),
                buffer_before_minutes=rng.choice([0, 0, 5, 15]),
                buffer_after_minutes=rng.choice([0, 0, 10, 30]),
                min_notice_minutes=rng.choice([0, 30, 90, 24 * 60]),
                max_advance_days=rng.choice([2, 4, 30, 90]),
                daily_cap=rng.choice([None, None, 1, 3]),
            )
            # Two services whose names match the search's case-insensitively, sometimes.
            for name in (["Consult", "consult"] if n == 0 or rng.random() < 0.2 else ["Consult"])
        ]
        _hours(rng, doctor, services, around)
        _exceptions(rng, doctor, services, around)
        _bookings(rng, doctor, services, patient, around, now)
    if rng.random() < 0.4:  # a day the clinic closes, and sometimes its public holidays
        ClinicClosure.objects.create(
            clinic=clinic, date=around + timedelta(days=rng.randint(-1, 2)), name="Off"
        )
    if rng.random() < 0.3:
        Clinic.objects.filter(pk=clinic.pk).update(holiday_country="GR")
    if rng.random() < 0.3:  # a one-seat resource the first service needs: always computed afresh
        service = AppointmentType.objects.filter(doctor__clinic=clinic).order_by("pk").first()
        assert service is not None
        BookableResourceFactory.create(clinic=clinic, appointment_types=[service])
    return clinic


def _hours(rng: random.Random, doctor: Doctor, services: list[AppointmentType], around: date) -> None:
    for _ in range(rng.randint(2, 7)):
        start = rng.choice([0, 60, 90, 120, 150, 180, 420, 480, 540, 600, 780, 1200])
        end = min(start + rng.choice([60, 120, 240, 480, 600]), 24 * 60 - 30)
        rule = ScheduleRule.objects.create(
            doctor=doctor,
            timezone=rng.choice([doctor.effective_timezone, *ZONES]),
            day_of_week=rng.choice([around.isoweekday(), rng.randint(1, 7)]),
            work_start_local=time(start // 60, start % 60),
            work_end_local=time(end // 60, end % 60),
            slot_interval_minutes=rng.choice(SLOT_INTERVALS),
            priority=rng.choice([0, 0, 1]),
            effective_from=rng.choice([None, None, around - timedelta(days=rng.randint(0, 6))]),
            effective_to=rng.choice([None, None, around + timedelta(days=rng.randint(0, 6))]),
            appointment_type=rng.choice([None, None, *services]),
        )
        if end - start >= 120 and rng.random() < 0.5:
            mid = start + (end - start) // 2
            ScheduleRuleBreak.objects.create(
                rule=rule, break_start_local=time(mid // 60, mid % 60), break_end_local=time(mid // 60 + 1, 0)
            )


def _exceptions(rng: random.Random, doctor: Doctor, services: list[AppointmentType], around: date) -> None:
    zone = doctor.effective_timezone
    for _ in range(rng.randint(0, 3)):
        day = around + timedelta(days=rng.randint(-2, 4))
        starts = _instant(zone, day, rng.randrange(0, 24 * 60, 15))
        opening = rng.random() < 0.5
        AvailabilityException.objects.create(
            doctor=doctor,
            kind=AvailabilityException.Kind.AVAILABLE if opening else AvailabilityException.Kind.BLOCKED,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=rng.choice([45, 90, 180, 600])),
            slot_interval_minutes=rng.choice(SLOT_INTERVALS) if opening else None,
            appointment_type=rng.choice([None, None, *services]),
        )


def _bookings(
    rng: random.Random,
    doctor: Doctor,
    services: list[AppointmentType],
    patient: object,
    around: date,
    now: datetime,
) -> None:
    """Confirmed bookings, holds running out within the hour, and cancelled ones (which free their time)."""
    taken: list[tuple[datetime, datetime]] = []
    for _ in range(rng.randint(0, 12)):
        service = rng.choice(services)
        starts = _instant(doctor.effective_timezone, around + timedelta(days=rng.randint(-2, 4)), 0)
        starts += timedelta(minutes=rng.randrange(0, 24 * 60, 15))
        ends = starts + timedelta(minutes=service.duration_minutes)
        busy = (
            starts - timedelta(minutes=service.buffer_before_minutes),
            ends + timedelta(minutes=service.buffer_after_minutes),
        )
        status = rng.choice([Status.CONFIRMED, Status.CONFIRMED, Status.HELD, Status.CANCELLED])
        if status != Status.CANCELLED and any(s < busy[1] and busy[0] < e for s, e in taken):
            continue  # the exclusion constraint would refuse it
        if status != Status.CANCELLED:
            taken.append(busy)
        AppointmentFactory.create(
            appointment_type=service,
            patient=patient,
            starts_at=starts,
            ends_at=ends,
            busy_starts_at=busy[0],
            busy_ends_at=busy[1],
            status=status,
            hold_expires_at=now + timedelta(minutes=rng.choice([5, 20, 50]))
            if status == Status.HELD
            else None,
        )


def _both(clinic: Clinic, now: datetime, first: date, last: date, **query: object) -> list:
    """The read model's answer (read as the endpoint reads it), after checking that it is the baseline's."""
    zone = zoneinfo.ZoneInfo(str(query.pop("zone")))
    mode: str | None = query.pop("consultation_mode", None)  # type: ignore[assignment]
    args = dict(
        scope_location=None, consultation_mode=mode, zone=zone, first=first, last=last, now=now, **query
    )
    expected = earliest_across_baseline(
        types=selectors.services_offered(clinic, name="consult", consultation_mode=mode),
        **args,  # type: ignore[arg-type]
    )
    got = availability.earliest_across(
        types=availability.search_candidates(clinic, name="consult", consultation_mode=mode),
        **args,  # type: ignore[arg-type]
    )
    assert got == expected, (now, first, last, query)
    return got


@pytest.mark.parametrize("seed", range(SCENARIOS))
def test_the_read_model_answers_what_the_baseline_answers(db: None, seed: int) -> None:
    rng = random.Random(seed)
    zone, around = DST_DAYS[seed % len(DST_DAYS)]
    now = _instant(zone, around - timedelta(days=rng.randint(1, 3)), rng.randrange(0, 24 * 60, 7))
    now = now.astimezone(UTC) + timedelta(seconds=rng.randint(0, 59))
    clinic = _clinic(rng, zone, around, now)
    search.clear()
    offered = 0
    for _ in range(3):
        first = around - timedelta(days=rng.randint(0, 3))
        last = first + timedelta(days=rng.randint(0, 8))
        query = {
            "zone": rng.choice(ZONES),
            "limit": rng.choice([1, 3, 10, 40]),
            "per_doctor": rng.choice([1, 2, 3, 20]),
            "consultation_mode": rng.choice([None, None, "in_person"]),
        }
        # Cold, warm, then later: the notice eats into kept starts and holds run out (no write at all).
        for later in (0, 0, 7 * 60 + 11, 55 * 60, 3 * 3600):
            offered += len(_both(clinic, now + timedelta(seconds=later), first, last, **query))
        # A write: a new booking at the first offered start, then its cancellation.
        got = _both(clinic, now, first, last, **query)
        if got:
            o = got[0]
            a = AppointmentFactory.create(
                appointment_type=o.appointment_type,
                starts_at=datetime.fromtimestamp(o.start.start_utc, UTC),
            )
            _both(clinic, now, first, last, **query)
            Appointment.objects.filter(pk=a.pk).update(status=Status.CANCELLED)
            _both(clinic, now, first, last, **query)
    assert offered > 0  # the scenario offers something to compare
