"""GET /api/doctors/{id}/availability/explain: each start bookable or not, and why not."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from appointments.models import Appointment, BookableResource, ResourceClaim
from appointments.tests.conftest import ATHENS, iso, local
from medic.clinic.models import AppointmentType, Doctor
from scheduling.models import AvailabilityException, ScheduleRule, ScheduleRuleBreak

SPRING_FORWARD = date(2027, 3, 28)  # Athens: 03:00 EET becomes 04:00 EEST


def _url(doctor: Doctor) -> str:
    return f"/api/doctors/{doctor.pk}/availability/explain"


def _explain(api: APIClient, doctor: Doctor, service: AppointmentType, **params: str) -> dict:
    response = api.get(_url(doctor), {"appointmentTypeId": str(service.pk), **params})
    assert response.status_code == 200, response.content
    return response.json()


def _at(api: APIClient, demo, service: AppointmentType, when: datetime) -> dict:
    [candidate] = _explain(api, demo.doctor, service, at=iso(when))["candidates"]
    return candidate


def _codes(candidate: dict) -> list[str]:
    return [r["code"] for r in candidate["reasons"]]


def _book(
    doctor: Doctor,
    patient,
    service: AppointmentType,
    start: datetime,
    *,
    status: str = "confirmed",
    buffer_after: int = 0,
) -> Appointment:
    end = start + timedelta(minutes=service.duration_minutes)
    return Appointment.objects.create(
        doctor=doctor,
        patient=patient,
        appointment_type=service,
        starts_at=start,
        ends_at=end,
        busy_starts_at=start,
        busy_ends_at=end + timedelta(minutes=buffer_after),
        status=status,
        hold_expires_at=timezone.now() + timedelta(minutes=10) if status == "held" else None,
        patient_timezone="Europe/Athens",
        doctor_timezone="Europe/Athens",
        created_by_type="staff",
    )


# --- bookable ----------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("hours")
def test_a_free_slot_is_bookable_with_no_reasons(patient_api: APIClient, demo, consult, day) -> None:
    body = _explain(patient_api, demo.doctor, consult, at=iso(local(day, "10:00")))
    assert body == {
        "doctorId": str(demo.doctor.pk),
        "appointmentTypeId": str(consult.pk),
        "timezone": "Europe/Athens",
        "date": None,
        "at": iso(local(day, "10:00")),
        "candidates": [
            {
                "startUtc": iso(local(day, "10:00")),
                "startLocal": "10:00",
                "endUtc": iso(local(day, "10:30")),
                "bookable": True,
                "reasons": [],
            }
        ],
    }


@pytest.mark.usefixtures("hours")
def test_a_day_agrees_with_availability(patient_api: APIClient, demo, consult, day) -> None:
    rule = ScheduleRule.objects.get(doctor=demo.doctor, day_of_week=day.isoweekday())
    ScheduleRuleBreak.objects.create(rule=rule, break_start_local=time(13), break_end_local=time(14))
    AvailabilityException.objects.create(
        doctor=demo.doctor, kind="blocked", starts_at=local(day, "09:00"), ends_at=local(day, "10:00")
    )
    _book(demo.doctor, demo.patient, consult, local(day, "11:00"))
    body = _explain(patient_api, demo.doctor, consult, date=day.isoformat())
    slots = patient_api.get(
        f"/api/doctors/{demo.doctor.pk}/availability",
        {"appointmentTypeId": str(consult.pk), "start": day.isoformat(), "end": day.isoformat()},
    ).json()["slots"]
    candidates = body["candidates"]
    assert body["date"] == day.isoformat() and body["at"] is None
    assert [c["startLocal"] for c in candidates] == [
        f"{h:02d}:{m:02d}" for h in range(9, 17) for m in (0, 30)
    ]  # 13:00 and 13:30 are there too: starts in the break
    assert {c["startUtc"] for c in candidates if c["bookable"]} == {s["startUtc"] for s in slots}
    assert all(c["reasons"] for c in candidates if not c["bookable"])
    assert all(not c["reasons"] for c in candidates if c["bookable"])


# --- one test per reason -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("hours")
def test_outside_hours_names_the_nearest_slot(patient_api: APIClient, demo, consult, day) -> None:
    late = _at(patient_api, demo, consult, local(day, "18:00"))
    assert _codes(late) == ["OUTSIDE_HOURS"] and not late["bookable"]
    assert "outside working hours" in late["reasons"][0]["message"]
    assert "16:30" in late["reasons"][0]["message"]
    assert late["reasons"][0]["detail"]["nearestStartUtc"] == iso(local(day, "16:30"))
    off_grid = _at(patient_api, demo, consult, local(day, "10:10"))
    assert _codes(off_grid) == ["OUTSIDE_HOURS"]
    assert "not a slot start" in off_grid["reasons"][0]["message"]
    assert off_grid["reasons"][0]["detail"]["nearestStartLocal"] == "10:00"


@pytest.mark.usefixtures("hours")
def test_a_service_running_past_the_end_of_hours_is_outside_hours(patient_api: APIClient, demo, day) -> None:
    checkup = demo.doctor.appointment_types.get(name="Annual check-up")  # 60 minutes
    candidate = _at(patient_api, demo, checkup, local(day, "16:30"))
    assert _codes(candidate) == ["OUTSIDE_HOURS"]
    assert "past the end of hours at 17:00" in candidate["reasons"][0]["message"]


@pytest.mark.usefixtures("hours")
def test_a_start_in_a_break_is_in_break(patient_api: APIClient, demo, consult, day) -> None:
    rule = ScheduleRule.objects.get(doctor=demo.doctor, day_of_week=day.isoweekday())
    ScheduleRuleBreak.objects.create(
        rule=rule, break_start_local=time(13), break_end_local=time(14), label="Lunch"
    )
    candidate = _at(patient_api, demo, consult, local(day, "13:30"))
    assert _codes(candidate) == ["IN_BREAK"]
    assert candidate["reasons"][0]["detail"] == {"label": "Lunch", "startLocal": "13:00", "endLocal": "14:00"}


@pytest.mark.usefixtures("hours")
def test_time_off_gives_its_reason(patient_api: APIClient, demo, consult, day) -> None:
    AvailabilityException.objects.create(
        doctor=demo.doctor,
        kind="blocked",
        starts_at=local(day, "09:00"),
        ends_at=local(day, "12:00"),
        reason="Conference",
    )
    candidate = _at(patient_api, demo, consult, local(day, "10:00"))
    assert _codes(candidate) == ["TIME_OFF"]
    assert "Conference" in candidate["reasons"][0]["message"]
    assert candidate["reasons"][0]["detail"]["reason"] == "Conference"


@pytest.mark.usefixtures("hours")
def test_taken_gives_the_status_but_never_the_patient(patient_api: APIClient, demo, consult, day) -> None:
    _book(demo.doctor, demo.patient, consult, local(day, "11:00"), status="held")
    response = patient_api.get(
        _url(demo.doctor), {"appointmentTypeId": str(consult.pk), "at": iso(local(day, "11:00"))}
    )
    [candidate] = response.json()["candidates"]
    assert _codes(candidate) == ["TAKEN"]
    assert candidate["reasons"][0]["detail"] == {"status": "held"}
    assert demo.patient.full_name.encode() not in response.content


@pytest.mark.usefixtures("hours")
def test_the_services_buffer_over_another_booking_is_in_buffer(
    patient_api: APIClient, demo, consult, day
) -> None:
    consult.buffer_after_minutes = 15
    consult.save()
    followup = demo.doctor.appointment_types.get(name="Follow-up")
    _book(demo.doctor, demo.patient, followup, local(day, "11:00"))
    candidate = _at(patient_api, demo, consult, local(day, "10:30"))  # ends 11:00, its buffer to 11:15
    assert _codes(candidate) == ["IN_BUFFER"]
    assert candidate["reasons"][0]["detail"] == {"bufferOf": "service", "status": "confirmed"}


@pytest.mark.usefixtures("hours")
def test_another_bookings_buffer_is_in_buffer(patient_api: APIClient, demo, consult, day) -> None:
    _book(demo.doctor, demo.patient, consult, local(day, "10:00"), buffer_after=15)  # busy to 10:45
    candidate = _at(patient_api, demo, consult, local(day, "10:30"))
    assert _codes(candidate) == ["IN_BUFFER"]
    assert candidate["reasons"][0]["detail"]["bufferOf"] == "booking"


@pytest.mark.usefixtures("hours")
def test_the_past_is_min_notice(patient_api: APIClient, demo, consult) -> None:
    yesterday = datetime.now(ATHENS).date() - timedelta(days=1)
    candidate = _at(patient_api, demo, consult, local(yesterday, "10:00"))
    assert _codes(candidate) == ["MIN_NOTICE"]
    assert "passed" in candidate["reasons"][0]["message"]


@pytest.mark.usefixtures("hours")
def test_too_soon_is_min_notice_until_the_earliest_start(patient_api: APIClient, demo, consult, day) -> None:
    consult.min_notice_minutes = 30 * 24 * 60
    consult.save()
    candidate = _at(patient_api, demo, consult, local(day, "10:00"))
    assert _codes(candidate) == ["MIN_NOTICE"]
    until = datetime.fromisoformat(candidate["reasons"][0]["detail"]["until"])
    assert abs(until - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)


@pytest.mark.usefixtures("hours")
def test_past_the_advance_limit_is_beyond_booking_window(patient_api: APIClient, demo, consult) -> None:
    far = datetime.now(ATHENS).date() + timedelta(days=100)
    candidate = _at(patient_api, demo, consult, local(far, "10:00"))
    assert _codes(candidate) == ["BEYOND_BOOKING_WINDOW"]
    assert candidate["reasons"][0]["detail"]["maxAdvanceDays"] == 90


@pytest.mark.usefixtures("hours")
def test_a_full_day_is_daily_cap(patient_api: APIClient, demo, consult, day) -> None:
    consult.daily_cap = 1
    consult.save()
    _book(demo.doctor, demo.patient, consult, local(day, "10:00"))
    candidate = _at(patient_api, demo, consult, local(day, "14:00"))
    assert _codes(candidate) == ["DAILY_CAP"]
    assert candidate["reasons"][0]["detail"] == {"cap": 1, "booked": 1, "date": day.isoformat()}


@pytest.mark.usefixtures("hours")
def test_a_needed_resource_without_a_free_seat_is_resource_full(
    patient_api: APIClient, demo, consult, day
) -> None:
    room = BookableResource.objects.create(clinic=demo.clinic, name="Procedure room", seats=1)
    room.appointment_types.add(consult)
    skin_check = demo.doctor2.appointment_types.get(name="Skin check")
    other = _book(demo.doctor2, demo.patient, skin_check, local(day, "10:00"))
    ResourceClaim.objects.create(
        resource=room, seat=1, appointment=other, starts_at=other.starts_at, ends_at=other.ends_at
    )
    candidate = _at(patient_api, demo, consult, local(day, "10:00"))
    assert _codes(candidate) == ["RESOURCE_FULL"]
    assert _at(patient_api, demo, consult, local(day, "10:30"))["bookable"]


def test_a_start_the_clocks_skip_is_dst_gap(patient_api: APIClient, demo, consult) -> None:
    consult.max_advance_days = 730
    consult.save()
    ScheduleRule.objects.create(
        doctor=demo.doctor,
        timezone="Europe/Athens",
        day_of_week=SPRING_FORWARD.isoweekday(),
        work_start_local=time(2),
        work_end_local=time(5),
        slot_interval_minutes=30,
        effective_from=SPRING_FORWARD,
        effective_to=SPRING_FORWARD,
    )
    candidates = _explain(patient_api, demo.doctor, consult, date=SPRING_FORWARD.isoformat())["candidates"]
    assert [(c["startLocal"], c["bookable"], _codes(c)) for c in candidates] == [
        ("02:00", True, []),
        ("02:30", True, []),
        ("03:00", False, ["DST_GAP"]),
        ("03:30", False, ["DST_GAP"]),
        ("04:00", True, []),
        ("04:30", True, []),
    ]
    gap = candidates[2]
    assert gap["startUtc"] is None and gap["endUtc"] is None
    assert gap["reasons"][0]["detail"] == {
        "localTime": "03:00",
        "timezone": "Europe/Athens",
        "readAsUtc": "2027-03-28T01:00:00Z",
        "readAsLocal": "04:00",
    }
    slots = patient_api.get(
        f"/api/doctors/{demo.doctor.pk}/availability",
        {
            "appointmentTypeId": str(consult.pk),
            "start": SPRING_FORWARD.isoformat(),
            "end": SPRING_FORWARD.isoformat(),
        },
    ).json()["slots"]
    assert [s["startUtc"] for s in slots] == [c["startUtc"] for c in candidates if c["bookable"]]


# --- requests ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "path", "code"),
    [
        ({}, "at", "REQUIRED"),
        ({"at": "2030-01-01T10:00Z", "date": "2030-01-01"}, "date", "REQUIRED"),
        ({"at": "tomorrow"}, "at", "INVALID_DATETIME"),
        ({"at": "2030-01-01T10:00"}, "at", "INVALID_DATETIME"),  # no offset: not an instant
        ({"date": "2026-02-30"}, "date", "INVALID_DATE"),
        ({"date": "2030-01-01", "timezone": "Mars/Base"}, "timezone", "INVALID_TIMEZONE"),
        ({"date": "2030-01-01", "appointmentTypeId": None}, "appointmentTypeId", "REQUIRED"),
        ({"date": "2030-01-01", "appointmentTypeId": "not-an-id"}, "appointmentTypeId", "UNKNOWN_REFERENCE"),
        ({"date": "2030-01-01", "consultationMode": "fax"}, "consultationMode", "INVALID_CHOICE"),
    ],
)
def test_bad_queries_are_422_at_the_parameter(
    patient_api: APIClient, demo, consult, params, path, code
) -> None:
    query = {k: v for k, v in {"appointmentTypeId": str(consult.pk), **params}.items() if v is not None}
    response = patient_api.get(_url(demo.doctor), query)
    assert response.status_code == 422, response.content
    assert response.json()["ok"] is False
    assert {"path": path, "code": code} in [
        {"path": e["path"], "code": e["code"]} for e in response.json()["errors"]
    ]


def test_another_doctors_service_is_an_unknown_reference(patient_api: APIClient, demo) -> None:
    foreign = demo.doctor2.appointment_types.first()
    response = patient_api.get(
        _url(demo.doctor), {"appointmentTypeId": str(foreign.pk), "date": "2030-01-01"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "appointmentTypeId"
    assert response.json()["errors"][0]["code"] == "UNKNOWN_REFERENCE"


def test_unknown_or_inactive_doctor_is_404(patient_api: APIClient, demo, consult) -> None:
    missing = patient_api.get(
        "/api/doctors/00000000-0000-0000-0000-000000000000/availability/explain",
        {"appointmentTypeId": str(consult.pk), "date": "2030-01-01"},
    )
    assert missing.status_code == 404
    Doctor.objects.filter(pk=demo.doctor.pk).update(is_active=False)
    inactive = patient_api.get(
        _url(demo.doctor), {"appointmentTypeId": str(consult.pk), "date": "2030-01-01"}
    )
    assert inactive.status_code == 404 and inactive.json()["ok"] is False


def test_anonymous_callers_may_ask_about_a_public_clinic_only(api: APIClient, demo, consult) -> None:
    response = api.get(_url(demo.doctor), {"appointmentTypeId": str(consult.pk), "date": "2030-01-01"})
    assert response.status_code == 200
    theirs = demo.other_doctor.appointment_types.get()  # the other clinic is private
    response = api.get(_url(demo.other_doctor), {"appointmentTypeId": str(theirs.pk), "date": "2030-01-01"})
    assert response.status_code == 404


def test_times_come_in_the_requested_zone(patient_api: APIClient, demo, consult, day, hours) -> None:
    body = _explain(patient_api, demo.doctor, consult, date=day.isoformat(), timezone="Europe/London")
    assert body["timezone"] == "Europe/London"
    assert body["candidates"][0]["startLocal"] == "07:00"  # 09:00 in Athens


@pytest.mark.usefixtures("hours")
def test_one_query_per_kind_of_data_however_busy_the_day(patient_api: APIClient, demo, consult, day) -> None:
    def count(**params: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            _explain(patient_api, demo.doctor, consult, **params)
        return len(ctx.captured_queries)

    quiet = count(date=day.isoformat())
    rule = ScheduleRule.objects.get(doctor=demo.doctor, day_of_week=day.isoweekday())
    ScheduleRuleBreak.objects.create(rule=rule, break_start_local=time(13), break_end_local=time(14))
    for hhmm in ("09:00", "15:00"):
        start = local(day, hhmm)
        AvailabilityException.objects.create(
            doctor=demo.doctor,
            kind="blocked",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            reason="x",
        )
    for hhmm in ("10:00", "11:00", "12:00", "16:00"):
        _book(demo.doctor, demo.patient, consult, local(day, hhmm))
    busy = count(date=day.isoformat())
    one = count(at=iso(local(day, "10:00")))
    assert quiet == busy == one, (quiet, busy, one)


def test_the_endpoint_is_documented_without_warnings(db: None) -> None:
    from io import StringIO

    import yaml
    from django.core.management import call_command

    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    operation = yaml.safe_load(out.getvalue())["paths"]["/api/doctors/{doctor_id}/availability/explain"][
        "get"
    ]
    assert operation["tags"] == ["booking"]
    assert operation["summary"] == "Why is this time not bookable?"
