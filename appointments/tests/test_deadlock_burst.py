"""A burst of holds of two doctors' services that share a one-seat resource: real threads, each with its own
database connection, racing inside the exclusion checks. Every hold is answered (held, or 409/422 with a
code), never a deadlock error (a 500), and the seat is never claimed twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import pairwise

import pytest
from rest_framework.test import APIClient

from appointments import services
from appointments.models import ACTIVE_STATUSES, ActorType, Appointment, BookableResource, ResourceClaim
from appointments.tests.conftest import iso, local
from appointments.tests.factories import doctor_offering
from medic.clinic.models import AppointmentType, Doctor, Patient
from medic.clinic.tests.factories import PatientFactory
from medic.testing import outcomes, run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 3  # bounded: a few bursts of 24 holds each
TIMES = ("10:00", "10:30", "11:00", "11:30")
REFUSALS = {"SLOT_TAKEN", "SLOT_NOT_AVAILABLE", "RESOURCE_UNAVAILABLE"}


def _hold_job(doctor: Doctor, service: AppointmentType, starts_at: datetime) -> Callable[[], Appointment]:
    patient = PatientFactory.create()

    def job() -> Appointment:
        req = services.HoldRequest(doctor, service, starts_at, patient, consultation_mode="in_person")
        return services.hold(req, actor=services.Actor(ActorType.PATIENT, patient.pk))

    return job


@pytest.fixture
def room(demo) -> BookableResource:
    return BookableResource.objects.create(clinic=demo.clinic, name="Shared scanner", kind="device", seats=1)


def _assert_one_claim_at_a_time(room: BookableResource) -> None:
    claims = list(ResourceClaim.objects.filter(resource=room, released_at__isnull=True).order_by("starts_at"))
    for a, b in pairwise(claims):
        assert a.ends_at <= b.starts_at, claims
    for c in claims:
        assert c.appointment.status in ACTIVE_STATUSES


def test_a_burst_of_holds_sharing_a_one_seat_resource_never_deadlocks(demo, room, day) -> None:
    (first, first_service), (second, second_service) = (doctor_offering(demo.clinic, room) for _ in "ab")
    for n in range(ROUNDS):
        the_day = day + timedelta(days=n)
        jobs: list[Callable[[], object]] = [
            _hold_job(doctor, service, local(the_day, hhmm))
            for hhmm in TIMES
            for doctor, service in ((first, first_service), (second, second_service))
            for _ in range(3)
        ]
        counts = outcomes(run_at_once(jobs), Appointment)
        unexpected = {k: v for k, v in counts.items() if k != "ok" and k not in REFUSALS}
        assert not unexpected, counts  # a deadlock would show here as OperationalError(...)
        assert counts["ok"] == len(TIMES), counts  # one seat: exactly one hold per time, whichever doctor
    _assert_one_claim_at_a_time(room)
    assert ResourceClaim.objects.filter(resource=room, released_at__isnull=True).count() == ROUNDS * len(
        TIMES
    )


def test_the_burst_over_http_answers_409_or_422_and_never_500(demo, room, day) -> None:
    (first, first_service), (second, second_service) = (doctor_offering(demo.clinic, room) for _ in "ab")
    statuses: list[tuple[int, str | None]] = []

    def job_for(doctor: Doctor, service: AppointmentType, starts_at: datetime) -> Callable[[], None]:
        patient = PatientFactory.create(clinic=demo.clinic)
        assert patient.user is not None

        def job() -> None:
            client = APIClient()
            client.force_authenticate(patient.user)
            body = {
                "doctorId": str(doctor.pk),
                "appointmentTypeId": str(service.pk),
                "startsAt": iso(starts_at),
            }
            response = client.post(
                "/api/appointments/holds", {**body, "consultationMode": "in_person"}, format="json"
            )
            data = response.json()
            code = data["errors"][0]["code"] if response.status_code >= 400 else None
            statuses.append((response.status_code, code))

        return job

    jobs: list[Callable[[], object]] = [
        job_for(doctor, service, local(day, hhmm))
        for hhmm in TIMES
        for doctor, service in ((first, first_service), (second, second_service))
        for _ in range(3)
    ]
    results = run_at_once(jobs)
    assert all(r is None for r in results), [r for r in results if r is not None]
    counts = Counter(statuses)
    assert all(status in (201, 409, 422) for status, _ in counts), counts
    assert sum(n for (status, _), n in counts.items() if status == 201) == len(TIMES), counts
    assert {code for status, code in counts if status != 201} <= REFUSALS, counts
    _assert_one_claim_at_a_time(room)
    assert Patient.objects.count() >= len(jobs)
