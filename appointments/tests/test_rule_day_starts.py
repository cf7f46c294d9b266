"""The fast hold's kept starts of a day by the weekly rules alone (`availability._rule_day`) give exactly the
engine's answer computed afresh, whatever `now` is: across DST changes, split shifts, breaks, a rota and
services longer than a slot, with the notice and the advance limit at their edges."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest

from appointments import availability, services
from appointments.availability.engine import Schedule
from medic.clinic.models import AppointmentType, Doctor
from medic.clinic.tests.factories import AppointmentTypeFactory, ClinicFactory, DoctorFactory
from scheduling.scope import Scope
from scheduling.slots import ScheduleInputs
from scheduling.tests.factories import ScheduleRuleBreakFactory, ScheduleRuleFactory

NO_LIVE = ScheduleInputs(windows_by_zone={}, blocked=[], openings=[])
SCOPE = Scope(None, None, None, None)


def _doctor(zone: str) -> Doctor:
    doctor = DoctorFactory.create(clinic=ClinicFactory.create(timezone=zone))
    for dow in range(1, 8):
        morning = ScheduleRuleFactory.create(
            doctor=doctor,
            timezone=zone,
            day_of_week=dow,
            work_start_local=time(1, 30),  # crosses the night's DST change
            work_end_local=time(12),
            slot_interval_minutes=20,
        )
        ScheduleRuleBreakFactory.create(rule=morning, break_start_local=time(9), break_end_local=time(9, 50))
        ScheduleRuleFactory.create(
            doctor=doctor,
            timezone=zone,
            day_of_week=dow,
            work_start_local=time(14),
            work_end_local=time(18),
            slot_interval_minutes=30,
            repeat_every_weeks=2,
            repeat_anchor=date(2027, 3, 1),
        )
    return doctor


def _afresh(doctor: Doctor, service: AppointmentType, rules: ScheduleInputs, at: datetime, now: datetime):
    schedule = Schedule(stored=rules, busy=[], bookings_per_day={}, doctor_zone=doctor.effective_timezone)
    zone = zoneinfo.ZoneInfo(doctor.effective_timezone)
    return next(iter(availability._starts_at(schedule, service, at, now, zone)), None)


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("Europe/Athens", date(2027, 3, 28)),  # spring forward at 03:00
        ("Europe/Athens", date(2027, 10, 31)),  # fall back at 04:00
        ("America/New_York", date(2027, 3, 14)),  # spring forward at 02:00
        ("Australia/Lord_Howe", date(2027, 4, 4)),  # half an hour back at 02:00
        ("Europe/Athens", date(2027, 3, 16)),  # an ordinary Tuesday of the rota's other week
    ],
)
@pytest.mark.parametrize("minutes", [15, 50])
def test_kept_starts_match_the_engine_afresh(db: None, zone: str, day: date, minutes: int) -> None:
    doctor = _doctor(zone)
    service = AppointmentTypeFactory.create(
        doctor=doctor, duration_minutes=minutes, min_notice_minutes=90, max_advance_days=3
    )
    rules = services._rules_for(doctor.pk, SCOPE, None)
    tz = zoneinfo.ZoneInfo(zone)
    first = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    starts = [first + timedelta(minutes=5 * k) for k in range(12 * 26)]  # the day and its edges, UTC
    nows = [
        first - timedelta(days=10),  # beyond the advance limit
        first - timedelta(days=3) + timedelta(hours=5),  # the advance limit inside the day
        first + timedelta(hours=4, minutes=7),  # the notice inside the day
    ]
    compared = found = 0
    for now in nows:
        for at in starts:
            kept = availability.start_in_rules(
                doctor, service, at, SCOPE, now, rules=rules, live=NO_LIVE, doctor_locations=[]
            )
            fresh = _afresh(doctor, service, rules, at, now)
            got = (kept.start_utc, kept.end_utc, kept.sources) if kept else None
            want = (fresh.start_utc, fresh.end_utc, fresh.sources) if fresh else None
            assert got == want, (now, at)
            compared += 1
            found += kept is not None
    assert compared == len(nows) * len(starts)
    assert found > 0
