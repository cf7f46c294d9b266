"""POST /api/appointments/holds: bookable slots only, collisions are 409, retries are idempotent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from appointments.models import Appointment, AppointmentEvent, Status
from appointments.tests.conftest import hold_body, iso, local
from medic.clinic.tests.factories import PatientFactory

URL = "/api/appointments/holds"
pytestmark = pytest.mark.usefixtures("hours")


def test_patient_holds_a_slot(patient_api: APIClient, demo, consult, day) -> None:
    response = patient_api.post(URL, hold_body(demo, consult, local(day, "10:00")), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "held"
    assert body["startsAt"] == iso(local(day, "10:00"))
    assert body["endsAt"].endswith(":30:00Z")
    a = Appointment.objects.get()
    assert a.patient == demo.patient and a.created_by_type == "patient" and a.created_by_id == demo.patient.pk
    assert a.hold_expires_at is not None
    assert timedelta(minutes=9) < a.hold_expires_at - timezone.now() <= timedelta(minutes=10)
    assert list(AppointmentEvent.objects.values_list("kind", "actor_type")) == [("held", "patient")]


def test_second_hold_of_the_same_slot_is_409(
    patient_api: APIClient, staff_api: APIClient, demo, consult, day
) -> None:
    assert (
        patient_api.post(URL, hold_body(demo, consult, local(day, "10:00")), format="json").status_code == 201
    )
    body = hold_body(demo, consult, local(day, "10:00"), patientId=str(demo.patient.pk))
    response = staff_api.post(URL, body, format="json")  # the full path (staff book for a patient)
    assert response.status_code == 409
    assert response.json()["errors"][0]["path"] == "startsAt"
    assert response.json()["errors"][0]["code"] == "SLOT_TAKEN"
    assert Appointment.objects.count() == 1


def test_a_patient_holding_a_held_slot_gets_409_on_the_fast_path(
    patient_api: APIClient, demo, consult, day
) -> None:
    assert (
        patient_api.post(URL, hold_body(demo, consult, local(day, "10:00")), format="json").status_code == 201
    )
    other = PatientFactory.create(clinic=demo.clinic)
    other_api = APIClient()
    other_api.force_authenticate(other.user)
    response = other_api.post(URL, hold_body(demo, consult, local(day, "10:00")), format="json")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "SLOT_TAKEN"
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize("when", ["10:10", "08:00", "17:00", "16:45"])
def test_a_time_that_is_not_a_slot_start_is_422(
    patient_api: APIClient, demo, consult, day, when: str
) -> None:
    response = patient_api.post(URL, hold_body(demo, consult, local(day, when)), format="json")
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        **response.json()["errors"][0],
        "path": "startsAt",
        "code": "SLOT_NOT_AVAILABLE",
    }


def test_the_past_and_the_minimum_notice_are_not_bookable(patient_api: APIClient, demo, consult) -> None:
    soon = timezone.now() + timedelta(minutes=20)
    start = soon.replace(minute=30 if soon.minute < 30 else 0, second=0, microsecond=0)
    response = patient_api.post(URL, hold_body(demo, consult, start), format="json")
    assert response.status_code == 422


def test_beyond_the_advance_limit_is_not_bookable(patient_api: APIClient, demo, consult, day) -> None:
    response = patient_api.post(
        URL, hold_body(demo, consult, local(day + timedelta(days=100), "10:00")), format="json"
    )
    assert response.status_code == 422


def test_expired_hold_frees_its_slot_for_the_next_hold_without_any_job(
    patient_api: APIClient, staff_api: APIClient, demo, consult, day
) -> None:
    first = patient_api.post(URL, hold_body(demo, consult, local(day, "10:00")), format="json").json()
    Appointment.objects.filter(pk=first["id"]).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    body = hold_body(demo, consult, local(day, "10:00"), patientId=str(demo.patient.pk))
    assert staff_api.post(URL, body, format="json").status_code == 201
    assert Appointment.objects.get(pk=first["id"]).status == Status.EXPIRED
    assert AppointmentEvent.objects.filter(
        appointment_id=first["id"], kind="expired", actor_type="system"
    ).exists()


def test_idempotency_key_replays_the_first_answer(patient_api: APIClient, demo, consult, day) -> None:
    body = hold_body(demo, consult, local(day, "11:00"))
    first = patient_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = patient_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Appointment.objects.count() == 1


def test_idempotency_key_with_another_body_is_refused(patient_api: APIClient, demo, consult, day) -> None:
    patient_api.post(
        URL, hold_body(demo, consult, local(day, "11:00")), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    other = patient_api.post(
        URL, hold_body(demo, consult, local(day, "12:00")), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert other.status_code == 422
    assert other.json()["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_staff_must_name_the_patient(staff_api: APIClient, demo, consult, day) -> None:
    response = staff_api.post(URL, hold_body(demo, consult, local(day, "10:00")), format="json")
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "patientId"


def test_patient_cannot_book_for_someone_else(patient_api: APIClient, demo, consult, day) -> None:
    from medic.clinic.tests.factories import PatientFactory

    other = PatientFactory.create()
    body = hold_body(demo, consult, local(day, "10:00"), patientId=str(other.pk))
    assert patient_api.post(URL, body, format="json").status_code == 422
    assert not Appointment.objects.exists()


def test_user_who_is_neither_patient_nor_staff_gets_404(api: APIClient, demo, consult, day) -> None:
    api.force_authenticate(demo.other_staff)
    body = hold_body(demo, consult, local(day, "10:00"))
    assert api.post(URL, body, format="json").status_code == 404


@pytest.mark.parametrize(
    ("extra", "status", "path", "code"),
    [
        ({"startsAt": "tomorrow"}, 422, "startsAt", "INVALID_DATETIME"),
        ({"startsAt": 12}, 400, "startsAt", "INVALID_TYPE"),
        ({"appointmentTypeId": "not-an-id"}, 422, "appointmentTypeId", "UNKNOWN_REFERENCE"),
        ({"consultationMode": "phone"}, 422, "consultationMode", "INVALID_CHOICE"),
        ({"consultationMode": "fax"}, 422, "consultationMode", "INVALID_CHOICE"),
    ],
)
def test_bad_hold_requests(patient_api: APIClient, demo, consult, day, extra, status, path, code) -> None:
    response = patient_api.post(
        URL, {**hold_body(demo, consult, local(day, "10:00")), **extra}, format="json"
    )
    assert response.status_code == status, response.content
    assert {"path": path, "code": code} in [
        {"path": e["path"], "code": e["code"]} for e in response.json()["errors"]
    ]
    assert not Appointment.objects.exists()


def test_another_doctors_service_is_an_unknown_reference(patient_api: APIClient, demo, day) -> None:
    foreign = demo.doctor2.appointment_types.first()
    body = {
        "doctorId": str(demo.doctor.pk),
        "appointmentTypeId": str(foreign.pk),
        "startsAt": "2030-01-01T10:00Z",
    }
    response = patient_api.post(URL, body, format="json")
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "appointmentTypeId"


def test_buffers_keep_time_free_around_a_booking(
    patient_api: APIClient, staff_api: APIClient, demo, consult, day
) -> None:
    consult.buffer_after_minutes = 15
    consult.save()
    assert (
        patient_api.post(URL, hold_body(demo, consult, local(day, "10:00")), format="json").status_code == 201
    )
    body = hold_body(demo, consult, local(day, "10:30"), patientId=str(demo.patient.pk))
    assert staff_api.post(URL, body, format="json").status_code == 422  # 10:30 is inside 10:00's buffer
    body = hold_body(demo, consult, local(day, "11:00"), patientId=str(demo.patient.pk))
    assert staff_api.post(URL, body, format="json").status_code == 201


def test_daily_cap_limits_bookings_per_day(patient_api: APIClient, demo, consult, day) -> None:
    consult.daily_cap = 1
    consult.save()
    assert (
        patient_api.post(URL, hold_body(demo, consult, local(day, "10:00")), format="json").status_code == 201
    )
    assert (
        patient_api.post(URL, hold_body(demo, consult, local(day, "14:00")), format="json").status_code == 422
    )
    next_day = hold_body(demo, consult, local(day + timedelta(days=1), "14:00"))
    assert patient_api.post(URL, next_day, format="json").status_code == 201
