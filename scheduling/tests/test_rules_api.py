"""GET /api/doctor/schedule/rules and /refdata: what the modal loads before editing."""

from __future__ import annotations

from datetime import time

import pytest
from rest_framework.test import APIClient

from scheduling.models import ScheduleRule
from scheduling.tests.payloads import brk, day, form, window

RULES = "/api/doctor/schedule/rules"


@pytest.fixture
def doctor_api(api: APIClient, demo) -> APIClient:
    api.force_authenticate(demo.doctor.user)
    return api


def _save(api: APIClient, payload: dict) -> str:
    response = api.post(f"{RULES}/bulk_upsert", payload, format="json")
    assert response.status_code == 200, response.content
    return response.json()["version"]


def test_rules_come_flat_and_in_the_forms_shape(doctor_api: APIClient) -> None:
    version = _save(
        doctor_api,
        form(
            day(
                1, window("14:00", "18:00", 20), window("09:00", "13:00", 30, brk("11:00", "11:15", "Coffee"))
            )
        ),
    )
    body = doctor_api.get(RULES).json()
    assert body["version"] == version
    assert body["scope"] == {
        "appointmentTypeId": None,
        "doctorLocationId": None,
        "locationRoomId": None,
        "consultationMode": None,
        "timezone": "Europe/Athens",
    }
    assert [(r["dayOfWeek"], r["workStartLocal"]) for r in body["rules"]] == [(1, "09:00"), (1, "14:00")]
    assert body["rules"][0]["breaks"][0]["label"] == "Coffee" and "id" in body["rules"][0]["breaks"][0]
    assert [d["dayOfWeek"] for d in body["days"]] == [1, 2, 3, 4, 5, 6, 7]
    monday = body["days"][0]
    assert monday["enabled"] is True
    assert monday["windows"][0] == {
        "workStartLocal": "09:00",
        "workEndLocal": "13:00",
        "slotIntervalMinutes": 30,
        "breaks": [{"breakStartLocal": "11:00", "breakEndLocal": "11:15", "label": "Coffee"}],
        "priority": 0,
        "effectiveFrom": None,
        "effectiveTo": None,
        "repeatEveryWeeks": 1,
        "repeatAnchor": None,
    }
    assert body["days"][1] == {"dayOfWeek": 2, "enabled": False, "windows": []}


def test_days_round_trip_through_save(doctor_api: APIClient) -> None:
    _save(doctor_api, form(day(3, window("08:00", "12:00", 15, brk("10:00", "10:30")))))
    loaded = doctor_api.get(RULES).json()
    _save(
        doctor_api, {"scope": loaded["scope"], "days": loaded["days"], "expectedVersion": loaded["version"]}
    )
    assert doctor_api.get(RULES).json()["days"] == loaded["days"]


def test_rules_are_filtered_by_exact_scope(doctor_api: APIClient, demo) -> None:
    service = demo.doctor.appointment_types.first()
    _save(doctor_api, form(day(1, window("09:00", "10:00")), scope={"appointmentTypeId": str(service.pk)}))
    _save(doctor_api, form(day(2, window("09:00", "10:00"))))
    scoped = doctor_api.get(RULES, {"appointmentTypeId": str(service.pk)}).json()
    assert [r["dayOfWeek"] for r in scoped["rules"]] == [1]
    assert [r["dayOfWeek"] for r in doctor_api.get(RULES).json()["rules"]] == [2]


def test_unknown_scope_id_in_the_query_is_422(doctor_api: APIClient, demo) -> None:
    response = doctor_api.get(RULES, {"doctorLocationId": str(demo.other_doctor.locations.first().pk)})
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        **response.json()["errors"][0],
        "path": "doctorLocationId",
        "code": "UNKNOWN_REFERENCE",
    }


def test_version_starts_at_zero(doctor_api: APIClient) -> None:
    assert doctor_api.get(RULES).json()["version"] == "0"


def test_refdata_lists_the_doctors_own_choices(doctor_api: APIClient, demo) -> None:
    body = doctor_api.get("/api/doctor/schedule/refdata").json()
    assert {t["name"] for t in body["appointmentTypes"]} == set(
        demo.doctor.appointment_types.values_list("name", flat=True)
    )
    assert {loc["name"] for loc in body["locations"]} == {"Central (Syntagma)", "North (Kifisia)"}
    assert all(set(r) == {"id", "name", "locationId"} for r in body["rooms"])
    assert body["consultationModes"] == ["in_person", "video", "phone"]
    assert body["slotIntervals"] == [5, 10, 15, 20, 30, 60]
    assert body["timezoneDefault"] == "Europe/Athens"


def test_staff_load_a_doctor_of_their_clinic(api: APIClient, demo) -> None:
    api.force_authenticate(demo.staff)
    assert api.get(RULES, {"doctorId": str(demo.doctor2.pk)}).status_code == 200
    assert api.get("/api/doctor/schedule/refdata", {"doctorId": str(demo.doctor2.pk)}).status_code == 200


@pytest.mark.parametrize("path", [RULES, "/api/doctor/schedule/refdata"])
def test_another_clinics_doctor_is_404(api: APIClient, demo, path: str) -> None:
    api.force_authenticate(demo.staff)
    assert api.get(path, {"doctorId": str(demo.other_doctor.pk)}).status_code == 404


def test_staff_without_doctor_id_is_404(api: APIClient, demo) -> None:
    api.force_authenticate(demo.staff)
    assert api.get(RULES).status_code == 404


def test_all_rules_lists_every_scope_with_its_scope(api, demo) -> None:
    location = demo.doctor.locations.order_by("name").first()
    ScheduleRule.objects.create(
        doctor=demo.doctor,
        timezone="Europe/Athens",
        day_of_week=1,
        work_start_local=time(9),
        work_end_local=time(12),
        slot_interval_minutes=30,
    )
    ScheduleRule.objects.create(
        doctor=demo.doctor,
        timezone="Europe/Athens",
        day_of_week=1,
        work_start_local=time(14),
        work_end_local=time(18),
        slot_interval_minutes=30,
        location=location,
    )
    api.force_authenticate(demo.doctor.user)
    body = api.get("/api/doctor/schedule/rules/all").json()
    assert [(r["workStartLocal"], r["scope"]["doctorLocationId"]) for r in body["rules"]] == [
        ("09:00", None),
        ("14:00", str(location.pk)),
    ]
    assert "version" in body
