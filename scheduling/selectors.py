"""Reads for scheduling: the doctor's reference data, rules of one scope, exceptions that apply."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import BigIntegerField, Func, Q, QuerySet

from medic.clinic.closures import doctor_closures
from medic.clinic.models import AppointmentType, ConsultationMode, Doctor, Room
from scheduling import slots
from scheduling.models import (
    SLOT_INTERVALS,
    AvailabilityException,
    DoctorSchedule,
    ScheduleRule,
    ScheduleRuleBreak,
)
from scheduling.scope import FIELDS, Scope
from scheduling.validation import References


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


def all_rules(doctor: Doctor) -> QuerySet[ScheduleRule]:
    """Every rule of the doctor, whatever its scope, breaks prefetched, in day and start order."""
    return (
        ScheduleRule.objects.filter(doctor=doctor)
        .prefetch_related("breaks")
        .order_by("day_of_week", "work_start_local", "priority")
    )


def rules_in_scope(doctor: Doctor, scope: Scope) -> QuerySet[ScheduleRule]:
    """The doctor's rules of exactly `scope`, breaks prefetched, in day and start order."""
    return (
        ScheduleRule.objects.filter(Q(doctor=doctor) & scope.exact_filter())
        .prefetch_related("breaks")
        .order_by("day_of_week", "work_start_local", "priority")
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


# --- engine inputs ------------------------------------------------------------------------------------------

_SLACK = timedelta(days=2)  # any UTC offset fits inside: loads cover every local date asked for


class Epoch(Func):
    """A timestamptz as whole epoch seconds, computed by PostgreSQL: cheaper than parsing datetimes."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)::bigint"
    output_field = BigIntegerField()


def schedule_inputs(
    doctor_ids: Sequence[uuid.UUID], rows: Q, lo: datetime, hi: datetime, *, rules: bool = True
) -> dict[uuid.UUID, slots.ScheduleInputs]:
    """What preview and availability feed the slot engine, so what a doctor previews and what a patient can
    book cannot drift apart. `rows` is one of `Scope`'s filters (which rules and exceptions apply); the
    exceptions are those meeting [lo, hi) with two days' slack; `rules=False` loads exceptions only (a
    preview brings its own windows). Each doctor's clinic closures come along (`closed`, keyed by their
    `medic.clinic.closures.Closure`). One query per kind of data, however many doctors."""
    places: dict[uuid.UUID, dict[object, object]] = defaultdict(dict)
    windows = _windows(doctor_ids, rows, places) if rules else {}
    blocked: dict[uuid.UUID, list[tuple[int, int]]] = defaultdict(list)
    blocked_keys: dict[uuid.UUID, list[object]] = defaultdict(list)
    openings: dict[uuid.UUID, list[slots.Opening]] = defaultdict(list)
    for doctor_id, kind, start, end, interval, pk, *scope in AvailabilityException.objects.filter(
        Q(doctor_id__in=doctor_ids, starts_at__lt=hi + _SLACK, ends_at__gt=lo - _SLACK) & rows
    ).values_list(
        "doctor_id", "kind", Epoch("starts_at"), Epoch("ends_at"), "slot_interval_minutes", "pk", *FIELDS
    ):
        if kind == AvailabilityException.Kind.BLOCKED:
            blocked[doctor_id].append((start, end))
            blocked_keys[doctor_id].append(pk)
        else:  # the database requires an opening's interval (CHECK)
            openings[doctor_id].append(slots.Opening(start, end, interval, key=pk))
            places[doctor_id][pk] = Scope(*scope)
    closed = doctor_closures(doctor_ids, lo, hi)
    return {
        pk: slots.ScheduleInputs(
            windows_by_zone=dict(windows.get(pk, {})),
            blocked=blocked.get(pk, []),
            openings=openings.get(pk, []),
            places=places.get(pk, {}),
            blocked_keys=blocked_keys.get(pk, []),
            closed=[(s, e) for s, e, _ in closed.get(pk, ())],
            closed_keys=[c for _, _, c in closed.get(pk, ())],
        )
        for pk in doctor_ids
    }


def rule_inputs(doctor_ids: Sequence[uuid.UUID], rows: Q) -> dict[uuid.UUID, slots.ScheduleInputs]:
    """`schedule_inputs` without the exceptions and closures: each doctor's weekly windows that apply to
    `rows` (a `Scope` filter) and their places, in one query. What the hold's fast path keeps per schedule
    version, adding the day's time off, openings and closures read live."""
    places: dict[uuid.UUID, dict[object, object]] = defaultdict(dict)
    windows = _windows(doctor_ids, rows, places)
    return {
        pk: slots.ScheduleInputs(
            windows_by_zone=dict(windows.get(pk, {})), blocked=[], openings=[], places=places.get(pk, {})
        )
        for pk in doctor_ids
    }


def _windows(
    doctor_ids: Sequence[uuid.UUID], rows: Q, places: dict[uuid.UUID, dict[object, object]]
) -> dict[uuid.UUID, dict[str, list[slots.Window]]]:
    """The active rules that apply, as engine windows per doctor and time zone (two queries); each rule's
    scope goes into `places` under its id."""
    applying = Q(doctor_id__in=doctor_ids, is_active=True) & rows
    breaks: dict[uuid.UUID, list[slots.Break]] = defaultdict(list)
    for rule_id, start, end, label in ScheduleRuleBreak.objects.filter(
        rule__in=ScheduleRule.objects.filter(applying).values("pk")
    ).values_list("rule_id", "break_start_local", "break_end_local", "label"):
        breaks[rule_id].append(slots.Break(start, end, label or None))
    out: dict[uuid.UUID, dict[str, list[slots.Window]]] = defaultdict(lambda: defaultdict(list))
    for row in ScheduleRule.objects.filter(applying).values_list(
        "pk",
        "doctor_id",
        "timezone",
        "day_of_week",
        "work_start_local",
        "work_end_local",
        "slot_interval_minutes",
        "priority",
        "effective_from",
        "effective_to",
        "repeat_every_weeks",
        "repeat_anchor",
        *FIELDS,
    ):
        pk, doctor_id, zone, day, start, end, interval, priority, eff_from, eff_to, every, anchor, *scope = (
            row
        )
        places[doctor_id][pk] = Scope(*scope)
        out[doctor_id][zone].append(
            slots.Window(
                day,
                start,
                end,
                interval,
                tuple(breaks.get(pk, ())),
                priority,
                eff_from,
                eff_to,
                key=pk,
                repeat_every_weeks=every,
                repeat_anchor=anchor,
            )
        )
    return out
