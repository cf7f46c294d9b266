"""GET /api/me tells the caller who they are."""

from __future__ import annotations

from rest_framework.test import APIClient


def test_me_for_a_doctor(api: APIClient, demo) -> None:
    api.force_authenticate(demo.doctor.user)
    body = api.get("/api/me").json()
    assert body == {
        "userId": str(demo.doctor.user.pk),
        "email": "doctor@example.com",
        "name": demo.doctor.display_name,
        "roles": ["doctor"],
        "doctorId": str(demo.doctor.pk),
        "clinicIds": [str(demo.clinic.pk)],
        "patientId": None,
    }


def test_me_for_staff_lists_their_clinic_and_role(api: APIClient, demo) -> None:
    api.force_authenticate(demo.staff)
    body = api.get("/api/me").json()
    assert body["roles"] == ["admin"]
    assert body["clinicIds"] == [str(demo.clinic.pk)]
    assert body["doctorId"] is None


def test_me_for_a_patient(api: APIClient, demo) -> None:
    api.force_authenticate(demo.patient.user)
    body = api.get("/api/me").json()
    assert body["roles"] == ["patient"]
    assert body["patientId"] == str(demo.patient.pk)
    assert body["clinicIds"] == [str(demo.clinic.pk)]  # the clinic that registered them


def test_me_without_credentials_is_401_in_the_error_shape(api: APIClient, db: None) -> None:
    response = api.get("/api/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["errors"][0]["code"] == "NOT_AUTHENTICATED"
