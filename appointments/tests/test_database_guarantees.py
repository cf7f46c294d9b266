"""What the database itself refuses: overlapping bookings, seat double-claims, edits of the audit log."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from appointments.models import Appointment, AppointmentEvent, BookableResource, ResourceClaim
from appointments.tests.conftest import local

INSERT = (
    "INSERT INTO appointments_appointment (id, doctor_id, patient_id, appointment_type_id, starts_at, "
    "ends_at, "
    "busy_starts_at, busy_ends_at, status, hold_expires_at, patient_timezone, doctor_timezone, notes, "
    "created_at, updated_at, created_by_type, cancelled_by_type, cancel_reason, rescheduled_by_type) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'UTC', 'UTC', '', now(), now(), 'system', '', '', '')"
)


def _raw_insert(demo, consult, start: datetime, end: datetime, status: str = "confirmed") -> str:
    pk = str(uuid.uuid4())
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT,
            [
                pk,
                str(demo.doctor.pk),
                str(demo.patient.pk),
                str(consult.pk),
                start,
                end,
                start,
                end,
                status,
                start if status == "held" else None,
            ],
        )
    return pk


def test_overlapping_booking_inserted_with_raw_sql_is_refused(demo, consult, day) -> None:
    _raw_insert(demo, consult, local(day, "10:00"), local(day, "10:30"))
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_insert(demo, consult, local(day, "10:15"), local(day, "10:45"), status="held")


def test_touching_bookings_are_fine(demo, consult, day) -> None:
    _raw_insert(demo, consult, local(day, "10:00"), local(day, "10:30"))
    _raw_insert(demo, consult, local(day, "10:30"), local(day, "11:00"))


def test_cancelled_bookings_do_not_block(demo, consult, day) -> None:
    _raw_insert(demo, consult, local(day, "10:00"), local(day, "10:30"), status="cancelled")
    _raw_insert(demo, consult, local(day, "10:00"), local(day, "10:30"))


def test_period_is_generated_by_the_database(demo, consult, day) -> None:
    pk = _raw_insert(demo, consult, local(day, "10:00"), local(day, "10:30"))
    a = Appointment.objects.get(pk=pk)
    assert (a.period.lower, a.period.upper, a.period.bounds) == (
        local(day, "10:00"),
        local(day, "10:30"),
        "[)",
    )


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE appointments_appointmentevent SET kind = 'edited'",
        "DELETE FROM appointments_appointmentevent",
    ],
)
def test_the_audit_log_refuses_changes(demo, consult, day, sql: str) -> None:
    pk = _raw_insert(demo, consult, local(day, "10:00"), local(day, "10:30"))
    AppointmentEvent.objects.create(appointment_id=pk, kind="held", actor_type="system")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AppointmentEvent.objects.filter(kind="held").count() == 1


def test_a_seat_cannot_be_claimed_twice_at_once(demo, consult, day) -> None:
    resource = BookableResource.objects.create(clinic=demo.clinic, name="Ultrasound", kind="device", seats=2)
    a = _raw_insert(demo, consult, local(day, "10:00"), local(day, "10:30"))
    b = _raw_insert(demo, consult, local(day, "10:30"), local(day, "11:00"))
    ResourceClaim.objects.create(
        resource=resource,
        seat=1,
        appointment_id=a,
        starts_at=local(day, "10:00"),
        ends_at=local(day, "11:00"),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ResourceClaim.objects.create(
            resource=resource,
            seat=1,
            appointment_id=b,
            starts_at=local(day, "10:30"),
            ends_at=local(day, "11:00"),
        )
    ResourceClaim.objects.create(
        resource=resource,
        seat=2,
        appointment_id=b,
        starts_at=local(day, "10:30"),
        ends_at=local(day, "11:00"),
    )


@pytest.mark.parametrize(
    ("start", "end", "busy_start", "busy_end"),
    [(0, 0, 0, 0), (30, 0, 30, 0), (0, 30, 10, 30)],
    ids=["empty", "backwards", "buffer-inside-period"],
)
def test_bad_appointment_rows_are_refused(demo, consult, day, start, end, busy_start, busy_end) -> None:
    base = local(day, "10:00")
    # A CHECK (IntegrityError) or the generated range itself (DataError) refuses it.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            INSERT,
            [
                str(uuid.uuid4()),
                str(demo.doctor.pk),
                str(demo.patient.pk),
                str(consult.pk),
                base + timedelta(minutes=start),
                base + timedelta(minutes=end),
                base + timedelta(minutes=busy_start),
                base + timedelta(minutes=busy_end),
                "confirmed",
                None,
            ],
        )
