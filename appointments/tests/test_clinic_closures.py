"""Clinic closures (issue 15): public holidays of the clinic's calendar and its own closure days take every
doctor's weekly hours out of availability, preview, explain and the fast hold, unless the doctor opens that
day; closures over live bookings follow the affected-bookings rule."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from appointments import closures as closure_services
from appointments.availability import for_doctor
from appointments.availability.search import stamps
from appointments.models import ActorType, Appointment, Status
from appointments.services import Actor
from appointments.tests.conftest import ATHENS, hold_body, local
from appointments.tests.factories import AppointmentFactory
from medic.clinic.closures import closures, holiday_calendar
from medic.clinic.models import AppointmentType, ClinicClosure
from medic.clinic.tests.factories import DemoHandles, DoctorFactory
from medic.errors import Conflict, ValidationFailed
from scheduling import slots
from scheduling.models import AvailabilityException
from scheduling.scope import Scope
from scheduling.selectors import schedule_inputs
from scheduling.services import AffectedPolicy
from scheduling.tests.payloads import day as form_day
from scheduling.tests.payloads import form, window

EPIPHANY = date(2031, 1, 6)  # a Monday; a Greek public holiday
AFTER = date(2031, 1, 7)
NOW = datetime(2030, 12, 20, 9, 0, tzinfo=UTC)  # the engine's "now": both dates inside the advance limit


@pytest.fixture
def greek(demo: DemoHandles) -> DemoHandles:
    """The demo data as seed_demo leaves it: the demo clinic closes on Greek public holidays."""
    fresh = DemoHandles.load(holidays=True)
    demo.clinic.refresh_from_db()
    return fresh


def _starts(doctor, service: AppointmentType, d: date, now: datetime = NOW) -> list[str]:
    found = for_doctor(
        doctor=doctor, appointment_type=service, scope=Scope(), zone=ATHENS, first=d, last=d, now=now
    )
    return [datetime.fromtimestamp(s.start_utc, ATHENS).strftime("%H:%M") for s in found]


def _staff(demo: DemoHandles) -> AffectedPolicy:
    return AffectedPolicy(None, Actor(ActorType.STAFF, demo.staff.pk))


# --- the selector -------------------------------------------------------------------------------------------


def test_demo_clinic_uses_greek_holidays(greek) -> None:
    found = closures([greek.clinic.pk], date(2031, 1, 1), date(2031, 1, 31))[greek.clinic.pk]
    assert [(c.date, c.name, c.source) for c in found] == [
        (date(2031, 1, 1), "New Year's Day", "holiday"),
        (EPIPHANY, "Epiphany", "holiday"),
    ]
    assert found[1].label == "Public holiday: Epiphany"


def test_a_holiday_switched_off_and_a_custom_closure_change_the_list(greek) -> None:
    ClinicClosure.objects.create(clinic=greek.clinic, date=EPIPHANY, kind="holiday_off")
    ClinicClosure.objects.create(clinic=greek.clinic, date=AFTER, kind="custom", name="Clinic training day")
    found = closures([greek.clinic.pk], EPIPHANY, AFTER)[greek.clinic.pk]
    assert [(c.date, c.label) for c in found] == [(AFTER, "Clinic closed: Clinic training day")]
    listed = holiday_calendar(greek.clinic, EPIPHANY, EPIPHANY)
    assert [(h.name, h.is_closed) for h in listed] == [("Epiphany", False)]


def test_closures_of_several_clinics_take_one_query(greek) -> None:
    with CaptureQueriesContext(connection) as one:
        closures([greek.clinic.pk], date(2031, 1, 1), date(2031, 12, 31))
    with CaptureQueriesContext(connection) as two:
        closures([greek.clinic.pk, greek.other_clinic.pk], date(2031, 1, 1), date(2031, 12, 31))
    assert len(one) == len(two) == 1


def test_engine_inputs_queries_do_not_grow_per_doctor(greek) -> None:
    lo, hi = datetime(2031, 1, 1, tzinfo=UTC), datetime(2031, 1, 31, tzinfo=UTC)
    with CaptureQueriesContext(connection) as one:
        schedule_inputs([greek.doctor.pk], Scope().request_filter(), lo, hi)
    extra = [DoctorFactory.create(clinic=greek.clinic).pk for _ in range(4)]
    with CaptureQueriesContext(connection) as five:
        inputs = schedule_inputs([greek.doctor.pk, *extra], Scope().request_filter(), lo, hi)
    assert len(one) == len(five)
    assert all(len(i.closed) == 2 for i in inputs.values())  # New Year's Day and Epiphany for each


# --- the engine ---------------------------------------------------------------------------------------------


def test_closed_span_removes_rule_slots_but_not_openings() -> None:
    monday = date(2031, 1, 6)
    w = slots.Window(1, time(9), time(12), 60)
    lo, hi = slots.day_bounds(ATHENS, monday, monday)
    opening = slots.Opening(lo + 10 * 3600, lo + 11 * 3600, 30)  # 10:00–11:00, inside the window
    days = slots.expand([w], ATHENS, monday, monday, openings=[opening], closed=[(lo, hi)])
    assert [(ws.kind, [s.start_local for s in ws.slots]) for d in days for ws in d.windows] == [
        ("rule", []),
        ("opening", ["10:00", "10:30"]),
    ]
    blocked = slots.expand([w], ATHENS, monday, monday, openings=[opening], blocked=[(lo, hi)])
    assert all(not ws.slots for d in blocked for ws in d.windows)  # time off takes both


# --- availability, hold, explain, preview -------------------------------------------------------------------


def test_greek_holiday_removes_availability(greek, hours, consult) -> None:
    assert _starts(greek.doctor, consult, EPIPHANY) == []
    assert _starts(greek.doctor, consult, AFTER)[:2] == ["09:00", "09:30"]


def test_every_doctor_of_the_clinic_is_closed(greek, consult) -> None:
    for doctor in (greek.doctor, greek.doctor2):
        for d in range(1, 8):
            doctor.schedule_rules.create(
                timezone="Europe/Athens",
                day_of_week=d,
                work_start_local=time(9),
                work_end_local=time(12),
                slot_interval_minutes=20,
            )
    skin = greek.doctor2.appointment_types.get(name="Skin check")
    assert _starts(greek.doctor2, skin, EPIPHANY) == []
    assert _starts(greek.doctor2, skin, AFTER)


def test_an_opening_on_a_holiday_brings_that_day_back(greek, hours, consult) -> None:
    AvailabilityException.objects.create(
        doctor=greek.doctor,
        kind="available",
        starts_at=local(EPIPHANY, "10:00"),
        ends_at=local(EPIPHANY, "11:00"),
        slot_interval_minutes=30,
        reason="Open for urgent cases",
    )
    assert _starts(greek.doctor, consult, EPIPHANY) == ["10:00", "10:30"]


def test_a_holiday_switched_off_is_bookable_again(greek, hours, consult) -> None:
    closure_services.switch_holiday(clinic=greek.clinic, day=EPIPHANY, closed=False)
    assert _starts(greek.doctor, consult, EPIPHANY)[:2] == ["09:00", "09:30"]
    closure_services.switch_holiday(clinic=greek.clinic, day=EPIPHANY, closed=True)
    assert _starts(greek.doctor, consult, EPIPHANY) == []


def test_a_custom_closure_removes_availability(demo, hours, consult) -> None:
    closure_services.add_closure(clinic=demo.clinic, day=AFTER, name="Clinic training day")
    assert _starts(demo.doctor, consult, AFTER) == []
    row = ClinicClosure.objects.get(clinic=demo.clinic)
    closure_services.remove_closure(clinic=demo.clinic, closure_id=row.pk)
    assert _starts(demo.doctor, consult, AFTER)[:1] == ["09:00"]


def test_a_hold_on_a_closed_day_is_refused(demo, hours, consult, patient_api: APIClient, day) -> None:
    ClinicClosure.objects.create(clinic=demo.clinic, date=day, kind="custom", name="Clinic training day")
    response = patient_api.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "10:00")), format="json"
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["code"] == "SLOT_NOT_AVAILABLE"
    ClinicClosure.objects.filter(clinic=demo.clinic).delete()
    response = patient_api.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "10:00")), format="json"
    )
    assert response.status_code == 201, response.content


def test_explain_says_clinic_closed_with_the_holiday_name(greek, hours, consult) -> None:
    client = APIClient()
    client.force_authenticate(greek.patient.user)
    response = client.get(
        f"/api/doctors/{greek.doctor.pk}/availability/explain",
        {"appointmentTypeId": str(consult.pk), "at": local(EPIPHANY, "10:00").isoformat()},
    )
    assert response.status_code == 200, response.content
    [candidate] = response.json()["candidates"]
    assert candidate["bookable"] is False
    closed = [r for r in candidate["reasons"] if r["code"] == "CLINIC_CLOSED"]
    assert closed and closed[0]["message"].startswith("Public holiday: Epiphany")
    assert closed[0]["detail"]["name"] == "Epiphany"
    assert "OUTSIDE_HOURS" not in [r["code"] for r in candidate["reasons"]]


def test_preview_warns_of_a_closure_in_the_week(greek) -> None:
    client = APIClient()
    client.force_authenticate(greek.doctor.user)
    payload = form(
        form_day(1, window("09:00", "12:00", 30)),
        form_day(2, window("09:00", "12:00", 30)),
        dateRange={"start": "2031-01-06", "end": "2031-01-12"},
    )
    response = client.post("/api/doctor/schedule/preview", payload, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    closed = [w for w in body["warnings"] if w["code"] == "CLINIC_CLOSED"]
    assert [(w["path"], w["severity"]) for w in closed] == [("days.0", "warning")]
    assert "Epiphany" in closed[0]["message"] and "2031-01-06" in closed[0]["message"]
    assert body["summary"]["totalSlots"] == 6  # Tuesday only


# --- affected bookings --------------------------------------------------------------------------------------


def _booked(demo, consult: AppointmentType, d: date, hhmm: str) -> Appointment:
    start = local(d, hhmm)
    return AppointmentFactory.create(
        appointment_type=consult,
        doctor=demo.doctor,
        patient=demo.patient,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        location=demo.doctor.locations.first(),
    )


def test_a_closure_over_bookings_lists_them_and_writes_nothing(demo, hours, consult) -> None:
    booked = _booked(demo, consult, AFTER, "10:00")
    with pytest.raises(Conflict) as caught:
        closure_services.add_closure(clinic=demo.clinic, day=AFTER, name="Clinic training day")
    [error] = caught.value.errors
    assert (error.path, error.code) == ("date", "BOOKINGS_AFFECTED")
    assert [a["id"] for a in (error.extra or {})["appointments"]] == [str(booked.pk)]
    assert not ClinicClosure.objects.exists()


def test_a_closure_over_bookings_keeps_them_when_told(demo, hours, consult) -> None:
    booked = _booked(demo, consult, AFTER, "10:00")
    keep = AffectedPolicy("keep", Actor(ActorType.STAFF, demo.staff.pk))
    result = closure_services.add_closure(clinic=demo.clinic, day=AFTER, name="Training", on_affected=keep)
    assert result.kept == 1
    booked.refresh_from_db()
    assert booked.status == Status.CONFIRMED and booked.outside_hours
    assert ClinicClosure.objects.filter(clinic=demo.clinic, date=AFTER).exists()


def test_a_closure_over_bookings_cancels_them_when_told(demo, hours, consult) -> None:
    booked = _booked(demo, consult, AFTER, "10:00")
    cancel = AffectedPolicy("cancel", Actor(ActorType.STAFF, demo.staff.pk))
    result = closure_services.add_closure(clinic=demo.clinic, day=AFTER, name="Training", on_affected=cancel)
    assert result.cancelled == 1
    booked.refresh_from_db()
    assert booked.status == Status.CANCELLED
    assert booked.cancel_reason == closure_services.CANCEL_REASON


def test_choosing_a_country_over_bookings_on_its_holidays_lists_them(demo, hours, consult) -> None:
    _booked(demo, consult, EPIPHANY, "10:00")
    with pytest.raises(Conflict) as caught:
        closure_services.set_calendar(clinic=demo.clinic, country="GR", now=NOW)
    assert caught.value.errors[0].path == "holidayCountry"
    demo.clinic.refresh_from_db()
    assert demo.clinic.holiday_country == ""


def test_switching_a_holiday_back_on_over_bookings_lists_them(greek, hours, consult) -> None:
    closure_services.switch_holiday(clinic=greek.clinic, day=EPIPHANY, closed=False)
    _booked(greek, consult, EPIPHANY, "11:00")
    with pytest.raises(Conflict):
        closure_services.switch_holiday(clinic=greek.clinic, day=EPIPHANY, closed=True)
    assert ClinicClosure.objects.filter(date=EPIPHANY, kind="holiday_off").exists()


def test_bad_closures_are_refused_with_codes(greek) -> None:
    with pytest.raises(ValidationFailed) as caught:
        closure_services.add_closure(clinic=greek.clinic, day=EPIPHANY, name="Again")
    assert caught.value.errors[0].code == "CLOSURE_EXISTS"
    with pytest.raises(ValidationFailed) as caught:
        closure_services.add_closure(clinic=greek.clinic, day=date(2020, 2, 3), name=" ")
    assert {e.code for e in caught.value.errors} == {"REQUIRED", "INVALID_DATE"}
    with pytest.raises(ValidationFailed) as caught:
        closure_services.switch_holiday(clinic=greek.clinic, day=AFTER, closed=False)
    assert caught.value.errors[0].code == "NOT_A_HOLIDAY"
    with pytest.raises(ValidationFailed) as caught:
        closure_services.set_calendar(clinic=greek.clinic, country="XX")
    assert (caught.value.errors[0].path, caught.value.errors[0].code) == ("holidayCountry", "INVALID_COUNTRY")
    with pytest.raises(ValidationFailed) as caught:
        closure_services.set_calendar(clinic=greek.clinic, country="DE", subdivision="ZZ")
    assert caught.value.errors[0].code == "INVALID_SUBDIVISION"
    closure_services.set_calendar(clinic=greek.clinic, country="DE", subdivision="BY")
    greek.clinic.refresh_from_db()
    assert (greek.clinic.holiday_country, greek.clinic.holiday_subdivision) == ("DE", "BY")


# --- the clinic search's read model -------------------------------------------------------------------------


def test_closure_writes_move_every_doctors_availability_stamp(demo) -> None:
    ids = [demo.doctor.pk, demo.doctor2.pk]
    before = stamps(ids)
    row = ClinicClosure.objects.create(clinic=demo.clinic, date=AFTER, kind="custom", name="Training")
    after_add = stamps(ids)
    assert all(after_add[i] != before.get(i) for i in ids)
    row.delete()
    after_delete = stamps(ids)
    assert all(after_delete[i] != after_add[i] for i in ids)
    demo.clinic.holiday_country = "GR"
    demo.clinic.save()
    assert all(stamps(ids)[i] != after_delete[i] for i in ids)
    other = stamps([demo.other_doctor.pk]).get(demo.other_doctor.pk)
    ClinicClosure.objects.create(clinic=demo.clinic, date=EPIPHANY, kind="holiday_off")
    assert stamps([demo.other_doctor.pk]).get(demo.other_doctor.pk) == other


def test_seed_demo_uses_greek_holidays(greek) -> None:
    assert (greek.clinic.holiday_country, greek.clinic.timezone) == ("GR", "Europe/Athens")
    assert zoneinfo.ZoneInfo(greek.clinic.timezone) == ATHENS
