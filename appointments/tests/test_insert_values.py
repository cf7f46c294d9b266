"""`services._insert_values`: the values of a hand-written INSERT are those Django's own INSERT would send."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection
from django.db.models import Model
from psycopg.types.json import Jsonb

from appointments import services
from appointments.models import ActorType, Appointment, AppointmentEvent, Status
from appointments.tests.factories import AppointmentFactory
from medic.clinic.models import Patient

pytestmark = pytest.mark.django_db


def _as_django_sends(obj: Model) -> list[Any]:
    fields = services._insert_template(type(obj))[2]
    return [f.get_db_prep_save(f.pre_save(obj, True), connection=connection) for f in fields]


def _same(obj: Model) -> None:
    fast, django = services._insert_values(obj), _as_django_sends(obj)
    stamps = {
        i
        for i, f in enumerate(services._insert_template(type(obj))[2])
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    assert len(fast) == len(django)
    for i, (a, b) in enumerate(zip(fast, django, strict=True)):
        if i in stamps:  # pre_save stamps "now" on each call
            assert type(a) is type(b)
        elif isinstance(a, Jsonb):  # a JSON field's adapter, made afresh on each call
            assert (type(a), a.obj, a.dumps) == (type(b), b.obj, b.dumps)
        else:
            assert (type(a), a) == (type(b), b), services._insert_template(type(obj))[2][i].name


def test_a_new_hold_and_its_event_are_sent_as_django_sends_them() -> None:
    stored = AppointmentFactory.create(status=Status.HELD)
    hold = Appointment(
        doctor=stored.doctor,
        patient=stored.patient,
        appointment_type=stored.appointment_type,
        location_id=None,
        room_id=None,
        consultation_mode=None,
        starts_at=datetime(2031, 1, 2, 9, 0, tzinfo=UTC),
        ends_at=datetime(2031, 1, 2, 9, 30, tzinfo=UTC),
        busy_starts_at=datetime(2031, 1, 2, 9, 0, tzinfo=UTC),
        busy_ends_at=datetime(2031, 1, 2, 9, 30, tzinfo=UTC),
        status=Status.HELD,
        hold_expires_at=datetime(2031, 1, 1, 9, 10, tzinfo=UTC),
        patient_timezone="Europe/Athens",
        doctor_timezone="Europe/Athens",
        created_by_type=ActorType.PATIENT,
        created_by_id=stored.patient_id,
    )
    _same(hold)
    _same(
        AppointmentEvent(
            appointment=hold,
            kind="held",
            actor_type=ActorType.PATIENT,
            actor_id=uuid.uuid4(),
            before=None,
            after=services.snapshot(hold),
        )
    )
    _same(stored)


def test_values_of_other_types_go_through_django() -> None:
    stored = AppointmentFactory.create()
    patient_id = stored.patient_id
    stored.patient_id = str(patient_id)  # a uuid as text
    setattr(stored, "notes", 42)  # not a str, on purpose
    stored.status = "confirmed"
    _same(stored)
    names = [f.name for f in services._insert_template(Appointment)[2]]
    assert services._insert_values(stored)[names.index("patient")] == patient_id


def test_a_date_field_and_a_boolean_pass_unchanged() -> None:
    patient = Patient(full_name="P", timezone="Europe/Athens", date_of_birth=date(1990, 1, 2))
    _same(patient)
