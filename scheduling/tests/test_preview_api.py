"""POST /api/doctor/schedule/preview: the slots a form would create, every problem as a warning, no writes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from scheduling.models import AvailabilityException, DoctorSchedule, ScheduleRule
from scheduling.tests.payloads import brk, day, form, monday_nine_to_five, window

URL = "/api/doctor/schedule/preview"
WEEK = {"start": "2026-11-30", "end": "2026-12-06"}  # Monday to Sunday
QUERIES = 6  # the doctor, their references (services, locations, rooms), exceptions, closures, bookings


@pytest.fixture
def doctor_api(api: APIClient, demo) -> APIClient:
    api.force_authenticate(demo.doctor.user)
    return api


def _preview(api: APIClient, payload: dict, status: int = 200) -> dict:
    response = api.post(URL, payload, format="json")
    assert response.status_code == status, response.content
    return response.json()


def test_monday_with_lunch_creates_14_slots(doctor_api: APIClient) -> None:
    body = _preview(doctor_api, {**monday_nine_to_five(), "dateRange": WEEK})
    assert body["summary"] == {"totalSlots": 14, "daysEnabled": 1}
    (monday,) = body["days"]
    assert monday["date"] == "2026-11-30" and monday["dayOfWeek"] == 1
    slots = monday["windows"][0]["slots"]
    assert slots[0] == {
        "startLocal": "09:00",
        "endLocal": "09:30",
        "startUtc": "2026-11-30T07:00:00Z",
        "endUtc": "2026-11-30T07:30:00Z",
    }
    assert [s["startLocal"] for s in slots][7:9] == ["12:30", "14:00"]  # the grid restarts after lunch
    assert body["warnings"] == []


def test_preview_writes_nothing(doctor_api: APIClient, demo) -> None:
    _preview(doctor_api, {**monday_nine_to_five(), "dateRange": WEEK})
    assert not ScheduleRule.objects.exists()
    assert not DoctorSchedule.objects.filter(doctor=demo.doctor, version__gt=0).exists()


def test_default_range_is_the_next_seven_days(doctor_api: APIClient) -> None:
    every_day = form(*[day(d, window("09:00", "10:00", 60)) for d in range(1, 8)])
    body = _preview(doctor_api, every_day)
    assert body["summary"]["totalSlots"] == 7
    assert len(body["days"]) == 7


def test_invalid_window_is_a_warning_and_valid_parts_still_preview(doctor_api: APIClient) -> None:
    payload = form(day(1, window("09:00", "12:00", 60)), day(2, window("18:00", "08:00", 60)), dateRange=WEEK)
    body = _preview(doctor_api, payload)
    assert body["summary"]["totalSlots"] == 3
    assert body["warnings"] == [
        {
            "path": "days.1.windows.0.workEndLocal",
            "code": "END_BEFORE_START",
            "message": body["warnings"][0]["message"],
            "severity": "error",
        }
    ]


def test_window_remainder_is_a_warning(doctor_api: APIClient) -> None:
    body = _preview(doctor_api, form(day(1, window("09:00", "09:50", 20)), dateRange=WEEK))
    assert body["summary"]["totalSlots"] == 2
    (warning,) = body["warnings"]
    assert warning["code"] == "WINDOW_REMAINDER" and warning["severity"] == "warning"
    assert warning["path"] == "days.0.windows.0.workEndLocal"
    assert "10 minute" in warning["message"]


def test_dst_change_inside_a_window_is_a_warning(doctor_api: APIClient) -> None:
    # Athens falls back on Sunday 2026-10-25 at 04:00 → 03:00: the window lasts five hours that night.
    payload = form(
        day(7, window("02:00", "06:00", 60)), dateRange={"start": "2026-10-25", "end": "2026-10-25"}
    )
    body = _preview(doctor_api, payload)
    assert body["summary"]["totalSlots"] == 5
    assert [w["code"] for w in body["warnings"]] == ["DST_SHIFTED"]
    assert body["warnings"][0]["path"] == "days.0.windows.0.workStartLocal"


def test_stored_time_off_removes_overlapping_slots(doctor_api: APIClient, demo) -> None:
    AvailabilityException.objects.create(
        doctor=demo.doctor,
        kind="blocked",
        starts_at=datetime(2026, 11, 30, 8, 15, tzinfo=UTC),
        ends_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
    )
    body = _preview(doctor_api, {**monday_nine_to_five(), "dateRange": WEEK})
    starts = [s["startLocal"] for s in body["days"][0]["windows"][0]["slots"]]
    assert "10:00" not in starts and "10:30" not in starts  # 10:15–11:00 local blocked
    assert "09:30" in starts and "11:00" in starts  # the grid does not shift
    assert body["summary"]["totalSlots"] == 12


def test_time_off_for_another_service_does_not_apply_to_any_service_hours(
    doctor_api: APIClient, demo
) -> None:
    service = demo.doctor.appointment_types.first()
    AvailabilityException.objects.create(
        doctor=demo.doctor,
        kind="blocked",
        appointment_type=service,
        starts_at=datetime(2026, 11, 30, 0, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 1, 0, 0, tzinfo=UTC),
    )
    body = _preview(doctor_api, {**monday_nine_to_five(), "dateRange": WEEK})
    assert body["summary"]["totalSlots"] == 14


def test_stored_opening_adds_slots_at_its_own_interval(doctor_api: APIClient, demo) -> None:
    AvailabilityException.objects.create(
        doctor=demo.doctor,
        kind="available",
        slot_interval_minutes=15,
        starts_at=datetime(2026, 12, 2, 16, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 2, 17, 0, tzinfo=UTC),
    )
    body = _preview(doctor_api, {**monday_nine_to_five(), "dateRange": WEEK})
    assert body["summary"]["totalSlots"] == 14 + 4
    wednesday = next(d for d in body["days"] if d["date"] == "2026-12-02")
    assert wednesday["windows"][0]["kind"] == "opening"
    assert wednesday["windows"][0]["slots"][0]["startLocal"] == "18:00"


def test_range_over_366_days_is_an_error_warning(doctor_api: APIClient) -> None:
    body = _preview(
        doctor_api, {**monday_nine_to_five(), "dateRange": {"start": "2026-01-01", "end": "2027-01-02"}}
    )
    assert any(
        w["path"] == "dateRange" and w["code"] == "RANGE_TOO_LARGE" and w["severity"] == "error"
        for w in body["warnings"]
    )


def test_unknown_timezone_previews_nothing(doctor_api: APIClient) -> None:
    body = _preview(doctor_api, form(day(1, window()), timezone="Europe/Atlantis"))
    assert body["summary"]["totalSlots"] == 0
    assert body["warnings"][0]["path"] == "scope.timezone"
    assert body["warnings"][0]["code"] == "INVALID_TIMEZONE"


def test_wrong_json_types_are_400(doctor_api: APIClient) -> None:
    body = _preview(doctor_api, {"scope": {"timezone": "Europe/Athens"}, "days": "monday"}, status=400)
    assert body["errors"][0]["path"] == "days" and body["errors"][0]["code"] == "INVALID_TYPE"


def test_unreadable_json_is_400(doctor_api: APIClient) -> None:
    response = doctor_api.post(URL, "{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "PARSE_ERROR"


def test_break_at_window_edges_previews(doctor_api: APIClient) -> None:
    payload = form(
        day(1, window("09:00", "12:00", 30, brk("09:00", "09:30"), brk("11:30", "12:00"))), dateRange=WEEK
    )
    assert _preview(doctor_api, payload)["summary"]["totalSlots"] == 4


def test_year_preview_is_accepted(doctor_api: APIClient) -> None:
    payload = form(
        *[day(d, window("08:00", "13:00", 10), window("14:00", "20:00", 10)) for d in range(1, 8)],
        dateRange={"start": "2027-01-01", "end": "2027-12-31"},
    )
    body = _preview(doctor_api, payload)
    assert (
        body["summary"]["totalSlots"] == 365 * 66
    )  # both DST days keep their count: no window spans 03:00–04:00


def test_preview_queries_do_not_grow_with_the_range_or_the_windows(
    doctor_api: APIClient, django_assert_num_queries
) -> None:
    """A fixed number of queries (who is calling, the doctor's references, stored exceptions, bookings the
    change would strand) whatever the range and the number of windows."""
    small = form(day(1, window("09:00", "12:00")), dateRange=WEEK)
    doctor_api.post(URL, small, format="json")  # warm the session and the zone caches
    with django_assert_num_queries(QUERIES):
        doctor_api.post(URL, small, format="json")
    many_days = [
        day(d, window("08:00", "10:00"), window("11:00", "13:00"), window("14:00", "18:00"))
        for d in range(1, 8)
    ]
    big = form(*many_days, dateRange={"start": "2026-11-30", "end": "2027-11-29"})
    with django_assert_num_queries(QUERIES):
        doctor_api.post(URL, big, format="json")
