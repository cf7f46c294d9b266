"""factory-boy factories for appointments, their audit events, and resources with their claims.

Rows are written as they are, past the services: a test that needs a booking in a given state gets it in one
line. Tests of the booking rules themselves go through `services` or the API instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

import factory

from appointments.models import (
    ActorType,
    Appointment,
    AppointmentEvent,
    BookableResource,
    ResourceClaim,
    Status,
)
from medic.clinic.models import AppointmentType, Clinic, Doctor
from medic.clinic.tests.factories import AppointmentTypeFactory, ClinicFactory, DoctorFactory, PatientFactory
from scheduling.models import ScheduleRule


class AppointmentFactory(factory.django.DjangoModelFactory[Appointment]):
    """A confirmed appointment of the service's doctor; pass `status=Status.HELD` for a live hold."""

    class Meta:
        model = Appointment

    appointment_type = factory.SubFactory(AppointmentTypeFactory)
    doctor = factory.SelfAttribute("appointment_type.doctor")
    patient = factory.SubFactory(PatientFactory)
    starts_at = factory.Sequence(lambda n: datetime(2030, 3, 4, 9, 0, tzinfo=UTC) + timedelta(hours=n))
    ends_at = factory.LazyAttribute(
        lambda a: a.starts_at + timedelta(minutes=a.appointment_type.duration_minutes)
    )
    busy_starts_at = factory.LazyAttribute(
        lambda a: a.starts_at - timedelta(minutes=a.appointment_type.buffer_before_minutes)
    )
    busy_ends_at = factory.LazyAttribute(
        lambda a: a.ends_at + timedelta(minutes=a.appointment_type.buffer_after_minutes)
    )
    status = Status.CONFIRMED
    # The database requires an expiry on a hold; ten minutes from now keeps it live for the test.
    hold_expires_at = factory.LazyAttribute(
        lambda a: datetime.now(UTC) + timedelta(minutes=10) if a.status == Status.HELD else None
    )
    confirmed_at = factory.LazyAttribute(
        lambda a: datetime.now(UTC) if a.status == Status.CONFIRMED else None
    )
    patient_timezone = factory.SelfAttribute("patient.timezone")
    doctor_timezone = factory.LazyAttribute(lambda a: a.doctor.effective_timezone)
    created_by_type = ActorType.PATIENT
    created_by_id = factory.SelfAttribute("patient.pk")


class AppointmentEventFactory(factory.django.DjangoModelFactory[AppointmentEvent]):
    class Meta:
        model = AppointmentEvent

    appointment = factory.SubFactory(AppointmentFactory)
    kind = "held"
    actor_type = ActorType.SYSTEM
    actor_id = None
    before = None
    after = factory.LazyAttribute(lambda e: {"status": e.appointment.status})


class BookableResourceFactory(factory.django.DjangoModelFactory[BookableResource]):
    class Meta:
        model = BookableResource
        skip_postgeneration_save = True

    clinic = factory.SubFactory(ClinicFactory)
    name = factory.Sequence(lambda n: f"Resource {n}")
    kind = BookableResource.Kind.ROOM
    seats = 1

    @factory.post_generation
    def appointment_types(
        self, create: bool, extracted: Sequence[AppointmentType] | None, **kwargs: object
    ) -> None:
        """`BookableResourceFactory(appointment_types=[service, …])`: bookings of these need a seat."""
        if create and extracted:
            self.appointment_types.add(*extracted)


class ResourceClaimFactory(factory.django.DjangoModelFactory[ResourceClaim]):
    """One seat of a resource, taken for the appointment's time."""

    class Meta:
        model = ResourceClaim

    appointment = factory.SubFactory(AppointmentFactory)
    resource = factory.SubFactory(
        BookableResourceFactory, clinic=factory.SelfAttribute("..appointment.doctor.clinic")
    )
    seat = 1
    starts_at = factory.SelfAttribute("appointment.starts_at")
    ends_at = factory.SelfAttribute("appointment.ends_at")


def doctor_offering(clinic: Clinic, resource: BookableResource) -> tuple[Doctor, AppointmentType]:
    """A doctor working 09:00–17:00 every day whose 30-minute service needs `resource`."""
    doctor = DoctorFactory.create(clinic=clinic)
    ScheduleRule.objects.bulk_create(
        ScheduleRule(
            doctor=doctor,
            timezone="Europe/Athens",
            day_of_week=d,
            work_start_local=time(9),
            work_end_local=time(17),
            slot_interval_minutes=30,
        )
        for d in range(1, 8)
    )
    service = AppointmentTypeFactory.create(doctor=doctor, duration_minutes=30)
    resource.appointment_types.add(service)
    return doctor, service
