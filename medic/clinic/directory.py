"""Reads of the public directory: the clinics, doctors and services a caller may book from."""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, Q, QuerySet

from medic.clinic.models import AppointmentType, Clinic, Doctor, Location
from medic.clinic.permissions import AnyUser, browsable_clinics


def _locations() -> Prefetch:
    return Prefetch("locations", queryset=Location.objects.order_by("name", "id").prefetch_related("rooms"))


def _bookable_services() -> QuerySet[AppointmentType]:
    return AppointmentType.objects.filter(is_active=True).order_by("name", "id")


def clinics(user: AnyUser) -> QuerySet[Clinic]:
    """The clinics `user` may browse, by name, with their locations and rooms."""
    return browsable_clinics(user).order_by("name", "id").prefetch_related(_locations())


def doctors(
    user: AnyUser,
    *,
    clinic_id: uuid.UUID | None = None,
    location_id: uuid.UUID | None = None,
    service: str = "",
    q: str = "",
) -> QuerySet[Doctor]:
    """Active doctors of browsable clinics, by name; `service` is a service name (case-insensitive, as the
    clinic-wide availability search reads it), `q` any part of the doctor's name or specialty."""
    rows = Doctor.objects.filter(is_active=True, clinic__in=browsable_clinics(user))
    if clinic_id is not None:
        rows = rows.filter(clinic_id=clinic_id)
    if location_id is not None:
        rows = rows.filter(
            pk__in=Doctor.locations.through.objects.filter(location_id=location_id).values("doctor_id")
        )
    if service:
        rows = rows.filter(pk__in=_bookable_services().filter(name__iexact=service).values("doctor_id"))
    if q:
        rows = rows.filter(Q(display_name__icontains=q) | Q(specialty__icontains=q))
    return (
        rows.select_related("clinic")
        .prefetch_related(
            _locations(), Prefetch("appointment_types", queryset=_bookable_services(), to_attr="services")
        )
        .order_by("display_name", "id")
    )


def doctor(user: AnyUser, doctor_id: uuid.UUID) -> Doctor | None:
    return doctors(user).filter(pk=doctor_id).first()


def services(
    user: AnyUser,
    *,
    clinic_id: uuid.UUID | None = None,
    doctor_id: uuid.UUID | None = None,
    name: str = "",
) -> QuerySet[AppointmentType]:
    """Bookable services of active doctors of browsable clinics; `name` matched case-insensitively."""
    rows = _bookable_services().filter(doctor__is_active=True, doctor__clinic__in=browsable_clinics(user))
    if clinic_id is not None:
        rows = rows.filter(doctor__clinic_id=clinic_id)
    if doctor_id is not None:
        rows = rows.filter(doctor_id=doctor_id)
    if name:
        rows = rows.filter(name__iexact=name)
    return rows.select_related("doctor").order_by("doctor__display_name", "name", "id")
