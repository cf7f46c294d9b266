"""A schedule change never strands a booking silently: preview warns, a save is refused (409) unless told to
keep or cancel the bookings it would leave outside bookable time."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from rest_framework.test import APIClient

from appointments import services as booking
from appointments.models import ActorType, Appointment, AppointmentEvent, Status
from medic.clinic.models import Doctor
from scheduling.models import AvailabilityException, DoctorSchedule, ScheduleRule
from scheduling.tests.payloads import brk, day, form, window

ATHENS = zoneinfo.ZoneInfo("Europe/Athens")
SAVE = "/api/doctor/schedule/rules/bulk_upsert"
PREVIEW = "/api/doctor/schedule/preview"
EXCEPTIONS = "/api/doctor/schedule/exceptions"


def at(d: date, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime.combine(d, time(h, m), tzinfo=ATHENS)


@pytest.fixture
def booked_day() -> date:
    return datetime.now(ATHENS).date() + timedelta(days=5)


@pytest.fixture
def doctor_api(demo) -> APIClient:
    client = APIClient()
    client.force_authenticate(demo.doctor.user)
    return client


@pytest.fixture
def booked(demo, booked_day: date) -> Appointment:
    """The demo doctor works 09:00–17:00 on the booked day's weekday; a patient is confirmed at 10:00."""
    doctor: Doctor = demo.doctor
    ScheduleRule.objects.create(
        doctor=doctor,
        timezone="Europe/Athens",
        day_of_week=booked_day.isoweekday(),
        work_start_local=time(9),
        work_end_local=time(17),
        slot_interval_minutes=30,
    )
    service = doctor.appointment_types.get(name="Consultation")
    req = booking.HoldRequest(
        doctor,
        service,
        at(booked_day, "10:00"),
        demo.patient,
        doctor.locations.order_by("name").first(),
        None,
        "in_person",
    )
    held = booking.hold(req, actor=booking.Actor(ActorType.PATIENT, demo.patient.pk))
    return booking.confirm(held, actor=booking.Actor(ActorType.PATIENT, demo.patient.pk))


def _week_of(booked_day: date, *days: dict, **extra: Any) -> dict:
    return form(*days, dateRange={"start": booked_day.isoformat(), "end": booked_day.isoformat()}, **extra)


def _codes(body: dict) -> list[str]:
    return [e["code"] for e in body["errors"]]


