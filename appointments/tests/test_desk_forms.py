"""Every desk form says what is wrong beside the field, never a 500; bookings go through the services."""

from __future__ import annotations

import pytest
from django.test import Client

from appointments.models import Appointment, Status
from appointments.tests.conftest import first_location, local
from appointments.tests.factories import AppointmentFactory
from medic.clinic.models import Patient
from medic.clinic.tests.factories import PatientFactory


@pytest.fixture
def staff(demo) -> Client:
    client = Client()
    client.force_login(demo.staff)
    return client


@pytest.fixture
def maria(demo) -> Patient:
    return PatientFactory.create(
        clinic=demo.clinic, user=None, full_name="Maria Desk", phone="+30 210 555 0101"
    )


def hold_data(demo, consult, starts, who, **extra) -> dict:
    return {
        "patient": str(who.pk),
        "doctor": str(demo.doctor.pk),
        "appointment_type": str(consult.pk),
        "starts_at": starts.isoformat(),
        "location": str(first_location(demo.doctor).pk),
        "mode": "in_person",
        **extra,
    }


def test_a_new_patient_needs_a_name_and_a_phone(staff) -> None:
    response = staff.post("/desk/patients/new", {"email": "not-an-email"})
    assert response.status_code == 422
    assert response.context["patient_form"].errors.keys() == {"full_name", "phone", "email"}


def test_a_new_patient_belongs_to_the_clinic_and_is_chosen_for_booking(demo, staff) -> None:
    response = staff.post("/desk/patients/new", {"full_name": "Nora New", "phone": "+30 210 123 4567"})
    patient = Patient.objects.get(full_name="Nora New")
    assert patient.clinic == demo.clinic and patient.timezone == "Europe/Athens"
    assert response.status_code == 302 and f"patient={patient.pk}" in response["Location"]


def test_patients_are_found_by_part_of_the_phone(staff, maria) -> None:
    assert "Maria Desk" in staff.get("/desk/book/", {"q": "5550"}).content.decode()


def test_holding_and_confirming_books_the_time(demo, staff, hours, consult, day, maria) -> None:
    response = staff.post("/desk/book/hold", hold_data(demo, consult, local(day, "11:00"), maria))
    a = Appointment.objects.get(patient=maria)
    assert response.status_code == 302 and a.status == Status.HELD
    assert "Confirm booking" in staff.get(response["Location"]).content.decode()
    staff.post(f"/desk/appointments/{a.pk}/confirm")
    a.refresh_from_db()
    assert a.status == Status.CONFIRMED


def test_a_hold_without_a_patient_says_choose_one(demo, staff, hours, consult, day, maria) -> None:
    response = staff.post("/desk/book/hold", hold_data(demo, consult, local(day, "11:00"), maria, patient=""))
    assert response.status_code == 422
    assert response.context["hold_form"].errors["patient"] == ["Choose the patient first."]


def test_a_taken_time_says_so_and_offers_fresh_times(demo, staff, hours, consult, day, maria) -> None:
    AppointmentFactory.create(appointment_type=consult, starts_at=local(day, "11:00"))
    data = hold_data(demo, consult, local(day, "11:00"), maria, keep_service="Consultation")
    response = staff.post("/desk/book/hold", data)
    assert response.status_code == 409
    assert "Someone else has just held or booked that time." in response.content.decode()
    assert response.context["offers"]


def test_an_ambiguous_mode_is_asked_for_beside_the_field(demo, staff, hours, consult, day, maria) -> None:
    response = staff.post("/desk/book/hold", hold_data(demo, consult, local(day, "11:00"), maria, mode=""))
    assert response.status_code == 422
    assert "mode" in response.context["hold_form"].errors


def test_cancelling_needs_a_reason(demo, staff, hours, consult, day) -> None:
    a = AppointmentFactory.create(appointment_type=consult, starts_at=local(day, "10:00"))
    response = staff.post(f"/desk/appointments/{a.pk}/cancel", {"reason": ""})
    assert response.status_code == 422
    assert response.context["form"].errors["reason"]
    staff.post(f"/desk/appointments/{a.pk}/cancel", {"reason": "Called to cancel"})
    a.refresh_from_db()
    assert a.status == Status.CANCELLED and a.cancel_reason == "Called to cancel"


def test_cancelling_twice_a_completed_one_is_a_clear_refusal(demo, staff, hours, consult, day) -> None:
    a = AppointmentFactory.create(
        appointment_type=consult, starts_at=local(day, "10:00"), status=Status.COMPLETED
    )
    response = staff.post(f"/desk/appointments/{a.pk}/cancel", {"reason": "x"})
    assert response.status_code == 409
    assert "cannot be cancelled" in response.content.decode()


def test_rescheduling_moves_to_a_free_time_and_refuses_a_bad_one(demo, staff, hours, consult, day) -> None:
    a = AppointmentFactory.create(
        appointment_type=consult,
        starts_at=local(day, "10:00"),
        location=first_location(demo.doctor),
        consultation_mode="in_person",
    )
    response = staff.post(
        f"/desk/appointments/{a.pk}/reschedule", {"starts_at": local(day, "03:00").isoformat()}
    )
    assert response.status_code == 422
    assert "not a bookable slot" in response.content.decode()
    assert staff.post(f"/desk/appointments/{a.pk}/reschedule", {"starts_at": ""}).status_code == 422
    staff.post(f"/desk/appointments/{a.pk}/reschedule", {"starts_at": local(day, "14:00").isoformat()})
    a.refresh_from_db()
    assert a.starts_at == local(day, "14:00")


def test_an_expired_hold_cannot_be_confirmed(demo, staff, hours, consult, day) -> None:
    from datetime import UTC, datetime, timedelta

    a = AppointmentFactory.create(
        appointment_type=consult,
        starts_at=local(day, "10:00"),
        status=Status.HELD,
        hold_expires_at=datetime.now(UTC) - timedelta(minutes=1),
    )
    response = staff.post(f"/desk/appointments/{a.pk}/confirm")
    assert response.status_code == 410
    assert "hold ran out" in response.content.decode()


def test_a_walk_in_needs_a_doctor_and_a_service(demo, staff, maria) -> None:
    response = staff.post("/desk/book/walk-in", {"patient": str(maria.pk)})
    assert response.status_code == 422
    assert set(response.context["walk_in"].errors) == {"doctor", "service"}


def test_a_walk_in_without_free_time_today_says_so(demo, staff, maria) -> None:
    response = staff.post(
        "/desk/book/walk-in",
        {"patient": str(maria.pk), "doctor": str(demo.doctor2.pk), "service": "Skin check"},
    )
    assert response.status_code == 422
    assert "no free time left today" in response.content.decode()
