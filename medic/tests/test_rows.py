"""`medic.rows.instance`: a model instance from its slice of a hand-written row, as the ORM loads it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import signals

from appointments.models import Appointment
from appointments.tests.factories import AppointmentFactory
from medic import rows

pytestmark = pytest.mark.django_db


def _row_of(appointment: Appointment) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT 1, {rows.columns(Appointment, "a")}, 2 FROM "{Appointment._meta.db_table}" a'
            ' WHERE a."id" = %s',
            [appointment.pk],
        )
        return cursor.fetchone()


def test_instance_is_what_the_orm_loads() -> None:
    stored = AppointmentFactory.create()
    row = _row_of(stored)

    built, end = rows.instance(Appointment, row, 1)

    loaded = Appointment.objects.get(pk=stored.pk)
    assert end == len(row) - 1
    for name in rows.attnames(Appointment):
        assert getattr(built, name) == getattr(loaded, name), name
    assert built._state.adding is False
    assert built._state.db == "default"
    assert built.patient == loaded.patient  # relations load on access, as usual
    assert built.period == loaded.period  # a generated field is deferred: read on access


def test_instance_runs_init_signals_when_a_model_has_receivers() -> None:
    stored = AppointmentFactory.create()
    seen: list[Appointment] = []

    def receiver(sender: type, instance: Appointment, **kwargs: object) -> None:
        seen.append(instance)

    signals.post_init.connect(receiver, sender=Appointment)
    try:
        built, _ = rows.instance(Appointment, _row_of(stored), 1)
    finally:
        signals.post_init.disconnect(receiver, sender=Appointment)

    assert seen == [built]
    assert built.pk == stored.pk
