"""factory-boy factories for the directory, and handles on the seeded demo data."""

from __future__ import annotations

from dataclasses import dataclass

import factory

from medic.clinic.demo import seed_demo
from medic.clinic.models import (
    AppointmentType,
    Clinic,
    Doctor,
    Location,
    Patient,
    Room,
    StaffMembership,
    User,
)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password("pw-for-tests")


class ClinicFactory(factory.django.DjangoModelFactory[Clinic]):
    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"Clinic {n}")
    timezone = "Europe/Athens"


class LocationFactory(factory.django.DjangoModelFactory[Location]):
    class Meta:
        model = Location

    clinic = factory.SubFactory(ClinicFactory)
    name = factory.Sequence(lambda n: f"Location {n}")


class RoomFactory(factory.django.DjangoModelFactory[Room]):
    class Meta:
        model = Room

    location = factory.SubFactory(LocationFactory)
    name = factory.Sequence(lambda n: f"Room {n}")


class DoctorFactory(factory.django.DjangoModelFactory[Doctor]):
    class Meta:
        model = Doctor

    user = factory.SubFactory(UserFactory)
    clinic = factory.SubFactory(ClinicFactory)
    display_name = factory.Faker("name")


class AppointmentTypeFactory(factory.django.DjangoModelFactory[AppointmentType]):
    class Meta:
        model = AppointmentType

    doctor = factory.SubFactory(DoctorFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    duration_minutes = 30
    consultation_modes = factory.LazyFunction(lambda: ["in_person"])


class PatientFactory(factory.django.DjangoModelFactory[Patient]):
    class Meta:
        model = Patient

    user = factory.SubFactory(UserFactory)
    full_name = factory.Faker("name")


class StaffMembershipFactory(factory.django.DjangoModelFactory[StaffMembership]):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory, is_staff=True)
    clinic = factory.SubFactory(ClinicFactory)
    role = StaffMembership.Role.ADMIN


@dataclass
class DemoHandles:
    clinic: Clinic
    other_clinic: Clinic
    doctor: Doctor
    doctor2: Doctor
    other_doctor: Doctor
    staff: User
    other_staff: User
    patient: Patient

    @classmethod
    def load(cls, *, holidays: bool = False) -> DemoHandles:
        """The demo rows; the demo clinic's Greek public holidays only with `holidays` (seed_demo sets them),
        so that a test of a date a few days from today never depends on the day it runs."""
        seed_demo()
        if not holidays:
            Clinic.objects.filter(name="Demo Clinic").update(holiday_country="", holiday_subdivision="")
        doctors = {d.user.email: d for d in Doctor.objects.select_related("user", "clinic")}
        return cls(
            clinic=Clinic.objects.get(name="Demo Clinic"),
            other_clinic=Clinic.objects.get(name="Other Clinic"),
            doctor=doctors["doctor@example.com"],
            doctor2=doctors["doctor2@example.com"],
            other_doctor=doctors["other.doctor@example.com"],
            staff=User.objects.get(email="staff@example.com"),
            other_staff=User.objects.get(email="other.staff@example.com"),
            patient=Patient.objects.get(user__email="patient@example.com"),
        )
