"""A preview scoped to a service says how many of its appointments the week can take, and an "add to
existing" preview warns about the stored windows its save would refuse."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from scheduling.tests.payloads import day, form, window

URL = "/api/doctor/schedule/preview"
SAVE = "/api/doctor/schedule/rules/bulk_upsert"
WEEK = {"start": "2026-11-30", "end": "2026-12-06"}  # Monday to Sunday


@pytest.fixture
def doctor_api(api: APIClient, demo) -> APIClient:
    api.force_authenticate(demo.doctor.user)
    return api


def test_a_service_scope_counts_bookable_starts_and_back_to_back_fits(doctor_api: APIClient, demo) -> None:
    checkup = demo.doctor.appointment_types.get(name="Annual check-up")  # 60 minutes
    payload = form(
        day(1, window("09:00", "12:00", 30)), scope={"appointmentTypeId": str(checkup.pk)}, dateRange=WEEK
    )
    body = doctor_api.post(URL, payload, format="json").json()
    # 6 slots of 30 minutes: a 60-minute service starts at 09:00 … 11:00 (5 starts), 3 fit one after another.
    assert body["summary"]["totalSlots"] == 6
    assert (body["summary"]["bookableStarts"], body["summary"]["backToBack"]) == (5, 3)
    assert body["summary"]["service"]["durationMinutes"] == 60
    assert (body["days"][0]["bookableStarts"], body["days"][0]["backToBack"]) == (5, 3)
    shorter = [w for w in body["warnings"] if w["code"] == "SLOT_SHORTER_THAN_SERVICE"]
    assert [w["path"] for w in shorter] == ["days.0.windows.0.slotIntervalMinutes"]
    assert shorter[0]["severity"] == "warning"


def test_without_a_service_the_summary_is_unchanged(doctor_api: APIClient) -> None:
    body = doctor_api.post(URL, form(day(1, window("09:00", "12:00")), dateRange=WEEK), format="json").json()
    assert body["summary"] == {"totalSlots": 6, "daysEnabled": 1}
    assert not [w for w in body["warnings"] if w["code"] == "SLOT_SHORTER_THAN_SERVICE"]


def test_an_append_preview_names_every_stored_window_it_meets(doctor_api: APIClient) -> None:
    saved = doctor_api.post(
        SAVE, form(day(1, window("09:00", "10:00"), window("11:00", "12:00"))), format="json"
    )
    assert saved.status_code == 200
    appended = form(day(1, window("09:30", "11:30")), replaceMode="append", dateRange=WEEK)
    body = doctor_api.post(URL, appended, format="json").json()
    (overlap,) = [w for w in body["warnings"] if w["code"] == "WINDOWS_OVERLAP"]
    assert overlap["path"] == "days.0.windows.0.workStartLocal" and overlap["severity"] == "error"
    assert "09:00–10:00" in overlap["message"] and "11:00–12:00" in overlap["message"]
    refused = doctor_api.post(SAVE, {**appended, "replaceMode": "append"}, format="json")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["message"] == overlap["message"]
