"""TOO_LATE_TO_CHANGE: a patient cancels or moves a booking only until its service's cancellation notice."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from appointments.models import Appointment, Status
from appointments.tests.conftest import hold_body, iso, local

pytestmark = pytest.mark.usefixtures("hours")


@pytest.fixture
def booked(patient_api: APIClient, demo, consult, day) -> str:
    """A confirmed booking at 10:00 on `day` (five days ahead), whose service allows changes until a week
    before: already too late for the patient."""
    consult.cancellation_notice_minutes = 7 * 24 * 60
    consult.save()
    held = patient_api.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "10:00")), format="json"
    ).json()
    assert patient_api.post(f"/api/appointments/{held['id']}/confirm").status_code == 200
    return held["id"]


def _error(response) -> tuple[int, list[tuple[str, str]]]:
    return response.status_code, [(e["path"], e["code"]) for e in response.json()["errors"]]


def test_a_patient_cannot_cancel_after_the_notice(patient_api: APIClient, booked: str) -> None:
    response = patient_api.post(f"/api/appointments/{booked}/cancel", {"reason": "busy"}, format="json")
    assert _error(response) == (422, [("", "TOO_LATE_TO_CHANGE")])
    assert Appointment.objects.get(pk=booked).status == Status.CONFIRMED


def test_a_patient_cannot_move_after_the_notice(patient_api: APIClient, booked: str, day) -> None:
    body = {"startsAt": iso(local(day, "14:00"))}
    response = patient_api.post(f"/api/appointments/{booked}/reschedule", body, format="json")
    assert _error(response) == (422, [("", "TOO_LATE_TO_CHANGE")])
    assert Appointment.objects.get(pk=booked).starts_at == local(day, "10:00")


def test_staff_may_still_cancel_and_move(staff_api: APIClient, booked: str, day) -> None:
    body = {"startsAt": iso(local(day, "14:00"))}
    assert staff_api.post(f"/api/appointments/{booked}/reschedule", body, format="json").status_code == 200
    assert staff_api.post(f"/api/appointments/{booked}/cancel").json()["status"] == "cancelled"


def test_the_doctor_may_still_cancel(api: APIClient, demo, booked: str) -> None:
    api.force_authenticate(demo.doctor.user)
    assert api.post(f"/api/appointments/{booked}/cancel").status_code == 200


def test_before_the_notice_the_patient_may_cancel_and_move(
    patient_api: APIClient, booked: str, consult, day
) -> None:
    consult.cancellation_notice_minutes = 24 * 60  # the default: the booking is five days away
    consult.save()
    body = {"startsAt": iso(local(day, "14:00"))}
    assert patient_api.post(f"/api/appointments/{booked}/reschedule", body, format="json").status_code == 200
    assert patient_api.post(f"/api/appointments/{booked}/cancel").json()["status"] == "cancelled"


def test_a_patient_may_always_give_up_or_move_their_own_hold(
    patient_api: APIClient, demo, consult, day
) -> None:
    consult.cancellation_notice_minutes = 7 * 24 * 60
    consult.save()
    first = patient_api.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "10:00")), format="json"
    ).json()
    body = {"startsAt": iso(local(day, "11:00"))}
    assert (
        patient_api.post(f"/api/appointments/{first['id']}/reschedule", body, format="json").status_code
        == 200
    )
    assert patient_api.post(f"/api/appointments/{first['id']}/cancel").json()["status"] == "cancelled"
