"""Confirm, cancel, reschedule, complete: each a transaction with an audit event naming its actor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from appointments.models import Appointment, AppointmentEvent, Status
from appointments.tests.conftest import hold_body, iso, local

pytestmark = pytest.mark.usefixtures("hours")


@pytest.fixture
def held(patient_api: APIClient, demo, consult, day) -> dict:
    response = patient_api.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "10:00")), format="json"
    )
    assert response.status_code == 201
    return response.json()


def _events(pk: str) -> list[tuple[str, str]]:
    return list(AppointmentEvent.objects.filter(appointment_id=pk).values_list("kind", "actor_type"))


def test_patient_confirms_their_hold(patient_api: APIClient, held: dict) -> None:
    response = patient_api.post(f"/api/appointments/{held['id']}/confirm")
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed" and response.json()["holdExpiresAt"] is None
    assert _events(held["id"]) == [("held", "patient"), ("confirmed", "patient")]


def test_confirming_twice_is_harmless(patient_api: APIClient, held: dict) -> None:
    patient_api.post(f"/api/appointments/{held['id']}/confirm")
    assert patient_api.post(f"/api/appointments/{held['id']}/confirm").status_code == 200
    assert len(_events(held["id"])) == 2


def test_an_expired_hold_cannot_be_confirmed(patient_api: APIClient, held: dict) -> None:
    Appointment.objects.filter(pk=held["id"]).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    response = patient_api.post(f"/api/appointments/{held['id']}/confirm")
    assert response.status_code == 410
    assert response.json()["errors"][0]["code"] == "HOLD_EXPIRED"
    assert Appointment.objects.get(pk=held["id"]).status == Status.EXPIRED
    assert _events(held["id"])[-1] == ("expired", "system")


def test_staff_cancel_with_a_reason(staff_api: APIClient, demo, held: dict) -> None:
    response = staff_api.post(
        f"/api/appointments/{held['id']}/cancel", {"reason": "Doctor ill"}, format="json"
    )
    body = response.json()
    assert body["status"] == "cancelled" and body["cancelReason"] == "Doctor ill"
    assert body["cancelledBy"] == {"type": "staff", "id": str(demo.staff.pk)}
    event = AppointmentEvent.objects.filter(appointment_id=held["id"]).last()
    assert event is not None and event.before is not None and event.after is not None
    assert (event.kind, event.before["status"], event.after["status"]) == ("cancelled", "held", "cancelled")


def test_a_cancelled_slot_can_be_held_again(patient_api: APIClient, demo, consult, day, held: dict) -> None:
    patient_api.post(f"/api/appointments/{held['id']}/cancel", {}, format="json")
    again = patient_api.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "10:00")), format="json"
    )
    assert again.status_code == 201


def test_reschedule_moves_the_booking_and_frees_the_old_time(
    patient_api: APIClient, demo, consult, day, held: dict
) -> None:
    response = patient_api.post(
        f"/api/appointments/{held['id']}/reschedule", {"startsAt": iso(local(day, "15:00"))}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["startsAt"] == iso(local(day, "15:00"))
    assert response.json()["rescheduledBy"] == {"type": "patient", "id": str(demo.patient.pk)}
    event = AppointmentEvent.objects.filter(appointment_id=held["id"], kind="rescheduled").get()
    assert event.before is not None and event.after is not None
    assert event.before["startsAt"] != event.after["startsAt"]
    again = patient_api.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "10:00")), format="json"
    )
    assert again.status_code == 201


def test_reschedule_into_a_taken_slot_keeps_the_old_time(
    patient_api: APIClient, demo, consult, day, held: dict
) -> None:
    other = patient_api.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "11:00")), format="json"
    )
    assert other.status_code == 201
    response = patient_api.post(
        f"/api/appointments/{held['id']}/reschedule", {"startsAt": iso(local(day, "11:00"))}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["errors"][0] == {
        "path": "startsAt",
        "code": "SLOT_TAKEN",
        "message": "Someone else has just held or booked that time.",
    }
    assert Appointment.objects.get(pk=held["id"]).starts_at == local(day, "10:00")


def test_reschedule_to_an_overlapping_time_of_itself_is_fine(patient_api: APIClient, demo, day) -> None:
    checkup = demo.doctor.appointment_types.get(name="Annual check-up")  # 60 minutes
    held = patient_api.post(
        "/api/appointments/holds", hold_body(demo, checkup, local(day, "10:00")), format="json"
    ).json()
    response = patient_api.post(
        f"/api/appointments/{held['id']}/reschedule", {"startsAt": iso(local(day, "10:30"))}, format="json"
    )
    assert response.status_code == 200, response.content


def test_patients_cannot_close_appointments(patient_api: APIClient, held: dict) -> None:
    patient_api.post(f"/api/appointments/{held['id']}/confirm")
    assert patient_api.post(f"/api/appointments/{held['id']}/complete").status_code == 403


def test_a_future_appointment_cannot_be_completed(
    staff_api: APIClient, patient_api: APIClient, held: dict
) -> None:
    patient_api.post(f"/api/appointments/{held['id']}/confirm")
    staff_api.post(f"/api/appointments/{held['id']}/check_in")
    response = staff_api.post(f"/api/appointments/{held['id']}/complete")
    assert response.status_code == 422 and response.json()["errors"][0]["code"] == "NOT_STARTED"


def test_a_started_appointment_is_completed_by_the_doctor(
    api: APIClient, patient_api: APIClient, demo, held
) -> None:
    patient_api.post(f"/api/appointments/{held['id']}/confirm")
    start, end = timezone.now() - timedelta(minutes=40), timezone.now() - timedelta(minutes=10)
    Appointment.objects.filter(pk=held["id"]).update(
        starts_at=start, ends_at=end, busy_starts_at=start, busy_ends_at=end
    )
    api.force_authenticate(demo.doctor.user)
    response = api.post(f"/api/appointments/{held['id']}/no_show")
    assert response.status_code == 200 and response.json()["status"] == "no_show"
    assert _events(held["id"])[-1] == ("no_show", "doctor")


def test_cancelled_appointment_cannot_be_confirmed(patient_api: APIClient, held: dict) -> None:
    patient_api.post(f"/api/appointments/{held['id']}/cancel", {}, format="json")
    response = patient_api.post(f"/api/appointments/{held['id']}/confirm")
    assert response.status_code == 409 and response.json()["errors"][0]["code"] == "INVALID_STATUS"


def test_events_list_the_trail(patient_api: APIClient, held: dict) -> None:
    patient_api.post(f"/api/appointments/{held['id']}/confirm")
    body = patient_api.get(f"/api/appointments/{held['id']}/events").json()
    assert [e["kind"] for e in body["events"]] == ["held", "confirmed"]
    assert body["events"][1]["before"]["status"] == "held"


@pytest.mark.parametrize("who", ["other_staff", "doctor2"])
def test_outsiders_get_404(api: APIClient, demo, held: dict, who: str) -> None:
    api.force_authenticate(demo.other_staff if who == "other_staff" else demo.doctor2.user)
    assert api.get(f"/api/appointments/{held['id']}").status_code == 404
    assert api.post(f"/api/appointments/{held['id']}/cancel", {}, format="json").status_code == 404
    assert Appointment.objects.get(pk=held["id"]).status == Status.HELD


def test_listing_shows_each_caller_their_own(
    api: APIClient, patient_api: APIClient, staff_api, demo, held
) -> None:
    assert patient_api.get("/api/appointments").json()["count"] == 1
    assert staff_api.get("/api/appointments", {"doctorId": str(demo.doctor.pk)}).json()["count"] == 1
    api.force_authenticate(demo.other_staff)
    assert api.get("/api/appointments").json()["count"] == 0
    assert staff_api.get("/api/appointments", {"status": "confirmed"}).json()["count"] == 0
    assert staff_api.get("/api/appointments", {"status": "bogus"}).status_code == 422


def test_reschedule_overlapping_its_own_buffered_time(patient_api: APIClient, demo, day) -> None:
    checkup = demo.doctor.appointment_types.get(name="Annual check-up")  # 60 minutes
    checkup.buffer_after_minutes = 10
    checkup.save()
    held = patient_api.post(
        "/api/appointments/holds", hold_body(demo, checkup, local(day, "10:00")), format="json"
    ).json()
    response = patient_api.post(
        f"/api/appointments/{held['id']}/reschedule", {"startsAt": iso(local(day, "10:30"))}, format="json"
    )
    assert response.status_code == 200, response.content


def test_reschedule_within_a_capped_day(patient_api: APIClient, demo, consult, day) -> None:
    consult.daily_cap = 1
    consult.save()
    held = patient_api.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "10:00")), format="json"
    )
    response = patient_api.post(
        f"/api/appointments/{held.json()['id']}/reschedule",
        {"startsAt": iso(local(day, "14:00"))},
        format="json",
    )
    assert response.status_code == 200, response.content
