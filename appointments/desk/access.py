"""Who may use the front desk, for which clinic and which doctors: every desk view asks here first."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.http import Http404

from appointments.desk.notices import unread_count
from appointments.models import Appointment
from appointments.services import Actor, actor_for
from medic.clinic.models import Clinic, Doctor
from medic.clinic.permissions import own_doctor, staff_clinic_ids
from medic.typing import AuthenticatedRequest


@dataclass(frozen=True, slots=True)
class Desk:
    """The clinic a desk page shows and whose diaries it may show: a doctor who is not staff there sees
    only their own (`only_doctor`)."""

    clinic: Clinic
    clinics: tuple[Clinic, ...]
    only_doctor: Doctor | None
    user_id: uuid.UUID | None = None

    @property
    def is_staff(self) -> bool:
        return self.only_doctor is None

    @property
    def unread_notices(self) -> int:
        """The navigation's count of patients' changes the user has not seen (staff only; one query)."""
        if not self.is_staff or self.user_id is None:
            return 0
        return unread_count(self.user_id, self.clinic.pk)

    def doctors(self, *, location_id: uuid.UUID | None = None) -> list[Doctor]:
        """The active doctors whose columns this desk shows (one query)."""
        rows = Doctor.objects.filter(clinic=self.clinic, is_active=True).select_related("clinic")
        if self.only_doctor is not None:
            rows = rows.filter(pk=self.only_doctor.pk)
        if location_id is not None:
            rows = rows.filter(locations=location_id)
        return list(rows.order_by("display_name"))

    def doctor(self, doctor_id: object) -> Doctor:
        """One doctor of this desk, or 404 (another clinic's ids look like ids that do not exist)."""
        pk = parse_uuid(doctor_id)
        found = [d for d in self.doctors() if d.pk == pk] if pk else []
        if not found:
            raise Http404("No such doctor.")
        return found[0]


def parse_uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


def desk_for(request: AuthenticatedRequest) -> Desk:
    """The desk of the signed-in user (`?clinic=` picks one of several), or 404 for anyone who is neither
    clinic staff nor a doctor."""
    user = request.user
    clinic_ids = set(staff_clinic_ids(user))
    doctor = own_doctor(user)
    if user.is_superuser:
        clinics = list(Clinic.objects.order_by("name"))
    else:
        wanted = clinic_ids | ({doctor.clinic_id} if doctor else set())
        clinics = list(Clinic.objects.filter(pk__in=wanted).order_by("name")) if wanted else []
    if not clinics:
        raise Http404("The front desk is for clinic staff and doctors.")
    chosen = parse_uuid(request.GET.get("clinic") or request.POST.get("clinic"))
    clinic = next((c for c in clinics if c.pk == chosen), None)
    if clinic is None:
        if chosen is not None:
            raise Http404("No such clinic.")
        # Staff land on their (first) clinic; a doctor who is not staff anywhere on their own.
        clinic = next((c for c in clinics if c.pk in clinic_ids), None) or next(
            (c for c in clinics if doctor and c.pk == doctor.clinic_id), clinics[0]
        )
    staff_here = user.is_superuser or clinic.pk in clinic_ids
    return Desk(
        clinic=clinic, clinics=tuple(clinics), only_doctor=None if staff_here else doctor, user_id=user.pk
    )


def appointment_for(request: AuthenticatedRequest, appointment_id: uuid.UUID) -> tuple[Appointment, Actor]:
    """An appointment the user may manage at the desk (its doctor, or staff of its clinic), with the role
    they act in; anything else is 404, a patient's own appointment included (patients use /me/)."""
    a = (
        Appointment.objects.select_related(
            "doctor__clinic", "patient", "appointment_type", "location", "room"
        )
        .filter(pk=appointment_id)
        .first()
    )
    actor = actor_for(request.user, a.doctor) if a is not None else None
    if a is None or actor is None:
        raise Http404("No such appointment.")
    return a, actor
