"""A patient who signed up themselves confirms their first booking only once their address is verified,
through the API as on the pages (422 EMAIL_NOT_VERIFIED)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework.test import APIClient

from appointments.tests.conftest import hold_body, local
from medic.clinic.tests.factories import PatientFactory, UserFactory


def _self_registered(verified: bool) -> APIClient:
    user = UserFactory.create(email_verified_at=timezone.now() if verified else None)
    PatientFactory.create(user=user, clinic=None, full_name="Self Signed", timezone="Europe/Athens")
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_unverified_patient_cannot_confirm_through_the_api(demo, consult, day, hours) -> None:
    client = _self_registered(verified=False)
    held = client.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "10:00")), format="json"
    )
    assert held.status_code == 201, held.content
    response = client.post(f"/api/appointments/{held.json()['id']}/confirm")
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "EMAIL_NOT_VERIFIED"


def test_a_verified_patient_confirms(demo, consult, day, hours) -> None:
    client = _self_registered(verified=True)
    held = client.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "10:00")), format="json"
    )
    response = client.post(f"/api/appointments/{held.json()['id']}/confirm")
    assert response.status_code == 200 and response.json()["status"] == "confirmed"


def test_the_demo_patient_registered_by_the_clinic_confirms(patient_api, demo, consult, day, hours) -> None:
    held = patient_api.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "10:00")), format="json"
    )
    assert patient_api.post(f"/api/appointments/{held.json()['id']}/confirm").status_code == 200
