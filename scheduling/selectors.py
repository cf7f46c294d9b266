"""Reads for scheduling: the doctor's reference data, rules of one scope, exceptions that apply."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from medic.clinic.models import AppointmentType, ConsultationMode, Doctor, Room
from scheduling.models import SLOT_INTERVALS, AvailabilityException, DoctorSchedule, ScheduleRule
from scheduling.validation import References


@dataclass(frozen=True, slots=True)
class ScopeKey:
    """A rule's or request's scope; None means "any" (and, for an exact scope, matches only None)."""

    appointment_type_id: uuid.UUID | None = None
    location_id: uuid.UUID | None = None
    room_id: uuid.UUID | None = None
    consultation_mode: str | None = None

    def exact_filter(self) -> Q:
        """Rows whose scope is exactly this one (null matches null)."""
        return Q(
            appointment_type_id=self.appointment_type_id,
            location_id=self.location_id,
            room_id=self.room_id,
            consultation_mode=self.consultation_mode,
        )

    def applies_filter(self) -> Q:
        """Rows that apply to a request in this scope: each scope field of the row is null or equal."""
        q = Q()
        for field, value in (
            ("appointment_type_id", self.appointment_type_id),
            ("location_id", self.location_id),
            ("room_id", self.room_id),
            ("consultation_mode", self.consultation_mode),
        ):
            null = Q(**{f"{field}__isnull": True})
            q &= null if value is None else null | Q(**{field: value})
        return q


def references_for(doctor: Doctor) -> References:
    """The scope ids that belong to `doctor`: their services, locations and those locations' rooms."""
    location_ids = frozenset(doctor.locations.values_list("id", flat=True))
    return References(
        appointment_type_ids=frozenset(
            AppointmentType.objects.filter(doctor=doctor).values_list("id", flat=True)
        ),
        location_ids=location_ids,
        room_locations=dict(
            Room.objects.filter(location_id__in=location_ids).values_list("id", "location_id")
        ),
    )


@dataclass(frozen=True, slots=True)
class RefData:
    appointment_types: list[AppointmentType]
    locations: list[tuple[uuid.UUID, str]]
    rooms: list[tuple[uuid.UUID, str, uuid.UUID]]
    consultation_modes: list[str]
    slot_intervals: list[int]
    timezone_default: str


def refdata_for(doctor: Doctor) -> RefData:
    locations = list(doctor.locations.order_by("name").values_list("id", "name"))
    rooms = list(
        Room.objects.filter(location_id__in=[pk for pk, _ in locations])
        .order_by("location__name", "name")
        .values_list("id", "name", "location_id")
    )
    return RefData(
        appointment_types=list(
            AppointmentType.objects.filter(doctor=doctor, is_active=True).order_by("name")
        ),
        locations=locations,
        rooms=rooms,
        consultation_modes=list(ConsultationMode.values),
        slot_intervals=list(SLOT_INTERVALS),
        timezone_default=doctor.effective_timezone,
    )


def schedule_version(doctor: Doctor) -> str:
    version = DoctorSchedule.objects.filter(doctor=doctor).values_list("version", flat=True).first()
    return str(version or 0)


def rules_in_scope(doctor: Doctor, scope: ScopeKey) -> QuerySet[ScheduleRule]:
    """The doctor's rules of exactly `scope`, breaks prefetched, in day and start order."""
    return (
        ScheduleRule.objects.filter(Q(doctor=doctor) & scope.exact_filter())
        .prefetch_related("breaks")
        .order_by("day_of_week", "work_start_local", "priority")
    )


def exceptions_applying(
    doctor: Doctor, scope: ScopeKey, starts_before: datetime, ends_after: datetime
) -> Sequence[AvailabilityException]:
    """Exceptions of `doctor` that apply to `scope` and overlap [ends_after, starts_before)."""
    return list(
        AvailabilityException.objects.filter(
            Q(doctor=doctor, starts_at__lt=starts_before, ends_at__gt=ends_after) & scope.applies_filter()
        ).order_by("starts_at")
    )


def exceptions_between(
    doctor: Doctor, start: datetime | None, end: datetime | None
) -> QuerySet[AvailabilityException]:
    """The doctor's exceptions overlapping [start, end) (either bound may be open), in time order."""
    rows = AvailabilityException.objects.filter(doctor=doctor)
    if start is not None:
        rows = rows.filter(ends_at__gt=start)
    if end is not None:
        rows = rows.filter(starts_at__lt=end)
    return rows.order_by("starts_at", "ends_at")
