"""The demo clinic's working diary for `seed_demo`: weekly hours for both demo doctors and a realistic spread
of appointments over the coming two weeks, so a newcomer's first screen is a working clinic.

Kept apart from `medic.clinic.demo` (the directory): the tests' `demo` fixture loads only the directory and
makes its own hours and bookings. Idempotent: hours are written only for a doctor without any, and the
appointments only when the doctor has none from the seed in the coming two weeks.
"""

from __future__ import annotations

import random
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from appointments import availability, notifications, services
from appointments.availability.engine import sourced_slots
from appointments.models import ActorType, Appointment, AppointmentEvent, Status
from medic.clinic.models import AppointmentType, Clinic, Doctor, Location, Patient
from medic.errors import ValidationFailed
from scheduling.models import AvailabilityException, ScheduleRule, ScheduleRuleBreak
from scheduling.scope import Scope
from scheduling.selectors import schedule_inputs

SEED_NOTE = "demo diary"  # the cancel reason and exception source that mark what the seed made
PATIENTS = [
    ("Maria Papadopoulou", "+30 210 555 0101", "maria.p@example.org", date(1984, 3, 12)),
    ("Giorgos Nikolaou", "+30 694 555 0102", "", date(1971, 11, 2)),
    ("Sofia Konstantinou", "+30 210 555 0103", "sofia.k@example.org", date(1995, 6, 25)),
    ("Dimitris Alexiou", "+30 697 555 0104", "", date(1960, 1, 30)),
    ("Katerina Vlachou", "+30 210 555 0105", "katerina.v@example.org", date(2001, 9, 14)),
    ("Yannis Christou", "+30 693 555 0106", "", None),
    ("Eleni Markou", "+30 210 555 0107", "eleni.m@example.org", date(1988, 4, 8)),
    ("Petros Ioannou", "+30 698 555 0108", "", date(1979, 12, 19)),
]


def _t(hhmm: str) -> time:
    h, m = map(int, hhmm.split(":"))
    return time(h, m)


def _hours(
    doctor: Doctor,
    days: list[int],
    start: str,
    end: str,
    *,
    location: Location | None = None,
    pause: tuple[str, str, str] | None = None,
) -> None:
    for day in days:
        rule = ScheduleRule.objects.create(
            doctor=doctor,
            timezone=doctor.effective_timezone,
            location=location,
            day_of_week=day,
            work_start_local=_t(start),
            work_end_local=_t(end),
            slot_interval_minutes=15 if doctor.appointment_types.filter(duration_minutes=15).exists() else 30,
        )
        if pause:
            ScheduleRuleBreak.objects.create(
                rule=rule, break_start_local=_t(pause[0]), break_end_local=_t(pause[1]), label=pause[2]
            )


def _weekly_hours(first: Doctor, second: Doctor, central: Location, north: Location) -> None:
    """Split shifts, a break and a Saturday for each demo doctor (only if they have no hours yet)."""
    if not ScheduleRule.objects.filter(doctor=first).exists():
        weekdays = [1, 2, 3, 4, 5]
        _hours(first, weekdays, "09:00", "13:00", location=central, pause=("11:00", "11:15", "Coffee"))
        _hours(first, [1, 3], "16:00", "20:00", location=north)
        _hours(first, [6], "10:00", "14:00", location=central)
    if not ScheduleRule.objects.filter(doctor=second).exists():
        _hours(second, [1, 2, 3, 4], "10:00", "14:00", pause=("12:00", "12:30", "Lunch"))
        _hours(second, [2, 4], "15:00", "18:00")
        _hours(second, [6], "09:00", "12:00")


def _patients(clinic: Clinic) -> list[Patient]:
    out = []
    for name, phone, email, born in PATIENTS:
        patient, _ = Patient.objects.get_or_create(
            full_name=name,
            clinic=clinic,
            defaults={"phone": phone, "email": email, "date_of_birth": born, "timezone": clinic.timezone},
        )
        out.append(patient)
    return out


def _book(
    doctor: Doctor, service: AppointmentType, start: datetime, patient: Patient, now: datetime
) -> Appointment:
    """Hold and confirm through the services, so constraints and the audit log apply as for anyone
    (ValidationFailed when the time is no longer free)."""
    place = availability.bookable_start(doctor, service, start, Scope(appointment_type_id=service.pk), now)
    if place is None or place.place is None:  # taken by an earlier pick of another service
        raise ValidationFailed([])
    mode = place.place.consultation_mode or (service.consultation_modes or ["in_person"])[0]
    location = (
        Location.objects.get(pk=place.place.location_id)
        if place.place.location_id
        else doctor.locations.order_by("name").first()
    )
    req = services.HoldRequest(doctor, service, start, patient, location, None, mode)
    staff = services.Actor(ActorType.STAFF, None)
    return services.confirm(services.hold(req, actor=staff, now=now), actor=staff, now=now)


