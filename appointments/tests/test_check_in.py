"""Check-in: confirmed → checked_in (staff or the doctor), between confirmed and completed."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from appointments.models import Appointment, AppointmentEvent, Status
from appointments.tests.conftest import hold_body, local


def _confirmed(patient_api: APIClient, demo, consult, day, hhmm: str = "10:00") -> str:
    held = patient_api.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, hhmm)), format="json"
    )
    assert held.status_code == 201, held.content
    patient_api.post(f"/api/appointments/{held.json()['id']}/confirm")
    return held.json()["id"]


def test_staff_check_a_patient_in_with_an_audit_event(
    staff_api, patient_api, demo, consult, day, hours
) -> None:
    pk = _confirmed(patient_api, demo, consult, day)
    response = staff_api.post(f"/api/appointments/{pk}/check_in")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "checked_in" and response.json()["checkedInAt"]
    event = AppointmentEvent.objects.filter(appointment_id=pk).latest("created_at")
    assert event.before is not None and event.after is not None
    assert (event.kind, event.actor_type, event.before["status"], event.after["status"]) == (
        "checked_in",
        "staff",
        "confirmed",
        "checked_in",
    )


def test_patients_cannot_check_themselves_in(patient_api, demo, consult, day, hours) -> None:
    pk = _confirmed(patient_api, demo, consult, day)
    assert patient_api.post(f"/api/appointments/{pk}/check_in").status_code == 403


def test_a_held_appointment_cannot_be_checked_in(staff_api, patient_api, demo, consult, day, hours) -> None:
    held = patient_api.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "11:00")), format="json"
    )
    response = staff_api.post(f"/api/appointments/{held.json()['id']}/check_in")
    assert response.status_code == 409 and response.json()["errors"][0]["code"] == "INVALID_STATUS"


def test_a_checked_in_appointment_keeps_its_time_and_cannot_be_cancelled(
    staff_api, patient_api, demo, consult, day, hours
) -> None:
    pk = _confirmed(patient_api, demo, consult, day)
    staff_api.post(f"/api/appointments/{pk}/check_in")
    query = {"appointmentTypeId": str(consult.pk), "start": day.isoformat(), "end": day.isoformat()}
    starts = [
        s["startLocal"]
        for s in patient_api.get(f"/api/doctors/{demo.doctor.pk}/availability", query).json()["slots"]
    ]
    assert "10:00" not in starts
    again = patient_api.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "10:00")), format="json"
    )
    assert again.status_code in (409, 422)
    cancelled = staff_api.post(f"/api/appointments/{pk}/cancel", {"reason": "x"}, format="json")
    assert cancelled.status_code == 409


def test_only_a_checked_in_appointment_is_completed(
    staff_api, patient_api, demo, consult, day, hours
) -> None:
    pk = _confirmed(patient_api, demo, consult, day)
    start, end = timezone.now() - timedelta(minutes=40), timezone.now() - timedelta(minutes=10)
    Appointment.objects.filter(pk=pk).update(
        starts_at=start, ends_at=end, busy_starts_at=start, busy_ends_at=end
    )
    assert staff_api.post(f"/api/appointments/{pk}/complete").status_code == 409  # confirmed → completed: no
    staff_api.post(f"/api/appointments/{pk}/check_in")
    done = staff_api.post(f"/api/appointments/{pk}/complete")
    assert done.status_code == 200 and done.json()["status"] == Status.COMPLETED
