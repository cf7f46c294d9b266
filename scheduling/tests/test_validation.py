"""Add Slot payload validation: every code at its exact path, defaults, 400 types and partial forms."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medic.errors import BadRequest, ValidationFailed
from scheduling.scope import Scope
from scheduling.validation import (
    BreakForm,
    DayForm,
    References,
    Result,
    WindowForm,
    check_breaks,
    check_date,
    check_instant,
    check_local_time,
    check_window,
    dates_meet,
    parse_schedule_payload,
)

TODAY = date(2026, 3, 2)
TYPE_ID = UUID("11111111-1111-4111-8111-111111111111")
LOCATION_ID = UUID("22222222-2222-4222-8222-222222222222")
OTHER_LOCATION_ID = UUID("33333333-3333-4333-8333-333333333333")
ROOM_ID = UUID("44444444-4444-4444-8444-444444444444")
OTHER_ROOM_ID = UUID("55555555-5555-4555-8555-555555555555")
REFS = References(
    appointment_type_ids=frozenset({TYPE_ID}),
    location_ids=frozenset({LOCATION_ID, OTHER_LOCATION_ID}),
    room_locations={ROOM_ID: LOCATION_ID, OTHER_ROOM_ID: OTHER_LOCATION_ID},
)


def window(**fields: Any) -> dict[str, Any]:
    return {"workStartLocal": "09:00", "workEndLocal": "17:00", "slotIntervalMinutes": 30} | fields


def brk(start: Any = "13:00", end: Any = "14:00", **fields: Any) -> dict[str, Any]:
    return {"breakStartLocal": start, "breakEndLocal": end} | fields


def day(day_of_week: Any = 1, *windows: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"dayOfWeek": day_of_week, "enabled": True, "windows": list(windows) or [window()]} | fields


def payload(*days: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"scope": {"timezone": "Europe/Athens"}, "days": list(days) or [day()]} | fields


def parse(data: object, mode: str = "preview", refs: References | None = None) -> Result:
    return parse_schedule_payload(data, refs=refs, today=TODAY, mode=mode)  # type: ignore[arg-type]


def errors_of(data: object, mode: str = "preview", refs: References | None = None) -> list[tuple[str, str]]:
    return [(e.path, e.code) for e in parse(data, mode, refs).errors]


def bad_types(data: object, mode: str = "preview") -> list[tuple[str, str]]:
    with pytest.raises(BadRequest) as raised:
        parse(data, mode)
    assert raised.value.status_code == 400
    return [(e.path, e.code) for e in raised.value.errors]


# -- a valid payload normalises --------------------------------------------------------------------


def test_full_valid_payload_normalises_to_typed_form() -> None:
    data = {
        "scope": {
            "appointmentTypeId": str(TYPE_ID),
            "doctorLocationId": str(LOCATION_ID),
            "locationRoomId": str(ROOM_ID).upper(),
            "consultationMode": "in_person",
            "timezone": "Europe/Athens",
        },
        "days": [
            {
                "dayOfWeek": 2,
                "enabled": True,
                "windows": [
                    window(
                        workStartLocal="08:30",
                        workEndLocal="12:00",
                        slotIntervalMinutes=15,
                        breaks=[brk("10:00", "10:15", label="Coffee")],
                        priority=5,
                        effectiveFrom="2026-01-01",
                        effectiveTo="2026-06-30",
                    ),
                    window(workStartLocal="14:00", workEndLocal="18:00"),
                ],
            },
            {"dayOfWeek": 7, "enabled": False, "windows": []},
        ],
        "replaceMode": "append",
        "expectedVersion": "v42",
    }
    result = parse(data, mode="save", refs=REFS)
    assert result.errors == ()
    assert result.ok
    form = result.form
    assert form.scope == Scope(TYPE_ID, LOCATION_ID, ROOM_ID, "in_person")
    assert form.timezone == "Europe/Athens"
    assert form.replace_mode == "append"
    assert form.expected_version == "v42"
    assert form.days == (
        DayForm(
            day_of_week=2,
            enabled=True,
            windows=(
                WindowForm(
                    work_start=time(8, 30),
                    work_end=time(12, 0),
                    slot_interval_minutes=15,
                    breaks=(BreakForm(time(10, 0), time(10, 15), "Coffee"),),
                    priority=5,
                    effective_from=date(2026, 1, 1),
                    effective_to=date(2026, 6, 30),
                    path="days.0.windows.0",
                ),
                WindowForm(time(14, 0), time(18, 0), 30, (), 0, None, None, "days.0.windows.1"),
            ),
            path="days.0",
        ),
        DayForm(day_of_week=7, enabled=False, windows=(), path="days.1"),
    )


def test_optional_fields_get_their_defaults() -> None:
    data = {
        "scope": {"timezone": "UTC"},
        "days": [{"dayOfWeek": 1, "windows": [window(breaks=[brk()])]}],
    }
    form = parse(data).form
    assert form.scope == Scope(None, None, None, None)
    assert form.timezone == "UTC"
    assert form.replace_mode == "replace_selected_days"
    assert form.expected_version is None
    assert form.date_range == (TODAY, date(2026, 3, 8))
    (only_day,) = form.days
    assert only_day.enabled is True
    (only_window,) = only_day.windows
    assert (only_window.priority, only_window.effective_from, only_window.effective_to) == (0, None, None)
    assert only_window.breaks == (BreakForm(time(13, 0), time(14, 0), ""),)


def test_null_optional_fields_mean_their_defaults() -> None:
    data = payload(
        day(1, window(breaks=None, priority=None, effectiveFrom=None, effectiveTo=None), enabled=None),
        dateRange=None,
    )
    data["scope"] |= {"appointmentTypeId": None, "consultationMode": None}
    result = parse(data)
    assert result.errors == ()
    assert result.form.days[0].enabled is True
    assert result.form.days[0].windows[0].breaks == ()


def test_break_label_is_trimmed() -> None:
    form = parse(payload(day(1, window(breaks=[brk(label="  Lunch  ")])))).form
    assert form.days[0].windows[0].breaks[0].label == "Lunch"


def test_unknown_keys_are_ignored() -> None:
    data = payload(day(1, window(id="rule-1", extra=[1, {}])), doctorId="someone")
    assert parse(data).errors == ()


def test_days_keep_payload_order() -> None:
    form = parse(payload(day(5), day(1), day(3))).form
    assert [d.day_of_week for d in form.days] == [5, 1, 3]


# -- preview / save modes --------------------------------------------------------------------------


def test_preview_ignores_replace_mode_and_expected_version_even_when_wrong() -> None:
    result = parse(payload(replaceMode=42, expectedVersion=["x"]), mode="preview")
    assert result.errors == ()
    assert (result.form.replace_mode, result.form.expected_version) == ("replace_selected_days", None)


def test_save_ignores_date_range_even_when_wrong() -> None:
    result = parse(payload(dateRange="all of it"), mode="save")
    assert result.errors == ()
    assert result.form.date_range == (TODAY, date(2026, 3, 8))


def test_save_rejects_unknown_replace_mode() -> None:
    assert errors_of(payload(replaceMode="merge"), mode="save") == [("replaceMode", "INVALID_CHOICE")]


def test_save_rejects_non_string_expected_version_with_400() -> None:
    assert bad_types(payload(expectedVersion=7), mode="save") == [("expectedVersion", "INVALID_TYPE")]


def test_raise_if_invalid_raises_422_with_every_error() -> None:
    result = parse(payload(day(9), day(1, window(workStartLocal="9:00"))))
    with pytest.raises(ValidationFailed) as raised:
        result.raise_if_invalid()
    assert raised.value.status_code == 422
    assert len(raised.value.errors) == 2


def test_raise_if_invalid_returns_the_form_when_valid() -> None:
    result = parse(payload())
    assert result.raise_if_invalid() is result.form


def test_unknown_mode_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="mode"):
        parse(payload(), mode="dry-run")


# -- date range (preview) --------------------------------------------------------------------------


def test_date_range_defaults_to_the_next_seven_days_including_today() -> None:
    assert parse(payload()).form.date_range == (date(2026, 3, 2), date(2026, 3, 8))


def test_date_range_of_one_day_is_allowed() -> None:
    result = parse(payload(dateRange={"start": "2026-05-01", "end": "2026-05-01"}))
    assert result.errors == ()
    assert result.form.date_range == (date(2026, 5, 1), date(2026, 5, 1))


def test_date_range_of_366_days_is_allowed() -> None:
    result = parse(payload(dateRange={"start": "2026-01-01", "end": "2027-01-01"}))
    assert result.errors == ()
    assert result.form.date_range == (date(2026, 1, 1), date(2027, 1, 1))


def test_date_range_of_367_days_is_too_large() -> None:
    data = payload(dateRange={"start": "2026-01-01", "end": "2027-01-02"})
    result = parse(data)
    assert [(e.path, e.code) for e in result.errors] == [("dateRange", "RANGE_TOO_LARGE")]
    assert result.form.date_range == (TODAY, date(2026, 3, 8))


def test_date_range_end_before_start() -> None:
    data = payload(dateRange={"start": "2026-05-02", "end": "2026-05-01"})
    assert errors_of(data) == [("dateRange.end", "END_BEFORE_START")]


def test_date_range_needs_both_ends() -> None:
    assert errors_of(payload(dateRange={"end": "2026-05-01"})) == [("dateRange.start", "REQUIRED")]
    assert errors_of(payload(dateRange={"start": "2026-05-01"})) == [("dateRange.end", "REQUIRED")]


def test_date_range_rejects_impossible_dates() -> None:
    data = payload(dateRange={"start": "2026-02-29", "end": "2026-13-01"})
    assert errors_of(data) == [("dateRange.start", "INVALID_DATE"), ("dateRange.end", "INVALID_DATE")]


# -- scope -----------------------------------------------------------------------------------------


def test_missing_scope_is_required_and_leaves_nothing_to_preview() -> None:
    data = payload()
    del data["scope"]
    result = parse(data)
    assert [(e.path, e.code) for e in result.errors] == [("scope", "REQUIRED")]
    assert result.form.days == ()


def test_missing_timezone_is_required() -> None:
    assert errors_of(payload(scope={})) == [("scope.timezone", "REQUIRED")]


@pytest.mark.parametrize(
    "name", ["", "local", "localtime", "Factory", "Mars/Olympus", "europe/athens", "+02:00"]
)
def test_unknown_timezone_is_rejected(name: str) -> None:
    result = parse(payload(scope={"timezone": name}))
    assert [(e.path, e.code) for e in result.errors] == [("scope.timezone", "INVALID_TIMEZONE")]
    assert result.form.days == ()


@pytest.mark.parametrize("name", ["Europe/Athens", "America/New_York", "UTC", "Asia/Kolkata"])
def test_iana_timezones_are_accepted(name: str) -> None:
    assert parse(payload(scope={"timezone": name})).form.timezone == name


def test_invalid_scope_still_reports_day_errors_but_previews_nothing() -> None:
    result = parse(payload(day(1, window(workEndLocal="08:00")), scope={"timezone": "Nowhere"}))
    assert [(e.path, e.code) for e in result.errors] == [
        ("scope.timezone", "INVALID_TIMEZONE"),
        ("days.0.windows.0.workEndLocal", "END_BEFORE_START"),
    ]
    assert result.form.days == ()


@pytest.mark.parametrize("field", ["appointmentTypeId", "doctorLocationId", "locationRoomId"])
def test_scope_id_that_is_not_a_uuid_is_an_unknown_reference(field: str) -> None:
    data = payload(scope={"timezone": "UTC", field: "not-a-uuid"})
    assert errors_of(data) == [(f"scope.{field}", "UNKNOWN_REFERENCE")]


@pytest.mark.parametrize("field", ["appointmentTypeId", "doctorLocationId", "locationRoomId"])
def test_scope_id_of_someone_else_is_an_unknown_reference(field: str) -> None:
    data = payload(scope={"timezone": "UTC", field: str(uuid4())})
    result = parse(data, refs=REFS)
    assert [(e.path, e.code) for e in result.errors] == [(f"scope.{field}", "UNKNOWN_REFERENCE")]
    assert result.form.days == ()


def test_scope_ids_are_not_checked_for_ownership_without_refs() -> None:
    other = uuid4()
    result = parse(payload(scope={"timezone": "UTC", "appointmentTypeId": str(other)}))
    assert result.errors == ()
    assert result.form.scope.appointment_type_id == other


def test_uuid_must_be_in_canonical_form() -> None:
    data = payload(scope={"timezone": "UTC", "appointmentTypeId": TYPE_ID.hex})
    assert errors_of(data, refs=REFS) == [("scope.appointmentTypeId", "UNKNOWN_REFERENCE")]


def test_room_of_another_location_is_an_unknown_reference() -> None:
    scope = {"timezone": "UTC", "doctorLocationId": str(LOCATION_ID), "locationRoomId": str(OTHER_ROOM_ID)}
    assert errors_of(payload(scope=scope), refs=REFS) == [("scope.locationRoomId", "UNKNOWN_REFERENCE")]


def test_room_without_a_location_is_allowed() -> None:
    scope = {"timezone": "UTC", "locationRoomId": str(OTHER_ROOM_ID)}
    assert parse(payload(scope=scope), refs=REFS).form.scope.room_id == OTHER_ROOM_ID


@pytest.mark.parametrize("mode", ["in_person", "video", "phone"])
def test_consultation_modes_are_accepted(mode: str) -> None:
    scope = {"timezone": "UTC", "consultationMode": mode}
    assert parse(payload(scope=scope)).form.scope.consultation_mode == mode


@pytest.mark.parametrize("mode", ["", "IN_PERSON", "chat"])
def test_unknown_consultation_mode_is_an_invalid_choice(mode: str) -> None:
    scope = {"timezone": "UTC", "consultationMode": mode}
    assert errors_of(payload(scope=scope)) == [("scope.consultationMode", "INVALID_CHOICE")]


# -- days ------------------------------------------------------------------------------------------


def test_missing_days_is_required() -> None:
    data = payload()
    del data["days"]
    assert errors_of(data) == [("days", "REQUIRED")]


def test_empty_days_is_required() -> None:
    assert errors_of(payload(days=[])) == [("days", "REQUIRED")]


def test_missing_day_of_week_is_required() -> None:
    data = payload(day(1))
    del data["days"][0]["dayOfWeek"]
    assert errors_of(data) == [("days.0.dayOfWeek", "REQUIRED")]


@pytest.mark.parametrize("value", [0, 8, -1, 100])
def test_day_of_week_outside_1_to_7_is_invalid_and_dropped(value: int) -> None:
    result = parse(payload(day(value), day(2)))
    assert [(e.path, e.code) for e in result.errors] == [("days.0.dayOfWeek", "INVALID_DAY_OF_WEEK")]
    assert [d.day_of_week for d in result.form.days] == [2]


def test_duplicate_day_is_reported_at_the_second_occurrence() -> None:
    result = parse(payload(day(3), day(1), day(3), day(3)))
    assert [(e.path, e.code) for e in result.errors] == [
        ("days.2.dayOfWeek", "DUPLICATE_DAY"),
        ("days.3.dayOfWeek", "DUPLICATE_DAY"),
    ]
    assert [d.path for d in result.form.days] == ["days.0", "days.1"]


def test_enabled_day_without_windows_has_no_windows_error() -> None:
    data = payload({"dayOfWeek": 1, "enabled": True, "windows": []})
    assert errors_of(data) == [("days.0.windows", "NO_WINDOWS")]


def test_enabled_day_with_windows_absent_has_no_windows_error() -> None:
    assert errors_of(payload({"dayOfWeek": 1})) == [("days.0.windows", "NO_WINDOWS")]


def test_disabled_day_without_windows_is_valid() -> None:
    result = parse(payload({"dayOfWeek": 6, "enabled": False}))
    assert result.errors == ()
    assert result.form.days == (DayForm(6, False, (), "days.0"),)


def test_disabled_day_keeps_its_valid_windows() -> None:
    result = parse(payload(day(6, window(), enabled=False)))
    assert result.errors == ()
    assert len(result.form.days[0].windows) == 1


def test_disabled_day_does_not_report_rule_errors_and_drops_those_windows() -> None:
    broken = window(workStartLocal="25:00", breaks=[brk("07:00", "08:00")])
    result = parse(payload(day(6, window(), broken, window(), enabled=False)))
    assert result.errors == ()
    # The third window overlaps the first: also unreported, and left out like the broken one.
    assert [w.path for w in result.form.days[0].windows] == ["days.0.windows.0"]


def test_disabled_day_still_needs_correct_json_types() -> None:
    data = payload(day(6, window(workStartLocal=900, breaks={}), enabled=False))
    assert bad_types(data) == [
        ("days.0.windows.0.workStartLocal", "INVALID_TYPE"),
        ("days.0.windows.0.breaks", "INVALID_TYPE"),
    ]


def test_seven_days_are_allowed() -> None:
    assert parse(payload(*(day(n) for n in range(1, 8)))).errors == ()


def test_more_than_seven_days_is_too_many_and_still_reports_the_duplicate() -> None:
    result = parse(payload(*(day(n) for n in range(1, 8)), day(1)))
    assert [(e.path, e.code) for e in result.errors] == [
        ("days", "TOO_MANY_ITEMS"),
        ("days.7.dayOfWeek", "DUPLICATE_DAY"),
    ]
    assert result.form.days == ()


# -- windows ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["workStartLocal", "workEndLocal", "slotIntervalMinutes"])
def test_window_field_is_required(field: str) -> None:
    broken = window()
    del broken[field]
    assert errors_of(payload(day(1, broken))) == [(f"days.0.windows.0.{field}", "REQUIRED")]


@pytest.mark.parametrize("field", ["workStartLocal", "workEndLocal", "slotIntervalMinutes"])
def test_null_window_field_is_required(field: str) -> None:
    assert errors_of(payload(day(1, window(**{field: None})))) == [(f"days.0.windows.0.{field}", "REQUIRED")]


@pytest.mark.parametrize(
    "value",
    [
        "9:00",
        "09:00:00",
        "24:00",
        "12:60",
        "",
        " 09:00",
        "09:00 ",
        "09:00\n",
        "09.00",
        "0900",
        "\u0660\u0669:\u0660\u0660",  # Arabic-Indic digits
        "9am",
    ],
)
def test_time_must_be_strict_24_hour_hh_mm(value: str) -> None:
    assert errors_of(payload(day(1, window(workStartLocal=value)))) == [
        ("days.0.windows.0.workStartLocal", "INVALID_TIME")
    ]


def test_midnight_and_last_minute_are_valid_times() -> None:
    form = parse(payload(day(1, window(workStartLocal="00:00", workEndLocal="23:59")))).form
    assert (form.days[0].windows[0].work_start, form.days[0].windows[0].work_end) == (time(0), time(23, 59))


@pytest.mark.parametrize("end", ["09:00", "08:00"])
def test_window_end_at_or_before_start_is_end_before_start(end: str) -> None:
    data = payload(day(1, window(workStartLocal="09:00", workEndLocal=end)))
    assert errors_of(data) == [("days.0.windows.0.workEndLocal", "END_BEFORE_START")]


@pytest.mark.parametrize("minutes", [5, 10, 15, 20, 30, 60])
def test_allowed_slot_intervals(minutes: int) -> None:
    assert parse(payload(day(1, window(slotIntervalMinutes=minutes)))).errors == ()


@pytest.mark.parametrize("minutes", [0, 1, 45, 90, 120, -30])
def test_other_slot_intervals_are_invalid(minutes: int) -> None:
    data = payload(day(1, window(slotIntervalMinutes=minutes)))
    assert errors_of(data) == [("days.0.windows.0.slotIntervalMinutes", "INVALID_INTERVAL")]


@pytest.mark.parametrize("priority", [-1000, 0, 1000])
def test_priority_bounds_are_allowed(priority: int) -> None:
    assert parse(payload(day(1, window(priority=priority)))).form.days[0].windows[0].priority == priority


@pytest.mark.parametrize("priority", [-1001, 1001, 10**30])
def test_priority_out_of_range(priority: int) -> None:
    data = payload(day(1, window(priority=priority)))
    assert errors_of(data) == [("days.0.windows.0.priority", "OUT_OF_RANGE")]


@pytest.mark.parametrize(
    "value", ["2026-02-30", "2026-1-01", "20260101", "2026-01-01T00:00", "", "0000-01-01"]
)
def test_effective_dates_must_be_real_yyyy_mm_dd(value: str) -> None:
    data = payload(day(1, window(effectiveFrom=value, effectiveTo=value)))
    assert errors_of(data) == [
        ("days.0.windows.0.effectiveFrom", "INVALID_DATE"),
        ("days.0.windows.0.effectiveTo", "INVALID_DATE"),
    ]


def test_effective_to_before_from_is_an_invalid_range() -> None:
    data = payload(day(1, window(effectiveFrom="2026-05-02", effectiveTo="2026-05-01")))
    assert errors_of(data) == [("days.0.windows.0.effectiveTo", "EFFECTIVE_RANGE_INVALID")]


def test_effective_range_of_one_day_is_valid() -> None:
    assert parse(payload(day(1, window(effectiveFrom="2026-05-01", effectiveTo="2026-05-01")))).errors == ()


def test_overlapping_windows_report_the_later_starting_one() -> None:
    early = window(workStartLocal="09:00", workEndLocal="13:00")
    late = window(workStartLocal="12:00", workEndLocal="17:00")
    result = parse(payload(day(1, late, early)))
    assert [(e.path, e.code) for e in result.errors] == [
        ("days.0.windows.0.workStartLocal", "WINDOWS_OVERLAP")
    ]
    assert [w.path for w in result.form.days[0].windows] == ["days.0.windows.1"]


def test_identical_windows_report_the_second_in_the_list() -> None:
    assert errors_of(payload(day(1, window(), window()))) == [
        ("days.0.windows.1.workStartLocal", "WINDOWS_OVERLAP")
    ]


def test_touching_windows_are_fine() -> None:
    morning = window(workStartLocal="09:00", workEndLocal="13:00")
    afternoon = window(workStartLocal="13:00", workEndLocal="17:00")
    assert parse(payload(day(1, morning, afternoon))).errors == ()


def test_overlapping_windows_with_different_priority_are_fine() -> None:
    base = window(workStartLocal="09:00", workEndLocal="17:00")
    override = window(workStartLocal="12:00", workEndLocal="14:00", priority=1)
    assert parse(payload(day(1, base, override))).errors == ()


def test_overlapping_windows_with_disjoint_effective_ranges_are_fine() -> None:
    spring = window(effectiveFrom="2026-03-01", effectiveTo="2026-05-31")
    summer = window(effectiveFrom="2026-06-01", effectiveTo=None)
    assert parse(payload(day(1, spring, summer))).errors == ()


def test_overlapping_windows_with_intersecting_effective_ranges_overlap() -> None:
    spring = window(effectiveFrom="2026-03-01", effectiveTo="2026-06-01")
    open_ended = window(workStartLocal="16:00", workEndLocal="18:00", effectiveFrom="2026-06-01")
    assert errors_of(payload(day(1, spring, open_ended))) == [
        ("days.0.windows.1.workStartLocal", "WINDOWS_OVERLAP")
    ]


def test_windows_on_different_days_do_not_overlap() -> None:
    assert parse(payload(day(1, window()), day(2, window()))).errors == ()


def test_twenty_windows_are_allowed() -> None:
    windows = [window(workStartLocal=f"{h:02d}:00", workEndLocal=f"{h:02d}:30") for h in range(20)]
    assert parse(payload(day(1, *windows))).errors == ()


def test_more_than_twenty_windows_is_too_many() -> None:
    windows = [window(workStartLocal=f"{h:02d}:00", workEndLocal=f"{h:02d}:30") for h in range(21)]
    result = parse(payload(day(1, *windows)))
    assert [(e.path, e.code) for e in result.errors] == [("days.0.windows", "TOO_MANY_ITEMS")]
    assert result.form.days[0].windows == ()


# -- breaks ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["breakStartLocal", "breakEndLocal"])
def test_break_time_is_required(field: str) -> None:
    lunch = brk()
    del lunch[field]
    data = payload(day(1, window(breaks=[lunch])))
    assert errors_of(data) == [(f"days.0.windows.0.breaks.0.{field}", "REQUIRED")]


def test_break_time_must_be_hh_mm() -> None:
    data = payload(day(1, window(breaks=[brk("1:00", "13:00:00")])))
    assert errors_of(data) == [
        ("days.0.windows.0.breaks.0.breakStartLocal", "INVALID_TIME"),
        ("days.0.windows.0.breaks.0.breakEndLocal", "INVALID_TIME"),
    ]


@pytest.mark.parametrize("end", ["13:00", "12:00"])
def test_break_ending_at_or_before_its_start(end: str) -> None:
    data = payload(day(1, window(breaks=[brk("13:00", end)])))
    assert errors_of(data) == [("days.0.windows.0.breaks.0.breakEndLocal", "BREAK_END_BEFORE_START")]


@pytest.mark.parametrize(("start", "end"), [("08:00", "09:30"), ("16:30", "17:30"), ("07:00", "08:00")])
def test_break_outside_its_window(start: str, end: str) -> None:
    data = payload(day(1, window(breaks=[brk(start, end)])))
    assert errors_of(data) == [("days.0.windows.0.breaks.0.breakStartLocal", "BREAK_OUTSIDE_WINDOW")]


def test_break_may_fill_its_window_edges() -> None:
    breaks = [brk("09:00", "09:30"), brk("16:30", "17:00")]
    assert parse(payload(day(1, window(breaks=breaks)))).errors == ()


def test_overlapping_breaks_report_the_later_starting_one() -> None:
    breaks = [brk("13:30", "14:30"), brk("13:00", "14:00")]
    assert errors_of(payload(day(1, window(breaks=breaks)))) == [
        ("days.0.windows.0.breaks.0.breakStartLocal", "BREAKS_OVERLAP")
    ]


def test_touching_breaks_are_fine() -> None:
    breaks = [brk("13:00", "13:30"), brk("13:30", "14:00")]
    assert len(parse(payload(day(1, window(breaks=breaks)))).form.days[0].windows[0].breaks) == 2


def test_label_of_100_characters_is_allowed() -> None:
    assert parse(payload(day(1, window(breaks=[brk(label="x" * 100)])))).errors == ()


def test_label_longer_than_100_characters_is_too_long() -> None:
    data = payload(day(1, window(breaks=[brk(label="x" * 101)])))
    assert errors_of(data) == [("days.0.windows.0.breaks.0.label", "TOO_LONG")]


def test_ten_breaks_are_allowed() -> None:
    breaks = [
        brk(f"{9 + n // 2:02d}:{30 * (n % 2):02d}", f"{9 + n // 2:02d}:{30 * (n % 2) + 10:02d}")
        for n in range(10)
    ]
    assert parse(payload(day(1, window(breaks=breaks)))).errors == ()


def test_more_than_ten_breaks_is_too_many() -> None:
    breaks = [
        brk(f"{9 + n // 2:02d}:{30 * (n % 2):02d}", f"{9 + n // 2:02d}:{30 * (n % 2) + 10:02d}")
        for n in range(11)
    ]
    result = parse(payload(day(1, window(breaks=breaks))))
    assert [(e.path, e.code) for e in result.errors] == [("days.0.windows.0.breaks", "TOO_MANY_ITEMS")]
    assert result.form.days[0].windows == ()


# -- many errors at once, partial forms, order -----------------------------------------------------


def test_every_error_is_reported_at_once_in_payload_order() -> None:
    data = {
        "days": [
            day(1, window(workEndLocal="08:00", slotIntervalMinutes=7, breaks=[brk("13:00", "12:00")])),
            day(1, window(workStartLocal="9:00")),
            {"dayOfWeek": 3, "windows": []},
        ],
        "scope": {"consultationMode": "fax", "timezone": "Atlantis"},
        "dateRange": {"start": "2026-01-01", "end": "2028-01-01"},
    }
    assert errors_of(data) == [
        ("scope.consultationMode", "INVALID_CHOICE"),
        ("scope.timezone", "INVALID_TIMEZONE"),
        ("days.0.windows.0.workEndLocal", "END_BEFORE_START"),
        ("days.0.windows.0.slotIntervalMinutes", "INVALID_INTERVAL"),
        ("days.0.windows.0.breaks.0.breakEndLocal", "BREAK_END_BEFORE_START"),
        ("days.1.dayOfWeek", "DUPLICATE_DAY"),
        ("days.1.windows.0.workStartLocal", "INVALID_TIME"),
        ("days.2.windows", "NO_WINDOWS"),
        ("dateRange", "RANGE_TOO_LARGE"),
    ]


def test_errors_have_human_messages() -> None:
    (error,) = parse(payload(day(1, window(workStartLocal="9:00")))).errors
    assert error.message == "Use HH:MM, 24-hour (e.g. 09:30)."


def test_invalid_window_is_dropped_and_its_valid_sibling_kept() -> None:
    morning = window(workStartLocal="08:00", workEndLocal="12:00")
    broken = window(workStartLocal="14:00", workEndLocal="13:00")
    result = parse(payload(day(1, morning, broken)))
    assert len(result.errors) == 1
    assert [w.path for w in result.form.days[0].windows] == ["days.0.windows.0"]


def test_window_with_an_invalid_break_is_dropped() -> None:
    broken = window(workStartLocal="14:00", workEndLocal="18:00", breaks=[brk("19:00", "20:00")])
    result = parse(payload(day(1, window(workEndLocal="12:00"), broken), day(2)))
    assert [w.path for d in result.form.days for w in d.windows] == ["days.0.windows.0", "days.1.windows.0"]


def test_valid_days_are_kept_when_another_day_is_invalid() -> None:
    result = parse(payload(day(1), day(9), day(3)))
    assert [d.day_of_week for d in result.form.days] == [1, 3]


# -- rules on typed values (what the admin calls) --------------------------------------------------


def test_typed_window_rules_report_at_the_windows_paths() -> None:
    errors = check_window(
        "days.0.windows.0",
        work_start=time(17),
        work_end=time(9),
        slot_interval_minutes=7,
        priority=2000,
        effective_from=date(2026, 2, 1),
        effective_to=date(2026, 1, 1),
    )
    assert sorted((e.path, e.code) for e in errors) == [
        ("days.0.windows.0.effectiveTo", "EFFECTIVE_RANGE_INVALID"),
        ("days.0.windows.0.priority", "OUT_OF_RANGE"),
        ("days.0.windows.0.slotIntervalMinutes", "INVALID_INTERVAL"),
        ("days.0.windows.0.workEndLocal", "END_BEFORE_START"),
    ]


def test_typed_window_rules_skip_what_is_not_known() -> None:
    assert (
        check_window(
            "w",
            work_start=None,
            work_end=time(9),
            slot_interval_minutes=None,
            priority=None,
            effective_from=None,
            effective_to=None,
        )
        == []
    )


def test_typed_breaks_are_checked_against_the_window_only_when_its_hours_are_known() -> None:
    early = [BreakForm(time(8, 30), time(9, 30), ""), None]
    assert check_breaks(early, path="w.breaks", work_start=None, work_end=time(17)) == []
    errors = check_breaks(early, path="w.breaks", work_start=time(9), work_end=time(17))
    assert [(e.path, e.code) for e in errors] == [("w.breaks.0.breakStartLocal", "BREAK_OUTSIDE_WINDOW")]


def test_typed_values_finer_than_the_contract_are_refused() -> None:
    assert [e.code for e in check_local_time(time(9, 0, 30), "t")] == ["INVALID_TIME"]
    assert [e.code for e in check_date(date(2300, 1, 1), "d")] == ["INVALID_DATE"]
    assert [e.code for e in check_instant(datetime(2026, 1, 1, 9), "i")] == ["INVALID_DATETIME"]  # no offset
    assert check_local_time(time(9, 30), "t") == check_date(date(2026, 1, 1), "d") == []


@pytest.mark.parametrize(
    ("a", "b", "meet"),
    [
        ((None, None), (date(2026, 1, 1), date(2026, 1, 1)), True),
        ((None, date(2026, 1, 31)), (date(2026, 1, 31), None), True),  # inclusive ends
        ((None, date(2026, 1, 31)), (date(2026, 2, 1), None), False),
        ((date(2026, 2, 1), None), (None, date(2026, 1, 31)), False),
    ],
)
def test_effective_ranges_meet_when_they_share_a_day(a: tuple, b: tuple, meet: bool) -> None:
    assert dates_meet(*a, *b) is meet


# -- 400: wrong JSON types -------------------------------------------------------------------------


@pytest.mark.parametrize("body", [None, [], "{}", 1, True])
def test_body_that_is_not_an_object_is_a_400(body: object) -> None:
    assert bad_types(body) == [("", "INVALID_TYPE")]


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("scope", payload(scope=["Europe/Athens"])),
        ("scope.timezone", payload(scope={"timezone": 3})),
        ("scope.appointmentTypeId", payload(scope={"timezone": "UTC", "appointmentTypeId": 5})),
        ("scope.consultationMode", payload(scope={"timezone": "UTC", "consultationMode": True})),
        ("days", payload(days={"0": day()})),
        ("days.0", payload(days=["monday"])),
        ("days.0.dayOfWeek", payload(day("1"))),
        ("days.0.dayOfWeek", payload(day(1.0))),
        ("days.0.enabled", payload(day(1, enabled="true"))),
        ("days.0.enabled", payload(day(1, enabled=1))),
        ("days.0.windows", payload(day(1, windows={"workStartLocal": "09:00"}))),
        ("days.0.windows.0", payload(day(1, windows=[None]))),
        ("days.0.windows.0.workStartLocal", payload(day(1, window(workStartLocal=900)))),
        ("days.0.windows.0.workEndLocal", payload(day(1, window(workEndLocal=["17:00"])))),
        ("days.0.windows.0.slotIntervalMinutes", payload(day(1, window(slotIntervalMinutes="30")))),
        ("days.0.windows.0.slotIntervalMinutes", payload(day(1, window(slotIntervalMinutes=30.0)))),
        ("days.0.windows.0.breaks", payload(day(1, window(breaks="13:00-14:00")))),
        ("days.0.windows.0.breaks.0", payload(day(1, window(breaks=[["13:00", "14:00"]])))),
        ("days.0.windows.0.breaks.0.breakStartLocal", payload(day(1, window(breaks=[brk(1300)])))),
        ("days.0.windows.0.breaks.0.label", payload(day(1, window(breaks=[brk(label=5)])))),
        ("days.0.windows.0.priority", payload(day(1, window(priority="high")))),
        ("days.0.windows.0.effectiveFrom", payload(day(1, window(effectiveFrom=20260101)))),
        ("dateRange", payload(dateRange=["2026-01-01", "2026-01-07"])),
        ("dateRange.start", payload(dateRange={"start": 1, "end": "2026-01-07"})),
    ],
)
def test_wrong_json_type_is_a_400_at_its_path(path: str, data: dict[str, Any]) -> None:
    assert bad_types(data) == [(path, "INVALID_TYPE")]


@pytest.mark.parametrize("field", ["dayOfWeek", "slotIntervalMinutes", "priority"])
def test_bool_is_not_an_int(field: str) -> None:
    data = payload(day(1, window(**{field: True}))) if field != "dayOfWeek" else payload(day(True))
    path = "days.0.dayOfWeek" if field == "dayOfWeek" else f"days.0.windows.0.{field}"
    assert bad_types(data) == [(path, "INVALID_TYPE")]


def test_every_type_error_is_reported_at_once_in_payload_order() -> None:
    data = payload(
        day(1, window(workStartLocal=9, breaks=[brk(label=[])]), enabled="yes"),
        day(None, window(slotIntervalMinutes="15")),
        dateRange=7,
    )
    data["scope"] = {"timezone": None, "locationRoomId": 12}
    assert bad_types(data) == [
        ("scope.locationRoomId", "INVALID_TYPE"),
        ("days.0.enabled", "INVALID_TYPE"),
        ("days.0.windows.0.workStartLocal", "INVALID_TYPE"),
        ("days.0.windows.0.breaks.0.label", "INVALID_TYPE"),
        ("days.1.windows.0.slotIntervalMinutes", "INVALID_TYPE"),
        ("dateRange", "INVALID_TYPE"),
    ]


def test_type_errors_win_over_rule_errors() -> None:
    data = payload(day(9, window(workStartLocal="25:00")), day(1, window(priority=False)))
    assert bad_types(data) == [("days.1.windows.0.priority", "INVALID_TYPE")]


def test_parsing_is_deterministic() -> None:
    data = payload(day(1, window(), window(), window(workEndLocal="08:00")), day(1), scope={"timezone": "X"})
    assert parse(data).errors == parse(data).errors


# -- property: only BadRequest escapes -------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
time_like = st.sampled_from(["09:00", "17:00", "13:00", "14:00", "24:00", "9:00", ""]) | json_values
window_like = st.fixed_dictionaries(
    {},
    optional={
        "workStartLocal": time_like,
        "workEndLocal": time_like,
        "slotIntervalMinutes": st.sampled_from([30, 7]) | json_values,
        "breaks": st.lists(
            st.fixed_dictionaries({}, optional={"breakStartLocal": time_like, "breakEndLocal": time_like}),
            max_size=3,
        )
        | json_values,
        "priority": st.integers(-2000, 2000) | json_values,
        "effectiveFrom": st.sampled_from(["2026-01-01", "2026-02-30"]) | json_values,
        "effectiveTo": st.sampled_from(["2025-12-31", "2026-06-01"]) | json_values,
    },
)
day_like = st.fixed_dictionaries(
    {},
    optional={
        "dayOfWeek": st.integers(0, 8) | json_values,
        "enabled": st.booleans() | json_values,
        "windows": st.lists(window_like | json_values, max_size=4) | json_values,
    },
)


def _parse_or_bad_request(data: object, mode: str) -> None:
    try:
        result = parse(data, mode=mode, refs=REFS)
    except BadRequest as exc:
        assert exc.errors
        assert all(e.code == "INVALID_TYPE" for e in exc.errors)
        return
    assert all(e.code != "INVALID_TYPE" for e in result.errors)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=json_values, mode=st.sampled_from(["preview", "save"]))
def test_arbitrary_json_body_only_ever_raises_bad_request(data: object, mode: str) -> None:
    _parse_or_bad_request(data, mode)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    days=st.lists(day_like | json_values, max_size=4) | json_values,
    scope=json_values | st.just({"timezone": "Europe/Athens"}),
    extra=st.dictionaries(st.sampled_from(["replaceMode", "dateRange", "expectedVersion"]), json_values),
    mode=st.sampled_from(["preview", "save"]),
)
def test_arbitrary_days_only_ever_raise_bad_request(
    days: object, scope: object, extra: dict, mode: str
) -> None:
    _parse_or_bad_request({"scope": scope, "days": days, **extra}, mode)
