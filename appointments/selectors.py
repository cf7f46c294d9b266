"""Reads for booking that are not availability (see `appointments.availability`)."""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import OuterRef, Q, QuerySet

from appointments.models import (
    ACTIVE_STATUSES,
    VERSION_EVENT_KINDS,
    Appointment,
    AppointmentEvent,
    BookableResource,
)
from medic import rows
from medic.clinic.models import (
    AppointmentType,
    Clinic,
    ClinicClosure,
    Doctor,
    Patient,
    StaffMembership,
    User,
)
from medic.clinic.permissions import AnyUser, staff_clinic_ids
from scheduling.models import AvailabilityException, DoctorSchedule
from scheduling.scope import Scope


def utcnow() -> datetime:
    return datetime.now(UTC)


# --- the directory, as booking sees it ----------------------------------------------------------------------


def active_doctor(doctor_id: uuid.UUID) -> Doctor | None:
    """A doctor who takes bookings (with their clinic, which availability and holds read)."""
    return Doctor.objects.select_related("clinic").filter(pk=doctor_id, is_active=True).first()


def offered_service(doctor: Doctor, appointment_type_id: uuid.UUID) -> AppointmentType | None:
    """One of `doctor`'s services that can still be booked."""
    return AppointmentType.objects.filter(pk=appointment_type_id, doctor=doctor, is_active=True).first()


@dataclass(frozen=True, slots=True)
class HoldFacts:
    """What the hold's fast path decides on, read in one statement (`hold_facts`)."""

    service: AppointmentType  # with .doctor and .doctor.clinic
    patient: Patient | None  # the caller's own patient row, locked until the transaction ends
    schedule_version: int | None  # None before the first save of the doctor's schedule
    staff_user_ids: list[uuid.UUID]  # the logins of the clinic's staff
    needs_resources: bool  # an active resource may have to be claimed
    doctor_location_ids: list[uuid.UUID]
    # Time off and openings: kind, start, end (epoch seconds), interval, id, scope.
    exceptions: list[tuple[str, int, int, int | None, uuid.UUID, Scope]]
    closure_rows: tuple[tuple[str, date, str], ...]  # the clinic's own (kind, date, name) near the start
    # The doctor's live bookings whose buffered time overlaps the start's (with the service's duration and
    # buffers), as of this statement: (status, hold_expires_at, starts_at, ends_at).
    in_the_way: tuple[Booked, ...]


Booked = tuple[str, datetime | None, datetime, datetime]


FACTS_SLACK = timedelta(days=4)  # wider than any local day plus `schedule_inputs`' two days of slack


def hold_facts(
    user_id: uuid.UUID, doctor_id: uuid.UUID, appointment_type_id: uuid.UUID, starts_at: datetime
) -> HoldFacts | None:
    """An active service of an active doctor, with the doctor, the clinic, the caller's patient row and,
    around `starts_at`, the doctor's time off and openings and the clinic's own closure rows, and the live
    bookings in the way of the start: one statement where the ORM took seven, for the hold's fast path. Locks
    nothing (the hold's write locks the patient). None when there is no such service."""
    query = hold_facts_query(doctor_id, appointment_type_id, starts_at, user_id=user_id)
    with rows.prepared_cursor() as cursor:
        cursor.execute(query.sql, query.params)
        row = cursor.fetchone()
    return None if row is None else hold_facts_from(row, 0)


def hold_facts_query(
    doctor_id: uuid.UUID, appointment_type_id: uuid.UUID, starts_at: datetime, *, user_id: uuid.UUID | None
) -> rows.Read:
    """`hold_facts`' statement and its parameters, for `user_id` or, with None, for the signed-in token's
    user of the statement it is part of."""
    lo, hi = starts_at - FACTS_SLACK, starts_at + FACTS_SLACK
    params: list[Any] = [hi, lo, lo.date(), hi.date(), starts_at, starts_at]
    if user_id is not None:
        params.append(user_id)
    params += [appointment_type_id, doctor_id]
    return rows.Read(_hold_facts_sql(user_id is None), params)


