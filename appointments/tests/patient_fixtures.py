"""Shared set-up of the patient page tests (import the `*_fixture` names to use them): both demo doctors
offer a consultation in person at Central, 09:00–17:00 Athens time every day, so every time is unambiguous
and "any doctor" has two to choose from."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from appointments.tests.conftest import ATHENS
from medic.clinic.models import AppointmentType, User
from medic.clinic.tests.factories import AppointmentTypeFactory
from scheduling.models import ScheduleRule


@pytest.fixture(name="consult_both")
def consult_both_fixture(demo) -> list[AppointmentType]:
    mine = demo.doctor.appointment_types.get(name="Consultation")
    theirs = AppointmentTypeFactory.create(
        doctor=demo.doctor2, name="Consultation", duration_minutes=30, consultation_modes=["in_person"]
    )
    for doctor in (demo.doctor, demo.doctor2):
        central = doctor.locations.order_by("name").first()
        for d in range(1, 8):
            ScheduleRule.objects.create(
                doctor=doctor,
                timezone="Europe/Athens",
                day_of_week=d,
                work_start_local=time(9),
                work_end_local=time(17),
                slot_interval_minutes=30,
                location=central,
                consultation_mode="in_person",
            )
    return [mine, theirs]


@pytest.fixture(name="soon")
def soon_fixture() -> date:
    """A day a few days ahead: past any notice, inside every advance limit."""
    return datetime.now(ATHENS).date() + timedelta(days=4)


def at(day: date, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime.combine(day, time(h, m), tzinfo=ATHENS)


def pick(t: AppointmentType, starts: datetime) -> str:
    return f"{t.doctor_id}|{t.pk}|{starts.astimezone(ATHENS).astimezone().isoformat()}"


def signup_data(**extra: str) -> dict[str, str]:
    return {
        "full_name": "Nora Newcomer",
        "email": "nora@example.org",
        "phone": "+30 690 000 0000",
        "password": "a-long-unusual-pass-42",
        "timezone": "Europe/Athens",
        **extra,
    }


def new_user() -> User:
    return User.objects.get(email="nora@example.org")
