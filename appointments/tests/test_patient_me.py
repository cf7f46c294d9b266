"""/me/appointments: a patient's own bookings; cancel and move them until the cancellation notice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from appointments.models import Appointment, Status
from appointments.selectors import utcnow
from appointments.tests.factories import AppointmentFactory
from appointments.tests.patient_fixtures import at, consult_both_fixture, soon_fixture  # noqa: F401
from medic.clinic.tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db


def _booked(demo, consult_both, starts, **extra) -> Appointment:
    fields = {
        "appointment_type": consult_both[0],
        "patient": demo.patient,
        "starts_at": starts,
        "location": demo.doctor.locations.order_by("name").first(),
        "consultation_mode": "in_person",
        **extra,
    }
    return AppointmentFactory.create(**fields)


def test_upcoming_and_past_are_listed_apart(client, demo, consult_both, soon) -> None:
    coming = _booked(demo, consult_both, at(soon, "10:00"))
    gone = _booked(demo, consult_both, at(soon - timedelta(days=10), "10:00"), status=Status.COMPLETED)
    client.force_login(demo.patient.user)
    page = client.get("/me/appointments").content.decode()
    upcoming, past = page.split('data-testid="past"')
    assert f"/me/appointments/{coming.pk}/" in upcoming and f"/me/appointments/{gone.pk}/" in past


def test_a_patient_cancels_before_the_notice(client, demo, consult_both, soon) -> None:
    a = _booked(demo, consult_both, at(soon, "10:00"))
    client.force_login(demo.patient.user)
    assert "Cancel this appointment?" in client.get(f"/me/appointments/{a.pk}/cancel").content.decode()
    response = client.post(f"/me/appointments/{a.pk}/cancel", {"reason": ""})
    assert response["Location"] == f"/me/appointments/{a.pk}/"
    a.refresh_from_db()
    assert a.status == Status.CANCELLED


def test_a_patient_moves_a_booking_to_a_free_time(client, demo, consult_both, soon) -> None:
    a = _booked(demo, consult_both, at(soon, "10:00"))
    client.force_login(demo.patient.user)
    page = client.get(f"/me/appointments/{a.pk}/reschedule", {"date": soon.isoformat()}).content.decode()
    new = at(soon, "15:00")
    assert f'value="{new.isoformat()}"' in page
    response = client.post(f"/me/appointments/{a.pk}/reschedule", {"starts_at": new.isoformat()})
    assert response["Location"] == f"/me/appointments/{a.pk}/"
    a.refresh_from_db()
    assert a.starts_at == new and a.status == Status.CONFIRMED


def test_a_taken_time_on_moving_shows_fresh_times(client, demo, consult_both, soon) -> None:
    a = _booked(demo, consult_both, at(soon, "10:00"))
    _booked(demo, consult_both, at(soon, "15:00"), patient=PatientFactory.create())
    client.force_login(demo.patient.user)
    response = client.post(
        f"/me/appointments/{a.pk}/reschedule", {"starts_at": at(soon, "15:00").isoformat()}
    )
    page = response.content.decode()
    assert response.status_code in (409, 422) and "Here are the free times now" in page
    assert f'value="{at(soon, "15:30").isoformat()}"' in page


def test_changes_after_the_notice_are_refused_with_a_clear_message(client, demo, consult_both) -> None:
    starts = (utcnow() + timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    a = _booked(demo, consult_both, starts)  # the service allows changes until 24 hours before
    client.force_login(demo.patient.user)
    page = client.get(f"/me/appointments/{a.pk}/").content.decode()
    assert 'data-testid="too-late"' in page and "please call Demo Clinic" in page
    assert "Move to another time" not in page

    response = client.post(f"/me/appointments/{a.pk}/cancel", {"reason": "ill"})
    assert response.status_code == 422
    assert "could be cancelled online until" in response.content.decode()
    response = client.post(
        f"/me/appointments/{a.pk}/reschedule", {"starts_at": (starts + timedelta(days=2)).isoformat()}
    )
    assert response.status_code == 422 and "could be moved online until" in response.content.decode()
    a.refresh_from_db()
    assert a.status == Status.CONFIRMED and a.starts_at == starts


def test_another_patients_appointment_is_404(client, demo, consult_both, soon) -> None:
    a = _booked(demo, consult_both, at(soon, "10:00"))
    someone = UserFactory.create()
    PatientFactory.create(user=someone)
    client.force_login(someone)
    for url in (
        f"/me/appointments/{a.pk}/",
        f"/me/appointments/{a.pk}/cancel",
        f"/me/appointments/{a.pk}/reschedule",
        f"/book/held/{a.pk}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/me/appointments/{a.pk}/cancel").status_code == 404
    assert client.post(f"/book/held/{a.pk}/confirm").status_code == 404


def test_the_pages_need_a_sign_in(client, demo) -> None:
    response = client.get("/me/appointments")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