def hold_facts_from(row: Sequence[Any], at: int) -> HoldFacts | None:
    """The `HoldFacts` of `hold_facts_query`'s columns at row[at:]; None when there is no such service."""
    if row[at] is None:
        return None
    service, at = rows.instance(AppointmentType, row, at)
    doctor, at = rows.instance(Doctor, row, at)
    clinic, at = rows.instance(Clinic, row, at)
    patient: Patient | None = None
    if row[at] is not None:
        patient = rows.instance(Patient, row, at)[0]
    at += len(rows.attnames(Patient))
    version, staff, needs_resources, locations, exceptions, closures, booked = row[at : at + 7]
    doctor.clinic = clinic
    service.doctor = doctor
    return HoldFacts(
        service=service,
        patient=patient,
        schedule_version=version,
        staff_user_ids=list(staff),
        needs_resources=bool(needs_resources),
        doctor_location_ids=list(locations),
        exceptions=[
            (
                kind,
                start,
                end,
                interval,
                uuid.UUID(pk),
                Scope(
                    uuid.UUID(type_id) if type_id else None,
                    uuid.UUID(location_id) if location_id else None,
                    uuid.UUID(room_id) if room_id else None,
                    mode,
                ),
            )
            for kind, start, end, interval, pk, type_id, location_id, room_id, mode in exceptions
        ],
        closure_rows=tuple((kind, date.fromisoformat(day), name) for kind, day, name in closures),
        in_the_way=tuple(
            (status, _instant(expiry) if expiry else None, _instant(start), _instant(end))
            for status, expiry, start, end in booked
        ),
    )


def bookings_in_the_way(doctor_id: uuid.UUID, busy_start: datetime, busy_end: datetime) -> list[Booked]:
    """The doctor's live bookings whose buffered time overlaps [busy_start, busy_end), read now: what
    `hold_facts` reads, again, after the exclusion constraints kept a hold out."""
    with rows.prepared_cursor() as cursor:
        cursor.execute(_in_the_way_sql(), [doctor_id, busy_start, busy_end])
        return list(cursor.fetchall())


@functools.cache
def _in_the_way_sql() -> str:
    live = ", ".join(f"'{status}'" for status in ACTIVE_STATUSES)  # the constraints' own condition
    return (
        'SELECT "status", "hold_expires_at", "starts_at", "ends_at"'  # noqa: S608 - our own table
        f' FROM "{Appointment._meta.db_table}" WHERE "doctor_id" = %s AND "status" IN ({live})'
        ' AND "busy_period" && tstzrange(%s, %s)'
    )


