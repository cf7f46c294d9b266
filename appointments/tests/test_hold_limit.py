"""HOLD_LIMIT: a patient may hold at most the clinic's `max_holds_per_patient` slots at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone
from rest_framework.test import APIClient

from appointments import services
from appointments.models import ActorType, Appointment, Status
from appointments.tests.conftest import first_location, hold_body, local
from appointments.tests.factories import AppointmentFactory
from medic.testing import outcomes, run_at_once

URL = "/api/appointments/holds"
pytestmark = pytest.mark.usefixtures("hours")


def _hold(client: APIClient, demo, consult, day, hhmm: str, **extra: object):
    return client.post(URL, hold_body(demo, consult, local(day, hhmm), **extra), format="json")


def test_a_hold_past_the_limit_is_422_hold_limit(patient_api: APIClient, demo, consult, day) -> None:
    assert demo.clinic.max_holds_per_patient == 2
    assert _hold(patient_api, demo, consult, day, "09:00").status_code == 201
    assert _hold(patient_api, demo, consult, day, "10:00").status_code == 201
    response = _hold(patient_api, demo, consult, day, "11:00")
    assert response.status_code == 422
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [("", "HOLD_LIMIT")]
    assert Appointment.objects.count() == 2


def test_confirmed_cancelled_and_expired_holds_do_not_count(
    patient_api: APIClient, demo, consult, day
) -> None:
    first = _hold(patient_api, demo, consult, day, "09:00").json()
    second = _hold(patient_api, demo, consult, day, "10:00").json()
    patient_api.post(f"/api/appointments/{first['id']}/confirm")
    patient_api.post(f"/api/appointments/{second['id']}/cancel")
    third = _hold(patient_api, demo, consult, day, "11:00").json()
    Appointment.objects.filter(pk=third["id"]).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    assert _hold(patient_api, demo, consult, day, "12:00").status_code == 201
    assert _hold(patient_api, demo, consult, day, "13:00").status_code == 201


def test_the_limit_is_per_clinic(patient_api: APIClient, demo, consult, day) -> None:
    elsewhere = demo.other_doctor.appointment_types.get()
    AppointmentFactory.create_batch(2, appointment_type=elsewhere, patient=demo.patient, status=Status.HELD)
    assert _hold(patient_api, demo, consult, day, "09:00").status_code == 201


def test_the_clinic_sets_the_limit(patient_api: APIClient, demo, consult, day) -> None:
    demo.clinic.max_holds_per_patient = 1
    demo.clinic.save()
    assert _hold(patient_api, demo, consult, day, "09:00").status_code == 201
    assert _hold(patient_api, demo, consult, day, "10:00").json()["errors"][0]["code"] == "HOLD_LIMIT"


def test_holds_made_by_staff_count_too(
    patient_api: APIClient, staff_api: APIClient, demo, consult, day
) -> None:
    for hhmm in ("09:00", "10:00"):
        assert _hold(staff_api, demo, consult, day, hhmm, patientId=str(demo.patient.pk)).status_code == 201
    assert _hold(patient_api, demo, consult, day, "11:00").json()["errors"][0]["code"] == "HOLD_LIMIT"
    response = _hold(staff_api, demo, consult, day, "11:00", patientId=str(demo.patient.pk))
    assert response.json()["errors"][0]["code"] == "HOLD_LIMIT"


@pytest.mark.parametrize("value", [0, 21])
def test_the_database_keeps_the_limit_between_1_and_20(demo, value: int) -> None:
    demo.clinic.max_holds_per_patient = value
    with pytest.raises(IntegrityError):
        demo.clinic.save()


@pytest.mark.django_db(transaction=True)
def test_two_holds_at_once_cannot_both_pass_the_limit(demo, consult, day) -> None:
    clinic = demo.doctor.clinic  # the instance the hold requests below read the limit from
    clinic.max_holds_per_patient = 1
    clinic.save()
    actor = services.Actor(ActorType.PATIENT, demo.patient.pk)

    def job(hhmm: str):
        def run() -> Appointment:
            req = services.HoldRequest(
                demo.doctor,
                consult,
                local(day, hhmm),
                demo.patient,
                first_location(demo.doctor),
                None,
                "in_person",
            )
            return services.hold(req, actor=actor)

        return run

    results = run_at_once([job("09:00"), job("11:00"), job("13:00"), job("15:00")])
    assert outcomes(results, Appointment) == {"ok": 1, "HOLD_LIMIT": 3}
    assert Appointment.objects.filter(status=Status.HELD).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_fast_holds_at_once_cannot_both_pass_the_limit(demo, consult, day) -> None:
    """The fast hold counts the patient's holds in a statement after the one that locks the patient, in one
    pipelined transaction: each statement takes its own snapshot, so a hold committed while this one waited
    for the lock is counted. The ones at the limit go to the full path (None), which answers 422."""
    clinic = demo.doctor.clinic
    clinic.max_holds_per_patient = 1
    clinic.save()

    def job(hhmm: str):
        def run() -> Appointment | None:
            return services.fast_hold(
                demo.patient.user,
                doctor_id=demo.doctor.pk,
                appointment_type_id=consult.pk,
                starts_at=local(day, hhmm),
                location_id=first_location(demo.doctor).pk,
                consultation_mode="in_person",
            )

        return run

    results = run_at_once([job("09:00"), job("11:00"), job("13:00"), job("15:00")])
    assert sorted(type(r).__name__ for r in results) == ["Appointment", "NoneType", "NoneType", "NoneType"]
    assert Appointment.objects.filter(status=Status.HELD).count() == 1
