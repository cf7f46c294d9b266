"""Clinic admins edit a service's booking rules in the admin, checked as the database checks them."""

from __future__ import annotations

import pytest
from django.test import Client

from medic.clinic.models import AppointmentType


@pytest.fixture
def staff_client(demo) -> Client:
    client = Client()
    client.force_login(demo.staff)
    return client


def _form(service: AppointmentType, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "doctor": str(service.doctor_id),
        "name": service.name,
        "duration_minutes": service.duration_minutes,
        "consultation_modes": service.consultation_modes,
        "buffer_before_minutes": 5,
        "buffer_after_minutes": 10,
        "min_notice_minutes": 120,
        "max_advance_days": 30,
        "daily_cap": 8,
        "cancellation_notice_minutes": 12 * 60,
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_the_change_form_shows_every_booking_rule(staff_client: Client, demo) -> None:
    service = demo.doctor.appointment_types.first()
    page = staff_client.get(f"/admin/clinic/appointmenttype/{service.pk}/change/").content.decode()
    for field in (
        "buffer_before_minutes",
        "buffer_after_minutes",
        "min_notice_minutes",
        "max_advance_days",
        "daily_cap",
        "cancellation_notice_minutes",
    ):
        assert f'name="{field}"' in page


def test_admin_saves_the_booking_rules(staff_client: Client, demo) -> None:
    service = demo.doctor.appointment_types.first()
    response = staff_client.post(f"/admin/clinic/appointmenttype/{service.pk}/change/", _form(service))
    assert response.status_code == 302, response.content
    service.refresh_from_db()
    assert (service.buffer_before_minutes, service.buffer_after_minutes) == (5, 10)
    assert (service.min_notice_minutes, service.max_advance_days, service.daily_cap) == (120, 30, 8)
    assert service.cancellation_notice_minutes == 720


def test_out_of_range_rules_are_refused_beside_their_form(staff_client: Client, demo) -> None:
    service = demo.doctor.appointment_types.first()
    response = staff_client.post(
        f"/admin/clinic/appointmenttype/{service.pk}/change/", _form(service, max_advance_days=0, daily_cap=0)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    service.refresh_from_db()
    assert service.max_advance_days != 0


def test_a_new_service_allows_changes_until_a_day_before() -> None:
    assert AppointmentType._meta.get_field("cancellation_notice_minutes").default == 24 * 60