def _instant(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(UTC)


@functools.cache
def _hold_facts_sql(for_signed_in: bool = False) -> str:
    """`hold_facts`' statement, built once per process from the models' own tables and columns; for the
    user of the sign-in statement it is part of, or for a user id parameter."""
    resources = BookableResource.appointment_types.through._meta
    resource_col = resources.get_field("bookableresource").column
    type_col = resources.get_field("appointmenttype").column
    locations = Doctor.locations.through._meta
    doctor_col, location_col = locations.get_field("doctor").column, locations.get_field("location").column
    t = {
        m: m._meta.db_table
        for m in (AppointmentType, Doctor, Clinic, Patient, DoctorSchedule, StaffMembership, BookableResource)
    }
    exceptions = AvailabilityException._meta.db_table
    closures = ClinicClosure._meta.db_table
    # Spelled as the exclusion constraints' own condition, so their (partial) index serves the lookup.
    live = ", ".join(f"'{status}'" for status in ACTIVE_STATUSES)
    user = 't."user_id"' if for_signed_in else "%s"
    return f"""
SELECT {rows.columns(AppointmentType, "s")}, {rows.columns(Doctor, "d")}, {rows.columns(Clinic, "c")},
       {rows.columns(Patient, "p")},
       (SELECT v."version" FROM "{t[DoctorSchedule]}" v WHERE v."doctor_id" = d."id"),
       ARRAY(SELECT m."user_id" FROM "{t[StaffMembership]}" m WHERE m."clinic_id" = c."id"),
       EXISTS(SELECT 1 FROM "{resources.db_table}" x
              JOIN "{t[BookableResource]}" r ON r."id" = x."{resource_col}"
              WHERE x."{type_col}" = s."id" AND r."is_active"),
       ARRAY(SELECT l."{location_col}" FROM "{locations.db_table}" l
             WHERE l."{doctor_col}" = d."id"),
       ARRAY(SELECT json_build_array(
                 e."kind", EXTRACT(EPOCH FROM e."starts_at")::bigint, EXTRACT(EPOCH FROM e."ends_at")::bigint,
                 e."slot_interval_minutes", e."id",
                 e."appointment_type_id", e."location_id", e."room_id", e."consultation_mode")
             FROM "{exceptions}" e
             WHERE e."doctor_id" = d."id" AND e."starts_at" < %s AND e."ends_at" > %s
             ORDER BY e."starts_at", e."id"),
       ARRAY(SELECT json_build_array(k."kind", k."date", k."name") FROM "{closures}" k
             WHERE k."clinic_id" = c."id" AND k."date" >= %s AND k."date" <= %s ORDER BY k."date"),
       ARRAY(SELECT json_build_array(b."status", b."hold_expires_at", b."starts_at", b."ends_at")
             FROM "{Appointment._meta.db_table}" b
             WHERE b."doctor_id" = d."id" AND b."status" IN ({live})
               AND b."busy_period" && tstzrange(
                   %s::timestamptz - make_interval(mins => s."buffer_before_minutes"),
                   %s::timestamptz + make_interval(mins => s."duration_minutes" + s."buffer_after_minutes")))
FROM "{t[AppointmentType]}" s
JOIN "{t[Doctor]}" d ON d."id" = s."doctor_id"
JOIN "{t[Clinic]}" c ON c."id" = d."clinic_id"
LEFT JOIN "{t[Patient]}" p ON p."user_id" = {user}
WHERE s."id" = %s AND s."doctor_id" = %s AND s."is_active" AND d."is_active"
"""  # noqa: S608 - our own tables and columns


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


@dataclass(frozen=True, slots=True)
class OwnAppointment:
    """What the confirm's fast path decides on, read in one statement (`own_appointment`)."""

    appointment: Appointment  # with .doctor and .patient
    staff_user_ids: list[uuid.UUID]  # the logins of its clinic's staff
    needs_verification: bool  # `services.patient_needs_verification` of its patient
    notice_version: int  # `notifications.notice_version` before this change


def own_appointment(user_id: uuid.UUID, appointment_id: uuid.UUID) -> OwnAppointment | None:
    """The appointment if `user_id` is its patient, with its doctor and patient and what confirming reads of
    them, in one statement. Not locked: the fast confirm writes only if the row is still as read."""
    query = own_appointment_query(appointment_id, user_id=user_id)
    with rows.prepared_cursor() as cursor:
        cursor.execute(query.sql, query.params)
        row = cursor.fetchone()
    return None if row is None else own_appointment_from(row, 0)


def own_appointment_query(appointment_id: uuid.UUID, *, user_id: uuid.UUID | None) -> rows.Read:
    """`own_appointment`'s statement and its parameters (see `hold_facts_query` for `user_id`)."""
    params: list[Any] = [list(VERSION_EVENT_KINDS), appointment_id]
    if user_id is not None:
        params.append(user_id)
    return rows.Read(_own_appointment_sql(user_id is None), params)


def own_appointment_from(row: Sequence[Any], at: int) -> OwnAppointment | None:
    """The `OwnAppointment` of `own_appointment_query`'s columns at row[at:]; None when it read none."""
    if row[at] is None:
        return None
    a, at = rows.instance(Appointment, row, at)
    a.doctor, at = rows.instance(Doctor, row, at)
    a.patient, at = rows.instance(Patient, row, at)
    staff, needs_verification, version = row[at : at + 3]
    return OwnAppointment(a, list(staff), bool(needs_verification), int(version))


@functools.cache
def _own_appointment_sql(for_signed_in: bool = False) -> str:
    """`own_appointment`'s statement, built once per process from the models' tables."""
    events = AppointmentEvent._meta.db_table
    user = 't."user_id"' if for_signed_in else "%s"
    return f"""
SELECT {rows.columns(Appointment, "a")}, {rows.columns(Doctor, "d")}, {rows.columns(Patient, "p")},
       ARRAY(SELECT m."user_id" FROM "{StaffMembership._meta.db_table}" m
             WHERE m."clinic_id" = d."clinic_id"),
       (p."clinic_id" IS NULL AND p."user_id" IS NOT NULL AND EXISTS(
            SELECT 1 FROM "{User._meta.db_table}" u
            WHERE u."id" = p."user_id" AND u."email_verified_at" IS NULL)),
       (SELECT count(*) FROM "{events}" e WHERE e."appointment_id" = a."id" AND e."kind" = ANY(%s))
FROM "{Appointment._meta.db_table}" a
JOIN "{Doctor._meta.db_table}" d ON d."id" = a."doctor_id"
JOIN "{Patient._meta.db_table}" p ON p."id" = a."patient_id"
WHERE a."id" = %s AND p."user_id" = {user}
"""  # noqa: S608 - our own tables and columns


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
