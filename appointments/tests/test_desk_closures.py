"""The desk's Closures page (plain forms, full page reloads): holidays switched off and on, closures of the
clinic's own added and removed, bookings listed before keep or cancel; the day and week grids show a closed
day; only the clinic's staff may touch its closures. The doctor's read-only closures endpoint."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from rest_framework.test import APIClient

from appointments.models import Status
from appointments.tests.conftest import local
from appointments.tests.factories import AppointmentFactory
from medic.clinic.models import Clinic, ClinicClosure, StaffMembership
from medic.clinic.tests.factories import PatientFactory

EPIPHANY = date(2031, 1, 6)
TRAINING = date(2031, 1, 8)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def greek(demo):
    Clinic.objects.filter(pk=demo.clinic.pk).update(holiday_country="GR")
    demo.clinic.refresh_from_db()
    return demo


@pytest.fixture
def staff(greek) -> Client:
    return client_for(greek.staff)


def test_the_page_lists_the_coming_holidays_and_closures(staff: Client, greek) -> None:
    ClinicClosure.objects.create(
        clinic=greek.clinic, date=TRAINING, kind="custom", name="Clinic training day"
    )
    response = staff.get("/desk/closures/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Public holidays" in text and "Greece" in text
    assert "Clinic training day" in text
    assert 'name="csrfmiddlewaretoken"' in text


def test_adding_a_closure_redirects_and_shows_it(staff: Client, greek) -> None:
    response = staff.post("/desk/closures/add", {"date": TRAINING.isoformat(), "name": "Clinic training day"})
    assert response.status_code == 303
    assert ClinicClosure.objects.filter(clinic=greek.clinic, date=TRAINING, kind="custom").exists()
    page = staff.get(response["Location"]).content.decode()
    assert "The clinic is closed on Wednesday 08 January 2031: Clinic training day." in page


def test_a_bad_closure_is_422_and_writes_nothing(staff: Client, greek) -> None:
    response = staff.post("/desk/closures/add", {"date": EPIPHANY.isoformat(), "name": "Again"})
    assert response.status_code == 422
    assert "already has a closure" in response.content.decode()
    response = staff.post("/desk/closures/add", {"date": "nope", "name": ""})
    assert response.status_code == 422
    assert not ClinicClosure.objects.exists()


def test_switching_a_holiday_off_and_on(staff: Client, greek) -> None:
    response = staff.post("/desk/closures/holiday", {"date": EPIPHANY.isoformat(), "closed": "off"})
    assert response.status_code == 303
    assert ClinicClosure.objects.filter(date=EPIPHANY, kind="holiday_off").exists()
    response = staff.post("/desk/closures/holiday", {"date": EPIPHANY.isoformat(), "closed": "on"})
    assert response.status_code == 303
    assert not ClinicClosure.objects.exists()


def test_affected_bookings_are_listed_then_kept_or_cancelled(staff: Client, greek, hours, consult) -> None:
    patient = PatientFactory.create(clinic=greek.clinic, user=None, full_name="Desk Patient")
    booked = AppointmentFactory.create(
        appointment_type=consult, patient=patient, starts_at=local(TRAINING, "10:00")
    )
    data = {"date": TRAINING.isoformat(), "name": "Clinic training day"}
    response = staff.post("/desk/closures/add", data)
    assert response.status_code == 409
    text = response.content.decode()
    assert "Desk Patient" in text and 'name="on_affected" value="cancel"' in text
    assert not ClinicClosure.objects.exists()
    response = staff.post("/desk/closures/add", {**data, "on_affected": "cancel"})
    assert response.status_code == 303
    booked.refresh_from_db()
    assert booked.status == Status.CANCELLED
    assert ClinicClosure.objects.filter(date=TRAINING).exists()


def test_keep_leaves_the_booking_outside_hours(staff: Client, greek, hours, consult) -> None:
    patient = PatientFactory.create(clinic=greek.clinic, user=None)
    booked = AppointmentFactory.create(
        appointment_type=consult, patient=patient, starts_at=local(TRAINING, "10:00")
    )
    data = {"date": TRAINING.isoformat(), "name": "Clinic training day", "on_affected": "keep"}
    assert staff.post("/desk/closures/add", data).status_code == 303
    booked.refresh_from_db()
    assert booked.status == Status.CONFIRMED and booked.outside_hours


def test_another_clinics_staff_cannot_touch_the_closures(greek) -> None:
    row = ClinicClosure.objects.create(clinic=greek.clinic, date=TRAINING, kind="custom", name="Training")
    other = client_for(greek.other_staff)
    assert other.post(f"/desk/closures/{row.pk}/remove").status_code == 404
    assert ClinicClosure.objects.filter(pk=row.pk).exists()
    assert other.post("/desk/closures/add", {"date": "2031-01-09", "name": "X"}).status_code == 303
    assert not ClinicClosure.objects.filter(clinic=greek.clinic, date=date(2031, 1, 9)).exists()  # their own
    response = other.post(f"/desk/closures/add?clinic={greek.clinic.pk}", {"date": "2031-01-09", "name": "X"})
    assert response.status_code == 404


def test_a_doctor_gets_404_and_a_receptionist_cannot_change_the_calendar(greek) -> None:
    assert client_for(greek.doctor.user).get("/desk/closures/").status_code == 404
    StaffMembership.objects.filter(user=greek.staff).update(role="receptionist")
    response = client_for(greek.staff).post("/desk/closures/calendar", {"country": "DE"})
    assert response.status_code == 404
    greek.clinic.refresh_from_db()
    assert greek.clinic.holiday_country == "GR"


def test_an_admin_changes_the_calendar(staff: Client, greek) -> None:
    response = staff.post("/desk/closures/calendar", {"country": "DE", "subdivision": "ZZ"})
    assert response.status_code == 422
    response = staff.post("/desk/closures/calendar", {"country": "DE", "subdivision": "BY"})
    assert response.status_code == 303
    greek.clinic.refresh_from_db()
    assert (greek.clinic.holiday_country, greek.clinic.holiday_subdivision) == ("DE", "BY")


def test_removing_a_closure(staff: Client, greek) -> None:
    row = ClinicClosure.objects.create(clinic=greek.clinic, date=TRAINING, kind="custom", name="Training")
    assert staff.post(f"/desk/closures/{row.pk}/remove").status_code == 303
    assert not ClinicClosure.objects.exists()


def test_day_and_week_views_show_a_closed_day(staff: Client, greek, hours) -> None:
    day = staff.get("/desk/", {"date": EPIPHANY.isoformat()}).content.decode()
    assert "Closed · Public holiday: Epiphany" in day
    week = staff.get("/desk/week/", {"date": EPIPHANY.isoformat()}).content.decode()
    assert 'class="col-closed"' in week and "Public holiday: Epiphany" in week
    plain = staff.get("/desk/", {"date": (EPIPHANY + timedelta(days=1)).isoformat()}).content.decode()
    assert "closed-banner" not in plain


# --- GET /api/doctor/schedule/closures ----------------------------------------------------------------------


def test_the_doctor_reads_the_clinics_closures(greek) -> None:
    ClinicClosure.objects.create(clinic=greek.clinic, date=TRAINING, kind="custom", name="Training")
    api = APIClient()
    api.force_authenticate(greek.doctor.user)
    response = api.get("/api/doctor/schedule/closures", {"start": "2031-01-01", "end": "2031-01-31"})
    assert response.status_code == 200, response.content
    assert response.json()["closures"] == [
        {
            "date": "2031-01-01",
            "name": "New Year's Day",
            "source": "holiday",
            "label": "Public holiday: New Year's Day",
        },
        {"date": "2031-01-06", "name": "Epiphany", "source": "holiday", "label": "Public holiday: Epiphany"},
        {"date": "2031-01-08", "name": "Training", "source": "custom", "label": "Clinic closed: Training"},
    ]


def test_the_closures_endpoint_refuses_bad_input_in_the_contracts_shape(greek) -> None:
    api = APIClient()
    api.force_authenticate(greek.doctor.user)
    response = api.get("/api/doctor/schedule/closures", {"start": "2031-02-30"})
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "path": "start",
        "code": "INVALID_DATE",
        "message": "Use a date as YYYY-MM-DD.",
    }
    response = api.get("/api/doctor/schedule/closures", {"start": "2031-01-10", "end": "2031-01-01"})
    assert response.json()["errors"][0]["code"] == "END_BEFORE_START"
    response = api.get("/api/doctor/schedule/closures", {"start": "2031-01-01", "end": "2033-01-01"})
    assert response.json()["errors"][0]["code"] == "RANGE_TOO_LARGE"


def test_another_clinics_staff_get_404_for_the_doctors_closures(greek) -> None:
    api = APIClient()
    api.force_authenticate(greek.other_staff)
    response = api.get("/api/doctor/schedule/closures", {"doctorId": str(greek.doctor.pk)})
    assert response.status_code == 404
    assert response.json()["ok"] is False
