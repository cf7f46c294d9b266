"""GET/PATCH /api/doctor/calendar-feed and POST …/rotate: the doctor's own feed, or staff's with doctorId."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

URL = "/api/doctor/calendar-feed"


@pytest.fixture
def doctor_api(demo) -> APIClient:
    client = APIClient()
    client.force_authenticate(demo.doctor.user)
    return client


def _path(url: str) -> str:
    assert url.startswith("http://testserver/ical/doctors/")
    return url.removeprefix("http://testserver")


def test_a_doctor_gets_absolute_feed_urls_that_work(doctor_api: APIClient) -> None:
    response = doctor_api.get(URL)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"url", "freeBusyUrl", "includePatientNames"}
    assert body["includePatientNames"] is False
    assert body["url"].endswith(".ics") and body["freeBusyUrl"].endswith("/freebusy.ics")
    assert Client().get(_path(body["url"])).status_code == 200
    assert Client().get(_path(body["freeBusyUrl"])).status_code == 200


def test_the_url_is_stable_between_reads(doctor_api: APIClient) -> None:
    assert doctor_api.get(URL).json() == doctor_api.get(URL).json()


def test_rotate_issues_a_new_url_and_the_old_one_is_404(doctor_api: APIClient) -> None:
    old = doctor_api.get(URL).json()
    response = doctor_api.post(f"{URL}/rotate")
    assert response.status_code == 200, response.content
    new = response.json()
    assert new["url"] != old["url"] and new["freeBusyUrl"] != old["freeBusyUrl"]
    assert doctor_api.get(URL).json() == new
    assert Client().get(_path(old["url"])).status_code == 404
    assert Client().get(_path(old["freeBusyUrl"])).status_code == 404
    assert Client().get(_path(new["url"])).status_code == 200


def test_patch_switches_patient_names(doctor_api: APIClient) -> None:
    response = doctor_api.patch(URL, {"includePatientNames": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["includePatientNames"] is True
    assert doctor_api.get(URL).json()["includePatientNames"] is True


@pytest.mark.parametrize("value", ["yes", "", 1, None, [True]])
def test_patch_with_a_wrong_type_is_400(doctor_api: APIClient, value: object) -> None:
    response = doctor_api.patch(URL, {"includePatientNames": value}, format="json")
    assert response.status_code == 400, response.content
    assert response.json() == {
        "ok": False,
        "errors": [
            {"path": "includePatientNames", "code": "INVALID_TYPE", "message": "Expected true or false."}
        ],
    }


def test_patch_without_the_switch_is_422(doctor_api: APIClient) -> None:
    response = doctor_api.patch(URL, {}, format="json")
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["code"] == "REQUIRED"


def test_patch_with_a_body_that_is_not_an_object_is_400(doctor_api: APIClient) -> None:
    assert doctor_api.patch(URL, [True], format="json").status_code == 400


def test_staff_act_for_a_doctor_of_their_clinic(staff_api: APIClient, demo) -> None:
    doctor_id = str(demo.doctor.pk)
    shown = staff_api.get(URL, {"doctorId": doctor_id})
    assert shown.status_code == 200, shown.content
    patched = staff_api.patch(URL, {"doctorId": doctor_id, "includePatientNames": True}, format="json")
    assert patched.status_code == 200 and patched.json()["includePatientNames"] is True
    rotated = staff_api.post(f"{URL}/rotate", {"doctorId": doctor_id}, format="json")
    assert rotated.status_code == 200 and rotated.json()["url"] != shown.json()["url"]


def test_staff_without_doctor_id_get_404(staff_api: APIClient) -> None:
    assert staff_api.get(URL).status_code == 404


def test_another_clinics_staff_get_404(demo) -> None:
    client = APIClient()
    client.force_authenticate(demo.other_staff)
    assert client.get(URL, {"doctorId": str(demo.doctor.pk)}).status_code == 404
    assert client.post(f"{URL}/rotate", {"doctorId": str(demo.doctor.pk)}, format="json").status_code == 404
    response = client.patch(
        URL, {"doctorId": str(demo.doctor.pk), "includePatientNames": True}, format="json"
    )
    assert response.status_code == 404


def test_a_patient_gets_404(patient_api: APIClient, demo) -> None:
    assert patient_api.get(URL).status_code == 404
    assert patient_api.get(URL, {"doctorId": str(demo.doctor.pk)}).status_code == 404
    assert patient_api.post(f"{URL}/rotate").status_code == 404


def test_anonymous_callers_get_401(db) -> None:
    client = APIClient()
    assert client.get(URL).status_code == 401
    assert client.post(f"{URL}/rotate").status_code == 401
    assert client.patch(URL, {"includePatientNames": True}, format="json").status_code == 401
