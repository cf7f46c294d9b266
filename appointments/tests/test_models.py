"""The status transition table and the one rule for which appointments still occupy a doctor's time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from appointments.models import ALLOWED_TRANSITIONS, Appointment, Status, can_reschedule, can_transition
from appointments.tests.factories import AppointmentFactory

NOW = datetime(2030, 3, 4, 12, 0, tzinfo=UTC)


def test_the_transition_table_is_the_contracts() -> None:
    allowed = {(a, b) for a, targets in ALLOWED_TRANSITIONS.items() for b in targets}
    assert allowed == {
        (Status.HELD, Status.CONFIRMED),
        (Status.HELD, Status.EXPIRED),
        (Status.HELD, Status.CANCELLED),
        (Status.CONFIRMED, Status.CHECKED_IN),
        (Status.CONFIRMED, Status.CANCELLED),
        (Status.CONFIRMED, Status.NO_SHOW),
        (Status.CHECKED_IN, Status.COMPLETED),
    }
    assert set(ALLOWED_TRANSITIONS) == set(Status)


@pytest.mark.parametrize("final", [Status.CANCELLED, Status.COMPLETED, Status.NO_SHOW, Status.EXPIRED])
def test_a_final_status_goes_nowhere(final: Status) -> None:
    assert not any(can_transition(final, to) for to in Status)
    assert not can_reschedule(final)


def test_only_held_and_confirmed_appointments_move() -> None:
    assert [s for s in Status if can_reschedule(s)] == [Status.HELD, Status.CONFIRMED]


def test_live_means_confirmed_or_held_with_time_left(db: None) -> None:
    confirmed = AppointmentFactory.create(status=Status.CONFIRMED)
    live_hold = AppointmentFactory.create(status=Status.HELD, hold_expires_at=NOW + timedelta(seconds=1))
    stale_hold = AppointmentFactory.create(status=Status.HELD, hold_expires_at=NOW)
    AppointmentFactory.create(status=Status.CANCELLED)
    assert set(Appointment.objects.live(NOW)) == {confirmed, live_hold}
    assert list(Appointment.objects.stale_holds(NOW)) == [stale_hold]
    assert stale_hold.hold_ran_out(NOW) and not live_hold.hold_ran_out(NOW)
    assert not confirmed.hold_ran_out(NOW)
