"""The clinic search costs a fixed number of queries: a warm one (answered from the read model) reads only the
services, the stamps and the resources; a cold one loads the schedules too, however many doctors."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from rest_framework.test import APIClient

from appointments.availability import search
from appointments.tests.conftest import ATHENS
from appointments.tests.factories import AppointmentFactory
from medic.clinic.models import AppointmentType, Clinic
from medic.clinic.tests.factories import AppointmentTypeFactory, ClinicFactory, DoctorFactory
from scheduling.tests.factories import ScheduleRuleFactory

# The clinic, its services' digest with their doctors' stamps, the resources they need (the answer needs no
# more: its ids and names come with the services); a cold search (or the doctors whose stamp moved) adds
# breaks, rules, exceptions, clinic closures and appointments; the first search of a clinic, or the first
# after its services changed, reads the services themselves too.
WARM_QUERIES = 3
COLD_QUERIES = 8
FIRST_QUERIES = COLD_QUERIES + 1


@pytest.fixture
def day() -> date:
    return datetime.now(ATHENS).date() + timedelta(days=5)


def _clinic(doctors: int) -> Clinic:
    clinic = ClinicFactory.create(is_public=True)
    for _ in range(doctors):
        doctor = DoctorFactory.create(clinic=clinic)
        AppointmentTypeFactory.create(doctor=doctor, name="Consultation")
        for dow in range(1, 8):
            ScheduleRuleFactory.create(doctor=doctor, day_of_week=dow)
    return clinic


def _get(clinic: Clinic, day: date) -> list[dict]:
    query = {"clinicId": str(clinic.pk), "service": "consultation", "start": day.isoformat(), "limit": "100"}
    response = APIClient().get("/api/availability", query)
    assert response.status_code == 200, response.content
    return response.json()["slots"]


@pytest.mark.parametrize("doctors", [1, 6])
def test_a_search_costs_the_same_queries_cold_warm_and_after_a_write(
    db: None, day: date, doctors: int, django_assert_num_queries
) -> None:
    clinic = _clinic(doctors)
    search.clear()
    with django_assert_num_queries(FIRST_QUERIES):
        cold = _get(clinic, day)
    with django_assert_num_queries(WARM_QUERIES):
        assert _get(clinic, day) == cold
    consult = AppointmentType.objects.filter(doctor__clinic=clinic).first()
    AppointmentFactory.create(
        appointment_type=consult, starts_at=datetime.combine(day, time(9), tzinfo=ATHENS)
    )
    with django_assert_num_queries(COLD_QUERIES):  # one doctor loaded again, in as many queries as all
        after = _get(clinic, day)
    assert after != cold
    with django_assert_num_queries(WARM_QUERIES):
        assert _get(clinic, day) == after


def test_a_changed_service_is_read_again_and_applies_at_once(
    db: None, day: date, django_assert_num_queries
) -> None:
    clinic = _clinic(2)
    search.clear()
    before = _get(clinic, day)
    consult = AppointmentType.objects.filter(doctor__clinic=clinic)[0]
    AppointmentType.objects.filter(pk=consult.pk).update(duration_minutes=consult.duration_minutes * 2)
    with django_assert_num_queries(FIRST_QUERIES):  # the services again, and its starts computed afresh
        after = _get(clinic, day)
    assert after != before
