"""Dates and instants at the edges of the calendar are refused with 422, never a 500."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from appointments.tests.conftest import hold_body, local

pytestmark = pytest.mark.usefixtures("hours")


@pytest.mark.parametrize(
    "params",
    [{"start": "9999-12-31"}, {"start": "0001-01-01"}, {"start": "9999-12-20", "end": "9999-12-30"}],
)
def test_availability_dates_out_of_range(patient_api: APIClient, demo, consult, params) -> None:
    query = {"appointmentTypeId": str(consult.pk), **params}
    response = patient_api.get(f"/api/doctors/{demo.doctor.pk}/availability", query)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "INVALID_DATE"


@pytest.mark.parametrize(
    "starts_at",
    ["9999-12-31T23:30Z", "0001-01-01T00:00Z", "2026-01-01T00:00+23:59", "2026-01-01T00:00-15:00"],
)
def test_hold_instants_out_of_range(patient_api: APIClient, demo, consult, day, starts_at: str) -> None:
    body = {**hold_body(demo, consult, local(day, "10:00")), "startsAt": starts_at}
    response = patient_api.post("/api/appointments/holds", body, format="json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "INVALID_DATETIME"


def test_listing_with_a_wide_offset(patient_api: APIClient) -> None:
    assert patient_api.get("/api/appointments", {"start": "2026-01-01T00:00+20:00"}).status_code == 422


def test_preview_range_at_the_end_of_the_calendar(api: APIClient, demo) -> None:
    api.force_authenticate(demo.doctor.user)
    body = {
        "scope": {"timezone": "Europe/Athens"},
        "days": [
            {
                "dayOfWeek": 1,
                "enabled": True,
                "windows": [{"workStartLocal": "09:00", "workEndLocal": "10:00", "slotIntervalMinutes": 30}],
            }
        ],
        "dateRange": {"start": "9999-12-01", "end": "9999-12-31"},
    }
    response = api.post("/api/doctor/schedule/preview", body, format="json")
    assert response.status_code == 200
    assert {w["code"] for w in response.json()["warnings"]} == {"INVALID_DATE"}


@pytest.mark.parametrize("end", ["9999-12-31", "0001-01-01"])
def test_time_off_list_dates_out_of_range(api: APIClient, demo, end: str) -> None:
    api.force_authenticate(demo.doctor.user)
    assert api.get("/api/doctor/schedule/exceptions", {"end": end}).status_code == 422


def test_time_off_with_a_wide_offset_is_refused(api: APIClient, demo) -> None:
    api.force_authenticate(demo.doctor.user)
    body = {"kind": "blocked", "startsAt": "2026-12-24T00:00+20:00", "endsAt": "2026-12-25T00:00Z"}
    response = api.post("/api/doctor/schedule/exceptions", body, format="json")
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "startsAt"
