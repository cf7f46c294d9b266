"""Hot booking endpoints cost a fixed number of queries, however many bookings, doctors or rows they cover."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from appointments.models import Appointment, Status
from appointments.tests.conftest import local
from appointments.tests.factories import AppointmentFactory
from medic.clinic.models import AppointmentType, Clinic
from medic.clinic.tests.factories import AppointmentTypeFactory, ClinicFactory, DoctorFactory
from scheduling.tests.factories import ScheduleRuleFactory

# The number of queries each endpoint makes, whatever the number of rows: a change here is a change in how
# the endpoint loads its data, to be made on purpose.
DOCTOR_AVAILABILITY_QUERIES = 9  # with the clinic closures (one query)
CLINIC_SEARCH_QUERIES = 9  # a cold search (nothing in the read model); a warm one: test_search_queries.py
APPOINTMENT_LIST_QUERIES = 3


def _book(consult: AppointmentType, day: date, count: int) -> None:
    """`count` bookings of `consult` on `day`, an hour apart from 10:00, half of them live holds."""
    for k in range(count):
        AppointmentFactory.create(
            appointment_type=consult,
            starts_at=local(day, f"{10 + k}:00"),
            status=Status.HELD if k % 2 else Status.CONFIRMED,
        )


@pytest.mark.usefixtures("hours")
@pytest.mark.parametrize("bookings", [1, 5])
def test_doctor_availability_queries_do_not_grow_with_bookings(
    patient_api: APIClient, demo, consult, day, bookings: int, django_assert_num_queries
) -> None:
    _book(consult, day, bookings)
    query = {"appointmentTypeId": str(consult.pk), "start": day.isoformat(), "end": day.isoformat()}
    with django_assert_num_queries(DOCTOR_AVAILABILITY_QUERIES):
        response = patient_api.get(f"/api/doctors/{demo.doctor.pk}/availability", query)
    assert response.status_code == 200, response.content
    assert len(response.json()["slots"]) == 16 - bookings  # the bookings were read, not skipped


def _clinic_with_doctors(count: int, day: date) -> Clinic:
    """A clinic of `count` doctors who each offer a "Consultation" 09:00-17:00 and have one booking."""
    clinic = ClinicFactory.create(is_public=True)  # open to the patient searching it
    for _ in range(count):
        doctor = DoctorFactory.create(clinic=clinic)
        consult = AppointmentTypeFactory.create(doctor=doctor, name="Consultation")
        for dow in range(1, 8):
            ScheduleRuleFactory.create(doctor=doctor, day_of_week=dow)
        _book(consult, day, 1)
    return clinic


@pytest.mark.parametrize("doctors", [1, 5])
def test_clinic_search_queries_do_not_grow_with_doctors(
    patient_api: APIClient, day, doctors: int, django_assert_num_queries
) -> None:
    clinic = _clinic_with_doctors(doctors, day)
    query = {"clinicId": str(clinic.pk), "service": "consultation", "start": day.isoformat(), "limit": 100}
    with django_assert_num_queries(CLINIC_SEARCH_QUERIES):
        response = patient_api.get("/api/availability", query)
    assert response.status_code == 200, response.content
    assert len({s["doctorId"] for s in response.json()["slots"]}) == doctors


@pytest.mark.parametrize("rows", [1, 5])
def test_appointment_list_queries_do_not_grow_with_rows(
    staff_api: APIClient, demo, consult, day, rows: int, django_assert_num_queries
) -> None:
    _book(consult, day, rows)
    with django_assert_num_queries(APPOINTMENT_LIST_QUERIES):
        response = staff_api.get("/api/appointments", {"start": local(day, "00:00").isoformat()})
    assert response.status_code == 200, response.content
    assert response.json()["count"] == len(response.json()["appointments"]) == rows


def test_the_appointment_list_reads_one_page_of_rows(
    staff_api: APIClient, demo, consult, day, django_assert_num_queries
) -> None:
    _book(consult, day, 5)
    with django_assert_num_queries(APPOINTMENT_LIST_QUERIES):
        response = staff_api.get("/api/appointments", {"limit": 2, "offset": 1})
    body = response.json()
    in_order = [
        str(pk) for pk in Appointment.objects.order_by("starts_at", "id").values_list("pk", flat=True)
    ]
    assert body["count"] == 5
    assert [a["id"] for a in body["appointments"]] == in_order[1:3]
