"""GET /api/doctors/{id}/availability and the clinic-wide earliest-slot search."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from appointments.tests.conftest import hold_body, iso, local
from scheduling.models import AvailabilityException, ScheduleRule, ScheduleRuleBreak

pytestmark = pytest.mark.usefixtures("hours")


def _slots(api: APIClient, demo, consult, day, **params) -> list[dict]:
    query = {"appointmentTypeId": str(consult.pk), "start": day.isoformat(), "end": day.isoformat(), **params}
    response = api.get(f"/api/doctors/{demo.doctor.pk}/availability", query)
    assert response.status_code == 200, response.content
    return response.json()["slots"]


def test_a_free_day_offers_every_slot(patient_api: APIClient, demo, consult, day) -> None:
    slots = _slots(patient_api, demo, consult, day)
    assert len(slots) == 16
    assert slots[0] == {
        "date": day.isoformat(),
        "startLocal": "09:00",
        "endLocal": "09:30",
        "startUtc": iso(local(day, "09:00")),
        "endUtc": iso(local(day, "09:30")),
        # Hours for any location while the doctor works at two, a service held in person or by video:
        # both are left for the hold to say.
        "doctorLocationId": None,
        "locationRoomId": None,
        "consultationMode": None,
    }


def test_a_slot_carries_the_place_and_mode_of_its_rule(patient_api: APIClient, demo, consult, day) -> None:
    location = demo.doctor.locations.first()
    ScheduleRule.objects.filter(doctor=demo.doctor).update(location=location, consultation_mode="video")
    slot = _slots(patient_api, demo, consult, day)[0]
    assert slot["doctorLocationId"] == str(location.pk)
    assert slot["consultationMode"] == "video"


def test_a_named_location_and_mode_are_the_slots_own(patient_api: APIClient, demo, consult, day) -> None:
    location = demo.doctor.locations.first()
    slot = _slots(
        patient_api, demo, consult, day, doctorLocationId=str(location.pk), consultationMode="in_person"
    )[0]
    assert (slot["doctorLocationId"], slot["consultationMode"]) == (str(location.pk), "in_person")


def test_a_longer_service_needs_the_whole_span_free(patient_api: APIClient, demo, day) -> None:
    checkup = demo.doctor.appointment_types.get(name="Annual check-up")  # 60 minutes on a 30-minute grid
    starts = [s["startLocal"] for s in _slots(patient_api, demo, checkup, day)]
    assert starts[0] == "09:00" and starts[-1] == "16:00" and len(starts) == 15


def test_breaks_time_off_and_bookings_are_taken_out(patient_api: APIClient, demo, consult, day) -> None:
    rule = ScheduleRule.objects.get(doctor=demo.doctor, day_of_week=day.isoweekday())
    ScheduleRuleBreak.objects.create(rule=rule, break_start_local=time(13), break_end_local=time(14))
    AvailabilityException.objects.create(
        doctor=demo.doctor, kind="blocked", starts_at=local(day, "09:00"), ends_at=local(day, "10:00")
    )
    patient_api.post("/api/appointments/holds", hold_body(demo, consult, local(day, "11:00")), format="json")
    starts = {s["startLocal"] for s in _slots(patient_api, demo, consult, day)}
    assert not starts & {"09:00", "09:30", "11:00", "13:00", "13:30"}
    assert {"10:00", "10:30", "11:30", "14:00"} <= starts


def test_openings_add_slots(patient_api: APIClient, demo, consult, day) -> None:
    AvailabilityException.objects.create(
        doctor=demo.doctor,
        kind="available",
        slot_interval_minutes=30,
        starts_at=local(day, "18:00"),
        ends_at=local(day, "19:00"),
    )
    starts = [s["startLocal"] for s in _slots(patient_api, demo, consult, day)]
    assert starts[-2:] == ["18:00", "18:30"]


def test_times_come_in_the_requested_zone(patient_api: APIClient, demo, consult, day) -> None:
    slots = _slots(patient_api, demo, consult, day, timezone="Europe/London")
    assert slots[0]["startLocal"] == "07:00"  # 09:00 in Athens


def test_one_query_per_kind_of_data_however_long_the_range(
    patient_api: APIClient, demo, consult, day
) -> None:
    counts = []
    for days in (1, 40):
        with CaptureQueriesContext(connection) as ctx:
            _slots(patient_api, demo, consult, day, end=(day + timedelta(days=days)).isoformat())
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    ("params", "path", "code"),
    [
        ({"appointmentTypeId": None}, "appointmentTypeId", "REQUIRED"),
        ({"timezone": "Mars/Base"}, "timezone", "INVALID_TIMEZONE"),
        ({"start": "2026-02-30"}, "start", "INVALID_DATE"),
        ({"end": "2000-01-01"}, "end", "END_BEFORE_START"),
        ({"consultationMode": "fax"}, "consultationMode", "INVALID_CHOICE"),
    ],
)
def test_bad_availability_queries(patient_api: APIClient, demo, consult, day, params, path, code) -> None:
    query = {"appointmentTypeId": str(consult.pk), "start": day.isoformat(), **params}
    query = {k: v for k, v in query.items() if v is not None}
    response = patient_api.get(f"/api/doctors/{demo.doctor.pk}/availability", query)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["path"] == path and response.json()["errors"][0]["code"] == code


def test_range_is_bounded(patient_api: APIClient, demo, consult, day) -> None:
    query = {
        "appointmentTypeId": str(consult.pk),
        "start": day.isoformat(),
        "end": (day + timedelta(days=90)).isoformat(),
    }
    response = patient_api.get(f"/api/doctors/{demo.doctor.pk}/availability", query)
    assert response.json()["errors"][0]["code"] == "RANGE_TOO_LARGE"


def test_unknown_doctor_is_404(patient_api: APIClient, consult) -> None:
    response = patient_api.get(
        "/api/doctors/00000000-0000-0000-0000-000000000000/availability",
        {"appointmentTypeId": str(consult.pk)},
    )
    assert response.status_code == 404


def test_clinic_search_returns_the_earliest_slots_across_doctors(patient_api: APIClient, demo, day) -> None:
    from medic.clinic.models import AppointmentType

    # doctor2 offers a "Consultation" too, starting at 08:00 on the same days.
    AppointmentType.objects.create(doctor=demo.doctor2, name="Consultation", duration_minutes=30)
    for d in range(1, 8):
        ScheduleRule.objects.create(
            doctor=demo.doctor2,
            timezone="Europe/Athens",
            day_of_week=d,
            work_start_local=time(8),
            work_end_local=time(9),
            slot_interval_minutes=30,
        )
    response = patient_api.get(
        "/api/availability",
        {"clinicId": str(demo.clinic.pk), "service": "consultation", "start": day.isoformat(), "limit": 4},
    )
    assert response.status_code == 200, response.content
    slots = response.json()["slots"]
    assert [(s["doctorId"], s["startLocal"]) for s in slots] == [
        (str(demo.doctor2.pk), "08:00"),
        (str(demo.doctor2.pk), "08:30"),
        (str(demo.doctor.pk), "09:00"),
        (str(demo.doctor.pk), "09:30"),
    ]


def test_clinic_search_finds_a_doctor_whose_first_free_day_is_later(
    patient_api: APIClient, demo, day
) -> None:
    from medic.clinic.models import AppointmentType

    AppointmentType.objects.create(doctor=demo.doctor2, name="Consultation", duration_minutes=30)
    later = day + timedelta(days=6)
    ScheduleRule.objects.create(
        doctor=demo.doctor2,
        timezone="Europe/Athens",
        day_of_week=later.isoweekday(),
        work_start_local=time(8),
        work_end_local=time(9),
        slot_interval_minutes=30,
        effective_from=later,
        effective_to=later,
    )
    response = patient_api.get(
        "/api/availability",
        {"clinicId": str(demo.clinic.pk), "service": "Consultation", "start": day.isoformat(), "limit": 10},
    )
    offers = [(s["doctorId"], s["date"], s["startLocal"]) for s in response.json()["slots"]]
    assert offers[:3] == [(str(demo.doctor.pk), day.isoformat(), t) for t in ("09:00", "09:30", "10:00")]
    assert offers[3:] == [(str(demo.doctor2.pk), later.isoformat(), t) for t in ("08:00", "08:30")]


def test_clinic_search_takes_at_most_per_doctor_slots_from_one_doctor(
    patient_api: APIClient, demo, day
) -> None:
    query = {
        "clinicId": str(demo.clinic.pk),
        "service": "Consultation",
        "start": day.isoformat(),
        "limit": "10",
    }
    default = patient_api.get("/api/availability", query).json()["slots"]
    assert len(default) == 3  # only the demo doctor offers it: three of their slots by default
    wider = patient_api.get("/api/availability", {**query, "perDoctor": "5"}).json()["slots"]
    assert [s["startLocal"] for s in wider] == ["09:00", "09:30", "10:00", "10:30", "11:00"]


def test_clinic_search_refuses_a_per_doctor_cap_out_of_range(patient_api: APIClient, demo) -> None:
    response = patient_api.get("/api/availability", {"clinicId": str(demo.clinic.pk), "perDoctor": "0"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "perDoctor"
