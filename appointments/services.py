"""Booking: availability reads and the writes (hold, confirm, cancel, reschedule, finish)."""

from __future__ import annotations

import functools
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, TypeVar, cast

from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    IntegrityError,
    OperationalError,
    connection,
    connections,
    models,
    transaction,
)
from django.db.models import Field, ForeignKey, Model, Q, QuerySet
from django.http import Http404
from psycopg import errors as pg_errors

from appointments import availability, notifications, selectors
from appointments.models import (
    ACTIVE_STATUSES,
    ActorType,
    Appointment,
    AppointmentEvent,
    BookableResource,
    ResourceClaim,
    Status,
    can_reschedule,
    can_transition,
)
from appointments.selectors import utcnow
from medic import rows
from medic.clinic.closures import Calendar, closure_spans, closures_of
from medic.clinic.models import AppointmentType, Clinic, Doctor, Location, Patient, Room, User
from medic.clinic.permissions import AnyUser, can_act_for_doctor, can_browse_clinic
from medic.errors import Conflict, FieldError, Gone, ValidationFailed
from scheduling.models import AvailabilityException, lock_schedule
from scheduling.scope import Scope
from scheduling.selectors import rule_inputs
from scheduling.slots import Opening, ScheduleInputs


@dataclass(frozen=True, slots=True)
class Actor:
    """Who does something, as the audit log records it."""

    type: ActorType
    id: uuid.UUID | None


SYSTEM = Actor(ActorType.SYSTEM, None)

T = TypeVar("T")


# --- who acts -----------------------------------------------------------------------------------------------


def actor_for(user: AnyUser, doctor: Doctor) -> Actor | None:
    """The role `user` acts in towards `doctor`'s bookings: the doctor, their clinic's staff, or None."""
    if not can_act_for_doctor(user, doctor):
        return None
    if doctor.user_id == user.pk:
        return Actor(ActorType.DOCTOR, doctor.pk)
    return Actor(ActorType.STAFF, user.pk)


def actor_for_appointment(user: AnyUser, a: Appointment, *, patients_may: bool = True) -> Actor | None:
    """Who `user` is towards one appointment: its doctor or their clinic's staff, else (where patients may
    act) its own patient; None when they may not change it at all."""
    actor = actor_for(user, a.doctor)
    if actor is not None:
        return actor
    if patients_may and a.patient.user_id == user.pk:
        return Actor(ActorType.PATIENT, a.patient_id)
    return None


def hold_minutes() -> int:
    return int(getattr(settings, "MEDIC_HOLD_MINUTES", 10))


# --- snapshots and events -----------------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    # Always in UTC, so a before/after comparison never shows a change that is only an offset.
    return value.astimezone(UTC).isoformat() if value else None


def snapshot(a: Appointment) -> dict[str, Any]:
    """What the audit log keeps of an appointment before and after a change."""
    return {
        "status": a.status,
        "startsAt": _iso(a.starts_at),
        "endsAt": _iso(a.ends_at),
        "holdExpiresAt": _iso(a.hold_expires_at),
        "doctorId": str(a.doctor_id),
        "patientId": str(a.patient_id),
        "appointmentTypeId": str(a.appointment_type_id),
        "doctorLocationId": str(a.location_id) if a.location_id else None,
        "locationRoomId": str(a.room_id) if a.room_id else None,
        "consultationMode": a.consultation_mode,
        "cancelReason": a.cancel_reason or None,
        "outsideHours": a.outside_hours,
    }


def _event(a: Appointment, kind: str, actor: Actor, before: dict | None) -> AppointmentEvent:
    return AppointmentEvent.objects.create(
        appointment=a, kind=kind, actor_type=actor.type, actor_id=actor.id, before=before, after=snapshot(a)
    )


def expire_stale_holds(
    *,
    now: datetime | None = None,
    doctor: Doctor | None = None,
    overlapping: tuple[datetime, datetime] | None = None,
    claiming: tuple[BookableResource, datetime, datetime] | None = None,
) -> int:
    """Mark held appointments whose hold ran out as expired (with an audit event each); returns how many.

    Called by the periodic job for everything, and by a new hold for the stale holds in its way (the
    doctor's, over `overlapping`, and any doctor's holding a seat of `claiming`'s resource in its span), so
    that correctness never waits for the job.
    """
    now = now or utcnow()
    stale = Appointment.objects.select_for_update(skip_locked=True, no_key=True).stale_holds(now)
    if doctor is not None:
        stale = stale.filter(doctor=doctor)
    if overlapping is not None:
        stale = stale.filter(busy_starts_at__lt=overlapping[1], busy_ends_at__gt=overlapping[0])
    if claiming is not None:
        resource, start, end = claiming
        seats = ResourceClaim.objects.filter(
            resource=resource, released_at__isnull=True, starts_at__lt=end, ends_at__gt=start
        )
        stale = stale.filter(pk__in=seats.values("appointment_id"))
    count = 0
    with transaction.atomic():
        for a in stale:
            _expire(a, now)
            count += 1
    return count


def _expire(a: Appointment, now: datetime) -> None:
    """held → expired, in the caller's transaction: the slot and its seats are free again."""
    assert can_transition(a.status, Status.EXPIRED), a.status
    before = snapshot(a)
    a.status = Status.EXPIRED
    a.save(update_fields=["status", "updated_at"])
    _release_claims(a, now)
    _event(a, "expired", SYSTEM, before)


# --- claims -------------------------------------------------------------------------------------------------


def _release_claims(a: Appointment, now: datetime) -> None:
    ResourceClaim.objects.filter(appointment=a, released_at__isnull=True).update(released_at=now)


def required_resources(
    appointment_type_id: uuid.UUID, location_id: uuid.UUID | None, room_id: uuid.UUID | None
) -> QuerySet[BookableResource]:
    """The active resources a booking of this service needs where it takes place: one tied to a location
    (or room) is needed only by bookings there, so a video consultation does not take the procedure room."""
    return BookableResource.objects.filter(
        Q(location__isnull=True) | Q(location_id=location_id),
        Q(room__isnull=True) | Q(room_id=room_id),
        appointment_types=appointment_type_id,
        is_active=True,
    )