CHANGES = {
    "day off": lambda wd: day(wd, window(), enabled=False),
    "shorter window": lambda wd: day(wd, window("11:00", "17:00")),
    "new break": lambda wd: day(wd, window("09:00", "17:00", 30, brk("10:00", "11:00", "Team meeting"))),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_preview_lists_the_bookings_a_change_strands(doctor_api, booked, booked_day, change) -> None:
    payload = _week_of(booked_day, CHANGES[change](booked_day.isoweekday()))
    warnings = doctor_api.post(PREVIEW, payload, format="json").json()["warnings"]
    affected = [w for w in warnings if w["code"] == "BOOKINGS_AFFECTED"]
    assert len(affected) == 1
    assert affected[0]["path"] == "days.0" and affected[0]["severity"] == "warning"
    assert affected[0]["appointments"] == [
        {
            "id": str(booked.pk),
            "startsAt": booked.starts_at.astimezone(zoneinfo.ZoneInfo("UTC"))
            .isoformat()
            .replace("+00:00", "Z"),
            "patientName": booked.patient.full_name,
            "service": "Consultation",
        }
    ]


@pytest.mark.parametrize("change", list(CHANGES))
def test_saving_a_change_that_strands_a_booking_is_409_and_writes_nothing(
    doctor_api, demo, booked, booked_day, change
) -> None:
    before = list(ScheduleRule.objects.values_list("pk", flat=True))
    version = DoctorSchedule.objects.filter(doctor=demo.doctor).values_list("version", flat=True).first()
    response = doctor_api.post(SAVE, form(CHANGES[change](booked_day.isoweekday())), format="json")
    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert (error["path"], error["code"]) == ("days.0", "BOOKINGS_AFFECTED")
    assert [a["id"] for a in error["appointments"]] == [str(booked.pk)]
    assert list(ScheduleRule.objects.values_list("pk", flat=True)) == before
    assert (
        DoctorSchedule.objects.filter(doctor=demo.doctor).values_list("version", flat=True).first() == version
    )
    booked.refresh_from_db()
    assert booked.status == Status.CONFIRMED and not booked.outside_hours


def test_keep_saves_and_marks_the_booking_outside_hours(doctor_api, demo, booked, booked_day) -> None:
    payload = form(CHANGES["day off"](booked_day.isoweekday()), onAffectedBookings="keep")
    assert doctor_api.post(SAVE, payload, format="json").status_code == 200
    booked.refresh_from_db()
    assert booked.status == Status.CONFIRMED and booked.outside_hours
    event = AppointmentEvent.objects.filter(appointment=booked).latest("created_at")
    assert (event.kind, event.actor_type, event.actor_id) == (
        "kept_outside_hours",
        ActorType.DOCTOR,
        demo.doctor.pk,
    )
    listed = doctor_api.get(f"/api/appointments/{booked.pk}").json()
    assert listed["outsideHours"] is True


def test_cancel_saves_and_cancels_each_booking_with_its_audit_event(
    doctor_api, demo, booked, booked_day
) -> None:
    payload = form(CHANGES["shorter window"](booked_day.isoweekday()), onAffectedBookings="cancel")
    assert doctor_api.post(SAVE, payload, format="json").status_code == 200
    booked.refresh_from_db()
    assert booked.status == Status.CANCELLED
    assert (booked.cancelled_by_type, booked.cancelled_by_id) == (ActorType.DOCTOR, demo.doctor.pk)
    assert booked.cancel_reason
    event = AppointmentEvent.objects.filter(appointment=booked).latest("created_at")
    assert event.kind == "cancelled"
    assert ScheduleRule.objects.get(doctor=demo.doctor).work_start_local == time(11)


def test_a_change_that_leaves_bookings_alone_needs_no_answer(doctor_api, booked, booked_day) -> None:
    payload = form(day(booked_day.isoweekday(), window("08:00", "18:00")))
    assert doctor_api.post(SAVE, payload, format="json").status_code == 200


def test_an_unknown_answer_is_422_at_its_field(doctor_api, booked, booked_day) -> None:
    payload = form(CHANGES["day off"](booked_day.isoweekday()), onAffectedBookings="later")
    response = doctor_api.post(SAVE, payload, format="json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "onAffectedBookings"


def _time_off(booked_day: date, **extra: object) -> dict:
    return {
        "kind": "blocked",
        "startsAt": at(booked_day, "09:00").isoformat(),
        "endsAt": at(booked_day, "13:00").isoformat(),
        "reason": "Conference",
        **extra,
    }


def test_time_off_over_a_booking_is_409_and_writes_nothing(doctor_api, booked, booked_day) -> None:
    response = doctor_api.post(EXCEPTIONS, _time_off(booked_day), format="json")
    assert response.status_code == 409
    assert _codes(response.json()) == ["BOOKINGS_AFFECTED"]
    assert response.json()["errors"][0]["appointments"][0]["id"] == str(booked.pk)
    assert not AvailabilityException.objects.exists()


def test_time_off_with_cancel_cancels_the_booking(doctor_api, booked, booked_day) -> None:
    response = doctor_api.post(EXCEPTIONS, _time_off(booked_day, onAffectedBookings="cancel"), format="json")
    assert response.status_code == 201, response.content
    booked.refresh_from_db()
    assert booked.status == Status.CANCELLED


def test_moving_time_off_onto_a_booking_asks_too(doctor_api, booked, booked_day) -> None:
    created = doctor_api.post(
        EXCEPTIONS,
        {
            **_time_off(booked_day),
            "startsAt": at(booked_day, "14:00").isoformat(),
            "endsAt": at(booked_day, "15:00").isoformat(),
        },
        format="json",
    ).json()
    moved = {"startsAt": at(booked_day, "09:00").isoformat()}
    assert doctor_api.patch(f"{EXCEPTIONS}/{created['id']}", moved, format="json").status_code == 409
    kept = doctor_api.patch(
        f"{EXCEPTIONS}/{created['id']}", {**moved, "onAffectedBookings": "keep"}, format="json"
    )
    assert kept.status_code == 200
    booked.refresh_from_db()
    assert booked.outside_hours and booked.status == Status.CONFIRMED
