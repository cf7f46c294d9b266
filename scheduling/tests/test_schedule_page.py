"""GET /doctor/schedule: the Inertia page with the props the React app needs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

INERTIA: dict[str, Any] = {"HTTP_X_INERTIA": "true", "HTTP_X_INERTIA_VERSION": "1"}


def _page(client: Client, **params: str) -> dict:
    response = client.get("/doctor/schedule", params, **INERTIA)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["component"] == "Schedule"
    return body["props"]


def test_logged_out_visitor_is_sent_to_login(client: Client, db: None) -> None:
    response = client.get("/doctor/schedule")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/doctor/schedule")


def test_doctor_gets_their_own_schedule(client: Client, demo) -> None:
    client.force_login(demo.doctor.user)
    props = _page(client)
    assert props["doctorId"] == str(demo.doctor.pk)
    assert props["timezoneDefault"] == "Europe/Athens"
    assert props["doctors"] == [{"id": str(demo.doctor.pk), "name": demo.doctor.display_name}]
    assert props["adminUrl"] is None


def test_staff_pick_any_doctor_of_their_clinic(client: Client, demo) -> None:
    client.force_login(demo.staff)
    props = _page(client, doctorId=str(demo.doctor2.pk))
    assert props["doctorId"] == str(demo.doctor2.pk)
    assert {d["id"] for d in props["doctors"]} == {str(demo.doctor.pk), str(demo.doctor2.pk)}
    assert props["adminUrl"] == "/admin/"


def test_staff_default_to_the_first_doctor(client: Client, demo) -> None:
    client.force_login(demo.staff)
    assert _page(client)["doctorId"] == props_first(demo)


def props_first(demo) -> str:
    return str(min([demo.doctor, demo.doctor2], key=lambda d: d.display_name).pk)


@pytest.mark.parametrize("doctor_id", ["other", "garbage"])
def test_another_clinics_doctor_is_404(client: Client, demo, doctor_id: str) -> None:
    client.force_login(demo.staff)
    value = str(demo.other_doctor.pk) if doctor_id == "other" else "nope"
    assert client.get("/doctor/schedule", {"doctorId": value}, **INERTIA).status_code == 404


def test_patient_has_no_schedule_page(client: Client, demo) -> None:
    client.force_login(demo.patient.user)
    assert client.get("/doctor/schedule", **INERTIA).status_code == 404
