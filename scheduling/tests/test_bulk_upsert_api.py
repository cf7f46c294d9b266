"""POST …/rules/bulk_upsert: one transaction, exact-scope replace, versions, every error."""

from __future__ import annotations

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from scheduling.models import DoctorSchedule, ScheduleRule, ScheduleRuleBreak
from scheduling.tests.payloads import brk, day, form, monday_nine_to_five, window

URL = "/api/doctor/schedule/rules/bulk_upsert"


@pytest.fixture
def doctor_api(api: APIClient, demo) -> APIClient:
    api.force_authenticate(demo.doctor.user)
    return api


def _save(api: APIClient, payload: dict, status: int = 200) -> dict:
    response = api.post(URL, payload, format="json")
    assert response.status_code == status, response.content
    return response.json()


def _windows(doctor, **scope) -> list[tuple[int, str, str]]:
    rules = ScheduleRule.objects.filter(doctor=doctor, **scope).order_by("day_of_week", "work_start_local")
    return [(r.day_of_week, f"{r.work_start_local:%H:%M}", f"{r.work_end_local:%H:%M}") for r in rules]


def test_save_inserts_rules_and_breaks(doctor_api: APIClient, demo) -> None:
    body = _save(doctor_api, monday_nine_to_five())
    assert body == {"ok": True, "insertedRules": 1, "deletedRules": 0, "version": "1"}
    rule = ScheduleRule.objects.get(doctor=demo.doctor)
    assert (rule.day_of_week, rule.work_start_local, rule.work_end_local) == (1, time(9), time(17))
    assert rule.timezone == "Europe/Athens" and rule.slot_interval_minutes == 30
    assert list(rule.breaks.values_list("break_start_local", "break_end_local", "label")) == [
        (time(13), time(14), "Lunch")
    ]


def test_replace_replaces_only_the_days_present(doctor_api: APIClient, demo) -> None:
    _save(doctor_api, form(day(1, window("09:00", "12:00")), day(2, window("10:00", "11:00"))))
    body = _save(doctor_api, form(day(1, window("14:00", "18:00"), window("08:00", "10:00"))))
    assert (body["insertedRules"], body["deletedRules"]) == (2, 1)
    assert _windows(demo.doctor) == [(1, "08:00", "10:00"), (1, "14:00", "18:00"), (2, "10:00", "11:00")]


def test_disabled_day_is_cleared_on_replace(doctor_api: APIClient, demo) -> None:
    _save(doctor_api, form(day(1, window("09:00", "12:00", 30, brk("10:00", "10:30"))), day(2, window())))
    body = _save(doctor_api, form(day(1, window("09:00", "12:00"), enabled=False)))
    assert body["deletedRules"] == 1
    assert _windows(demo.doctor) == [(2, "09:00", "17:00")]
    assert not ScheduleRuleBreak.objects.exists()


def test_replace_touches_only_the_exact_scope(doctor_api: APIClient, demo) -> None:
    service = demo.doctor.appointment_types.first()
    scoped = {"appointmentTypeId": str(service.pk)}
    _save(doctor_api, form(day(1, window("09:00", "12:00")), scope=scoped))
    _save(doctor_api, form(day(1, window("13:00", "15:00"))))  # scope "any service"
    assert _windows(demo.doctor, appointment_type=service) == [(1, "09:00", "12:00")]
    assert _windows(demo.doctor, appointment_type=None) == [(1, "13:00", "15:00")]


def test_timezone_is_not_part_of_the_scope(doctor_api: APIClient, demo) -> None:
    _save(doctor_api, form(day(1, window("09:00", "12:00")), timezone="Europe/Athens"))
    body = _save(doctor_api, form(day(1, window("10:00", "11:00")), timezone="Europe/London"))
    assert body["deletedRules"] == 1
    assert list(ScheduleRule.objects.values_list("timezone", flat=True)) == ["Europe/London"]


def test_append_only_inserts(doctor_api: APIClient, demo) -> None:
    _save(doctor_api, form(day(1, window("09:00", "12:00"))))
    body = _save(doctor_api, {**form(day(1, window("13:00", "15:00"))), "replaceMode": "append"})
    assert (body["insertedRules"], body["deletedRules"]) == (1, 0)
    assert _windows(demo.doctor) == [(1, "09:00", "12:00"), (1, "13:00", "15:00")]


