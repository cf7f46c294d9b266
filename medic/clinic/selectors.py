"""Reads about the directory that views share."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from medic.clinic.models import Doctor, Patient, StaffMembership, User
from medic.clinic.permissions import patient_clinic_ids, visible_clinic_ids


@dataclass(frozen=True, slots=True)
class Caller:
    user_id: uuid.UUID
    email: str
    name: str
    roles: tuple[str, ...]
    doctor_id: uuid.UUID | None
    doctor_name: str | None
    patient_id: uuid.UUID | None
    clinic_ids: frozenset[uuid.UUID]  # every clinic they belong to: as staff, doctor or patient
    memberships: tuple[tuple[str, str], ...]  # (clinic name, role label)


def describe_user(user: User) -> Caller:
    doctor = Doctor.objects.filter(user=user).only("id", "display_name").first()
    patient_id = Patient.objects.filter(user=user).values_list("id", flat=True).first()
    memberships = list(
        StaffMembership.objects.filter(user=user).select_related("clinic").order_by("clinic__name")
    )
    roles: list[str] = []
    if user.is_superuser:
        roles.append("superuser")
    if doctor is not None:
        roles.append("doctor")
    for role in StaffMembership.Role.values:
        if any(m.role == role for m in memberships):
            roles.append(role)
    if patient_id is not None:
        roles.append("patient")
    return Caller(
        user_id=user.pk,
        email=user.email,
        name=user.get_full_name(),
        roles=tuple(roles),
        doctor_id=doctor.pk if doctor else None,
        doctor_name=doctor.display_name if doctor else None,
        patient_id=patient_id,
        clinic_ids=frozenset(visible_clinic_ids(user) | patient_clinic_ids(user)),
        memberships=tuple((m.clinic.name, m.get_role_display()) for m in memberships),
    )
