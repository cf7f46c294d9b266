"""/book/: from the clinic to a held time, for visitors and signed-in patients."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from appointments.models import Appointment, Status
from appointments.patient.views import PENDING
from appointments.tests.factories import AppointmentFactory
from appointments.tests.patient_fixtures import (  # noqa: F401
    at,
    consult_both_fixture,
    new_user,
    pick,
    signup_data,
    soon_fixture,
)
from medic.clinic.models import Patient

pytestmark = pytest.mark.django_db


def test_a_visitor_walks_from_clinic_to_the_days_with_free_times(client, demo, consult_both, soon) -> None:
    page = client.get("/book/").content.decode()
    assert "Demo Clinic" in page and "Other Clinic" not in page  # the private clinic is not listed

    page = client.get("/book/", {"clinic": demo.clinic.pk}).content.decode()
    assert "Consultation" in page and "Skin check" in page

    page = client.get("/book/", {"clinic": demo.clinic.pk, "service": "Consultation"}).content.decode()
    assert "Any doctor" in page and "Dr. Nikos Georgiou" in page

    response = client.get(
        "/book/",
        {"clinic": demo.clinic.pk, "service": "Consultation", "doctor": "any", "date": soon.isoformat()},
    )
    page = response.content.decode()
    assert 'data-testid="calendar"' in page
    assert f'aria-label="{soon:%A} {soon.day} {soon:%B}, free times"' in page
    assert "09:00" in page and "16:30" in page
    assert "Times are shown in <strong>Europe/Athens</strong>" in page


def test_the_browsers_zone_shows_the_times_with_the_clinics_beside(client, demo, consult_both, soon) -> None:
    client.cookies["tz"] = "Europe/London"
    page = client.get(
        "/book/",
        {"clinic": demo.clinic.pk, "service": "Consultation", "doctor": "any", "date": soon.isoformat()},
    ).content.decode()
    # 09:00 in Athens is 07:00 or 06:00 in London, depending on the season; the clinic's clock is beside.
    assert "09:00 clinic" in page
    assert "Times are shown in <strong>Europe/London</strong>" in page


def test_htmx_gets_only_the_calendar_and_times(client, demo, consult_both, soon) -> None:
    response = client.get(
        "/book/",
        {"clinic": demo.clinic.pk, "service": "Consultation", "doctor": demo.doctor.pk},
        headers={"HX-Request": "true", "HX-Target": "picker"},
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<section class="card picker" id="picker"')
    assert "<html" not in page


def test_a_private_clinic_is_404_to_outsiders(client, demo) -> None:
    assert client.get("/book/", {"clinic": demo.other_clinic.pk}).status_code == 404
    client.force_login(demo.patient.user)
    assert client.get("/book/", {"clinic": demo.other_clinic.pk}).status_code == 404


def test_a_visitors_pick_survives_signing_up_and_is_held(client, demo, consult_both, soon) -> None:
    consult = consult_both[0]
    starts = at(soon, "10:00")
    response = client.post(
        "/book/hold",
        {"pick": pick(consult, starts), "clinic": demo.clinic.pk, "service": "Consultation", "doctor": "any"},
    )
    assert response.status_code == 302 and response["Location"].startswith("/accounts/signup/")
    page = client.get(response["Location"]).content.decode()
    assert "Dr. Eleni Papadopoulou" in page and "10:00" in page  # what is about to be held

    response = client.post("/accounts/signup/", {**signup_data(), "next": "/book/resume"})
    assert response.status_code == 302 and response["Location"] == "/book/resume"
    response = client.get("/book/resume")
    held = Appointment.objects.get(patient__user__email="nora@example.org")
    assert response["Location"] == f"/book/held/{held.pk}"
    assert held.status == Status.HELD and held.starts_at == starts
    patient = Patient.objects.get(user=new_user())
    assert (patient.full_name, patient.phone, patient.timezone) == (
        "Nora Newcomer",
        "+30 690 000 0000",
        "Europe/Athens",
    )
    assert PENDING not in client.session
    page = client.get(f"/book/held/{held.pk}").content.decode()
    assert "data-countdown" in page and "Check your email" in page
    assert len(mail.outbox) == 1 and "/accounts/verify/" in mail.outbox[0].body


def test_a_visitors_pick_survives_signing_in(client, demo, consult_both, soon) -> None:
    consult = consult_both[1]
    client.post("/book/hold", {"pick": pick(consult, at(soon, "11:00"))})
    response = client.post(
        "/accounts/login/",
        {"username": "patient@example.com", "password": "medic-demo", "next": "/book/resume"},
    )
    assert response["Location"] == "/book/resume"
    client.get("/book/resume")
    held = Appointment.objects.get(patient=demo.patient)
    assert held.status == Status.HELD and held.doctor == demo.doctor2


def test_a_time_taken_meanwhile_shows_fresh_times_not_an_error(client, demo, consult_both, soon) -> None:
    consult = consult_both[0]
    starts = at(soon, "10:00")
    AppointmentFactory.create(
        appointment_type=consult,
        starts_at=starts,
        location=demo.doctor.locations.order_by("name").first(),
        consultation_mode="in_person",
    )
    client.force_login(demo.patient.user)
    keep = {"clinic": demo.clinic.pk, "service": "Consultation", "doctor": demo.doctor.pk, "date": soon}
    response = client.post("/book/hold", {"pick": pick(consult, starts), **keep}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "that time has just been taken. Here are the free times now." in page
    assert "10:30" in page and f'value="{pick(consult, starts)}"' not in page
    assert not Appointment.objects.filter(patient=demo.patient).exists()


def test_the_hold_limit_is_explained(client, demo, consult_both, soon) -> None:
    client.force_login(demo.patient.user)
    consult = consult_both[0]
    for hhmm in ("10:00", "11:00"):
        client.post("/book/hold", {"pick": pick(consult, at(soon, hhmm))})
    page = client.post("/book/hold", {"pick": pick(consult, at(soon, "12:00"))}, follow=True).content.decode()
    assert "At most 2 slots may be held at once at Demo Clinic" in page
    assert Appointment.objects.filter(patient=demo.patient).count() == 2


def test_a_signed_in_patient_holds_and_confirms_at_once(client, demo, consult_both, soon) -> None:
    client.force_login(demo.patient.user)  # made by the clinic: nothing to verify
    response = client.post("/book/hold", {"pick": pick(consult_both[0], at(soon, "14:00"))})
    held = Appointment.objects.get(patient=demo.patient)
    assert response["Location"] == f"/book/held/{held.pk}"
    response = client.post(f"/book/held/{held.pk}/confirm")
    assert response["Location"] == f"/me/appointments/{held.pk}/"
    held.refresh_from_db()
    assert held.status == Status.CONFIRMED


def test_confirming_an_expired_hold_offers_fresh_times(client, demo, consult_both, soon) -> None:
    client.force_login(demo.patient.user)
    client.post("/book/hold", {"pick": pick(consult_both[0], at(soon, "14:00"))})
    held = Appointment.objects.get(patient=demo.patient)
    Appointment.objects.filter(pk=held.pk).update(hold_expires_at=held.created_at - timedelta(minutes=1))
    response = client.post(f"/book/held/{held.pk}/confirm")
    page = response.content.decode()
    assert response.status_code == 410
    assert "hold the slot again" in page and "See the free times now" in page


def test_releasing_a_hold_frees_the_time(client, demo, consult_both, soon) -> None:
    client.force_login(demo.patient.user)
    client.post("/book/hold", {"pick": pick(consult_both[0], at(soon, "14:00"))})
    held = Appointment.objects.get(patient=demo.patient)
    response = client.post(f"/book/held/{held.pk}/release")
    assert response.status_code == 302 and response["Location"].startswith("/book/?")
    held.refresh_from_db()
    assert held.status == Status.CANCELLED


def test_staff_are_sent_to_the_desk_instead_of_holding(client, demo, consult_both, soon) -> None:
    client.force_login(demo.staff)
    page = client.post("/book/hold", {"pick": pick(consult_both[0], at(soon, "14:00"))}, follow=True)
    assert "book for patients at the front desk" in page.content.decode()
    assert not Appointment.objects.exists()
