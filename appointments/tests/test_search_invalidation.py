"""Every kind of write that changes availability moves the doctor's stamp (database triggers), so the clinic
search's read model never answers from before it: bookings, cancellations, moves, rules, breaks, time off,
openings, clinic closures and service changes; and time alone frees a hold that ran out."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.db.models import F

from appointments import availability, selectors, services
from appointments.availability.baseline import earliest_across_baseline
from appointments.availability.search import stamps
from appointments.models import Appointment, Status
from appointments.services import SYSTEM, HoldRequest
from appointments.tests.factories import AppointmentFactory
from medic.clinic.models import AppointmentType, Clinic, ClinicClosure, Doctor
from medic.clinic.tests.factories import AppointmentTypeFactory, ClinicFactory, DoctorFactory, PatientFactory
from scheduling.models import AvailabilityException, ScheduleRule, ScheduleRuleBreak
from scheduling.tests.factories import AvailabilityExceptionFactory, ScheduleRuleFactory

ATHENS = zoneinfo.ZoneInfo("Europe/Athens")


@pytest.fixture
def day() -> date:
    return datetime.now(ATHENS).date() + timedelta(days=5)


@pytest.fixture
def clinic(db: None) -> Clinic:
    """A public clinic of two doctors, each offering a 30-minute Consultation (an hour's notice) 09:00–17:00
    every day."""
    clinic = ClinicFactory.create(is_public=True)
    for _ in range(2):
        doctor = DoctorFactory.create(clinic=clinic)
        AppointmentTypeFactory.create(
            doctor=doctor, name="Consultation", duration_minutes=30, min_notice_minutes=60
        )
        for dow in range(1, 8):
            ScheduleRuleFactory.create(doctor=doctor, day_of_week=dow, slot_interval_minutes=30)
    return clinic


def _doctor(clinic: Clinic) -> Doctor:
    return Doctor.objects.filter(clinic=clinic).order_by("pk").first()  # type: ignore[return-value]


def _consult(doctor: Doctor) -> AppointmentType:
    return AppointmentType.objects.get(doctor=doctor)


def _at(day: date, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime.combine(day, time(h, m), tzinfo=ATHENS)


def _starts(clinic: Clinic, day: date, now: datetime | None = None) -> list[str]:
    """The first doctor's starts on `day` ("HH:MM"), from the read model, checked against the baseline."""
    args = dict(
        types=selectors.services_offered(clinic, name="Consultation"),
        scope_location=None,
        consultation_mode=None,
        zone=ATHENS,
        first=day,
        last=day,
        limit=100,
        per_doctor=100,
        now=now,
    )
    got = availability.earliest_across(**args)  # type: ignore[arg-type]
    assert got == earliest_across_baseline(**args)  # type: ignore[arg-type]
    doctor = _doctor(clinic)
    return [
        f"{datetime.fromtimestamp(o.start.start_utc, ATHENS):%H:%M}" for o in got if o.doctor.pk == doctor.pk
    ]


def test_a_booking_takes_its_start_out(clinic: Clinic, day: date) -> None:
    assert "10:00" in _starts(clinic, day)
    doctor = _doctor(clinic)
    services.hold(
        HoldRequest(doctor, _consult(doctor), _at(day, "10:00"), PatientFactory.create()), actor=SYSTEM
    )
    assert "10:00" not in _starts(clinic, day)


def test_a_cancellation_gives_its_start_back(clinic: Clinic, day: date) -> None:
    doctor = _doctor(clinic)
    a = AppointmentFactory.create(appointment_type=_consult(doctor), starts_at=_at(day, "10:00"))
    assert "10:00" not in _starts(clinic, day)
    services.cancel(a, actor=SYSTEM)
    assert "10:00" in _starts(clinic, day)


def test_a_move_frees_the_old_start_and_takes_the_new(clinic: Clinic, day: date) -> None:
    doctor = _doctor(clinic)
    a = AppointmentFactory.create(appointment_type=_consult(doctor), starts_at=_at(day, "10:00"))
    assert "10:00" not in _starts(clinic, day)
    services.reschedule(a, actor=SYSTEM, starts_at=_at(day, "11:00"))
    starts = _starts(clinic, day)
    assert "10:00" in starts and "11:00" not in starts


def test_a_rule_save_reshapes_the_hours(clinic: Clinic, day: date) -> None:
    assert _starts(clinic, day)[0] == "09:00"
    ScheduleRule.objects.filter(doctor=_doctor(clinic)).update(work_start_local=time(12))
    assert _starts(clinic, day)[0] == "12:00"


def test_a_break_takes_its_starts_out(clinic: Clinic, day: date) -> None:
    assert "13:00" in _starts(clinic, day)
    rule = ScheduleRule.objects.get(doctor=_doctor(clinic), day_of_week=day.isoweekday())
    ScheduleRuleBreak.objects.create(rule=rule, break_start_local=time(13), break_end_local=time(14))
    assert "13:00" not in _starts(clinic, day)


def test_time_off_takes_its_starts_out_and_an_opening_adds(clinic: Clinic, day: date) -> None:
    doctor = _doctor(clinic)
    assert len(_starts(clinic, day)) == 16
    AvailabilityExceptionFactory.create(doctor=doctor, starts_at=_at(day, "09:00"), ends_at=_at(day, "12:00"))
    assert _starts(clinic, day)[0] == "12:00"
    AvailabilityExceptionFactory.create(
        doctor=doctor,
        kind=AvailabilityException.Kind.AVAILABLE,
        starts_at=_at(day, "18:00"),
        ends_at=_at(day, "19:00"),
        slot_interval_minutes=30,
    )
    assert _starts(clinic, day)[-1] == "18:30"


def test_a_clinic_closure_takes_the_day_out(clinic: Clinic, day: date) -> None:
    assert _starts(clinic, day)
    ClinicClosure.objects.create(clinic=clinic, date=day, name="Training day")
    assert _starts(clinic, day) == []


def test_a_service_change_applies_at_once(clinic: Clinic, day: date) -> None:
    assert "16:30" in _starts(clinic, day)
    AppointmentType.objects.filter(doctor=_doctor(clinic)).update(duration_minutes=60)
    starts = _starts(clinic, day)
    assert "16:30" not in starts and "16:00" in starts


def test_a_hold_that_runs_out_frees_its_time_without_any_write(clinic: Clinic, day: date) -> None:
    now = datetime.now(UTC)
    AppointmentFactory.create(
        appointment_type=_consult(_doctor(clinic)),
        starts_at=_at(day, "10:00"),
        status=Status.HELD,
        hold_expires_at=now + timedelta(minutes=10),
    )
    assert "10:00" not in _starts(clinic, day, now)
    assert "10:00" not in _starts(clinic, day, now + timedelta(minutes=9))
    assert "10:00" in _starts(clinic, day, now + timedelta(minutes=10))


def test_the_minimum_notice_catches_up_with_kept_starts(clinic: Clinic, day: date) -> None:
    now = _at(day, "08:50")
    assert _starts(clinic, day, now)[0] == "10:00"
    assert _starts(clinic, day, now + timedelta(minutes=11))[0] == "10:30"


def _appointment(doctor: Doctor) -> Appointment:
    return AppointmentFactory.create(appointment_type=_consult(doctor))


WRITES: dict[str, Callable[[Doctor], object]] = {
    "booking": _appointment,
    "status change": lambda d: Appointment.objects.filter(pk=_appointment(d).pk).update(
        status=Status.CANCELLED
    ),
    "move": lambda d: Appointment.objects.filter(pk=_appointment(d).pk).update(
        starts_at=F("starts_at") + timedelta(days=1),
        ends_at=F("ends_at") + timedelta(days=1),
        busy_starts_at=F("busy_starts_at") + timedelta(days=1),
        busy_ends_at=F("busy_ends_at") + timedelta(days=1),
    ),
    "appointment deleted": lambda d: _appointment(d).delete(),
    "rule added": lambda d: ScheduleRuleFactory.create(doctor=d),
    "rule changed": lambda d: ScheduleRule.objects.filter(doctor=d).update(slot_interval_minutes=15),
    "rule deleted": lambda d: ScheduleRule.objects.filter(doctor=d).delete(),
    "break added": lambda d: ScheduleRuleBreak.objects.create(
        rule=ScheduleRule.objects.filter(doctor=d).earliest("day_of_week"),
        break_start_local=time(12),
        break_end_local=time(13),
    ),
    "time off": lambda d: AvailabilityExceptionFactory.create(doctor=d),
    "time off changed": lambda d: AvailabilityException.objects.filter(
        pk=AvailabilityExceptionFactory.create(doctor=d).pk
    ).update(reason="Moved"),
    "moved to another clinic": lambda d: Doctor.objects.filter(pk=d.pk).update(clinic=ClinicFactory.create()),
    "raw SQL": lambda d: connection.cursor().execute(
        "UPDATE scheduling_schedulerule SET priority = priority + 1 WHERE doctor_id = %s", [d.pk]
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_each_write_moves_its_doctors_stamp_only(clinic: Clinic, write: str) -> None:
    mine, other = Doctor.objects.filter(clinic=clinic).order_by("pk")
    before = stamps([mine.pk, other.pk])
    WRITES[write](mine)
    after = stamps([mine.pk, other.pk])
    assert after[mine.pk] > before[mine.pk]
    assert after[other.pk] == before[other.pk]


def test_a_break_changed_alone_moves_the_stamp(clinic: Clinic) -> None:
    doctor = _doctor(clinic)
    rule = ScheduleRule.objects.filter(doctor=doctor).earliest("day_of_week")
    b = ScheduleRuleBreak.objects.create(rule=rule, break_start_local=time(12), break_end_local=time(13))
    before = stamps([doctor.pk])[doctor.pk]
    ScheduleRuleBreak.objects.filter(pk=b.pk).update(break_end_local=time(12, 30))
    middle = stamps([doctor.pk])[doctor.pk]
    ScheduleRuleBreak.objects.filter(pk=b.pk).delete()
    assert before < middle < stamps([doctor.pk])[doctor.pk]


def test_confirming_a_live_hold_leaves_the_stamp_and_its_time_stays_taken(clinic: Clinic, day: date) -> None:
    """Held or booked, the time is busy: a confirm need not wait for the doctor's stamp row. Starts kept
    while it was a hold are dropped when the hold would have run out, and read again: still taken."""
    now = datetime.now(UTC)
    doctor = _doctor(clinic)
    hold = AppointmentFactory.create(
        appointment_type=_consult(doctor),
        starts_at=_at(day, "10:00"),
        status=Status.HELD,
        hold_expires_at=now + timedelta(minutes=10),
    )
    assert "10:00" not in _starts(clinic, day, now)
    before = stamps([doctor.pk])[doctor.pk]
    Appointment.objects.filter(pk=hold.pk).update(status=Status.CONFIRMED, confirmed_at=now)
    assert stamps([doctor.pk])[doctor.pk] == before
    assert "10:00" not in _starts(clinic, day, now)
    assert "10:00" not in _starts(clinic, day, now + timedelta(minutes=10))


def _hold(doctor: Doctor, runs_out_in: timedelta) -> Appointment:
    return AppointmentFactory.create(
        appointment_type=_consult(doctor), status=Status.HELD, hold_expires_at=datetime.now(UTC) + runs_out_in
    )


def test_confirming_a_hold_in_its_last_minute_moves_the_stamp(clinic: Clinic) -> None:
    doctor = _doctor(clinic)
    hold = _hold(doctor, timedelta(seconds=30))
    before = stamps([doctor.pk])[doctor.pk]
    Appointment.objects.filter(pk=hold.pk).update(status=Status.CONFIRMED)
    assert stamps([doctor.pk])[doctor.pk] > before


UNSEEN_BY_AVAILABILITY: dict[str, Callable[[Appointment], object]] = {
    "notes": lambda a: Appointment.objects.filter(pk=a.pk).update(notes="Bring the X-ray"),
    "timestamps": lambda a: Appointment.objects.filter(pk=a.pk).update(updated_at=datetime.now(UTC)),
}
SEEN_BY_AVAILABILITY: dict[str, Callable[[Appointment], object]] = {
    "hold expiry moved": lambda a: Appointment.objects.filter(pk=a.pk).update(
        hold_expires_at=F("hold_expires_at") - timedelta(minutes=5)
    ),
    "mode": lambda a: Appointment.objects.filter(pk=a.pk).update(consultation_mode="video"),
    "buffer": lambda a: Appointment.objects.filter(pk=a.pk).update(
        busy_ends_at=F("busy_ends_at") + timedelta(minutes=10)
    ),
    "held to cancelled": lambda a: Appointment.objects.filter(pk=a.pk).update(status=Status.CANCELLED),
    "held to expired": lambda a: Appointment.objects.filter(pk=a.pk).update(status=Status.EXPIRED),
}


@pytest.mark.parametrize("write", [*UNSEEN_BY_AVAILABILITY, *SEEN_BY_AVAILABILITY])
def test_an_update_moves_the_stamp_only_when_availability_could_change(clinic: Clinic, write: str) -> None:
    doctor = _doctor(clinic)
    hold = _hold(doctor, timedelta(minutes=10))
    before = stamps([doctor.pk])[doctor.pk]
    {**UNSEEN_BY_AVAILABILITY, **SEEN_BY_AVAILABILITY}[write](hold)
    after = stamps([doctor.pk])[doctor.pk]
    assert (after > before) is (write in SEEN_BY_AVAILABILITY)
