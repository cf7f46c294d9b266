"""The work one request may ask for is bounded: a preview's slots, the clinic search's days and services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from rest_framework.test import APIClient

from appointments.tests.conftest import ATHENS
from medic.clinic.models import AppointmentType
from scheduling.tests.payloads import day, form, window

PREVIEW = "/api/doctor/schedule/preview"


@pytest.fixture
def doctor_api(demo) -> APIClient:
    client = APIClient()
    client.force_authenticate(demo.doctor.user)
    return client


def _all_day_every_five_minutes() -> dict[str, Any]:
    """12 windows a day, every day, at 5-minute slots: ~280 slots a day."""
    windows = [window(f"{h:02d}:00", f"{h + 1:02d}:55", 5) for h in range(0, 24, 2)]
    return form(*(day(d, *windows) for d in range(1, 8)))


def _dates(start: date, days: int) -> dict[str, str]:
    return {"start": start.isoformat(), "end": (start + timedelta(days=days - 1)).isoformat()}


def test_a_year_of_five_minute_slots_is_refused_at_date_range(doctor_api: APIClient) -> None:
    start = datetime.now(ATHENS).date() + timedelta(days=1)
    body = {**_all_day_every_five_minutes(), "dateRange": _dates(start, 366)}
    response = doctor_api.post(PREVIEW, body, format="json")
    assert response.status_code == 200
    data = response.json()
    errors = [(w["path"], w["code"], w["severity"]) for w in data["warnings"] if w["severity"] == "error"]
    assert errors == [("dateRange", "TOO_MANY_ITEMS", "error")]
    # The default week is previewed instead: the answer stays small.
    assert len(data["days"]) == 7
    assert data["summary"]["totalSlots"] < 7 * 24 * 12 + 1
    assert len(response.content) < 2_000_000


def test_four_weeks_of_five_minute_slots_still_preview_in_full(doctor_api: APIClient) -> None:
    """The schedule page previews 1 or 4 weeks: the densest form still previews every slot."""
    start = datetime.now(ATHENS).date() + timedelta(days=1)
    body = {**_all_day_every_five_minutes(), "dateRange": _dates(start, 28)}
    data = doctor_api.post(PREVIEW, body, format="json").json()
    assert not [w for w in data["warnings"] if w["code"] == "TOO_MANY_ITEMS"]
    assert len(data["days"]) == 28
    assert data["summary"]["totalSlots"] > 28 * 250


def test_the_preview_cap_is_a_setting(doctor_api: APIClient, settings: Any) -> None:
    settings.MEDIC_PREVIEW_MAX_SLOTS = 100
    start = datetime.now(ATHENS).date() + timedelta(days=1)
    body = {**form(day(1, window("09:00", "17:00", 30))), "dateRange": _dates(start, 60)}  # ~9 Mondays × 16
    data = doctor_api.post(PREVIEW, body, format="json").json()
    assert [w["code"] for w in data["warnings"]] == ["TOO_MANY_ITEMS"]


def test_a_year_of_ordinary_hours_previews_in_full(doctor_api: APIClient) -> None:
    start = datetime.now(ATHENS).date() + timedelta(days=1)
    weekdays = [day(d, window("09:00", "17:00", 15)) for d in range(1, 6)]
    body = {**form(*weekdays), "dateRange": _dates(start, 366)}
    data = doctor_api.post(PREVIEW, body, format="json").json()
    assert not [w for w in data["warnings"] if w["code"] == "TOO_MANY_ITEMS"]
    last = date.fromisoformat(data["days"][-1]["date"])
    assert last >= start + timedelta(days=359)  # the whole year's weekdays


# --- the clinic search --------------------------------------------------------------------------------------


def test_the_clinic_search_covers_at_most_31_days(api: APIClient, demo) -> None:
    start = datetime.now(ATHENS).date()
    query = {"clinicId": str(demo.clinic.pk), **_dates(start, 32)}
    response = api.get("/api/availability", query)
    assert response.status_code == 422
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [("end", "RANGE_TOO_LARGE")]
    assert api.get("/api/availability", {**query, **_dates(start, 31)}).status_code == 200


def test_a_doctors_availability_still_covers_62_days(api: APIClient, demo) -> None:
    consult = demo.doctor.appointment_types.get(name="Consultation")
    start = datetime.now(ATHENS).date()
    url = f"/api/doctors/{demo.doctor.pk}/availability"
    query = {"appointmentTypeId": str(consult.pk), **_dates(start, 62)}
    assert api.get(url, query).status_code == 200
    response = api.get(url, {**query, **_dates(start, 63)})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "RANGE_TOO_LARGE"


def test_a_search_over_too_many_services_must_be_narrowed(
    api: APIClient, demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("appointments.api.availability.MAX_SEARCH_SERVICES", 2)
    AppointmentType.objects.create(doctor=demo.doctor2, name="Extra", duration_minutes=15)
    offered = AppointmentType.objects.filter(doctor__clinic=demo.clinic, is_active=True).count()
    assert offered > 2
    response = api.get("/api/availability", {"clinicId": str(demo.clinic.pk)})
    assert response.status_code == 422
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [("service", "TOO_MANY_ITEMS")]
    named = api.get("/api/availability", {"clinicId": str(demo.clinic.pk), "service": "Extra"})
    assert named.status_code == 200
