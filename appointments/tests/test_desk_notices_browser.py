"""A receptionist reads the patients' own bookings, moves and cancellations on the desk and marks them seen,
at laptop and phone widths, with htmx and with plain page loads."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from appointments import notifications, services
from appointments.models import ActorType
from appointments.services import Actor
from appointments.tests.conftest import ATHENS, first_location, local
from appointments.tests.test_desk_browser import shot, sign_in
from scheduling.models import ScheduleRule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def patient_changes(demo) -> None:
    """The demo patient books three times, moves one booking and cancels another, all by themself."""
    for d in range(1, 8):
        ScheduleRule.objects.create(
            doctor=demo.doctor,
            timezone="Europe/Athens",
            day_of_week=d,
            work_start_local=time(8),
            work_end_local=time(20),
            slot_interval_minutes=30,
        )
    consult = demo.doctor.appointment_types.get(name="Consultation")
    day = datetime.now(ATHENS).date() + timedelta(days=4)
    me = Actor(ActorType.PATIENT, demo.patient.pk)
    with notifications.silenced():
        booked = []
        for hhmm in ("09:00", "11:00", "15:30"):
            req = services.HoldRequest(
                demo.doctor,
                consult,
                local(day, hhmm),
                demo.patient,
                first_location(demo.doctor),
                None,
                "in_person",
            )
            booked.append(services.confirm(services.hold(req, actor=me), actor=me))
        services.reschedule(booked[1], actor=me, starts_at=local(day, "12:30"))
        services.cancel(booked[2], actor=me, reason="Away that week")


def test_a_receptionist_sees_the_patients_changes_and_marks_them_seen(
    browser, live_server, demo, patient_changes
) -> None:
    page = sign_in(browser, live_server, "staff@example.com")
    page.goto(f"{live_server.url}/desk/")
    badge = page.get_by_test_id("notice-badge")
    assert badge.locator("[aria-hidden=true]").inner_text() == "5"  # three bookings, a move, a cancellation
    page.click("a.nav-notices")
    page.wait_for_url("**/desk/notices/")
    items = page.locator(".notice-item")
    assert items.count() == 5 and page.locator(".notice-item.unread").count() == 5
    assert items.first.locator(".notice-kind").inner_text() == "Cancelled"
    assert "→" in page.locator(".kind-rescheduled .notice-when").inner_text()
    shot(page, "notices-1280")

    page.get_by_role("button", name="Mark all as seen").click()  # htmx: the list and the badge refresh
    expect(page.locator(".notice-item.unread")).to_have_count(0)
    expect(page.get_by_test_id("notice-badge")).to_have_class(re.compile(r"\bis-zero\b"))
    assert page.get_by_role("button", name="Mark all as seen").is_disabled()
    shot(page, "notices-seen-1280")

    phone = sign_in(browser, live_server, "staff@example.com", width=390)
    phone.goto(f"{live_server.url}/desk/notices/")  # a plain load: the marker is the user's, not the page's
    assert phone.locator(".notice-item").count() == 5 and phone.locator(".notice-item.unread").count() == 0
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the notices page scrolls sideways on a phone ({width}px)"
    shot(phone, "notices-390")
    phone.locator(".notice-patient").first.click()
    phone.wait_for_url("**/desk/appointments/**")
    assert "Cancelled" in phone.locator("main").inner_text()
