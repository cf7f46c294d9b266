"""The desk's notices: what patients booked, moved and cancelled themselves, for their clinic's staff only,
with an unread count in the navigation and a per-user "seen" marker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from appointments import services
from appointments.desk import notices
from appointments.models import ActorType, Appointment, AppointmentEvent, DeskNoticesSeen
from appointments.services import Actor
from appointments.tests.conftest import first_location, local
from appointments.tests.factories import AppointmentFactory
from medic.clinic.models import StaffMembership, User
from medic.clinic.tests.factories import PatientFactory

pytestmark = pytest.mark.usefixtures("hours")


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def patient_books(demo, consult, starts: datetime) -> Appointment:
    actor = Actor(ActorType.PATIENT, demo.patient.pk)
    req = services.HoldRequest(
        demo.doctor, consult, starts, demo.patient, first_location(demo.doctor), None, "in_person"
    )
    return services.confirm(services.hold(req, actor=actor), actor=actor)


def patient_event(a: Appointment, kind: str = "confirmed", **extra: object) -> AppointmentEvent:
    """A patient's change as the audit log has it (for tests that need many)."""
    return AppointmentEvent.objects.create(
        appointment=a,
        kind=kind,
        actor_type=ActorType.PATIENT,
        actor_id=a.patient_id,
        before={"status": "confirmed" if kind != "confirmed" else "held"},
        after={"status": "confirmed", "startsAt": a.starts_at.astimezone(UTC).isoformat()},
        **extra,
    )


@pytest.fixture
def booked(demo, consult, day) -> Appointment:
    return patient_books(demo, consult, local(day, "10:00"))


def test_staff_see_the_patients_booking_move_and_cancellation_newest_first(demo, consult, day) -> None:
    a = patient_books(demo, consult, local(day, "10:00"))
    patient = Actor(ActorType.PATIENT, demo.patient.pk)
    a = services.reschedule(a, actor=patient, starts_at=local(day, "11:30"))
    services.cancel(a, actor=patient, reason="Feeling better")
    text = client_for(demo.staff).get("/desk/notices/").content.decode()
    cancelled, moved, booked = (
        text.index("Cancelled</span>"),
        text.index("Moved</span>"),
        text.index("Booked</span>"),
    )
    assert cancelled < moved < booked
    assert demo.patient.full_name in text and consult.name in text and demo.doctor.display_name in text
    assert f'href="/desk/appointments/{a.pk}/"' in text


def test_times_are_in_the_clinics_zone_and_a_move_shows_both(demo, consult, day) -> None:
    a = patient_books(demo, consult, local(day, "10:00"))  # local() is Europe/Athens, the demo clinic's zone
    services.reschedule(a, actor=Actor(ActorType.PATIENT, demo.patient.pk), starts_at=local(day, "11:30"))
    text = client_for(demo.staff).get("/desk/notices/").content.decode()
    assert f"<s>{local(day, '10:00'):%a %d %b · %H:%M}</s> → {local(day, '11:30'):%a %d %b · %H:%M}" in text
    assert "Times in Europe/Athens" in text


def test_changes_made_by_staff_or_doctors_and_holds_are_not_notices(demo, consult, day) -> None:
    staff = Actor(ActorType.STAFF, demo.staff.pk)
    req = services.HoldRequest(
        demo.doctor,
        consult,
        local(day, "09:00"),
        demo.patient,
        first_location(demo.doctor),
        None,
        "in_person",
    )
    services.cancel(services.confirm(services.hold(req, actor=staff), actor=staff), actor=staff)
    patient = Actor(ActorType.PATIENT, demo.patient.pk)
    given_up = services.hold(
        services.HoldRequest(
            demo.doctor,
            consult,
            local(day, "12:00"),
            demo.patient,
            first_location(demo.doctor),
            None,
            "in_person",
        ),
        actor=patient,
    )
    services.cancel(given_up, actor=patient)
    assert list(notices.notices_of(demo.clinic)) == []
    assert "No notices yet" in client_for(demo.staff).get("/desk/notices/").content.decode()


def test_another_clinics_staff_see_none_of_them(demo, booked) -> None:
    text = client_for(demo.other_staff).get("/desk/notices/").content.decode()
    assert demo.patient.full_name not in text and "No notices yet" in text
    assert client_for(demo.other_staff).get(f"/desk/notices/?clinic={demo.clinic.pk}").status_code == 404
    assert notices.unread_count(demo.other_staff.pk, demo.other_clinic.pk) == 0


@pytest.mark.parametrize("url", ["/desk/notices/", "/desk/notices/badge"])
def test_doctors_and_patients_are_refused(demo, booked, url) -> None:
    assert client_for(demo.doctor.user).get(url).status_code == 404
    assert client_for(demo.patient.user).get(url).status_code == 404
    until = {"until": datetime.now(UTC).isoformat()}
    assert client_for(demo.doctor.user).post("/desk/notices/seen", until).status_code == 404
    assert client_for(demo.patient.user).post("/desk/notices/seen", until).status_code == 404
    assert not DeskNoticesSeen.objects.exists()


