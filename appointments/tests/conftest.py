"""Booking fixtures: the demo doctor working 09:00–17:00 every day, and instants of their slots."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

import pytest
from rest_framework.test import APIClient

from medic.clinic.models import AppointmentType, Doctor, Location
from scheduling.models import ScheduleRule

ATHENS = zoneinfo.ZoneInfo("Europe/Athens")


def local(day: date, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime.combine(day, time(h, m), tzinfo=ATHENS)


def iso(value: datetime) -> str:
    return value.astimezone(zoneinfo.ZoneInfo("UTC")).isoformat().replace("+00:00", "Z")


@pytest.fixture
def day() -> date:
    """A date a few days ahead (inside the default 90-day advance limit, past any notice)."""
    return datetime.now(ATHENS).date() + timedelta(days=5)


@pytest.fixture
def hours(demo) -> list[ScheduleRule]:
    return [
        ScheduleRule.objects.create(
            doctor=demo.doctor,
            timezone="Europe/Athens",
            day_of_week=d,
            work_start_local=time(9),
            work_end_local=time(17),
            slot_interval_minutes=30,
        )
        for d in range(1, 8)
    ]


@pytest.fixture
def consult(demo) -> AppointmentType:
    return demo.doctor.appointment_types.get(name="Consultation")  # 30 minutes, in person or video


@pytest.fixture
def patient_api(demo) -> APIClient:
    client = APIClient()
    client.force_authenticate(demo.patient.user)
    return client


@pytest.fixture
def staff_api(demo) -> APIClient:
    client = APIClient()
    client.force_authenticate(demo.staff)
    return client


def hold_body(demo, consult: AppointmentType, starts: datetime, **extra: object) -> dict:
    """A hold of `consult` at `starts`, in person at the demo doctor's first location unless `extra` says
    otherwise (the doctor works at two, and the service may be held in person or by video)."""
    return {
        "doctorId": str(demo.doctor.pk),
        "appointmentTypeId": str(consult.pk),
        "startsAt": iso(starts),
        "doctorLocationId": str(first_location(demo.doctor).pk),
        "consultationMode": "in_person",
        **extra,
    }


def first_location(doctor: Doctor) -> Location:
    location = doctor.locations.order_by("name").first()
    assert location is not None
    return location
