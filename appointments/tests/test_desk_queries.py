"""The day view costs the same number of queries however many appointments there are."""

from __future__ import annotations

from datetime import time, timedelta

from django.test import Client

from appointments.tests.conftest import local
from appointments.tests.factories import AppointmentFactory
from medic.clinic.tests.factories import AppointmentTypeFactory, DoctorFactory, PatientFactory
from scheduling.models import ScheduleRule


def _clinic_of_twenty(demo) -> list:
    doctors = [demo.doctor, demo.doctor2] + [DoctorFactory.create(clinic=demo.clinic) for _ in range(18)]
    for doctor in doctors:
        ScheduleRule.objects.create(
            doctor=doctor,
            timezone="Europe/Athens",
            day_of_week=1,
            work_start_local=time(8),
            work_end_local=time(20),
            slot_interval_minutes=15,
        )
    return doctors


def _book(doctors, day, per_doctor: int) -> None:
    patient = PatientFactory.create(user=None)
    for doctor in doctors:
        service = AppointmentTypeFactory.create(doctor=doctor, duration_minutes=15)
        for i in range(per_doctor):
            AppointmentFactory.create(
                appointment_type=service,
                patient=patient,
                starts_at=local(day, "08:00") + timedelta(minutes=15 * i),
            )


def _count(demo, day, django_assert_max_num_queries) -> int:
    client = Client()
    client.force_login(demo.staff)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/desk/", {"date": day.isoformat()}).status_code == 200
    return len(ctx.captured_queries)


def test_the_day_view_of_twenty_doctors_costs_the_same_for_one_or_forty_appointments_each(
    demo, day, django_assert_num_queries
) -> None:
    monday = day + timedelta(days=(7 - day.weekday()) % 7)
    doctors = _clinic_of_twenty(demo)
    _book(doctors[:1], monday, 1)
    client = Client()
    client.force_login(demo.staff)
    client.get("/desk/", {"date": monday.isoformat()})  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/desk/", {"date": monday.isoformat()})
    _book(doctors, monday + timedelta(days=0), 0)
    _book(doctors[1:], monday, 40)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/desk/", {"date": monday.isoformat()})
    assert response.content.decode().count('class="appt ') == 1 + 19 * 40
