"""Time off and openings: /api/doctor/schedule/exceptions CRUD."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from scheduling.models import AvailabilityException

URL = "/api/doctor/schedule/exceptions"


@pytest.fixture
def doctor_api(api: APIClient, demo) -> APIClient:
    api.force_authenticate(demo.doctor.user)
    return api


def _time_off(**extra) -> dict:
    return {
        "kind": "blocked",
        "startsAt": "2026-12-24T00:00:00+02:00",
        "endsAt": "2026-12-27T00:00:00+02:00",
        "reason": "Holidays",
        **extra,
    }


def _create(api: APIClient, payload: dict, status: int = 201) -> dict:
    response = api.post(URL, payload, format="json")
    assert response.status_code == status, response.content
    return response.json()


def test_doctor_adds_time_off(doctor_api: APIClient, demo) -> None:
    body = _create(doctor_api, _time_off())
    assert body["kind"] == "blocked"
    assert body["startsAt"] == "2026-12-23T22:00:00Z" and body["endsAt"] == "2026-12-26T22:00:00Z"
    assert body["slotIntervalMinutes"] is None and body["reason"] == "Holidays" and body["source"] == "doctor"
    assert body["scope"] == {
        "appointmentTypeId": None,
        "doctorLocationId": None,
        "locationRoomId": None,
        "consultationMode": None,
    }
    assert AvailabilityException.objects.get().doctor == demo.doctor


def test_opening_needs_its_interval(doctor_api: APIClient) -> None:
    body = _create(doctor_api, _time_off(kind="available"), status=422)
    assert body["errors"][0]["path"] == "slotIntervalMinutes" and body["errors"][0]["code"] == "REQUIRED"
    assert (
        _create(doctor_api, _time_off(kind="available", slotIntervalMinutes=15))["slotIntervalMinutes"] == 15
    )


@pytest.mark.parametrize(
    ("payload", "status", "path", "code"),
    [
        (_time_off(endsAt="2026-12-23T00:00:00+02:00"), 422, "endsAt", "END_BEFORE_START"),
        (_time_off(startsAt="2026-12-24T00:00:00"), 422, "startsAt", "INVALID_DATETIME"),
        (_time_off(kind="holiday"), 422, "kind", "INVALID_CHOICE"),
        (_time_off(slotIntervalMinutes=30), 422, "slotIntervalMinutes", "INVALID_INTERVAL"),
        (_time_off(kind="available", slotIntervalMinutes=7), 422, "slotIntervalMinutes", "INVALID_INTERVAL"),
        (_time_off(endsAt="2028-01-01T00:00:00Z"), 422, "endsAt", "RANGE_TOO_LARGE"),
        (
            _time_off(scope={"appointmentTypeId": str(uuid.uuid4())}),
            422,
            "scope.appointmentTypeId",
            "UNKNOWN_REFERENCE",
        ),
        (_time_off(startsAt=20261224), 400, "startsAt", "INVALID_TYPE"),
        ({"startsAt": "2026-12-24T00:00:00Z"}, 422, "kind", "REQUIRED"),
    ],
)
def test_bad_exceptions_are_refused(
    doctor_api: APIClient, payload: dict, status: int, path: str, code: str
) -> None:
    body = _create(doctor_api, payload, status=status)
    assert {"path": path, "code": code} in [{"path": e["path"], "code": e["code"]} for e in body["errors"]]
    assert not AvailabilityException.objects.exists()


def test_list_filters_by_dates_in_the_doctors_zone(doctor_api: APIClient) -> None:
    _create(doctor_api, _time_off())
    _create(doctor_api, _time_off(startsAt="2027-01-10T09:00:00Z", endsAt="2027-01-10T10:00:00Z"))
    assert len(doctor_api.get(URL).json()["exceptions"]) == 2
    december = doctor_api.get(URL, {"start": "2026-12-01", "end": "2026-12-31"}).json()["exceptions"]
    assert [e["reason"] for e in december] == ["Holidays"]
    # 2026-12-23 in Athens ends at 22:00 UTC, exactly when the time off starts: not included.
    assert doctor_api.get(URL, {"end": "2026-12-23"}).json()["exceptions"] == []


def test_list_rejects_a_bad_date(doctor_api: APIClient) -> None:
    response = doctor_api.get(URL, {"start": "yesterday"})
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "start"


def test_patch_changes_only_what_it_names(doctor_api: APIClient) -> None:
    created = _create(doctor_api, _time_off())
    response = doctor_api.patch(f"{URL}/{created['id']}", {"reason": "Christmas"}, format="json")
    assert response.status_code == 200
    assert response.json() == {**created, "reason": "Christmas"}


def test_patch_turning_time_off_into_an_opening_needs_an_interval(doctor_api: APIClient) -> None:
    created = _create(doctor_api, _time_off())
    response = doctor_api.patch(f"{URL}/{created['id']}", {"kind": "available"}, format="json")
    assert response.status_code == 422
    assert AvailabilityException.objects.get().kind == "blocked"


def test_patch_turning_an_opening_into_time_off_drops_its_interval(doctor_api: APIClient) -> None:
    created = _create(doctor_api, _time_off(kind="available", slotIntervalMinutes=15))
    response = doctor_api.patch(f"{URL}/{created['id']}", {"kind": "blocked"}, format="json")
    assert response.status_code == 200
    assert response.json() == {**created, "kind": "blocked", "slotIntervalMinutes": None}


def test_patch_body_that_is_not_an_object_is_a_400(doctor_api: APIClient) -> None:
    created = _create(doctor_api, _time_off())
    response = doctor_api.patch(f"{URL}/{created['id']}", ["kind"], format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "INVALID_TYPE"


def test_delete_removes_it(doctor_api: APIClient) -> None:
    created = _create(doctor_api, _time_off())
    assert doctor_api.delete(f"{URL}/{created['id']}").status_code == 204
    assert not AvailabilityException.objects.exists()


def test_get_one(doctor_api: APIClient) -> None:
    created = _create(doctor_api, _time_off())
    assert doctor_api.get(f"{URL}/{created['id']}").json() == created


def test_staff_manage_a_doctors_time_off(api: APIClient, demo) -> None:
    api.force_authenticate(demo.staff)
    body = _create(api, {**_time_off(), "doctorId": str(demo.doctor2.pk)})
    assert body["source"] == "staff"
    assert AvailabilityException.objects.get().doctor == demo.doctor2
    assert api.delete(f"{URL}/{body['id']}").status_code == 204


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_another_clinics_exception_is_404(api: APIClient, demo, method: str) -> None:
    other = AvailabilityException.objects.create(
        doctor=demo.other_doctor, kind="blocked", starts_at="2026-12-24T00:00Z", ends_at="2026-12-25T00:00Z"
    )
    api.force_authenticate(demo.staff)
    response = getattr(api, method)(f"{URL}/{other.pk}", {"reason": "x"}, format="json")
    assert response.status_code == 404
    assert AvailabilityException.objects.get().reason == ""


def test_malformed_id_is_404(doctor_api: APIClient) -> None:
    assert doctor_api.get(f"{URL}/not-a-uuid").status_code == 404


def test_token_callers_are_recorded_as_api(api: APIClient, demo) -> None:
    from medic.clinic.models import ApiToken

    _, key = ApiToken.issue(demo.doctor.user)
    response = api.post(URL, _time_off(), format="json", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.json()["source"] == "api"