def _claim_resources(a: Appointment, now: datetime) -> None:
    """One free seat of every resource the booking needs, in this transaction, or 409.

    The resources' rows are locked first, all in one statement and in id order (one global order for every
    booking), so bookings needing a resource claim its seats one after the other: two of them never wait
    for each other inside the seat exclusion check (a deadlock), and the seats read free stay free until
    this transaction ends. `no_key`: a claim's foreign-key check (KEY SHARE) need not wait for it."""
    needed = list(
        required_resources(a.appointment_type_id, a.location_id, a.room_id)
        .select_for_update(of=("self",), no_key=True)
        .order_by("pk")
    )
    for resource in needed:
        expire_stale_holds(now=now, claiming=(resource, a.starts_at, a.ends_at))
        taken = set(
            ResourceClaim.objects.filter(
                resource=resource, released_at__isnull=True, starts_at__lt=a.ends_at, ends_at__gt=a.starts_at
            ).values_list("seat", flat=True)
        )
        for seat in (s for s in range(1, resource.seats + 1) if s not in taken):
            try:
                with transaction.atomic():
                    ResourceClaim.objects.create(
                        resource=resource, seat=seat, appointment=a, starts_at=a.starts_at, ends_at=a.ends_at
                    )
                break
            except IntegrityError as exc:
                if not _is_overlap(exc):
                    raise
                continue  # another booking took this seat just now: try the next one
        else:
            raise Conflict(
                [
                    FieldError(
                        "startsAt", "RESOURCE_UNAVAILABLE", f"{resource.name} has no free seat at that time."
                    )
                ]
            )


# --- hold, confirm, cancel, reschedule, complete ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HoldRequest:
    doctor: Doctor
    appointment_type: AppointmentType
    starts_at: datetime
    patient: Patient
    location: Location | None = None
    room: Room | None = None
    consultation_mode: str | None = None

    @property
    def scope(self) -> Scope:
        """The rules and exceptions that decide whether the start is bookable (the room does not narrow
        them: a room is where the booking happens, not which hours apply)."""
        return Scope(
            appointment_type_id=self.appointment_type.pk,
            location_id=self.location.pk if self.location else None,
            consultation_mode=self.consultation_mode,
        )


def hold_request_for(
    user: AnyUser,
    *,
    doctor_id: uuid.UUID,
    appointment_type_id: uuid.UUID,
    starts_at: datetime,
    location_id: uuid.UUID | None = None,
    room_id: uuid.UUID | None = None,
    consultation_mode: str | None = None,
    patient_id: uuid.UUID | None = None,
) -> tuple[HoldRequest, Actor]:
    """What `user` asks to hold, and in which role: the doctor and their clinic's staff hold for the patient
    they name (`patient_id`, required); a patient holds for themself only; anyone else is 404.

    Raises ValidationFailed for unknown or missing references and Http404 for a caller who may not book.
    """
    doctor = selectors.active_doctor(doctor_id)
    if doctor is None:
        raise ValidationFailed([FieldError("doctorId", "UNKNOWN_REFERENCE", "No such doctor.")])
    actor, patient = _actor_and_patient(user, doctor, patient_id)
    appointment_type = selectors.offered_service(doctor, appointment_type_id)
    location = Location.objects.filter(pk=location_id).first() if location_id else None
    room = Room.objects.filter(pk=room_id).first() if room_id else None
    missing = [
        FieldError(path, "UNKNOWN_REFERENCE", message)
        for path, wanted, found, message in (
            ("appointmentTypeId", appointment_type_id, appointment_type, "Not a service this doctor offers."),
            ("doctorLocationId", location_id, location, "No such location."),
            ("locationRoomId", room_id, room, "No such room."),
        )
        if wanted and found is None
    ]
    if missing:
        raise ValidationFailed(missing)
    assert appointment_type is not None  # narrowed by `missing` above
    req = HoldRequest(
        doctor=doctor,
        appointment_type=appointment_type,
        starts_at=starts_at,
        patient=patient,
        location=location,
        room=room,
        consultation_mode=consultation_mode,
    )
    return req, actor


def _actor_and_patient(user: AnyUser, doctor: Doctor, patient_id: uuid.UUID | None) -> tuple[Actor, Patient]:
    """Who holds for whom (see `hold_request_for`)."""
    actor = actor_for(user, doctor)
    if actor is not None:
        patient = selectors.bookable_patient(doctor, patient_id) if patient_id else None
        if patient is None:
            code = "UNKNOWN_REFERENCE" if patient_id else "REQUIRED"
            raise ValidationFailed([FieldError("patientId", code, "Choose the patient to book for.")])
        return actor, patient
    patient = selectors.own_patient(user)
    if patient is None:
        raise Http404("Only patients, and the doctor's clinic, may book.")
    if not can_browse_clinic(user, doctor.clinic):
        # A private clinic's doctors are unknown to outsiders, for booking as for browsing.
        raise ValidationFailed([FieldError("doctorId", "UNKNOWN_REFERENCE", "No such doctor.")])
    if patient_id is not None and patient_id != patient.pk:
        raise ValidationFailed(
            [FieldError("patientId", "UNKNOWN_REFERENCE", "You may only book for yourself.")]
        )
    return Actor(ActorType.PATIENT, patient.pk), patient


def _check_request(req: HoldRequest) -> None:
    errors = []
    t = req.appointment_type
    if t.doctor_id != req.doctor.pk or not t.is_active:
        errors.append(
            FieldError("appointmentTypeId", "UNKNOWN_REFERENCE", "Not a service this doctor offers.")
        )
    if (
        req.consultation_mode is not None
        and t.consultation_modes
        and req.consultation_mode not in t.consultation_modes
    ):
        errors.append(
            FieldError(
                "consultationMode",
                "INVALID_CHOICE",
                f"This service is offered as: {', '.join(t.consultation_modes)}.",
            )
        )
    if req.location is not None and not req.doctor.locations.filter(pk=req.location.pk).exists():
        errors.append(FieldError("doctorLocationId", "UNKNOWN_REFERENCE", "The doctor does not work there."))
    if req.room is not None and (req.location is None or req.room.location_id != req.location.pk):
        errors.append(FieldError("locationRoomId", "UNKNOWN_REFERENCE", "This room is not at that location."))
    if errors:
        raise ValidationFailed(errors)


def _slot_taken() -> Conflict:
    return Conflict([FieldError("startsAt", "SLOT_TAKEN", "Someone else has just held or booked that time.")])


def _not_available() -> ValidationFailed:
    return ValidationFailed(
        [
            FieldError(
                "startsAt",
                "SLOT_NOT_AVAILABLE",
                "That time is not a bookable slot of this doctor and service.",
            )
        ]
    )


