"""The periodic job that sweeps holds which ran out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from procrastinate.contrib.django import app

from appointments import tasks
from appointments.models import Appointment, AppointmentEvent, Status
from appointments.tests.conftest import hold_body, local

pytestmark = pytest.mark.usefixtures("hours")


def test_sweep_is_registered_to_run_every_minute() -> None:
    periodic = {p.periodic_id: p for p in app.periodic_registry.periodic_tasks.values()}
    assert periodic["expire_stale_holds"].cron == "* * * * *"


def test_sweep_expires_only_holds_that_ran_out(patient_api, demo, consult, day) -> None:
    stale = patient_api.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "10:00")), format="json"
    )
    fresh = patient_api.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "11:00")), format="json"
    )
    Appointment.objects.filter(pk=stale.json()["id"]).update(
        hold_expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert tasks.expire_stale_holds(timestamp=0) == 1
    assert Appointment.objects.get(pk=stale.json()["id"]).status == Status.EXPIRED
    assert Appointment.objects.get(pk=fresh.json()["id"]).status == Status.HELD
    assert AppointmentEvent.objects.filter(kind="expired", actor_type="system").count() == 1
