"""Real concurrent transactions (threads, each with its own connection) racing for the same time."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest

from appointments import services
from appointments.models import ACTIVE_STATUSES, ActorType, Appointment
from appointments.tests.conftest import first_location, local
from medic.clinic.tests.factories import PatientFactory
from medic.testing import outcomes, run_at_once

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hours")]


def _hold_job(demo, appointment_type, starts_at, patient):
    def job() -> Appointment:
        req = services.HoldRequest(
            demo.doctor, appointment_type, starts_at, patient, first_location(demo.doctor), None, "in_person"
        )
        return services.hold(req, actor=services.Actor(ActorType.PATIENT, patient.pk))

    return job


def test_32_clients_holding_the_same_slot_get_exactly_one_hold(demo, consult, day) -> None:
    patients = [PatientFactory.create() for _ in range(32)]
    results = run_at_once([_hold_job(demo, consult, local(day, "10:00"), p) for p in patients])
    counts = outcomes(results, Appointment)
    assert counts["ok"] == 1, counts
    # The losers are refused either by the constraint (409) or, if the winner committed first, by the check.
    assert counts["SLOT_TAKEN"] + counts["SLOT_NOT_AVAILABLE"] == 31, counts
    assert counts["SLOT_TAKEN"] >= 1, counts
    assert Appointment.objects.filter(status__in=ACTIVE_STATUSES).count() == 1


def test_overlapping_but_unequal_periods_never_both_win(demo, consult, day) -> None:
    checkup = demo.doctor.appointment_types.get(name="Annual check-up")  # 60 minutes
    jobs = []
    for i in range(16):
        jobs.append(_hold_job(demo, consult, local(day, "10:30"), PatientFactory.create()))
        jobs.append(
            _hold_job(
                demo, checkup, local(day, "10:00") if i % 2 else local(day, "10:30"), PatientFactory.create()
            )
        )
    results = run_at_once(jobs)
    held = list(Appointment.objects.filter(status__in=ACTIVE_STATUSES).order_by("starts_at"))
    for a, b in pairwise(held):
        assert a.ends_at <= b.starts_at, held
    assert outcomes(results, Appointment)["ok"] == len(held) >= 1


def test_racing_reschedules_into_one_slot_move_exactly_one(demo, consult, day) -> None:
    movers = [
        services.hold(
            services.HoldRequest(
                demo.doctor,
                consult,
                local(day, f"{9 + i}:00"),
                p,
                first_location(demo.doctor),
                None,
                "in_person",
            ),
            actor=services.Actor(ActorType.PATIENT, p.pk),
        )
        for i, p in enumerate(PatientFactory.create() for _ in range(6))
    ]
    target = local(day, "16:00")

    def job_for(a: Appointment):
        return lambda: services.reschedule(a, actor=services.Actor(ActorType.STAFF, None), starts_at=target)

    counts = outcomes(run_at_once([job_for(a) for a in movers]), Appointment)
    assert counts["ok"] == 1, counts
    assert Appointment.objects.filter(starts_at=target).count() == 1
    # The losers kept their old time.
    assert Appointment.objects.filter(status__in=ACTIVE_STATUSES).count() == 6
    assert sorted(a.starts_at for a in Appointment.objects.exclude(starts_at=target)) == sorted(
        m.starts_at for m in movers if not Appointment.objects.filter(pk=m.pk, starts_at=target).exists()
    )


def test_concurrent_holds_respect_the_daily_cap(demo, consult, day) -> None:
    consult.daily_cap = 2
    consult.save()
    jobs = [
        _hold_job(demo, consult, local(day, "09:00") + timedelta(minutes=30 * i), PatientFactory.create())
        for i in range(8)
    ]
    counts = outcomes(run_at_once(jobs), Appointment)
    assert counts["ok"] == 2, counts