def test_anonymous_visitors_are_sent_to_login(db) -> None:
    response = Client().get("/desk/notices/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_navigation_counts_unread_notices_for_staff_only(demo, booked) -> None:
    staff_day = client_for(demo.staff).get("/desk/").content.decode()
    assert 'data-testid="notice-badge"' in staff_day and "1 unread" in staff_day
    doctor_day = client_for(demo.doctor.user).get("/desk/").content.decode()
    assert "/desk/notices/" not in doctor_day


def test_marking_seen_by_a_plain_form_clears_the_count_and_redirects(demo, booked) -> None:
    client = client_for(demo.staff)
    page = client.get("/desk/notices/").content.decode()
    assert "1 new" in page
    newest = AppointmentEvent.objects.get(appointment=booked, kind="confirmed").created_at
    response = client.post("/desk/notices/seen", {"until": newest.isoformat(), "page": "1"})
    assert response.status_code == 303 and response["Location"].startswith("/desk/notices/")
    assert notices.unread_count(demo.staff.pk, demo.clinic.pk) == 0
    assert "new</span>" not in client.get("/desk/notices/").content.decode()


def test_marking_seen_through_htmx_answers_the_list_and_tells_the_badge(demo, booked) -> None:
    newest = AppointmentEvent.objects.get(appointment=booked, kind="confirmed").created_at
    response = client_for(demo.staff).post(
        "/desk/notices/seen",
        {"until": newest.isoformat()},
        headers={"HX-Request": "true", "HX-Target": "notices"},
    )
    assert response.status_code == 200 and response["HX-Trigger"] == "desk-notices-seen"
    text = response.content.decode()
    assert text.lstrip().startswith('<section id="notices"') and "<html" not in text
    badge = client_for(demo.staff).get("/desk/notices/badge", headers={"HX-Request": "true"}).content.decode()
    assert "unread" not in badge and "is-zero" in badge


def test_a_notice_that_came_after_the_page_was_shown_stays_unread(demo, consult, day, booked) -> None:
    shown_newest = AppointmentEvent.objects.get(appointment=booked, kind="confirmed").created_at
    patient_books(demo, consult, local(day, "14:00"))
    client_for(demo.staff).post("/desk/notices/seen", {"until": shown_newest.isoformat()})
    assert notices.unread_count(demo.staff.pk, demo.clinic.pk) == 1


def test_the_marker_never_moves_back_nor_past_now(demo, booked) -> None:
    client = client_for(demo.staff)
    client.post("/desk/notices/seen", {"until": (datetime.now(UTC) + timedelta(days=3)).isoformat()})
    marker = DeskNoticesSeen.objects.get(user=demo.staff).seen_until
    assert marker <= datetime.now(UTC)
    client.post("/desk/notices/seen", {"until": "2020-01-01T00:00:00+00:00"})
    assert DeskNoticesSeen.objects.get(user=demo.staff).seen_until == marker


def test_seen_is_per_user(demo, booked) -> None:
    other = User.objects.create_user(email="reception2@example.com", password="x")
    StaffMembership.objects.create(user=other, clinic=demo.clinic, role="receptionist")
    client_for(demo.staff).post("/desk/notices/seen", {"until": datetime.now(UTC).isoformat()})
    assert notices.unread_count(demo.staff.pk, demo.clinic.pk) == 0
    assert notices.unread_count(other.pk, demo.clinic.pk) == 1


@pytest.mark.parametrize(
    "until", ["", "yesterday", "2026-13-45T00:00:00Z", "2026-01-01T00:00:00", "99" * 400]
)
def test_a_bad_marker_is_refused_and_writes_nothing(demo, booked, until) -> None:
    response = client_for(demo.staff).post("/desk/notices/seen", {"until": until})
    assert response.status_code == 422 and "Nothing was marked" in response.content.decode()
    assert not DeskNoticesSeen.objects.exists()


def test_a_nul_byte_in_the_marker_is_refused_and_writes_nothing(demo, booked) -> None:
    response = client_for(demo.staff).post("/desk/notices/seen", {"until": "2026-01-01\x00"})
    assert response.status_code in (400, 422)
    assert not DeskNoticesSeen.objects.exists()


def test_the_list_is_paginated(demo, consult) -> None:
    for _ in range(notices_per_page() + 5):
        patient_event(AppointmentFactory.create(appointment_type=consult, patient=demo.patient))
    client = client_for(demo.staff)
    first = client.get("/desk/notices/").content.decode()
    second = client.get("/desk/notices/?page=2").content.decode()
    assert first.count('class="notice-item') == notices_per_page()
    assert second.count('class="notice-item') == 5 and "Page 2 of 2" in second
    assert "Mark all as seen" not in second  # only the first page knows the newest notice
    assert client.get("/desk/notices/?page=nonsense").status_code == 200


def test_the_page_and_the_unread_count_cost_the_same_queries_for_few_or_many(demo, consult) -> None:
    client = client_for(demo.staff)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/desk/notices/").status_code == 200
        return len(ctx.captured_queries)

    patient_event(AppointmentFactory.create(appointment_type=consult, patient=demo.patient))
    client.get("/desk/notices/")  # warm the session
    few = count()
    for _ in range(notices_per_page() + 10):
        patient = PatientFactory.create(clinic=demo.clinic, user=None)
        patient_event(AppointmentFactory.create(appointment_type=consult, patient=patient))
    assert count() == few
    assert notices.unread_count(demo.staff.pk, demo.clinic.pk) == notices_per_page() + 11


def test_the_count_stops_at_the_cap(demo, consult) -> None:
    a = AppointmentFactory.create(appointment_type=consult, patient=demo.patient)
    for _ in range(notices.UNREAD_CAP + 3):
        patient_event(a, kind="rescheduled")
    assert notices.unread_count(demo.staff.pk, demo.clinic.pk) == notices.UNREAD_CAP + 1
    assert "99+" in client_for(demo.staff).get("/desk/notices/badge").content.decode()


def test_the_page_refreshes_itself_as_a_fragment(demo, booked) -> None:
    text = (
        client_for(demo.staff)
        .get("/desk/notices/", headers={"HX-Request": "true", "HX-Target": "notices"})
        .content.decode()
    )
    assert text.lstrip().startswith('<section id="notices"') and demo.patient.full_name in text


def notices_per_page() -> int:
    from appointments.desk.views import NOTICES_PER_PAGE

    return NOTICES_PER_PAGE
