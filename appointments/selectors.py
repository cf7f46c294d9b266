"""Reads for booking that are not availability (see `appointments.availability`)."""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from appointments.models import Appointment, BookableResource
from medic.clinic.models import AppointmentType, Clinic, Doctor, Patient, StaffMembership, User
from medic.clinic.permissions import AnyUser, staff_clinic_ids
from scheduling.models import DoctorSchedule


def utcnow() -> datetime:
    return datetime.now(UTC)


# --- the directory, as booking sees it ----------------------------------------------------------------------


def active_doctor(doctor_id: uuid.UUID) -> Doctor | None:
    """A doctor who takes bookings (with their clinic, which availability and holds read)."""
    return Doctor.objects.select_related("clinic").filter(pk=doctor_id, is_active=True).first()


def offered_service(doctor: Doctor, appointment_type_id: uuid.UUID) -> AppointmentType | None:
    """One of `doctor`'s services that can still be booked."""
    return AppointmentType.objects.filter(pk=appointment_type_id, doctor=doctor, is_active=True).first()


def service_for_fast_hold(doctor_id: uuid.UUID, appointment_type_id: uuid.UUID) -> AppointmentType | None:
    """`offered_service` of an active doctor (with the doctor and clinic) and, in the same query, what the
    hold's fast path decides on: `schedule_version` (None before the first save of the doctor's schedule),
    `staff_user_ids` (the logins of the clinic's staff), `needs_resources` (an active resource may have to
    be claimed) and `doctor_location_ids`."""
    return _services_for_fast_hold().filter(pk=appointment_type_id, doctor_id=doctor_id).first()


@functools.cache
def _services_for_fast_hold() -> QuerySet[AppointmentType]:
    """`service_for_fast_hold`'s query but its ids, built once per process: building the annotations costs
    more than running the query, and a queryset is only ever cloned by `.filter()`, never changed."""
    return (
        AppointmentType.objects.select_related("doctor__clinic")
        .filter(is_active=True, doctor__is_active=True)
        .annotate(
            schedule_version=Subquery(
                DoctorSchedule.objects.filter(doctor_id=OuterRef("doctor_id")).values("version")
            ),
            staff_user_ids=_staff_of("doctor__clinic_id"),
            needs_resources=Exists(
                BookableResource.objects.filter(appointment_types=OuterRef("pk"), is_active=True)
            ),
            doctor_location_ids=ArraySubquery(
                Doctor.locations.through.objects.filter(doctor_id=OuterRef("doctor_id")).values("location_id")
            ),
        )
        .order_by()
    )


def _staff_of(clinic_ref: str) -> ArraySubquery:
    """The user ids of the staff of the clinic at `clinic_ref` (an outer field), as an array."""
    return ArraySubquery(
        StaffMembership.objects.filter(clinic_id=OuterRef(clinic_ref)).order_by().values("user_id")
    )


def clinic_by_id(clinic_id: uuid.UUID) -> Clinic | None:
    return Clinic.objects.filter(pk=clinic_id).first()


def services_offered(
    clinic: Clinic,
    *,
    name: str = "",
    location_id: uuid.UUID | None = None,
    consultation_mode: str | None = None,
) -> list[AppointmentType]:
    """The clinic search's candidates: the active services of the clinic's active doctors, by name
    (case-insensitive), at a location the doctor works at, and offered in the mode (no modes = any)."""
    query = services_offered_query(
        clinic, name=name, location_id=location_id, consultation_mode=consultation_mode
    )
    return list(query.select_related("doctor__clinic"))


def services_offered_query(
    clinic: Clinic,
    *,
    name: str = "",
    location_id: uuid.UUID | None = None,
    consultation_mode: str | None = None,
) -> QuerySet[AppointmentType]:
    """`services_offered` as a query: the clinic search reads only the columns it needs from it."""
    types = AppointmentType.objects.filter(doctor__clinic=clinic, doctor__is_active=True, is_active=True)
    if name:
        types = types.filter(name__iexact=name)
    if location_id is not None:
        types = types.filter(doctor__locations=location_id)
    if consultation_mode is not None:
        types = types.filter(Q(consultation_modes=[]) | Q(consultation_modes__contains=[consultation_mode]))
    # The join through the doctor's locations must never offer one service twice.
    return types.distinct()


def own_patient(user: AnyUser) -> Patient | None:
    """The patient record of a patient's login, if `user` is one."""
    if not user.is_authenticated:
        return None
    return Patient.objects.filter(user_id=user.pk).first()


