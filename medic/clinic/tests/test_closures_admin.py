"""The Django admin's side of clinic closures: the calendar fields, the coming holidays, and the
affected-bookings rule (a change of calendar over live bookings is refused with them listed)."""

from __future__ import annotations

from datetime import date, datetime, time

from django.test import Client

from appointments.tests.conftest import ATHENS
from appointments.tests.factories import AppointmentFactory
from medic.clinic.admin import ClinicForm
from medic.clinic.models import Clinic
from scheduling.models import ScheduleRule


def _form(clinic: Clinic, **changes: str) -> ClinicForm:
    data = {
        "name": clinic.name,
        "timezone": clinic.timezone,
        "is_public": "on" if clinic.is_public else "",
        "max_holds_per_patient": str(clinic.max_holds_per_patient),
        "reminder_hours": str(clinic.reminder_hours),
        "holiday_country": clinic.holiday_country,
        "holiday_subdivision": clinic.holiday_subdivision,
        **changes,
    }
    return ClinicForm(data, instance=clinic)


def test_the_clinic_page_shows_the_calendar_and_coming_holidays(demo) -> None:
    Clinic.objects.filter(pk=demo.clinic.pk).update(holiday_country="GR")
    client = Client()
    client.force_login(demo.staff)
    response = client.get(f"/admin/clinic/clinic/{demo.clinic.pk}/change/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Public holidays of" in text and "Greece (GR)" in text
    assert "Coming public holidays" in text and "/desk/closures/" in text


def test_an_unknown_subdivision_is_refused(demo) -> None:
    form = _form(demo.clinic, holiday_country="DE", holiday_subdivision="ZZ")
    assert not form.is_valid()
    assert "holiday_subdivision" in form.errors


def test_a_calendar_over_live_bookings_is_refused_with_them_listed(demo) -> None:
    consult = demo.doctor.appointment_types.get(name="Consultation")
    for d in range(1, 8):
        ScheduleRule.objects.create(
            doctor=demo.doctor,
            timezone="Europe/Athens",
            day_of_week=d,
            work_start_local=time(9),
            work_end_local=time(17),
            slot_interval_minutes=30,
        )
    today = datetime.now(ATHENS).date()
    christmas = date(today.year, 12, 25) if today < date(today.year, 12, 25) else date(today.year + 1, 12, 25)
    AppointmentFactory(
        appointment_type=consult,
        patient=demo.patient,
        starts_at=datetime.combine(christmas, time(10), tzinfo=ATHENS),
    )
    form = _form(demo.clinic, holiday_country="GR")
    assert not form.is_valid()
    assert "Keep or cancel them on the front desk's Closures page" in form.non_field_errors()[0]
    assert _form(demo.clinic, holiday_country="").is_valid()
