"""A stored rota through availability, "why not bookable" (NOT_THIS_ROTA_WEEK) and the desk: they agree with
the preview on which weeks a rota window works."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

import pytest
from rest_framework.test import APIClient

from appointments import services as booking
from appointments.desk.selectors import grid
from appointments.models import ActorType
from medic.clinic.models import AppointmentType
from scheduling.models import ScheduleRule
from scheduling.tests.payloads import day, form, window

ATHENS = zoneinfo.ZoneInfo("Europe/Athens")


def local(d: date, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime.combine(d, time(h, m), tzinfo=ATHENS)


def iso(value: datetime) -> str:
    return value.astimezone(zoneinfo.ZoneInfo("UTC")).isoformat().replace("+00:00", "Z")


@pytest.fixture
def monday() -> date:
    """A Monday at least three days ahead: inside the booking window, past any notice."""
    soon = datetime.now(ATHENS).date() + timedelta(days=3)
    return soon + timedelta(days=(8 - soon.isoweekday()) % 7)


@pytest.fixture
def consult(demo) -> AppointmentType:
    return demo.doctor.appointment_types.get(name="Consultation")  # 30 minutes


@pytest.fixture
def rota(demo, monday) -> list[ScheduleRule]:
    """Mondays: mornings in week A (the fixture's Monday), afternoons in week B, every two weeks."""
    return [
        ScheduleRule.objects.create(
            doctor=demo.doctor,
            timezone="Europe/Athens",
            day_of_week=1,
            work_start_local=time(start),
            work_end_local=time(end),
            slot_interval_minutes=30,
            repeat_every_weeks=2,
            repeat_anchor=anchor,
        )
        for start, end, anchor in ((9, 12, monday), (14, 16, monday + timedelta(days=9)))
    ]


@pytest.fixture
def patient_api(demo) -> APIClient:
    client = APIClient()
    client.force_authenticate(demo.patient.user)
    return client


def _slots(api: APIClient, demo, service: AppointmentType, first: date, last: date) -> list[dict]:
    response = api.get(
        f"/api/doctors/{demo.doctor.pk}/availability",
        {"appointmentTypeId": str(service.pk), "start": first.isoformat(), "end": last.isoformat()},
    )
    assert response.status_code == 200, response.content
    return response.json()["slots"]


def _explain(api: APIClient, demo, service: AppointmentType, **params: str) -> list[dict]:
    response = api.get(
        f"/api/doctors/{demo.doctor.pk}/availability/explain",
        {"appointmentTypeId": str(service.pk), **params},
    )
    assert response.status_code == 200, response.content
    return response.json()["candidates"]


@pytest.mark.usefixtures("rota")
def test_availability_offers_each_rota_window_only_in_its_weeks(
    patient_api: APIClient, demo, consult, monday
) -> None:
    slots = _slots(patient_api, demo, consult, monday, monday + timedelta(days=27))
    by_date: dict[str, list[str]] = {}
    for s in slots:
        by_date.setdefault(s["date"], []).append(s["startLocal"])
    mornings = ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    afternoons = ["14:00", "14:30", "15:00", "15:30"]
    assert by_date == {
        monday.isoformat(): mornings,
        (monday + timedelta(weeks=1)).isoformat(): afternoons,
        (monday + timedelta(weeks=2)).isoformat(): mornings,
        (monday + timedelta(weeks=3)).isoformat(): afternoons,
    }


@pytest.mark.usefixtures("rota")
def test_availability_agrees_with_the_preview_of_the_same_rota(
    api: APIClient, patient_api: APIClient, demo, consult, monday
) -> None:
    api.force_authenticate(demo.doctor.user)
    payload = form(
        day(
            1,
            window("09:00", "12:00", 30, repeatEveryWeeks=2, repeatAnchor=monday.isoformat()),
            window(
                "14:00", "16:00", 30, repeatEveryWeeks=2, repeatAnchor=(monday + timedelta(9)).isoformat()
            ),
        ),
        dateRange={"start": monday.isoformat(), "end": (monday + timedelta(days=27)).isoformat()},
    )
    preview = api.post("/api/doctor/schedule/preview", payload, format="json").json()
    previewed = {s["startUtc"] for d in preview["days"] for w in d["windows"] for s in w["slots"]}
    offered = {s["startUtc"] for s in _slots(patient_api, demo, consult, monday, monday + timedelta(days=27))}
    assert offered == previewed and len(offered) == 20


@pytest.mark.usefixtures("rota")
def test_a_start_of_the_other_rota_week_is_not_this_week_of_the_rota(
    patient_api: APIClient, demo, consult, monday
) -> None:
    [candidate] = _explain(patient_api, demo, consult, at=iso(local(monday, "14:00")))
    assert not candidate["bookable"]
    codes = [r["code"] for r in candidate["reasons"]]
    assert codes[-1] == "NOT_THIS_ROTA_WEEK" and "OUTSIDE_HOURS" in codes
    reason = candidate["reasons"][-1]
    assert reason["message"].startswith("Not this week of the rota")
    assert reason["detail"]["everyWeeks"] == 2
    assert reason["detail"]["nextDate"] == (monday + timedelta(weeks=1)).isoformat()
    [bookable] = _explain(patient_api, demo, consult, at=iso(local(monday + timedelta(weeks=1), "14:00")))
    assert bookable["bookable"] and bookable["reasons"] == []


@pytest.mark.usefixtures("rota")
def test_a_days_candidates_include_the_rota_starts_of_other_weeks(
    patient_api: APIClient, demo, consult, monday
) -> None:
    candidates = _explain(patient_api, demo, consult, date=monday.isoformat())
    bookable = [c["startLocal"] for c in candidates if c["bookable"]]
    off_week = [
        c["startLocal"] for c in candidates if "NOT_THIS_ROTA_WEEK" in {r["code"] for r in c["reasons"]}
    ]
    assert bookable == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    assert off_week == ["14:00", "14:30", "15:00", "15:30"]
    assert {s["startUtc"] for s in _slots(patient_api, demo, consult, monday, monday)} == {
        c["startUtc"] for c in candidates if c["bookable"]
    }


def test_a_day_before_the_rota_starts_says_when_it_does(
    patient_api: APIClient, demo, consult, monday
) -> None:
    ScheduleRule.objects.create(
        doctor=demo.doctor,
        timezone="Europe/Athens",
        day_of_week=1,
        work_start_local=time(9),
        work_end_local=time(10),
        slot_interval_minutes=30,
        repeat_every_weeks=3,
        repeat_anchor=monday + timedelta(weeks=2, days=4),  # a Friday: its week's Monday is the first
    )
    [candidate] = _explain(patient_api, demo, consult, at=iso(local(monday, "09:30")))
    reason = candidate["reasons"][-1]
    assert reason["code"] == "NOT_THIS_ROTA_WEEK" and "not started yet" in reason["message"]
    assert reason["detail"]["nextDate"] == (monday + timedelta(weeks=2)).isoformat()
    assert reason["detail"]["rotaWeek"] is None


@pytest.mark.usefixtures("rota")
def test_the_desk_shows_free_time_only_in_the_rota_weeks(demo, monday) -> None:
    weeks = [monday, monday + timedelta(weeks=1)]
    columns = {c.day: c for c in grid([demo.doctor], weeks, ATHENS).columns}
    assert [f.start for f in columns[weeks[0]].free] == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    assert [f.start for f in columns[weeks[1]].free] == ["14:00", "14:30", "15:00", "15:30"]


def test_a_rota_that_leaves_a_booking_in_its_off_week_lists_it(api: APIClient, demo, consult, monday) -> None:
    ScheduleRule.objects.create(
        doctor=demo.doctor,
        timezone="Europe/Athens",
        day_of_week=1,
        work_start_local=time(9),
        work_end_local=time(17),
        slot_interval_minutes=30,
    )
    actor = booking.Actor(ActorType.PATIENT, demo.patient.pk)
    request = booking.HoldRequest(
        demo.doctor,
        consult,
        local(monday + timedelta(weeks=1), "10:00"),  # week B
        demo.patient,
        demo.doctor.locations.order_by("name").first(),
        None,
        "in_person",
    )
    booked = booking.confirm(booking.hold(request, actor=actor), actor=actor)
    api.force_authenticate(demo.doctor.user)
    week_a = form(day(1, window("09:00", "17:00", 30, repeatEveryWeeks=2, repeatAnchor=monday.isoformat())))
    refused = api.post("/api/doctor/schedule/rules/bulk_upsert", week_a, format="json")
    assert refused.status_code == 409
    [error] = refused.json()["errors"]
    assert error["code"] == "BOOKINGS_AFFECTED" and [a["id"] for a in error["appointments"]] == [
        str(booked.pk)
    ]
    week_b = form(
        day(
            1,
            window(
                "09:00", "17:00", 30, repeatEveryWeeks=2, repeatAnchor=(monday + timedelta(7)).isoformat()
            ),
        )
    )
    assert api.post("/api/doctor/schedule/rules/bulk_upsert", week_b, format="json").status_code == 200