def own_patient_for_update(user: User) -> Patient | None:
    """`own_patient`, its row locked until the transaction ends (`no_key`, as the hold limit locks it)."""
    return Patient.objects.select_for_update(no_key=True).filter(user_id=user.pk).first()


def bookable_patient(doctor: Doctor, patient_id: uuid.UUID) -> Patient | None:
    """A patient the doctor's clinic may book for: one of its own, or one no clinic owns."""
    return Patient.objects.filter(Q(clinic=doctor.clinic) | Q(clinic__isnull=True), pk=patient_id).first()


# --- appointments -------------------------------------------------------------------------------------------


def visible_appointments(user: AnyUser) -> QuerySet[Appointment]:
    """The appointments `user` may see: their own as a patient or doctor, their clinics' as staff, all as
    a superuser. Anything else is indistinguishable from an id that does not exist."""
    rows = Appointment.objects.select_related("doctor__clinic", "patient", "appointment_type")
    if user.is_superuser:
        return rows
    return rows.filter(
        Q(patient__user=user) | Q(doctor__user=user) | Q(doctor__clinic_id__in=staff_clinic_ids(user))
    )


def visible_appointment(user: AnyUser, appointment_id: uuid.UUID) -> Appointment | None:
    return visible_appointments(user).filter(pk=appointment_id).first()


def own_appointment_for_update(user: User, appointment_id: uuid.UUID) -> Appointment | None:
    """The appointment if `user` is its patient, locked until the transaction ends (only its row, as
    `services._locked` locks it), with its doctor and patient (what confirming reads) and `staff_user_ids`
    (the logins of its clinic's staff). One query: the visibility read and the lock."""
    return _own_appointments_for_update().filter(pk=appointment_id, patient__user_id=user.pk).first()


@functools.cache
def _own_appointments_for_update() -> QuerySet[Appointment]:
    """`own_appointment_for_update`'s query but its ids, built once per process (see
    `_services_for_fast_hold`)."""
    return (
        Appointment.objects.select_for_update(of=("self",), no_key=True)
        .select_related("doctor", "patient")
        .annotate(staff_user_ids=_staff_of("doctor__clinic_id"))
        .order_by()
    )


def appointment_list(
    user: AnyUser,
    *,
    doctor_id: uuid.UUID | None = None,
    patient_id: uuid.UUID | None = None,
    statuses: Sequence[str] = (),
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[Appointment]:
    """The visible appointments that match every filter given, in time order (`start`/`end`: those that
    end after `start` and begin before `end`, i.e. overlap the range)."""
    rows = visible_appointments(user)
    if doctor_id:
        rows = rows.filter(doctor_id=doctor_id)
    if patient_id:
        rows = rows.filter(patient_id=patient_id)
    if statuses:
        rows = rows.filter(status__in=statuses)
    if start:
        rows = rows.filter(ends_at__gt=start)
    if end:
        rows = rows.filter(starts_at__lt=end)
    # The id breaks ties so that offset pages never repeat or skip a row.
    return rows.order_by("starts_at", "id")


SEARCH_LIMIT = 20
_DIGITS = re.compile(r"[^0-9]")


def patients_of_clinics(clinic_ids: Collection[uuid.UUID]) -> QuerySet[Patient]:
    """Patients a clinic's staff may see: registered by the clinic, or booked with one of its doctors."""
    return Patient.objects.filter(
        Q(clinic_id__in=clinic_ids)
        | Q(pk__in=Appointment.objects.filter(doctor__clinic_id__in=clinic_ids).values("patient_id"))
    )


def search_patients(
    clinic_ids: Collection[uuid.UUID], query: str, *, limit: int = SEARCH_LIMIT
) -> list[Patient]:
    """Patients of these clinics matching `query` by any part of the name, phone (digits only, so spaces
    and dashes do not matter) or email, or by date of birth (YYYY-MM-DD or DD/MM/YYYY), best names first.
    One query; the trigram indexes (pg_trgm) serve the "contains" lookups."""
    text = query.strip()
    if not text:
        return []
    match = Q(full_name__icontains=text) | Q(email__icontains=text)
    digits = _DIGITS.sub("", text)
    if len(digits) >= 3:
        match |= Q(phone_digits__contains=digits)
    born = _date_of_birth(text)
    if born is not None:
        match |= Q(date_of_birth=born)
    return list(
        patients_of_clinics(clinic_ids)
        .filter(match)
        .annotate(similarity=TrigramSimilarity("full_name", text))
        .order_by("-similarity", "full_name")[:limit]
    )


def _date_of_birth(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None
