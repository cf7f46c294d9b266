"""Who may use each desk page and action: the clinic's staff, the doctor for their own diary, nobody else."""

from __future__ import annotations

import pytest
from django.test import Client

from appointments.models import Status
from appointments.tests.conftest import local
from appointments.tests.factories import AppointmentFactory
from medic.clinic.tests.factories import PatientFactory


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def appt(demo, hours, consult, day):
    return AppointmentFactory.create(
        appointment_type=consult,
        patient=PatientFactory.create(clinic=demo.clinic, user=None, full_name="Desk Patient"),
        starts_at=local(day, "10:00"),
    )


PAGES = ["/desk/", "/desk/week/", "/desk/sheet/", "/desk/book/"]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_login(db, url) -> None:
    response = client_for(None).get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", PAGES)
def test_a_patient_gets_404(demo, url) -> None:
    assert client_for(demo.patient.user).get(url).status_code == 404


@pytest.mark.parametrize("url", PAGES)
def test_staff_and_doctors_get_the_pages(demo, url) -> None:
    assert client_for(demo.staff).get(url).status_code == 200
    assert client_for(demo.doctor.user).get(url).status_code == 200


def test_a_doctor_sees_only_their_own_column(demo) -> None:
    text = client_for(demo.doctor.user).get("/desk/").content.decode()
    assert demo.doctor.display_name in text and demo.doctor2.display_name not in text


def test_a_doctor_cannot_open_a_colleagues_week(demo) -> None:
    client = client_for(demo.doctor.user)
    assert client.get(f"/desk/week/?doctor={demo.doctor2.pk}").status_code == 404


def test_another_clinics_staff_never_sees_this_clinic(demo, appt) -> None:
    client = client_for(demo.other_staff)
    assert demo.doctor.display_name not in client.get("/desk/").content.decode()
    assert client.get(f"/desk/?clinic={demo.clinic.pk}").status_code == 404
    assert client.get(f"/desk/week/?doctor={demo.doctor.pk}").status_code == 404
    assert client.get(f"/desk/sheet/?doctor={demo.doctor.pk}").status_code == 404


APPOINTMENT_URLS = ["/", "/cancel", "/reschedule"]
ACTIONS = ["confirm", "check-in", "complete", "no-show", "cancel", "reschedule"]


@pytest.mark.parametrize("suffix", APPOINTMENT_URLS)
def test_an_appointment_page_is_404_to_outsiders(demo, appt, suffix) -> None:
    url = f"/desk/appointments/{appt.pk}{suffix}"
    assert client_for(demo.other_staff).get(url).status_code == 404
    assert client_for(demo.doctor2.user).get(url).status_code == 404
    assert client_for(appt.patient.user).get(url).status_code in (302, 404)
    assert client_for(demo.patient.user).get(url).status_code == 404
    assert client_for(demo.staff).get(url).status_code == 200
    assert client_for(demo.doctor.user).get(url).status_code == 200


@pytest.mark.parametrize("action", ACTIONS)
def test_outsiders_cannot_act_on_an_appointment(demo, appt, action) -> None:
    url = f"/desk/appointments/{appt.pk}/{action}"
    for user in (demo.other_staff, demo.doctor2.user, demo.patient.user):
        assert client_for(user).post(url, {"reason": "x"}).status_code == 404
    assert client_for(None).post(url).status_code == 302
    appt.refresh_from_db()
    assert appt.status == Status.CONFIRMED


def test_staff_check_in_and_the_doctor_may_complete_only_once_it_started(demo, appt) -> None:
    assert client_for(demo.staff).post(f"/desk/appointments/{appt.pk}/check-in").status_code == 302
    appt.refresh_from_db()
    assert appt.status == Status.CHECKED_IN
    response = client_for(demo.doctor.user).post(f"/desk/appointments/{appt.pk}/complete")
    assert response.status_code == 422
    assert "Only an appointment that has started can be closed." in response.content.decode()


def test_an_unknown_action_is_404(demo, appt) -> None:
    assert client_for(demo.staff).post(f"/desk/appointments/{appt.pk}/explode").status_code == 404


def test_posting_without_a_csrf_token_is_refused(demo, appt) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.staff)
    assert client.post(f"/desk/appointments/{appt.pk}/check-in").status_code == 403


def test_another_clinics_staff_cannot_book_with_this_clinics_doctor(demo, hours, consult, day) -> None:
    response = client_for(demo.other_staff).post(
        "/desk/book/hold",
        {
            "patient": str(demo.patient.pk),
            "doctor": str(demo.doctor.pk),
            "appointment_type": str(consult.pk),
            "starts_at": local(day, "11:00").isoformat(),
        },
    )
    assert response.status_code == 404


def test_only_staff_register_patients(demo) -> None:
    data = {"full_name": "New Person", "phone": "+30 210 000 0000"}
    assert client_for(demo.doctor.user).post("/desk/patients/new", data).status_code == 404
    assert client_for(demo.patient.user).post("/desk/patients/new", data).status_code == 404
