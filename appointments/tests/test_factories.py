"""The factories build rows the database accepts, so tests can start from any state in one line."""

from __future__ import annotations

import pytest

from appointments.models import ResourceClaim, Status
from appointments.tests.factories import (
    AppointmentEventFactory,
    AppointmentFactory,
    BookableResourceFactory,
    ResourceClaimFactory,
)
from medic.clinic.tests.factories import AppointmentTypeFactory

pytestmark = pytest.mark.django_db


def test_appointments_of_one_doctor_never_collide() -> None:
    first, second = AppointmentFactory.create_batch(
        2, status=Status.HELD, appointment_type=AppointmentTypeFactory.create()
    )
    assert first.doctor == second.doctor == first.appointment_type.doctor
    assert first.hold_expires_at is not None and first.busy_ends_at <= second.busy_starts_at


def test_a_claim_takes_a_seat_of_a_resource_of_the_doctors_clinic() -> None:
    claim = ResourceClaimFactory.create()
    assert claim.resource.clinic == claim.appointment.doctor.clinic
    assert ResourceClaim.objects.get().period.lower == claim.appointment.starts_at


def test_a_resource_can_name_the_services_that_need_it() -> None:
    appointment = AppointmentFactory.create()
    resource = BookableResourceFactory.create(appointment_types=[appointment.appointment_type])
    assert list(resource.appointment_types.all()) == [appointment.appointment_type]


def test_an_event_records_its_appointments_status() -> None:
    assert AppointmentEventFactory.create().after == {"status": Status.CONFIRMED}
