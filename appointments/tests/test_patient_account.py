"""Sign-up, the email verification that gates a first confirmation, and password reset."""

from __future__ import annotations

import re

import pytest
from django.core import mail, signing

from appointments.models import Appointment, Status
from appointments.patient.account import SALT
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


def _link(body: str) -> str:
    found = re.search(r"http://testserver(/accounts/verify/[^/\s]+/)", body)
    assert found, body
    return found.group(1)


def test_sign_up_creates_a_linked_patient_and_signs_in(client, demo) -> None:
    response = client.post("/accounts/signup/", signup_data())
    assert response["Location"] == "/me/appointments"
    user = new_user()
    assert user.check_password("a-long-unusual-pass-42") and user.email_verified_at is None
    assert Patient.objects.get(user=user).email == "nora@example.org"
    assert client.get("/me/appointments").status_code == 200


def test_sign_up_refuses_a_taken_email_and_a_weak_password(client, demo) -> None:
    response = client.post("/accounts/signup/", signup_data(email="PATIENT@example.com", password="12345678"))
    page = response.content.decode()
    assert response.status_code == 422
    assert "sign in instead" in page and "too common" in page
    assert not Patient.objects.filter(full_name="Nora Newcomer").exists()


def test_confirming_waits_for_the_verified_address(client, demo, consult_both, soon) -> None:
    client.post("/accounts/signup/", signup_data())
    client.post("/book/hold", {"pick": pick(consult_both[0], at(soon, "10:00"))})
    held = Appointment.objects.get(patient__user=new_user())

    response = client.post(f"/book/held/{held.pk}/confirm")
    assert response.status_code == 422
    assert (
        "Check your email" in response.content.decode() and "Send the link again" in response.content.decode()
    )
    held.refresh_from_db()
    assert held.status == Status.HELD

    client.post("/accounts/verify/resend", {"next": f"/book/held/{held.pk}"})
    assert len(mail.outbox) == 2
    page = client.get(_link(str(mail.outbox[-1].body))).content.decode()
    assert "Your email address is verified" in page and f"/book/held/{held.pk}" in page
    assert new_user().email_verified_at is not None

    assert client.post(f"/book/held/{held.pk}/confirm")["Location"] == f"/me/appointments/{held.pk}/"
    held.refresh_from_db()
    assert held.status == Status.CONFIRMED


def test_a_tampered_or_expired_link_verifies_nothing(client, demo, settings) -> None:
    client.post("/accounts/signup/", signup_data())
    link = _link(str(mail.outbox[0].body))
    assert client.get(link[:-3] + "xx/").status_code == 400
    settings.MEDIC_VERIFY_EMAIL_MAX_AGE = -1
    response = client.get(link)
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert new_user().email_verified_at is None


def test_a_link_for_an_address_since_changed_verifies_nothing(client, demo) -> None:
    client.post("/accounts/signup/", signup_data())
    token = signing.dumps({"u": str(new_user().pk), "e": "old@example.org"}, salt=SALT)
    assert client.get(f"/accounts/verify/{token}/").status_code == 400


def test_the_demo_patient_needs_no_verification(demo) -> None:
    from appointments.patient.access import needs_verification

    assert not needs_verification(demo.patient.user)


def test_password_reset_sends_a_working_link(client, demo) -> None:
    response = client.post("/accounts/password_reset/", {"email": "patient@example.com"})
    assert response["Location"] == "/accounts/password_reset/done/"
    found = re.search(r"http://testserver(/accounts/reset/\S+/)", str(mail.outbox[0].body))
    assert found
    response = client.get(found.group(1), follow=True)
    assert "Choose a new password" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "brand-new-secret-77", "new_password2": "brand-new-secret-77"}
    )
    assert response["Location"] == "/accounts/reset/done/"
    demo.patient.user.refresh_from_db()
    assert demo.patient.user.check_password("brand-new-secret-77")


def test_the_login_page_links_to_sign_up_and_reset(client, demo) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/signup/"' in page and 'href="/accounts/password_reset/"' in page
