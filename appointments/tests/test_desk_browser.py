"""A receptionist runs the desk in a real browser: find, book, check in, move, cancel; a colleague sees it."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from appointments.models import Appointment, Status
from appointments.tests.conftest import ATHENS, local
from appointments.tests.factories import AppointmentFactory
from conftest import ARTIFACTS
from medic.clinic.models import Patient
from medic.clinic.tests.factories import PatientFactory
from medic.testing import no_csp_violations
from scheduling.models import ScheduleRule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_csp_violations(browser):
    """Every page these tests open passes the Content-Security-Policy: no violation reported."""
    with no_csp_violations(browser):
        yield


def sign_in(browser, live_server, email: str, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", "medic-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"desk-{name}.png"), full_page=True)


@pytest.fixture
def clinic_day(demo):
    """Both demo doctors work all day every day; three patients, two of them already booked today."""
    for doctor in (demo.doctor, demo.doctor2):
        for d in range(1, 8):
            ScheduleRule.objects.create(
                doctor=doctor,
                timezone="Europe/Athens",
                day_of_week=d,
                work_start_local=time(0),
                work_end_local=time(23, 30),
                slot_interval_minutes=30,
                location=doctor.locations.order_by("name").first(),
            )
    today = datetime.now(ATHENS).date()
    consult = demo.doctor.appointment_types.get(name="Consultation")
    central = demo.doctor.locations.order_by("name").first()
    soon = datetime.now(ATHENS).replace(minute=0, second=0, microsecond=0) + timedelta(hours=3)
    if soon.date() != today or soon > local(today, "22:00"):
        # Both appointments (the second an hour later, for 30 minutes) must be on today's grid: from 19:00
        # Athens time on, the second would have run past midnight and the test failed for that hour.
        soon = local(today, "20:00")
    people = {
        name: PatientFactory.create(
            clinic=demo.clinic, user=None, full_name=name, phone=phone, timezone="Europe/Athens"
        )
        for name, phone in (
            ("Ioanna Kosta", "+30 694 123 4567"),
            ("Petros Move", "+30 210 777 1111"),
            ("Sofia Cancel", "+30 210 888 2222"),
        )
    }
    move = AppointmentFactory.create(
        appointment_type=consult,
        patient=people["Petros Move"],
        starts_at=soon,
        location=central,
        consultation_mode="in_person",
    )
    drop = AppointmentFactory.create(
        appointment_type=consult,
        patient=people["Sofia Cancel"],
        starts_at=soon + timedelta(hours=1),
        location=central,
        consultation_mode="in_person",
    )
    return people, move, drop


def test_a_receptionist_books_checks_in_moves_and_cancels_without_the_api(
    browser, live_server, demo, clinic_day
) -> None:
    people, move, drop = clinic_day
    page = sign_in(browser, live_server, "staff@example.com")
    other = sign_in(browser, live_server, "staff@example.com", width=390)
    other.goto(f"{live_server.url}/desk/")
    other.get_by_test_id("day-grid").wait_for()
    shot(other, "day-390")

    page.goto(f"{live_server.url}/desk/")
    page.get_by_test_id("day-grid").wait_for()
    shot(page, "day-1280")

    # Find the patient by part of her phone number, then the earliest time with any doctor.
    page.get_by_role("link", name="Book", exact=True).click()
    page.get_by_label("Find a patient").fill("1234")
    page.get_by_role("link", name="Ioanna Kosta").click()
    page.get_by_test_id("chosen-patient").wait_for()
    page.locator("#id_service").select_option("Consultation")
    page.get_by_role("button", name="Find free times").click()
    page.get_by_test_id("offers").wait_for()
    shot(page, "book-1280")
    page.get_by_test_id("offers").get_by_role("button", name="Hold").first.click()
    page.get_by_role("button", name="Confirm booking").wait_for()
    shot(page, "held-1280")
    page.get_by_role("button", name="Confirm booking").click()
    page.get_by_role("button", name="Check in").wait_for()
    booked = Appointment.objects.get(patient=people["Ioanna Kosta"])
    assert booked.status == Status.CONFIRMED

    # It is on the day view; check the patient in from its panel.
    page.goto(f"{live_server.url}/desk/?date={booked.starts_at.astimezone(ATHENS).date()}")
    page.get_by_test_id(f"appt-{booked.pk}").click()
    page.locator("#panel").get_by_role("button", name="Check in").click()
    page.locator("#panel").get_by_text("Checked in", exact=True).first.wait_for()
    booked.refresh_from_db()
    assert booked.status == Status.CHECKED_IN

    # Move another appointment to a later free time.
    page.goto(f"{live_server.url}/desk/")
    page.get_by_test_id(f"appt-{move.pk}").click()
    page.locator("#panel").get_by_role("link", name="Reschedule…").click()
    page.locator("#panel .time-btn").nth(2).click()
    page.locator("#panel").get_by_text("Moved").wait_for()
    move.refresh_from_db()
    assert move.status == Status.CONFIRMED and move.rescheduled_at is not None

    # Cancel a third one, with a reason (none given first: the form says so).
    page.wait_for_load_state("networkidle")  # the grid has refreshed after the move
    page.get_by_test_id(f"appt-{drop.pk}").click()
    page.locator("#panel").get_by_role("heading", name="Sofia Cancel").wait_for()
    page.locator("#panel").get_by_role("link", name="Cancel…").click()
    page.locator("#panel").get_by_role("button", name="Cancel appointment").click()
    page.locator("#panel .field-error").wait_for()
    page.locator("#panel").get_by_label("Reason").fill("Patient called: feeling better")
    page.locator("#panel").get_by_role("button", name="Cancel appointment").click()
    page.locator("#panel").get_by_text("feeling better").first.wait_for()
    drop.refresh_from_db()
    assert drop.status == Status.CANCELLED and drop.cancel_reason == "Patient called: feeling better"
    shot(page, "after-1280")

    # The second receptionist's page, open on today since before the booking, shows it once it refreshes
    # (on focus, or every 30 s) without a reload. Near midnight the earliest time can be tomorrow: then the
    # page is opened on that day instead.
    booked_day = booked.starts_at.astimezone(ATHENS).date()
    if booked_day == datetime.now(ATHENS).date():
        assert other.get_by_test_id(f"appt-{booked.pk}").count() == 0
        other.evaluate("window.dispatchEvent(new Event('focus'))")
    else:
        other.goto(f"{live_server.url}/desk/?date={booked_day}")
    other.get_by_test_id(f"appt-{booked.pk}").wait_for()
    shot(other, "after-390")
    assert Patient.objects.filter(full_name="Ioanna Kosta").count() == 1