def test_append_refuses_a_window_overlapping_a_stored_one(doctor_api: APIClient, demo) -> None:
    _save(doctor_api, form(day(1, window("09:00", "12:00"))))
    payload = {**form(day(1, window("13:00", "14:00"), window("11:00", "13:00"))), "replaceMode": "append"}
    body = _save(doctor_api, payload, status=422)
    assert [(e["path"], e["code"]) for e in body["errors"]] == [
        ("days.0.windows.1.workStartLocal", "WINDOWS_OVERLAP")
    ]
    assert _windows(demo.doctor) == [(1, "09:00", "12:00")]


def test_append_allows_an_overlap_at_another_priority(doctor_api: APIClient, demo) -> None:
    _save(doctor_api, form(day(1, window("09:00", "12:00"))))
    _save(doctor_api, {**form(day(1, window("11:00", "13:00", priority=1))), "replaceMode": "append"})
    assert len(_windows(demo.doctor)) == 2


def test_every_save_changes_the_version(doctor_api: APIClient, demo) -> None:
    versions = [_save(doctor_api, monday_nine_to_five())["version"] for _ in range(3)]
    assert len(set(versions)) == 3
    assert DoctorSchedule.objects.get(doctor=demo.doctor).version == int(versions[-1])


def test_current_expected_version_is_accepted(doctor_api: APIClient) -> None:
    version = _save(doctor_api, monday_nine_to_five())["version"]
    _save(doctor_api, {**monday_nine_to_five(), "expectedVersion": version})


def test_stale_expected_version_is_409_and_writes_nothing(doctor_api: APIClient, demo) -> None:
    _save(doctor_api, monday_nine_to_five())
    _save(doctor_api, monday_nine_to_five())
    body = _save(doctor_api, {**form(day(2, window())), "expectedVersion": "1"}, status=409)
    assert body["errors"] == [
        {"path": "expectedVersion", "code": "SCHEDULE_CHANGED", "message": body["errors"][0]["message"]}
    ]
    assert _windows(demo.doctor) == [(1, "09:00", "17:00")]


@pytest.mark.parametrize(
    ("payload", "path", "code"),
    [
        (form(day(1, window("17:00", "09:00"))), "days.0.windows.0.workEndLocal", "END_BEFORE_START"),
        (
            form(day(1, window("09:00", "12:00", 30, brk("11:00", "10:00")))),
            "days.0.windows.0.breaks.0.breakEndLocal",
            "BREAK_END_BEFORE_START",
        ),
        (
            form(day(1, window("09:00", "12:00", 30, brk("12:30", "13:00")))),
            "days.0.windows.0.breaks.0.breakStartLocal",
            "BREAK_OUTSIDE_WINDOW",
        ),
        (
            form(day(1, window("09:00", "12:00", 30, brk("10:00", "11:00"), brk("10:30", "11:30")))),
            "days.0.windows.0.breaks.1.breakStartLocal",
            "BREAKS_OVERLAP",
        ),
        (
            form(day(1, window("09:00", "12:00"), window("11:00", "13:00"))),
            "days.0.windows.1.workStartLocal",
            "WINDOWS_OVERLAP",
        ),
        (form(day(1)), "days.0.windows", "NO_WINDOWS"),
        (form(day(1, window()), day(1, window())), "days.1.dayOfWeek", "DUPLICATE_DAY"),
        (form(day(1, window("9:00", "17:00"))), "days.0.windows.0.workStartLocal", "INVALID_TIME"),
        (form(day(1, window()), timezone="Mars/Olympus"), "scope.timezone", "INVALID_TIMEZONE"),
        (
            form(day(1, window("09:00", "17:00", 7))),
            "days.0.windows.0.slotIntervalMinutes",
            "INVALID_INTERVAL",
        ),
        (form(day(8, window())), "days.0.dayOfWeek", "INVALID_DAY_OF_WEEK"),
        (form(day(1, window(effectiveFrom="2026-02-30"))), "days.0.windows.0.effectiveFrom", "INVALID_DATE"),
        (
            form(day(1, window(effectiveFrom="2026-03-01", effectiveTo="2026-02-01"))),
            "days.0.windows.0.effectiveTo",
            "EFFECTIVE_RANGE_INVALID",
        ),
        (
            form(day(1, window()), scope={"appointmentTypeId": "00000000-0000-0000-0000-000000000000"}),
            "scope.appointmentTypeId",
            "UNKNOWN_REFERENCE",
        ),
        ({"days": [day(1, window())]}, "scope", "REQUIRED"),
        (
            form(day(1, *[window(f"{h:02d}:00", f"{h:02d}:30") for h in range(21)])),
            "days.0.windows",
            "TOO_MANY_ITEMS",
        ),
    ],
)
def test_each_error_is_reported_at_its_path_and_nothing_is_written(
    doctor_api: APIClient, demo, payload: dict, path: str, code: str
) -> None:
    body = _save(doctor_api, payload, status=422)
    assert {"path": path, "code": code} in [{"path": e["path"], "code": e["code"]} for e in body["errors"]]
    assert not ScheduleRule.objects.exists()
    assert not DoctorSchedule.objects.filter(version__gt=0).exists()


