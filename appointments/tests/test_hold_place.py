"""A hold is booked where and how its slot's rule says; where the schedule leaves a choice, the hold says."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from appointments.models import Appointment
from appointments.tests.conftest import first_location, iso, local
from scheduling.models import ScheduleRule

HOLDS = "/api/appointments/holds"
pytestmark = pytest.mark.usefixtures("hours")


def _hold(api: APIClient, demo, consult, starts, **extra: object):
    body = {"doctorId": str(demo.doctor.pk), "appointmentTypeId": str(consult.pk), "startsAt": iso(starts)}
    return api.post(HOLDS, {**body, **extra}, format="json")


def test_a_hold_takes_the_place_and_mode_of_the_rule(patient_api: APIClient, demo, consult, day) -> None:
    location = first_location(demo.doctor)
    ScheduleRule.objects.filter(doctor=demo.doctor).update(location=location, consultation_mode="in_person")
    response = _hold(patient_api, demo, consult, local(day, "10:00"))
    assert response.status_code == 201, response.content
    held = Appointment.objects.get(pk=response.json()["id"])
    assert (held.location_id, held.consultation_mode) == (location.pk, "in_person")


def test_an_ambiguous_place_is_required_at_its_fields(patient_api: APIClient, demo, consult, day) -> None:
    # Hours for any location while the doctor works at two; a service held in person or by video.
    response = _hold(patient_api, demo, consult, local(day, "10:00"))
    assert response.status_code == 422
    assert {(e["path"], e["code"]) for e in response.json()["errors"]} == {
        ("doctorLocationId", "REQUIRED"),
        ("consultationMode", "REQUIRED"),
    }
    assert not Appointment.objects.exists()


def test_a_video_consultation_needs_no_location(patient_api: APIClient, demo, consult, day) -> None:
    response = _hold(patient_api, demo, consult, local(day, "10:00"), consultationMode="video")
    assert response.status_code == 201, response.content
    held = Appointment.objects.get(pk=response.json()["id"])
    assert (held.location_id, held.consultation_mode) == (None, "video")


def test_the_slot_says_what_the_hold_gets(patient_api: APIClient, demo, consult, day) -> None:
    location = first_location(demo.doctor)
    ScheduleRule.objects.filter(doctor=demo.doctor).update(location=location, consultation_mode="video")
    query = {"appointmentTypeId": str(consult.pk), "start": day.isoformat(), "end": day.isoformat()}
    slot = patient_api.get(f"/api/doctors/{demo.doctor.pk}/availability", query).json()["slots"][0]
    held = _hold(patient_api, demo, consult, local(day, slot["startLocal"])).json()
    appointment = Appointment.objects.get(pk=held["id"])
    assert (str(appointment.location_id), appointment.consultation_mode) == (
        slot["doctorLocationId"],
        slot["consultationMode"],
    )