def _earlier_today(
    doctor: Doctor, service: AppointmentType, patient: Patient, start: datetime, status: Status
) -> None:
    """A visit earlier today (checked in or completed): written as history, since no hold can be made in
    the past; its events say what happened."""
    end = start + timedelta(minutes=service.duration_minutes)
    if Appointment.objects.filter(doctor=doctor, starts_at__lt=end, ends_at__gt=start).exists():
        return
    a = Appointment.objects.create(
        doctor=doctor,
        patient=patient,
        appointment_type=service,
        location=doctor.locations.order_by("name").first(),
        consultation_mode="in_person",
        starts_at=start,
        ends_at=end,
        busy_starts_at=start,
        busy_ends_at=end,
        status=status,
        confirmed_at=start - timedelta(days=2),
        checked_in_at=start - timedelta(minutes=5) if status != Status.NO_SHOW else None,
        patient_timezone=patient.timezone,
        doctor_timezone=doctor.effective_timezone,
        created_by_type=ActorType.STAFF,
    )
    after = services.snapshot(a)
    kinds = {Status.CHECKED_IN: ["checked_in"], Status.COMPLETED: ["checked_in", "completed"]}.get(
        status, ["no_show"]
    )
    for kind in ("held", "confirmed", *kinds):
        AppointmentEvent.objects.create(
            appointment=a, kind=kind, actor_type=ActorType.STAFF, before=None, after=after
        )


def _diary(doctor: Doctor, patients: list[Patient], rng: random.Random, now: datetime) -> None:
    """About a sixth of each working day's times booked over the coming two weeks (every seventh booking
    cancelled, the next working day's first one a hold someone is still on), and the last working day's
    and today's earlier visits checked in, completed or missed."""
    if Appointment.objects.filter(doctor=doctor, starts_at__gte=now - timedelta(days=1)).exists():
        return
    zone = zoneinfo.ZoneInfo(doctor.effective_timezone)
    services_offered = list(doctor.appointment_types.filter(is_active=True).order_by("name"))
    today = now.astimezone(zone).date()
    _history(doctor, services_offered[0], patients, rng, now, zone)
    staff = services.Actor(ActorType.STAFF, None)
    made = 0
    held_one = False
    for offset in range(0, 14):
        day = today + timedelta(days=offset)
        for service in services_offered:
            starts = availability.for_doctor(
                doctor=doctor,
                appointment_type=service,
                scope=Scope(appointment_type_id=service.pk),
                zone=zone,
                first=day,
                last=day,
                now=now,
            )
            for picked in sorted(
                rng.sample(starts, k=min(len(starts), max(1, len(starts) // 6))), key=_start
            ):
                at = datetime.fromtimestamp(picked.start_utc, UTC)
                try:
                    booked = _book(doctor, service, at, rng.choice(patients), now)
                except ValidationFailed:
                    continue  # taken by an earlier pick of another service: leave it
                made += 1
                if not held_one:
                    # A receptionist mid-booking: the hold runs out in ten minutes (the sweep expires it).
                    Appointment.objects.filter(pk=booked.pk).update(
                        status=Status.HELD, confirmed_at=None, hold_expires_at=now + timedelta(minutes=10)
                    )
                    held_one = True
                elif made % 7 == 0:
                    services.cancel(booked, actor=staff, reason="Patient called to cancel")


def _start(s: availability.Start) -> int:
    return s.start_utc


def _history(
    doctor: Doctor,
    service: AppointmentType,
    patients: list[Patient],
    rng: random.Random,
    now: datetime,
    zone: zoneinfo.ZoneInfo,
) -> None:
    """Visits already past: on the last three days' working hours and earlier today."""
    lo = now - timedelta(days=3)
    stored = schedule_inputs([doctor.pk], Scope(appointment_type_id=service.pk).request_filter(), lo, now)
    spans = sourced_slots(
        stored[doctor.pk], doctor.effective_timezone, int(lo.timestamp()), int(now.timestamp())
    )
    past = sorted({s for s, _, _ in spans if s + service.duration_minutes * 60 <= now.timestamp()})
    for n, start in enumerate(rng.sample(past, k=min(len(past), 6))):
        status = (Status.COMPLETED, Status.COMPLETED, Status.NO_SHOW)[n % 3]
        _earlier_today(doctor, service, rng.choice(patients), datetime.fromtimestamp(start, zone), status)
    today = now.astimezone(zone).date()
    current = [s for s, _, _ in spans if s <= now.timestamp() < s + service.duration_minutes * 60]
    if current and datetime.fromtimestamp(current[0], zone).date() == today:
        _earlier_today(
            doctor, service, rng.choice(patients), datetime.fromtimestamp(current[0], zone), Status.CHECKED_IN
        )


@transaction.atomic
def seed_diary() -> None:
    """Weekly hours and a spread of appointments for the demo clinic (see the module's docstring)."""
    clinic = Clinic.objects.get(name="Demo Clinic")
    doctors = {d.user.email: d for d in Doctor.objects.filter(clinic=clinic).select_related("user", "clinic")}
    first, second = doctors["doctor@example.com"], doctors["doctor2@example.com"]
    central, north = (
        Location.objects.get(clinic=clinic, name="Central (Syntagma)"),
        Location.objects.get(clinic=clinic, name="North (Kifisia)"),
    )
    _weekly_hours(first, second, central, north)
    if not AvailabilityException.objects.filter(
        doctor=second, source=AvailabilityException.Source.STAFF
    ).exists():
        zone = zoneinfo.ZoneInfo(second.effective_timezone)
        day = timezone.now().astimezone(zone).date() + timedelta(days=9)
        AvailabilityException.objects.create(
            doctor=second,
            kind=AvailabilityException.Kind.BLOCKED,
            starts_at=datetime.combine(day, time(0), tzinfo=zone),
            ends_at=datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone),
            reason="Dermatology conference",
            source=AvailabilityException.Source.STAFF,
        )
    patients = _patients(clinic)
    now = timezone.now()
    rng = random.Random(7)  # noqa: S311 - a repeatable demo, not a secret
    with notifications.silenced():  # the demo's patients are not emailed about bookings they never made
        for doctor in (first, second):
            _diary(doctor, patients, rng, now)