def test_all_errors_come_back_at_once(doctor_api: APIClient) -> None:
    payload = form(day(1, window("17:00", "09:00")), day(2, window("10:00", "11:00", 7)), timezone="Nowhere")
    codes = [e["code"] for e in _save(doctor_api, payload, status=422)["errors"]]
    assert codes == ["INVALID_TIMEZONE", "END_BEFORE_START", "INVALID_INTERVAL"]


def test_another_doctors_location_is_an_unknown_reference(doctor_api: APIClient, demo) -> None:
    foreign = demo.other_doctor.locations.first()
    body = _save(doctor_api, form(day(1, window()), scope={"doctorLocationId": str(foreign.pk)}), status=422)
    assert body["errors"][0]["path"] == "scope.doctorLocationId"


def test_room_must_be_at_the_chosen_location(doctor_api: APIClient, demo) -> None:
    central, north = sorted(demo.doctor.locations.all(), key=lambda loc: loc.name)
    room_elsewhere = north.rooms.first()
    scope = {"doctorLocationId": str(central.pk), "locationRoomId": str(room_elsewhere.pk)}
    body = _save(doctor_api, form(day(1, window()), scope=scope), status=422)
    assert body["errors"][0] == {
        **body["errors"][0],
        "path": "scope.locationRoomId",
        "code": "UNKNOWN_REFERENCE",
    }


def _queries_for(api: APIClient, windows_per_day: int) -> int:
    minutes = [(9 * 60 + i * 30, 9 * 60 + i * 30 + 20) for i in range(windows_per_day)]
    windows = [
        window(
            f"{a // 60:02d}:{a % 60:02d}",
            f"{b // 60:02d}:{b % 60:02d}",
            10,
            brk(f"{a // 60:02d}:{a % 60:02d}", f"{a // 60:02d}:{a % 60 + 5:02d}"),
        )
        for a, b in minutes
    ]
    payload = form(*[day(d, *windows) for d in range(1, 8)])
    with CaptureQueriesContext(connection) as ctx:
        _save(api, payload)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_number_of_windows(doctor_api: APIClient) -> None:
    # Each shape saved twice: the second save replaces (deletes) as many rules as it inserts.
    counts = [_queries_for(doctor_api, n) for n in (1, 1, 20, 20)]
    assert counts[1] == counts[3], counts


def test_staff_save_for_a_doctor_of_their_clinic(api: APIClient, demo) -> None:
    api.force_authenticate(demo.staff)
    _save(api, {**monday_nine_to_five(), "doctorId": str(demo.doctor2.pk)})
    assert _windows(demo.doctor2) == [(1, "09:00", "17:00")]


@pytest.mark.parametrize("who", ["other_staff", "doctor2"])
def test_nobody_else_can_save_a_doctors_schedule(api: APIClient, demo, who: str) -> None:
    user = demo.other_staff if who == "other_staff" else demo.doctor2.user
    api.force_authenticate(user)
    body = _save(api, {**monday_nine_to_five(), "doctorId": str(demo.doctor.pk)}, status=404)
    assert body["errors"][0]["code"] == "NOT_FOUND"
    assert not ScheduleRule.objects.exists()


def test_anonymous_save_is_401(api: APIClient, demo) -> None:
    assert api.post(URL, monday_nine_to_five(), format="json").status_code == 401
