"""Bookable times of a public clinic are open to anyone; a private clinic's are 404 to outsiders."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from appointments.tests.conftest import hold_body, local
from medic.clinic.tests.factories import PatientFactory
from scheduling.models import ScheduleRule

pytestmark = pytest.mark.usefixtures("hours")


@pytest.fixture
def theirs(demo, hours):
    """The private clinic's doctor working the same hours as the demo doctor."""
    for rule in hours:
        ScheduleRule.objects.create(
            doctor=demo.other_doctor,
            timezone="Europe/London",
            day_of_week=rule.day_of_week,
            work_start_local=rule.work_start_local,
            work_end_local=rule.work_end_local,
            slot_interval_minutes=30,
        )
    return demo.other_doctor.appointment_types.get()


def _availability(client: APIClient, doctor, service, day):
    query = {"appointmentTypeId": str(service.pk), "start": day.isoformat(), "end": day.isoformat()}
    return client.get(f"/api/doctors/{doctor.pk}/availability", query)


def _explain(client: APIClient, doctor, service, day):
    query = {"appointmentTypeId": str(service.pk), "date": day.isoformat()}
    return client.get(f"/api/doctors/{doctor.pk}/availability/explain", query)


def _clinic_search(client: APIClient, clinic, day):
    return client.get("/api/availability", {"clinicId": str(clinic.pk), "start": day.isoformat()})


def test_anonymous_callers_read_a_public_clinics_times(api: APIClient, demo, consult, day) -> None:
    response = _availability(api, demo.doctor, consult, day)
    assert response.status_code == 200 and response.json()["slots"]
    assert _explain(api, demo.doctor, consult, day).status_code == 200
    assert _clinic_search(api, demo.clinic, day).json()["slots"]


def test_a_private_clinics_times_are_404_to_anonymous_callers(api: APIClient, demo, theirs, day) -> None:
    assert _availability(api, demo.other_doctor, theirs, day).status_code == 404
    assert _explain(api, demo.other_doctor, theirs, day).status_code == 404
    response = _clinic_search(api, demo.other_clinic, day)
    assert response.status_code == 404 and response.json()["errors"][0]["code"] == "NOT_FOUND"


def test_a_private_clinics_times_are_404_to_outsiders(
    patient_api: APIClient, staff_api: APIClient, demo, theirs, day
) -> None:
    for client in (patient_api, staff_api):
        assert _availability(client, demo.other_doctor, theirs, day).status_code == 404
        assert _explain(client, demo.other_doctor, theirs, day).status_code == 404
        assert _clinic_search(client, demo.other_clinic, day).status_code == 404


def test_a_private_clinics_own_people_read_its_times(api: APIClient, demo, theirs, day) -> None:
    for user in (
        demo.other_staff,
        demo.other_doctor.user,
        PatientFactory.create(clinic=demo.other_clinic).user,
    ):
        api.force_authenticate(user)
        assert _availability(api, demo.other_doctor, theirs, day).json()["slots"]
        assert _clinic_search(api, demo.other_clinic, day).status_code == 200


def test_an_outsider_cannot_hold_at_a_private_clinic(patient_api: APIClient, demo, theirs, day) -> None:
    body = hold_body(
        demo,
        theirs,
        local(day, "12:00"),
        doctorId=str(demo.other_doctor.pk),
        doctorLocationId=str(demo.other_doctor.locations.get().pk),
    )
    response = patient_api.post("/api/appointments/holds", body, format="json")
    assert response.status_code == 422
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [("doctorId", "UNKNOWN_REFERENCE")]


def test_anonymous_callers_still_cannot_hold(api: APIClient, demo, consult, day) -> None:
    response = api.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "10:00")), format="json"
    )
    assert response.status_code == 401