def _is_overlap(exc: IntegrityError) -> bool:
    """Whether an exclusion constraint (no overlapping bookings, no double-claimed seat) refused the write."""
    return isinstance(exc.__cause__, pg_errors.ExclusionViolation)


@contextmanager
def _slot_taken_on_overlap() -> Iterator[None]:
    """Around a write of an appointment's time (in a savepoint): the exclusion constraints settle the race
    that the availability check cannot see, and their refusal is the caller's 409 SLOT_TAKEN."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if _is_overlap(exc):
            raise Conflict(
                [FieldError("startsAt", "SLOT_TAKEN", "Someone else has just held or booked that time.")]
            ) from exc
        raise


def _busy_span(t: AppointmentType, starts_at: datetime) -> tuple[datetime, datetime, datetime]:
    ends_at = starts_at + timedelta(minutes=t.duration_minutes)
    return (
        ends_at,
        starts_at - timedelta(minutes=t.buffer_before_minutes),
        ends_at + timedelta(minutes=t.buffer_after_minutes),
    )


_RACE_ATTEMPTS = 3  # tries of one booking transaction that PostgreSQL aborted to break a deadlock


def _lost_race(exc: OperationalError) -> bool:
    """Whether PostgreSQL aborted the transaction to settle a race (a deadlock between exclusion checks, a
    serialization failure): nothing was written, and running it again may well succeed."""
    return isinstance(exc.__cause__, pg_errors.DeadlockDetected | pg_errors.SerializationFailure)


def _retrying_races(write: Callable[[], T], *, lost: Callable[[], ValidationFailed] | None = None) -> T:
    """`write()` (one transaction, or a savepoint inside the caller's), run again up to `_RACE_ATTEMPTS`
    times when PostgreSQL aborts it to break a deadlock; `lost()` (default 409 SLOT_TAKEN) when it loses
    every time. Two bookings of one doctor written at the same moment can each wait for the other inside the
    overlap check; one of them is then aborted, and on its next try it sees the winner."""
    for attempt in range(1, _RACE_ATTEMPTS + 1):
        try:
            return write()
        except OperationalError as exc:
            if not _lost_race(exc):
                raise
            if attempt == _RACE_ATTEMPTS:
                raise (lost or _slot_taken)() from exc
    raise AssertionError("unreachable")


def _busy_retry() -> Conflict:
    return Conflict(
        [FieldError("", "TRY_AGAIN", "Other bookings were being made at the same moment: please try again.")]
    )


def hold(req: HoldRequest, *, actor: Actor, now: datetime | None = None) -> Appointment:
    """Hold a slot for a while: 422 SLOT_NOT_AVAILABLE unless bookable, 409 SLOT_TAKEN if someone won."""
    _check_request(req)
    return _retrying_races(lambda: _hold(req, actor, now or utcnow()))


def _hold(req: HoldRequest, actor: Actor, now: datetime) -> Appointment:
    """`hold`'s transaction."""
    _, busy_start, busy_end = _busy_span(req.appointment_type, req.starts_at)
    with transaction.atomic():
        _check_hold_limit(req, now)
        if req.appointment_type.daily_cap is not None:
            lock_schedule(req.doctor)  # the cap counts a whole day: serialise this doctor's capped holds
        expire_stale_holds(now=now, doctor=req.doctor, overlapping=(busy_start, busy_end))
        start = availability.bookable_start(req.doctor, req.appointment_type, req.starts_at, req.scope, now)
        if start is None:
            if availability.taken_start(req.doctor, req.appointment_type, req.starts_at, req.scope, now):
                raise _slot_taken()
            raise _not_available()
        place = _place_or_required(req, start)
        a = _new_hold(req, place, actor, now)
        with _slot_taken_on_overlap():
            _insert_with_event(a, "held", actor)
        _claim_resources(a, now)
    return a


# --- the hold's fast path -----------------------------------------------------------------------------------


def fast_booking() -> bool:
    """Whether holds and confirms try their fast path first (`MEDIC_FAST_BOOKING`, on unless set False: the
    benchmark turns it off to measure the full path alone)."""
    return bool(getattr(settings, "MEDIC_FAST_BOOKING", True))


def fast_hold(
    user: AnyUser,
    *,
    doctor_id: uuid.UUID,
    appointment_type_id: uuid.UUID,
    starts_at: datetime,
    location_id: uuid.UUID | None = None,
    room_id: uuid.UUID | None = None,
    consultation_mode: str | None = None,
    patient_id: uuid.UUID | None = None,
    now: datetime | None = None,
    read: Callable[[], selectors.HoldFacts | None] | None = None,
) -> Appointment | None:
    """The common hold, cheaply: a patient holding for themself a service that needs no resource and has no
    daily cap. Two round trips: one read outside any transaction (`selectors.hold_facts`: the service with
    its doctor, clinic and what decides the path, the patient, this day's time off, openings and closures,
    the live bookings in the way); then one transaction sent at once (`_insert_hold_if_free`: the patient
    locked, the appointment with its audit event inserted only while the patient is under the hold limit).
    A request that loses to a booking already made costs the read alone.

    The start is checked against the doctor's weekly rules cached by schedule version (`_rules_for`) plus the
    day's exceptions read live, by the engine itself (`availability.start_in_rules`), with the notice, advance
    window, buffers and place as `hold` applies them. A booking already in the way answers without an insert;
    one made meanwhile makes the exclusion constraints skip it (`_insert_hold_if_free`), and is looked up.

    It holds, or answers 409 SLOT_TAKEN when another live booking's own time is in the way. None hands the
    request to the full path (`hold_request_for` + `hold`), which answers every other case exactly as before,
    errors included: the fast path is off; the caller books for someone else or acts for the doctor; a room,
    a location the doctor does not work at, or an unknown mode is asked for; the service needs a resource or
    has a daily cap; the patient is at their hold limit or may not see a private clinic; the start is not
    bookable or its place is ambiguous; a hold that ran out or only a buffer is in the way; a deadlock.
    Nothing is written in any of those cases.

    `read`: the caller's `hold_facts` for this user and these fields, already read (the booking API's fast
    lane reads them with the sign-in).
    """
    if not fast_booking() or not user.is_authenticated or not user.is_active or user.is_superuser:
        return None
    if room_id is not None:
        return None
    now = now or utcnow()
    a: Appointment | None = None
    taken = False
    try:
        # No transaction around the read: nothing is locked until the write, which locks the patient first
        # (`_insert_hold_if_free`), so a request that loses costs one round trip.
        if read is None:
            facts = selectors.hold_facts(user.pk, doctor_id, appointment_type_id, starts_at)
        else:
            facts = read()
        if facts is None:
            return None  # no such service: the full path says which id is unknown
        service, patient = facts.service, facts.patient
        if service.daily_cap is not None or facts.needs_resources:
            return None
        doctor = service.doctor
        if user.pk in facts.staff_user_ids or doctor.user_id == user.pk:
            return None  # they act for the doctor: they book for a patient they name
        locations = facts.doctor_location_ids
        if location_id is not None and location_id not in locations:
            return None
        if (
            consultation_mode is not None
            and service.consultation_modes
            and (consultation_mode not in service.consultation_modes)
        ):
            return None
        if patient is None or patient_id not in (None, patient.pk):
            return None
        clinic = doctor.clinic
        if not clinic.is_public and patient.clinic_id != clinic.pk:
            return None  # whether a private clinic is open to them: `can_browse_clinic` says
        location = Location(pk=location_id) if location_id else None
        req = HoldRequest(doctor, service, starts_at, patient, location, None, consultation_mode)
        start = availability.start_in_rules(
            doctor,
            service,
            starts_at,
            req.scope,
            now,
            rules=_rules_for(doctor.pk, req.scope, facts.schedule_version),
            live=_live_inputs(facts, req.scope, starts_at),
            doctor_locations=locations,
        )
        if start is None or start.place is None or start.place.missing:
            return None
        if facts.in_the_way:
            # Lost to a booking already made: 409 without an insert the constraints would refuse; or a
            # hold that ran out, or only a buffer, is in the way: the full path's.
            ends_at = starts_at + timedelta(minutes=service.duration_minutes)
            taken = _taken_in(facts.in_the_way, starts_at, ends_at, now)
        else:
            actor = Actor(ActorType.PATIENT, patient.pk)
            a = _new_hold(req, start.place, actor, now)
            outcome = _insert_hold_if_free(a, actor, clinic, now)
            if outcome == "at the limit":
                return None  # the full path says so
            if outcome == "in the way":  # a booking made since the read: the same decision, read again
                taken, a = _taken_by_another(a, now), None
    except OperationalError as exc:
        if _lost_race(exc):
            return None
        raise
    except IntegrityError:
        # A row the write refers to went away since the read (the patient, the service): nothing was written
        # (the whole transaction rolled back), and the full path reads again and says what is missing.
        return None
    if taken:
        raise _slot_taken()
    return a


def _taken_by_another(a: Appointment, now: datetime) -> bool:
    """After the exclusion constraints kept `a` out: `_taken_in` the live bookings whose buffered time
    overlaps its own, read now."""
    found = selectors.bookings_in_the_way(a.doctor_id, a.busy_starts_at, a.busy_ends_at)
    return _taken_in(found, a.starts_at, a.ends_at, now)


def _taken_in(
    found: Sequence[selectors.Booked], starts_at: datetime, ends_at: datetime, now: datetime
) -> bool:
    """Of the live bookings whose buffered time overlaps that of a hold of [starts_at, ends_at) (`found`):
    whether one's own time overlaps the hold's (409 SLOT_TAKEN). False hands the request to the full path: a
    hold that has run out is in the way (the constraints still count it until it is marked expired, which
    the full path does), or only a buffer is (422 SLOT_NOT_AVAILABLE there)."""
    if any(status == Status.HELD and expiry is not None and expiry <= now for status, expiry, _, _ in found):
        return False
    return any(start < ends_at and end > starts_at for _, _, start, end in found)


def _live_inputs(facts: selectors.HoldFacts, scope: Scope, starts_at: datetime) -> ScheduleInputs:
    """The time off, openings and closures of `hold_facts` that apply to `scope`, as `schedule_inputs` gives
    them (rules aside: `_rules_for` keeps those)."""
    blocked: list[tuple[int, int]] = []
    blocked_keys: list[object] = []
    openings: list[Opening] = []
    places: dict[object, object] = {}
    for kind, start, end, interval, pk, row_scope in facts.exceptions:
        if not row_scope.applies_to_request(scope):
            continue
        if kind == AvailabilityException.Kind.BLOCKED:
            blocked.append((start, end))
            blocked_keys.append(pk)
        else:  # the database requires an opening's interval (CHECK)
            openings.append(Opening(start, end, cast(int, interval), key=pk))
            places[pk] = row_scope
    clinic = facts.service.doctor.clinic
    first, last = (starts_at - selectors.FACTS_SLACK).date(), (starts_at + selectors.FACTS_SLACK).date()
    calendar = Calendar(
        clinic.pk, clinic.timezone, clinic.holiday_country, clinic.holiday_subdivision, facts.closure_rows
    )
    closed = closure_spans(clinic.timezone, closures_of(calendar, first, last))
    return ScheduleInputs(
        windows_by_zone={},
        blocked=blocked,
        openings=openings,
        places=places,
        blocked_keys=blocked_keys,
        closed=[(s, e) for s, e, _ in closed],
        closed_keys=[c for _, _, c in closed],
    )


_RULES_TTL = 60.0  # seconds: the most a rule written past the services (raw SQL, a shell) goes unseen here
_RULES_MAX = 4096
_rules_cache: dict[tuple[object, ...], tuple[float, ScheduleInputs]] = {}
_rules_lock = threading.Lock()


def _rules_for(doctor_id: uuid.UUID, scope: Scope, version: int | None) -> ScheduleInputs:
    """The doctor's weekly windows that apply to `scope`, with their places, as the engine reads them
    (`schedule_inputs`), kept in this process per schedule version: every save of the doctor's rules and
    breaks (the schedule editor, the API, the admin) bumps the version, so a changed schedule is read afresh
    at once; `_RULES_TTL` bounds how long a write that bypassed them could go unseen. Time off and openings
    are not kept (they are read live)."""
    key = (doctor_id, scope, version)
    clock = time.monotonic()
    with _rules_lock:
        cached = _rules_cache.get(key)
    if cached is not None and clock - cached[0] < _RULES_TTL:
        return cached[1]
    stored = rule_inputs([doctor_id], scope.request_filter())[doctor_id]
    window_keys = {w.key for windows in stored.windows_by_zone.values() for w in windows}
    rules = ScheduleInputs(
        windows_by_zone=stored.windows_by_zone,
        blocked=[],
        openings=[],
        places={k: v for k, v in stored.places.items() if k in window_keys},
    )
    with _rules_lock:
        if len(_rules_cache) >= _RULES_MAX:
            _rules_cache.clear()
        _rules_cache[key] = (clock, rules)
    return rules


# --- writes of one statement --------------------------------------------------------------------------------


@functools.cache
def _insert_template(model: type[Model]) -> tuple[str, str, tuple[Field, ...]]:
    """(`INSERT INTO t (…)`, its one row's placeholders, the fields in order): every stored field, written
    once per model rather than compiled by the ORM on every request."""
    fields = tuple(f for f in model._meta.local_concrete_fields if not f.generated)
    names = ", ".join(f'"{f.column}"' for f in fields)
    head = f'INSERT INTO "{model._meta.db_table}" ({names})'
    return head, ", ".join(["%s"] * len(fields)), fields


def _insert_values(obj: Model) -> list[Any]:
    """The values Django's own INSERT of `obj` would send (its defaults and auto_now values filled in).

    A value that Django would send unchanged to PostgreSQL (a str of a text field, a UUID of a uuid or
    foreign key field, an aware datetime, an int, a bool, a date, a NULL of a field that is not JSON) is
    taken as it is: `Field.get_db_prep_save` was an eighth of a hold's Python time. Anything else goes
    through it (`test_insert_values` compares the two)."""
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: `connection` is a thread-local lookup per use
    out = []
    for field, attname, stamped, passes in _insert_plan(type(obj)):
        value = field.pre_save(obj, True) if stamped else getattr(obj, attname)
        kind = type(value)
        if (value is None and passes) or (
            kind in passes and (kind is not datetime or value.tzinfo is not None)
        ):
            out.append(value)
        else:
            out.append(field.get_db_prep_save(value, connection=db))
    return out


@functools.cache
def _insert_plan(model: type[Model]) -> tuple[tuple[Field, str, bool, frozenset[type]], ...]:
    """Per stored field of `model`, in `_insert_template` order: the field, its attribute, whether `pre_save`
    sets it (auto_now, auto_now_add), and the value types Django's PostgreSQL backend sends unchanged."""
    plan = []
    for field in _insert_template(model)[2]:
        target = field.target_field if isinstance(field, ForeignKey) else field
        passes: frozenset[type] = frozenset()
        for kind, types in _PASSING:
            if type(target) is kind:
                passes = types
        stamped = bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
        plan.append((field, field.attname, stamped, passes))
    return tuple(plan)


# Field classes (exactly these, not subclasses) whose prepared value, on PostgreSQL, is the value itself for
# these Python types; see `_insert_values`.
_PASSING: tuple[tuple[type[Field], frozenset[type]], ...] = (
    (models.CharField, frozenset({str})),
    (models.TextField, frozenset({str})),
    (models.UUIDField, frozenset({uuid.UUID})),
    (models.DateTimeField, frozenset({datetime})),
    (models.DateField, frozenset({date})),
    (models.IntegerField, frozenset({int})),
    (models.PositiveIntegerField, frozenset({int})),
    (models.PositiveSmallIntegerField, frozenset({int})),
    (models.SmallIntegerField, frozenset({int})),
    (models.BooleanField, frozenset({bool})),
)


def _saved(*objs: Model) -> None:
    for obj in objs:
        obj._state.adding, obj._state.db = False, DEFAULT_DB_ALIAS


def _insert_with_event(a: Appointment, kind: str, actor: Actor) -> None:
    """INSERT the new appointment and its audit event in one statement: one round trip, atomic by itself
    (the event's foreign key is checked at the statement's end, when the appointment is there)."""
    event = _event_for_new(a, kind, actor)
    insert, values, _ = _insert_template(Appointment)
    log, log_values, _ = _insert_template(AppointmentEvent)
    with rows.prepared_cursor() as cursor:
        cursor.execute(
            f'WITH appointment AS ({insert} SELECT {values} RETURNING "id") '  # noqa: S608 - our own tables
            f"{log} SELECT {log_values} FROM appointment",
            [*_insert_values(a), *_insert_values(event)],
        )
    _saved(a, event)


HoldInsert = Literal["held", "at the limit", "in the way"]


@functools.cache
def _lock_patient_sql() -> str:
    """Locks a patient row: the fast hold's first statement, so that its count of their holds runs after."""
    return f'SELECT 1 FROM "{Patient._meta.db_table}" WHERE "id" = %s FOR NO KEY UPDATE'  # noqa: S608


def _insert_hold_if_free(a: Appointment, actor: Actor, clinic: Clinic, now: datetime) -> HoldInsert:
    """The fast hold's write: `_insert_with_event` for the hold `a`, but only while its patient holds fewer
    live slots with the clinic's doctors than the clinic allows, and only if no live booking is in the way.

    One transaction in one round trip (`rows.pipelined_transaction`): the patient row is locked, then one
    statement counts the patient's live holds (its snapshot is taken after the lock, so two holds of one
    patient are counted one after the other) and inserts the hold with its audit event. The exclusion
    constraints' refusal comes back as "in the way" instead of an error, so the transaction commits (a
    rollback would make psycopg drop the connection's prepared statements)."""
    event = _event_for_new(a, "held", actor)
    lock, cursor = rows.prepared_cursor(), rows.prepared_cursor()
    with lock, cursor:
        with rows.pipelined_transaction():
            lock.execute(_lock_patient_sql(), [a.patient_id])
            cursor.execute(
                _hold_insert_sql(),
                [
                    a.patient_id,
                    clinic.pk,
                    now,
                    clinic.max_holds_per_patient,
                    *_insert_values(a),
                    *_insert_values(event),
                ],
            )
        row = cursor.fetchone()
    allowed, logged = bool(row[0]), int(row[1])
    if not allowed:
        return "at the limit"
    if not logged:
        return "in the way"
    _saved(a, event)
    return "held"


@functools.cache
def _hold_insert_sql() -> str:
    """`_insert_hold_if_free`'s statement, built once per process from the models' tables and columns."""
    insert, values, _ = _insert_template(Appointment)
    log, log_values, _ = _insert_template(AppointmentEvent)
    return (
        f'WITH allowed AS (SELECT (SELECT count(*) FROM "{Appointment._meta.db_table}" h'  # noqa: S608
        f' JOIN "{Doctor._meta.db_table}" d ON d."id" = h."doctor_id"'
        # The status spelled out, not a parameter: the plan, made once for any parameters, can then use the
        # partial index of live holds instead of reading all of the patient's appointments.
        f' WHERE h."patient_id" = %s AND d."clinic_id" = %s AND h."status" = \'{Status.HELD}\''
        ' AND h."hold_expires_at" > %s) < %s AS "ok"), '
        f'appointment AS ({insert} SELECT {values} FROM allowed WHERE allowed."ok" '
        'ON CONFLICT DO NOTHING RETURNING "id"), '
        f"logged AS ({log} SELECT {log_values} FROM appointment RETURNING 1) "
        'SELECT allowed."ok", (SELECT count(*) FROM logged) FROM allowed'
    )


def _event_for_new(a: Appointment, kind: str, actor: Actor) -> AppointmentEvent:
    return AppointmentEvent(
        appointment=a, kind=kind, actor_type=actor.type, actor_id=actor.id, before=None, after=snapshot(a)
    )


@dataclass(frozen=True, slots=True)
class _Change:
    """The pieces of a one-statement UPDATE of an appointment with its audit event (`_change_of`)."""

    assignments: str  # `"col" = %s, …` of the changed fields and `updated_at`
    values: list[Any]  # their values, in that order
    event: AppointmentEvent  # the audit event, not saved yet
    log: str  # `INSERT INTO <events> (…)`
    log_values: str  # the event's placeholders


def _change_of(a: Appointment, fields: list[str], kind: str, actor: Actor, before: dict) -> _Change:
    """What UPDATEs `fields` (and `updated_at`, auto_now) of `a` as it now stands, and its audit event."""
    changed = [cast(Field, a._meta.get_field(name)) for name in [*fields, "updated_at"]]
    event = AppointmentEvent(
        appointment=a, kind=kind, actor_type=actor.type, actor_id=actor.id, before=before, after=snapshot(a)
    )
    log, log_values, _ = _insert_template(AppointmentEvent)
    return _Change(
        assignments=", ".join(f'"{f.column}" = %s' for f in changed),
        values=[f.get_db_prep_save(f.pre_save(a, False), connection=connection) for f in changed],
        event=event,
        log=log,
        log_values=log_values,
    )


def _update_with_event(a: Appointment, fields: list[str], kind: str, actor: Actor, before: dict) -> None:
    """UPDATE `fields` (and `updated_at`) of `a`, locked by the caller, and INSERT its audit event, in one
    statement."""
    c = _change_of(a, fields, kind, actor, before)
    with rows.prepared_cursor() as cursor:
        cursor.execute(
            f'WITH changed AS (UPDATE "{Appointment._meta.db_table}" SET {c.assignments} WHERE "id" = %s) '  # noqa: S608
            f"{c.log} VALUES ({c.log_values})",
            [*c.values, a.pk, *_insert_values(c.event)],
        )
    _saved(c.event)


def _new_hold(req: HoldRequest, place: availability.Place, actor: Actor, now: datetime) -> Appointment:
    """The held appointment `req` asks for, where and how `place` says (not saved yet): both paths' hold."""
    ends_at, busy_start, busy_end = _busy_span(req.appointment_type, req.starts_at)
    return Appointment(
        doctor=req.doctor,
        patient=req.patient,
        appointment_type=req.appointment_type,
        location_id=place.location_id,
        room_id=req.room.pk if req.room else place.room_id,
        consultation_mode=place.consultation_mode,
        starts_at=req.starts_at,
        ends_at=ends_at,
        busy_starts_at=busy_start,
        busy_ends_at=busy_end,
        status=Status.HELD,
        hold_expires_at=now + timedelta(minutes=hold_minutes()),
        patient_timezone=req.patient.timezone,
        doctor_timezone=req.doctor.effective_timezone,
        created_by_type=actor.type,
        created_by_id=actor.id,
    )


def _check_hold_limit(req: HoldRequest, now: datetime) -> None:
    """422 HOLD_LIMIT when the patient already holds as many slots with this clinic's doctors as the clinic
    allows (whoever made the holds), so nobody can hoard a diary. In the caller's transaction: the patient's
    row stays locked until it ends, so two holds at once are counted one after the other."""
    Patient.objects.select_for_update(no_key=True).filter(pk=req.patient.pk).values_list("pk").get()
    clinic = req.doctor.clinic
    if _live_holds(req.patient, clinic, now) >= clinic.max_holds_per_patient:
        raise ValidationFailed(
            [
                FieldError(
                    "",
                    "HOLD_LIMIT",
                    f"At most {clinic.max_holds_per_patient} slots may be held at once at {clinic.name}: "
                    "confirm or cancel a hold first.",
                )
            ]
        )


def _live_holds(patient: Patient, clinic: Clinic, now: datetime) -> int:
    """How many slots `patient` holds with `clinic`'s doctors right now (call with the patient locked)."""
    return Appointment.objects.filter(
        patient=patient, doctor__clinic=clinic, status=Status.HELD, hold_expires_at__gt=now
    ).count()


_PLACE_MISSING = {
    "doctorLocationId": "The doctor works at several locations then: choose where the appointment is.",
    "consultationMode": "This service can be held in several ways: choose in person, video or phone.",
}


def _place_or_required(req: HoldRequest, start: availability.Start) -> availability.Place:
    """Where and how the booking is held: what the request says, else what the slot's rule says; 422
    REQUIRED at each field the schedule leaves ambiguous, so nothing is ever booked "nowhere"."""
    place = start.place
    assert place is not None  # bookable_start always places its start
    if place.missing:
        raise ValidationFailed([FieldError(path, "REQUIRED", _PLACE_MISSING[path]) for path in place.missing])
    return place


def _locked(a: Appointment) -> Appointment:
    """The appointment row, locked for this transaction. Only that row (`of=self`): locking the joined
    doctor, service and clinic too would queue every change in a clinic behind one row and deadlock with
    concurrent holds' foreign-key checks. `no_key`: we never change its key, so inserts referencing it
    (events, claims) need not wait."""
    return (
        Appointment.objects.select_for_update(of=("self",), no_key=True)
        .select_related("appointment_type", "doctor__clinic", "patient")
        .get(pk=a.pk)
    )


def _wrong_status(a: Appointment, action: str) -> Conflict:
    return Conflict(
        [
            FieldError(
                "",
                "INVALID_STATUS",
                f"This appointment is {a.get_status_display().lower()}: it cannot be {action}.",
            )
        ]
    )


def confirm(a: Appointment, *, actor: Actor, now: datetime | None = None) -> Appointment:
    """held → confirmed; an expired hold is 410 HOLD_EXPIRED (and is recorded as expired). The status change
    is checked against the overlap constraints again, so it can deadlock with a booking being written over
    the same time: it is then run again (`_retrying_races`)."""
    at = now or utcnow()

    def write() -> tuple[Appointment, bool]:
        with transaction.atomic():
            locked = _locked(a)
            return locked, _confirm_locked(locked, actor, at)

    confirmed, expired = _retrying_races(write, lost=_busy_retry)
    if expired:
        raise _hold_expired()
    return confirmed


def confirm_own_hold(
    user: AnyUser,
    appointment_id: uuid.UUID,
    *,
    now: datetime | None = None,
    read: Callable[[], selectors.OwnAppointment | None] | None = None,
) -> Appointment | None:
    """The fast path of a patient confirming their own hold: one read (the appointment with what confirming
    needs to know), then one statement that confirms it, logs the audit event and queues the notices, and
    only if the row is still exactly as read. No transaction to open and close, no lock held in between.

    None hands the request to the full path (the view's `_get` + `confirm`), which answers as before: the
    fast path is off; `user` is not the appointment's patient (staff, its doctor, anyone else, or no such
    appointment) or also acts for its doctor; the hold ran out (410, recorded as expired), is no hold (409),
    or the patient must verify their email first (422); or the row changed between the read and the write.

    `read`: the caller's `own_appointment` for this user and id, already read (as `fast_hold`'s)."""
    if not fast_booking() or not user.is_authenticated or user.is_superuser:
        return None
    now = now or utcnow()
    own = selectors.own_appointment(user.pk, appointment_id) if read is None else read()
    if own is None or user.pk in own.staff_user_ids or own.appointment.doctor.user_id == user.pk:
        return None
    a = own.appointment
    if a.status == Status.CONFIRMED:
        return a  # confirming twice is harmless
    if a.status != Status.HELD or a.hold_ran_out(now) or own.needs_verification:
        return None
    read_at, before = a.updated_at, snapshot(a)
    a.status, a.confirmed_at = Status.CONFIRMED, now
    if not _confirm_as_read(a, read_at, now, before, own.notice_version):
        return None
    return a


def _confirm_as_read(
    a: Appointment, read_at: datetime, now: datetime, before: dict[str, Any], version: int
) -> bool:
    """held → confirmed for `a` (its new values set), its audit event and its notices, in one statement that
    changes nothing unless the row is still the live hold that was read (same `updated_at`, still held, not
    run out). Whether it changed."""
    actor = Actor(ActorType.PATIENT, a.patient_id)
    c = _change_of(a, ["status", "confirmed_at"], "confirmed", actor, before)
    jobs = notifications.notice_jobs_param(a, "confirmed", actor.type, version)
    queue = ""
    if jobs is not None:  # the notices, queued with the change (procrastinate's own function)
        queue = f", queued AS (SELECT {notifications.QUEUE_JOBS_SQL} FROM changed)"  # noqa: S608
    sql = (
        f'WITH changed AS (UPDATE "{Appointment._meta.db_table}" SET {c.assignments}'  # noqa: S608 - our tables
        ' WHERE "id" = %s AND "status" = %s AND "hold_expires_at" > %s AND "updated_at" = %s RETURNING "id"),'
        f" logged AS ({c.log} SELECT {c.log_values} FROM changed){queue}"
        f" SELECT 1 FROM changed{', queued' if jobs is not None else ''}"
    )
    params = [*c.values, a.pk, Status.HELD, now, read_at, *_insert_values(c.event)]
    if jobs is not None:
        params.append(jobs)

    def write() -> bool:
        with rows.prepared_cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() is not None

    try:
        done = _retrying_races(write, lost=_busy_retry)  # a deadlock in the overlap check, as `confirm`
    except ValidationFailed:
        return False  # lost every time: the full path tries again
    if done:
        _saved(c.event)
    return done


def _confirm_locked(a: Appointment, actor: Actor, now: datetime) -> bool:
    """Confirm `a` (locked by the caller's transaction); True when its hold had run out instead: then it is
    recorded as expired, and the caller answers 410 once that is committed."""
    if a.status == Status.CONFIRMED:
        return False  # confirming twice is harmless
    if a.hold_ran_out(now):
        _expire(a, now)  # recorded even though the request fails: hence no exception inside the transaction
        return True
    if not can_transition(a.status, Status.CONFIRMED):
        raise _wrong_status(a, "confirmed")
    if actor.type == ActorType.PATIENT and patient_needs_verification(a.patient):
        raise ValidationFailed(
            [
                FieldError(
                    "",
                    "EMAIL_NOT_VERIFIED",
                    "Verify your email address first: open the link we sent you, then confirm.",
                )
            ]
        )
    before = snapshot(a)
    a.status, a.confirmed_at = Status.CONFIRMED, now
    _update_with_event(a, ["status", "confirmed_at"], "confirmed", actor, before)
    notifications.notify_after_commit(a, "confirmed", actor.type)
    return False


def _hold_expired() -> Gone:
    return Gone(
        [FieldError("", "HOLD_EXPIRED", "The hold ran out before it was confirmed; hold the slot again.")]
    )


def patient_needs_verification(patient: Patient) -> bool:
    """A patient who signed up themselves (no registering clinic) confirms a booking only once their login's
    address is verified; a patient a clinic registered is vouched for by it, and logins from before
    verification existed were marked verified by their migration."""
    return (
        patient.clinic_id is None
        and patient.user_id is not None
        and User.objects.filter(pk=patient.user_id, email_verified_at__isnull=True).exists()
    )


def _check_patient_may_change(a: Appointment, actor: Actor, now: datetime, action: str) -> None:
    """422 TOO_LATE_TO_CHANGE when the patient cancels or moves a booking later than its service's
    cancellation notice allows. Staff and doctors are not limited, and a hold is not a booking yet."""
    if actor.type != ActorType.PATIENT or a.status == Status.HELD:
        return
    deadline = a.starts_at - timedelta(minutes=a.appointment_type.cancellation_notice_minutes)
    if now > deadline:
        raise ValidationFailed(
            [
                FieldError(
                    "",
                    "TOO_LATE_TO_CHANGE",
                    f"This booking could be {action} online until {_iso(deadline)}; please call the clinic.",
                )
            ]
        )


def cancel(a: Appointment, *, actor: Actor, reason: str = "", now: datetime | None = None) -> Appointment:
    """held/confirmed → cancelled, releasing its time and seats; the actor and reason are recorded. A patient
    may cancel a booking only until its service's cancellation notice (422 TOO_LATE_TO_CHANGE)."""
    now = now or utcnow()
    with transaction.atomic():
        a = _locked(a)
        if a.status == Status.CANCELLED:
            return a
        if not can_transition(a.status, Status.CANCELLED):
            raise _wrong_status(a, "cancelled")
        _check_patient_may_change(a, actor, now, "cancelled")
        before = snapshot(a)
        a.status, a.cancelled_at, a.cancel_reason = Status.CANCELLED, now, reason
        a.cancelled_by_type, a.cancelled_by_id = actor.type, actor.id
        a.save(
            update_fields=[
                "status",
                "cancelled_at",
                "cancel_reason",
                "cancelled_by_type",
                "cancelled_by_id",
                "updated_at",
            ]
        )
        _release_claims(a, now)
        _event(a, "cancelled", actor, before)
        notifications.notify_after_commit(a, "cancelled", actor.type)
    return a


def reschedule(
    a: Appointment, *, actor: Actor, starts_at: datetime, now: datetime | None = None
) -> Appointment:
    """Move to another slot atomically: the new time is checked by the same constraint, and the old time is
    given up only if the new one is taken (one UPDATE of the row). A patient may move a booking only until
    its service's cancellation notice (422 TOO_LATE_TO_CHANGE)."""
    return _retrying_races(lambda: _reschedule(a, actor, starts_at, now or utcnow()))


def _reschedule(a: Appointment, actor: Actor, starts_at: datetime, now: datetime) -> Appointment:
    """`reschedule`'s transaction."""
    with transaction.atomic():
        a = _locked(a)
        if not can_reschedule(a.status):
            raise _wrong_status(a, "rescheduled")
        if a.hold_ran_out(now):
            raise Gone([FieldError("", "HOLD_EXPIRED", "The hold ran out; hold a new slot instead.")])
        _check_patient_may_change(a, actor, now, "moved")
        req = HoldRequest(
            a.doctor, a.appointment_type, starts_at, a.patient, a.location, a.room, a.consultation_mode
        )
        _check_request(req)  # the service may have been retired, or the location unlinked, since booking
        if a.appointment_type.daily_cap is not None:
            lock_schedule(a.doctor)
        ends_at, busy_start, busy_end = _busy_span(a.appointment_type, starts_at)
        expire_stale_holds(now=now, doctor=a.doctor, overlapping=(busy_start, busy_end))
        if not availability.is_bookable(
            req.doctor, req.appointment_type, req.starts_at, req.scope, now, leave_out=a.pk
        ):
            if availability.taken_start(
                req.doctor, req.appointment_type, req.starts_at, req.scope, now, leave_out=a.pk
            ):
                raise _slot_taken()
            raise _not_available()
        before = snapshot(a)
        a.starts_at, a.ends_at, a.busy_starts_at, a.busy_ends_at = starts_at, ends_at, busy_start, busy_end
        a.rescheduled_at, a.rescheduled_by_type, a.rescheduled_by_id = now, actor.type, actor.id
        a.outside_hours = False  # the new time is a bookable one
        with _slot_taken_on_overlap():
            a.save(
                update_fields=[
                    "starts_at",
                    "ends_at",
                    "busy_starts_at",
                    "busy_ends_at",
                    "rescheduled_at",
                    "rescheduled_by_type",
                    "rescheduled_by_id",
                    "outside_hours",
                    "updated_at",
                ]
            )
        _release_claims(a, now)
        _claim_resources(a, now)
        _event(a, "rescheduled", actor, before)
        notifications.notify_after_commit(a, "rescheduled", actor.type)
    return a


def keep_outside_hours(appointments: Iterable[Appointment], *, actor: Actor) -> list[Appointment]:
    """Mark live appointments that a schedule change leaves outside bookable time as kept there on purpose
    (one audit event each), inside the caller's transaction."""
    kept = []
    for a in appointments:
        a = _locked(a)
        if a.outside_hours or a.status not in ACTIVE_STATUSES:
            continue
        before = snapshot(a)
        a.outside_hours = True
        a.save(update_fields=["outside_hours", "updated_at"])
        _event(a, "kept_outside_hours", actor, before)
        kept.append(a)
    return kept


def check_in(a: Appointment, *, actor: Actor, now: datetime | None = None) -> Appointment:
    """confirmed → checked_in: the patient has arrived (doctor or staff); the time stays taken."""
    now = now or utcnow()
    with transaction.atomic():
        a = _locked(a)
        if a.status == Status.CHECKED_IN:
            return a
        if not can_transition(a.status, Status.CHECKED_IN):
            raise _wrong_status(a, "checked in")
        before = snapshot(a)
        a.status, a.checked_in_at = Status.CHECKED_IN, now
        a.save(update_fields=["status", "checked_in_at", "updated_at"])
        _event(a, "checked_in", actor, before)
    return a


FINISHED = (Status.COMPLETED, Status.NO_SHOW)


def finish(a: Appointment, *, actor: Actor, outcome: Status, now: datetime | None = None) -> Appointment:
    """checked_in → completed, confirmed → no_show, once it has started (doctor or staff)."""
    if outcome not in FINISHED:
        raise ValueError(f"finish() closes an appointment as one of {FINISHED}, not {outcome!r}")
    now = now or utcnow()
    with transaction.atomic():
        a = _locked(a)
        if a.status == outcome:
            return a
        if not can_transition(a.status, outcome):
            raise _wrong_status(a, "marked " + outcome.replace("_", "-"))
        if a.starts_at > now:
            raise ValidationFailed(
                [FieldError("", "NOT_STARTED", "Only an appointment that has started can be closed.")]
            )
        before = snapshot(a)
        a.status = outcome
        a.save(update_fields=["status", "updated_at"])
        _event(a, outcome, actor, before)
    return a
