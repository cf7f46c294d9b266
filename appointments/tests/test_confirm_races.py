"""A confirm re-checks the overlap constraints (held and confirmed both occupy time), so it can deadlock with
a booking being written over the same time: PostgreSQL aborts one of them, and the confirm is run again."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError
from psycopg import errors as pg_errors

from appointments import services
from appointments.models import ActorType, AppointmentEvent, Status
from appointments.tests.conftest import local
from appointments.tests.factories import AppointmentFactory
from medic.errors import ValidationFailed


def _deadlock() -> OperationalError:
    exc = OperationalError("deadlock detected")
    exc.__cause__ = pg_errors.DeadlockDetected("deadlock detected")
    return exc


def test_a_write_that_lost_a_deadlock_is_run_again() -> None:
    tries: list[int] = []

    def write() -> str:
        tries.append(1)
        if len(tries) < 3:
            raise _deadlock()
        return "done"

    assert services._retrying_races(write, lost=services._busy_retry) == "done"
    assert len(tries) == 3


def test_a_confirm_that_loses_every_time_is_409_try_again_never_a_500() -> None:
    def write() -> None:
        raise _deadlock()

    with pytest.raises(ValidationFailed) as refused:
        services._retrying_races(write, lost=services._busy_retry)
    assert refused.value.status_code == 409
    assert [e.code for e in refused.value.errors] == ["TRY_AGAIN"]


def test_other_database_errors_are_not_retried() -> None:
    def write() -> None:
        raise OperationalError("the server closed the connection")

    with pytest.raises(OperationalError):
        services._retrying_races(write, lost=services._busy_retry)


def test_the_full_confirm_retries_a_lost_race_and_confirms_once(
    demo, consult, day, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = AppointmentFactory.create(
        appointment_type=consult, patient=demo.patient, status=Status.HELD, starts_at=local(day, "10:00")
    )
    real, calls = services._confirm_locked, []

    def flaky(*args: Any, **kwargs: Any) -> bool:
        calls.append(1)
        if len(calls) == 1:
            raise _deadlock()
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_confirm_locked", flaky)
    confirmed = services.confirm(a, actor=services.Actor(ActorType.STAFF, demo.staff.pk))
    assert confirmed.status == Status.CONFIRMED and len(calls) == 2
    assert list(AppointmentEvent.objects.filter(appointment=a).values_list("kind", flat=True)) == [
        "confirmed"
    ]
