"""The front desk's pages render for the clinic's staff and doctors, and for nobody else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from appointments.tests.conftest import local
from appointments.tests.factories import AppointmentFactory
from medic.clinic.tests.factories import PatientFactory
from scheduling.models import AvailabilityException


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def booked(demo, hours, consult, day):
    return AppointmentFactory.create(
        appointment_type=consult,
        patient=PatientFactory.create(
            clinic=demo.clinic, full_name="Maria Booked", user=None, phone="+30 210 555 0101"
        ),
        starts_at=local(day, "10:00"),
    )


def test_the_day_view_shows_doctors_appointments_free_times_and_time_off(demo, booked, day) -> None:
    AvailabilityException.objects.create(
        doctor=demo.doctor,
        kind="blocked",
        starts_at=local(day, "15:00"),
        ends_at=local(day, "16:00"),
        reason="Dentist",
    )
    response = login(demo.staff).get("/desk/", {"date": day.isoformat()})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Dr. Eleni Papadopoulou" in text and "Dr. Nikos Georgiou" in text
    assert "Maria Booked" in text
    assert "Dentist" in text
    assert '09:30 <span class="free-word">free' in text
    assert '10:00 <span class="free-word">free' not in text
    assert '15:00 <span class="free-word">free' not in text


def test_pages_render(demo, booked, day) -> None:
    client = login(demo.staff)
    for url in (
        f"/desk/week/?doctor={demo.doctor.pk}&date={day}",
        f"/desk/sheet/?doctor={demo.doctor.pk}&date={day}",
        "/desk/book/",
        "/desk/book/?q=555&service=Consultation",
        f"/desk/book/?patient={booked.patient.pk}&service=Consultation",
        f"/desk/book/?patient={booked.patient.pk}&service=Consultation&doctor={demo.doctor.pk}"
        f"&start={(booked.starts_at + timedelta(hours=1)).isoformat()}",
        f"/desk/appointments/{booked.pk}/",
        f"/desk/appointments/{booked.pk}/cancel",
        f"/desk/appointments/{booked.pk}/reschedule?date={day}",
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.content.decode()[:3000])
