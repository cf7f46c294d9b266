"""Rotating weekly hours through the Add Slot API: validation at its paths, save, reload, preview."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from rest_framework.test import APIClient

from scheduling.models import ScheduleRule
from scheduling.tests.factories import ScheduleRuleFactory
from scheduling.tests.payloads import brk, day, form, window

RULES = "/api/doctor/schedule/rules"
SAVE = f"{RULES}/bulk_upsert"
PREVIEW = "/api/doctor/schedule/preview"
WEEK_A = "2026-12-07"  # a Monday; 14 December starts week B of a fortnightly rota
WEEK_B = "2026-12-16"  # a Wednesday of week B: an anchor is any date of its week
FOUR_WEEKS = {"start": "2026-12-07", "end": "2027-01-03"}


@pytest.fixture
def doctor_api(api: APIClient, demo) -> APIClient:
    api.force_authenticate(demo.doctor.user)
    return api


def rota(start: str = "09:00", end: str = "13:00", every: int = 2, anchor: str | None = WEEK_A, **extra):
    return window(start, end, 30, repeatEveryWeeks=every, repeatAnchor=anchor, **extra)


def _post(api: APIClient, url: str, payload: dict, status: int) -> dict:
    response = api.post(url, payload, format="json")
    assert response.status_code == status, response.content
    return response.json()


def _errors(body: dict) -> list[tuple[str, str]]:
    return [(e["path"], e["code"]) for e in body["errors"]]


# --- validation --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("every", [0, 9, -1, 100])
def test_weeks_outside_one_to_eight_are_invalid_repeat(doctor_api: APIClient, every: int) -> None:
    body = _post(doctor_api, SAVE, form(day(1, rota(every=every))), 422)
    assert body["ok"] is False
    assert _errors(body) == [("days.0.windows.0.repeatEveryWeeks", "INVALID_REPEAT")]
    assert not ScheduleRule.objects.exists()


@pytest.mark.parametrize("every", ["2", 2.5, True])
def test_weeks_that_are_not_a_json_integer_are_invalid_type(doctor_api: APIClient, every: object) -> None:
    body = _post(doctor_api, SAVE, form(day(1, rota(every=every))), 400)  # type: ignore[arg-type]
    assert _errors(body) == [("days.0.windows.0.repeatEveryWeeks", "INVALID_TYPE")]
    assert not ScheduleRule.objects.exists()


def test_a_rota_without_its_anchor_is_invalid_repeat_at_the_anchor(doctor_api: APIClient) -> None:
    body = _post(doctor_api, SAVE, form(day(3, window("09:00", "10:00"), rota(anchor=None))), 422)
    assert _errors(body) == [("days.0.windows.1.repeatAnchor", "INVALID_REPEAT")]
    assert not ScheduleRule.objects.exists()


@pytest.mark.parametrize("anchor", ["2026-02-30", "07/12/2026", "2300-01-05", ""])
def test_an_anchor_that_is_not_a_date_is_invalid_date(doctor_api: APIClient, anchor: str) -> None:
    body = _post(doctor_api, SAVE, form(day(1, rota(anchor=anchor))), 422)
    assert _errors(body) == [("days.0.windows.0.repeatAnchor", "INVALID_DATE")]


def test_an_anchor_of_the_wrong_type_is_invalid_type(doctor_api: APIClient) -> None:
    body = _post(doctor_api, SAVE, form(day(1, rota(anchor=20261207))), 400)  # type: ignore[arg-type]
    assert _errors(body) == [("days.0.windows.0.repeatAnchor", "INVALID_TYPE")]


def test_every_error_comes_at_once_in_payload_order(doctor_api: APIClient) -> None:
    payload = form(day(1, rota(every=12), window("18:00", "17:00")), day(2, rota(anchor=None)))
    body = _post(doctor_api, SAVE, payload, 422)
    assert _errors(body) == [
        ("days.0.windows.0.repeatEveryWeeks", "INVALID_REPEAT"),
        ("days.0.windows.1.workEndLocal", "END_BEFORE_START"),
        ("days.1.windows.0.repeatAnchor", "INVALID_REPEAT"),
    ]


def test_preview_reports_invalid_repeat_as_an_error_warning(doctor_api: APIClient) -> None:
    body = _post(doctor_api, PREVIEW, form(day(1, rota(anchor=None)), dateRange=FOUR_WEEKS), 200)
    assert [(w["path"], w["code"], w["severity"]) for w in body["warnings"]] == [
        ("days.0.windows.0.repeatAnchor", "INVALID_REPEAT", "error")
    ]
    assert body["summary"]["totalSlots"] == 0


def test_weekly_windows_drop_an_anchor(doctor_api: APIClient, demo) -> None:
    _post(doctor_api, SAVE, form(day(1, rota(every=1))), 200)
    rule = ScheduleRule.objects.get(doctor=demo.doctor)
    assert (rule.repeat_every_weeks, rule.repeat_anchor) == (1, None)


def test_null_repeat_is_every_week(doctor_api: APIClient, demo) -> None:
    _post(doctor_api, SAVE, form(day(1, window(repeatEveryWeeks=None, repeatAnchor=None))), 200)
    assert ScheduleRule.objects.get(doctor=demo.doctor).repeat_every_weeks == 1


# --- overlaps ----------------------------------------------------------------------------------------------


def test_windows_of_different_rota_weeks_may_overlap_on_the_clock(doctor_api: APIClient, demo) -> None:
    payload = form(day(1, rota("09:00", "13:00", anchor=WEEK_A), rota("10:00", "17:00", anchor=WEEK_B)))
    assert _post(doctor_api, SAVE, payload, 200)["insertedRules"] == 2


def test_windows_of_the_same_rota_week_overlap(doctor_api: APIClient) -> None:
    payload = form(day(1, rota("09:00", "13:00", anchor=WEEK_A), rota("12:00", "17:00", anchor="2026-12-24")))
    body = _post(doctor_api, SAVE, payload, 422)
    assert _errors(body) == [("days.0.windows.1.workStartLocal", "WINDOWS_OVERLAP")]


def test_a_weekly_window_meets_every_rota_week(doctor_api: APIClient) -> None:
    payload = form(day(1, window("09:00", "13:00"), rota("12:00", "17:00")))
    body = _post(doctor_api, SAVE, payload, 422)
    assert _errors(body) == [("days.0.windows.1.workStartLocal", "WINDOWS_OVERLAP")]


def test_rotas_of_different_lengths_meet_when_some_week_is_on_both(doctor_api: APIClient) -> None:
    # Every 2 weeks from 7 Dec and every 3 weeks from 14 Dec meet on 21 Dec; every 4 from 7 Dec and every 2
    # from 14 Dec never do (even and odd weeks).
    meeting = form(day(1, rota(every=2, anchor=WEEK_A), rota("12:00", "17:00", every=3, anchor="2026-12-14")))
    assert _errors(_post(doctor_api, SAVE, meeting, 422)) == [
        ("days.0.windows.1.workStartLocal", "WINDOWS_OVERLAP")
    ]
    apart = form(day(1, rota(every=4, anchor=WEEK_A), rota("12:00", "17:00", every=2, anchor="2026-12-14")))
    _post(doctor_api, SAVE, apart, 200)


def test_append_checks_stored_rotas_week_by_week(doctor_api: APIClient, demo) -> None:
    _post(doctor_api, SAVE, form(day(1, rota("09:00", "13:00", anchor=WEEK_A))), 200)
    other_week = form(day(1, rota("10:00", "14:00", anchor=WEEK_B)), replaceMode="append")
    _post(doctor_api, SAVE, other_week, 200)
    same_week = form(day(1, rota("12:00", "15:00", anchor="2026-12-21")), replaceMode="append")
    body = _post(doctor_api, SAVE, same_week, 422)
    assert _errors(body) == [("days.0.windows.0.workStartLocal", "WINDOWS_OVERLAP")]
    assert ScheduleRule.objects.filter(doctor=demo.doctor).count() == 2


# --- save, reload, preview ---------------------------------------------------------------------------------


def test_a_rota_is_saved_and_reloaded_in_both_shapes(doctor_api: APIClient, demo) -> None:
    payload = form(
        day(
            1,
            rota("09:00", "13:00", anchor=WEEK_A),
            rota("09:00", "17:00", anchor=WEEK_B, breaks=[brk("13:00", "14:00", "Lunch")]),
        ),
        day(5, window("09:00", "12:00")),
    )
    _post(doctor_api, SAVE, payload, 200)
    body = doctor_api.get(RULES).json()
    assert [(r["dayOfWeek"], r["repeatEveryWeeks"], r["repeatAnchor"]) for r in body["rules"]] == [
        (1, 2, WEEK_A),
        (1, 2, WEEK_B),
        (5, 1, None),
    ]
    monday = body["days"][0]["windows"]
    assert [(w["workEndLocal"], w["repeatEveryWeeks"], w["repeatAnchor"]) for w in monday] == [
        ("13:00", 2, WEEK_A),
        ("17:00", 2, WEEK_B),
    ]
    assert body["days"][4]["windows"][0]["repeatEveryWeeks"] == 1
    every = doctor_api.get(f"{RULES}/all").json()["rules"]
    assert sorted((r["repeatEveryWeeks"], r["repeatAnchor"]) for r in every) == [
        (1, None),
        (2, WEEK_A),
        (2, WEEK_B),
    ]
    # The days shape saves back unchanged (the modal's round trip).
    again = {"scope": body["scope"], "days": body["days"], "expectedVersion": body["version"]}
    _post(doctor_api, SAVE, again, 200)
    assert doctor_api.get(RULES).json()["days"] == body["days"]


def test_replacing_a_day_replaces_its_rota_windows(doctor_api: APIClient, demo) -> None:
    _post(doctor_api, SAVE, form(day(1, rota(anchor=WEEK_A), rota(anchor=WEEK_B))), 200)
    body = _post(doctor_api, SAVE, form(day(1, window("08:00", "09:00"))), 200)
    assert (body["insertedRules"], body["deletedRules"]) == (1, 2)
    assert list(ScheduleRule.objects.values_list("repeat_every_weeks", flat=True)) == [1]


def test_preview_shows_rota_slots_only_in_their_weeks(doctor_api: APIClient) -> None:
    payload = form(
        day(1, rota("09:00", "11:00", anchor=WEEK_A), rota("14:00", "15:00", anchor=WEEK_B)),
        dateRange=FOUR_WEEKS,
    )
    body = _post(doctor_api, PREVIEW, payload, 200)
    assert [(d["date"], [w["workStartLocal"] for w in d["windows"]]) for d in body["days"]] == [
        ("2026-12-07", ["09:00"]),
        ("2026-12-14", ["14:00"]),
        ("2026-12-21", ["09:00"]),
        ("2026-12-28", ["14:00"]),
    ]
    assert body["summary"]["totalSlots"] == 4 + 2 + 4 + 2
    assert body["days"][0]["windows"][0]["path"] == "days.0.windows.0"


def test_preview_has_no_rota_weeks_before_the_anchor(doctor_api: APIClient) -> None:
    payload = form(day(3, rota(every=3, anchor="2026-12-21")), dateRange=FOUR_WEEKS)
    assert [d["date"] for d in _post(doctor_api, PREVIEW, payload, 200)["days"]] == ["2026-12-23"]


def test_preview_across_a_dst_week_keeps_the_rota_weeks(doctor_api: APIClient) -> None:
    # New York falls back on Sunday 1 November 2026: the rota's weeks are local weeks, so the Sunday after
    # the change is two weeks after the anchor week whatever the clocks did.
    payload = form(
        day(7, rota("01:00", "03:00", anchor="2026-10-18")),
        timezone="America/New_York",
        dateRange={"start": "2026-10-12", "end": "2026-11-22"},
    )
    body = _post(doctor_api, PREVIEW, payload, 200)
    assert [d["date"] for d in body["days"]] == ["2026-10-18", "2026-11-01", "2026-11-15"]
    fall_back = body["days"][1]["windows"][0]["slots"]
    assert len(fall_back) == 6  # 01:00–03:00 lasts three hours that night: 01:00–02:00 happens twice
    assert [w["code"] for w in body["warnings"]] == ["DST_SHIFTED"]


# --- the database and the admin ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"repeat_every_weeks": 2, "repeat_anchor": None},
        {"repeat_every_weeks": 9, "repeat_anchor": date(2026, 12, 7)},
        {"repeat_every_weeks": 0, "repeat_anchor": None},
        {"repeat_every_weeks": 1, "repeat_anchor": date(2026, 12, 7)},
    ],
    ids=["rota-without-anchor", "too-many-weeks", "zero-weeks", "weekly-with-anchor"],
)
def test_the_database_refuses_a_broken_rota(demo, fields: dict) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduleRule.objects.create(
            doctor=demo.doctor,
            timezone="Europe/Athens",
            day_of_week=1,
            work_start_local=time(9),
            work_end_local=time(10),
            slot_interval_minutes=30,
            **fields,
        )


def _admin_rule(doctor, **fields: str) -> dict[str, str]:
    return {
        "doctor": str(doctor.pk),
        "timezone": "Europe/Athens",
        "day_of_week": "1",
        "work_start_local": "09:00",
        "work_end_local": "13:00",
        "slot_interval_minutes": "30",
        "priority": "0",
        "is_active": "on",
        "effective_from": "",
        "effective_to": "",
        "repeat_every_weeks": "2",
        "repeat_anchor": WEEK_A,
        "breaks-TOTAL_FORMS": "0",
        "breaks-INITIAL_FORMS": "0",
        "breaks-MIN_NUM_FORMS": "0",
        "breaks-MAX_NUM_FORMS": "10",
    } | fields


def _admin_codes(response) -> dict[str, list[str]]:
    errors = response.context["adminform"].form.errors.as_data()
    return {field: [e.code for e in errs] for field, errs in errors.items()}


@pytest.fixture
def staff_client(demo) -> Client:
    client = Client()
    client.force_login(demo.staff)
    return client


def test_the_admin_saves_a_rota(staff_client: Client, demo) -> None:
    response = staff_client.post("/admin/scheduling/schedulerule/add/", _admin_rule(demo.doctor))
    assert response.status_code == 302
    rule = ScheduleRule.objects.get(doctor=demo.doctor)
    assert (rule.repeat_every_weeks, rule.repeat_anchor) == (2, date(2026, 12, 7))


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"repeat_anchor": ""}, {"repeat_anchor": ["INVALID_REPEAT"]}),
        ({"repeat_every_weeks": "9"}, {"repeat_every_weeks": ["INVALID_REPEAT"]}),
        ({"repeat_anchor": "2301-01-01"}, {"repeat_anchor": ["INVALID_DATE"]}),
    ],
)
def test_the_admin_shows_rota_errors_on_their_fields(
    staff_client: Client, demo, fields: dict, expected: dict
) -> None:
    response = staff_client.post("/admin/scheduling/schedulerule/add/", _admin_rule(demo.doctor, **fields))
    assert _admin_codes(response) == expected
    assert not ScheduleRule.objects.exists()


def test_the_admin_allows_overlap_across_rota_weeks_only(staff_client: Client, demo) -> None:
    ScheduleRuleFactory.create(
        doctor=demo.doctor,
        work_start_local=time(9),
        work_end_local=time(13),
        repeat_every_weeks=2,
        repeat_anchor=date(2026, 12, 7),
    )
    url = "/admin/scheduling/schedulerule/add/"
    same = staff_client.post(url, _admin_rule(demo.doctor, work_start_local="12:00", work_end_local="17:00"))
    assert _admin_codes(same) == {"work_start_local": ["WINDOWS_OVERLAP"]}
    other = _admin_rule(demo.doctor, work_start_local="12:00", work_end_local="17:00", repeat_anchor=WEEK_B)
    assert staff_client.post(url, other).status_code == 302
