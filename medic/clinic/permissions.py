"""Who may act for which doctor and see which clinic: the one place every view and service asks."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from medic.clinic.models import Clinic, Doctor, Patient, StaffMembership, User

AnyUser = User | AnonymousUser


def staff_clinic_ids(user: AnyUser, *, roles: tuple[str, ...] | None = None) -> set[uuid.UUID]:
    """Clinics where `user` is staff (optionally only with one of `roles`)."""
    if not user.is_authenticated:
        return set()
    cache_key = f"_medic_staff_clinics_{roles}"
    cached = getattr(user, cache_key, None)
    if cached is None:
        memberships = StaffMembership.objects.filter(user=user)
        if roles is not None:
            memberships = memberships.filter(role__in=roles)
        cached = set(memberships.values_list("clinic_id", flat=True))
        setattr(user, cache_key, cached)
    return cached


def own_doctor(user: AnyUser) -> Doctor | None:
    if not user.is_authenticated:
        return None
    try:
        return user.doctor
    except Doctor.DoesNotExist:
        return None


def can_act_for_doctor(user: AnyUser, doctor: Doctor) -> bool:
    """The doctor themself, staff of the doctor's clinic, or a superuser."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or doctor.user_id == user.pk:
        return True
    return doctor.clinic_id in staff_clinic_ids(user)


def can_see_clinic(user: AnyUser, clinic: Clinic | uuid.UUID) -> bool:
    """Staff or doctors of the clinic, or a superuser."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    clinic_id = clinic.pk if isinstance(clinic, Clinic) else clinic
    if clinic_id in staff_clinic_ids(user):
        return True
    doctor = own_doctor(user)
    return doctor is not None and doctor.clinic_id == clinic_id


def visible_clinic_ids(user: AnyUser) -> set[uuid.UUID]:
    """The clinics `user` may see (superusers: all)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Clinic.objects.values_list("id", flat=True))
    ids = set(staff_clinic_ids(user))
    doctor = own_doctor(user)
    if doctor is not None:
        ids.add(doctor.clinic_id)
    return ids


def patient_clinic_ids(user: AnyUser) -> set[uuid.UUID]:
    """Clinics `user` is a patient of: the one that registered them, and any they have booked at."""
    if not user.is_authenticated or not user.is_active:
        return set()
    # Not cached on the user, unlike staff_clinic_ids: a booking made in this request is a new tie.
    registered = Patient.objects.filter(user=user, clinic__isnull=False).values("clinic_id")
    booked = Doctor.objects.filter(appointments__patient__user=user).values("clinic_id")
    return set(Clinic.objects.filter(Q(pk__in=registered) | Q(pk__in=booked)).values_list("id", flat=True))


def browsable_clinics(user: AnyUser) -> QuerySet[Clinic]:
    """The clinics whose directory and bookable times `user` may read: every public clinic (anonymous
    callers included), and a private one only for its staff, its doctors and its patients (superusers: all).
    Anything else is a 404, indistinguishable from an id that does not exist."""
    clinics = Clinic.objects.all()
    if user.is_authenticated and user.is_active and user.is_superuser:
        return clinics
    return clinics.filter(Q(is_public=True) | Q(pk__in=visible_clinic_ids(user) | patient_clinic_ids(user)))


def can_browse_clinic(user: AnyUser, clinic: Clinic) -> bool:
    """Whether `user` may read this clinic's directory and bookable times (see `browsable_clinics`)."""
    if clinic.is_public:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or clinic.pk in visible_clinic_ids(user) | patient_clinic_ids(user)


def doctors_actable_by(user: AnyUser) -> QuerySet[Doctor]:
    """Every doctor `user` may act for."""
    doctors = Doctor.objects.select_related("clinic", "user")
    if not user.is_authenticated or not user.is_active:
        return doctors.none()
    if user.is_superuser:
        return doctors

    return doctors.filter(Q(user=user) | Q(clinic_id__in=staff_clinic_ids(user)))


def resolve_doctor(user: AnyUser, doctor_id: Any = None) -> Doctor:
    """The doctor a request acts for: `doctor_id` when given (staff), else the caller's own doctor.

    Raises Http404 for anything the caller may not act for, so another clinic's ids are
    indistinguishable from ids that do not exist.
    """
    if doctor_id in (None, ""):
        doctor = own_doctor(user)
        if doctor is None:
            raise Http404("You are not a doctor; pass doctorId for a doctor of your clinic.")
        return doctor
    try:
        doctor_uuid = uuid.UUID(str(doctor_id))
    except ValueError as exc:
        raise Http404("No such doctor.") from exc
    doctor = doctors_actable_by(user).filter(pk=doctor_uuid).first()
    if doctor is None:
        raise Http404("No such doctor.")
    return doctor
