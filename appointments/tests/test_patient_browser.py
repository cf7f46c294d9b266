"""A visitor books online in a real browser: any doctor, a held time, sign-up, the emailed link, confirm;
the desk sees it; the patient moves it, then cancels it; a second patient racing for the time gets fresh
times."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.core import mail

from appointments.models import Appointment, Status
from appointments.tests.conftest import ATHENS
from appointments.tests.patient_fixtures import at, consult_both_fixture, soon_fixture  # noqa: F401
from conftest import ARTIFACTS
from medic.testing import no_csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_csp_violations(browser):
    """Every page these tests open passes the Content-Security-Policy: no violation reported."""
    with no_csp_violations(browser):
        yield


def new_page(browser, width: int, tz: str = "Europe/Athens"):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB", timezone_id=tz)
    context.set_default_timeout(15_000)
    return context.new_page()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"patient-{name}.png"), full_page=True)


def pick_value(t, starts: datetime) -> str:
    return f"{t.doctor_id}|{t.pk}|{starts.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def open_day(page, base: str, soon) -> None:
    """Clinic (the only public one) → Consultation → Any doctor → the day."""
    page.goto(f"{base}/book/")
    page.get_by_test_id("services").get_by_role("link", name=re.compile("^Consultation")).click()
    page.get_by_role("link", name=re.compile("^Any doctor")).click()
    page.get_by_test_id("calendar").wait_for()
    day = page.get_by_role("link", name=f"{soon:%A} {soon.day} {soon:%B}, free times")
    if not day.count():
        page.get_by_role("link", name="Next month").click()
    day.click()
    page.locator("#day-label").get_by_text(f"{soon:%A} {soon.day} {soon:%B}").wait_for()


def test_a_visitor_books_verifies_moves_and_cancels_and_a_racer_gets_fresh_times(
    browser, live_server, demo, consult_both, soon
) -> None:
    base = live_server.url
    eleni = consult_both[0]  # "any doctor" offers the first free doctor by name at each time
    ten = pick_value(eleni, at(soon, "10:00"))

    # The second patient is signed in and looking at the same day on a phone.
    racer = new_page(browser, 390)
    racer.goto(f"{base}/accounts/login/")
    racer.fill("#id_username", "patient@example.com")
    racer.fill("#id_password", "medic-demo")
    racer.click("button[type=submit]")
    racer.wait_for_url(re.compile(r"/$"))
    open_day(racer, base, soon)
    shot(racer, "times-390")

    # The visitor, in London, picks 10:00 Athens time with any doctor.
    page = new_page(browser, 1280, tz="Europe/London")
    open_day(page, base, soon)
    page.get_by_text("Times are shown in Europe/London time").wait_for()
    shot(page, "times-1280")
    page.locator(f'button[value="{ten}"]').click()

    # Sign up on the way: the chosen time is shown, then held right after.
    page.get_by_test_id("pending").wait_for()
    shot(page, "signup-1280")
    page.get_by_label("Full name").fill("Nora Newcomer")
    page.get_by_label("Email").fill("nora@example.org")
    page.get_by_label("Phone").fill("+44 7700 900123")
    page.get_by_label("Password").fill("a-long-unusual-pass-42")
    page.get_by_role("button", name="Create account and hold the time").click()
    page.get_by_role("heading", name="Your time is held").wait_for()
    page.get_by_test_id("verify-box").wait_for()
    shot(page, "held-1280")
    held = Appointment.objects.get(patient__user__email="nora@example.org")
    assert held.status == Status.HELD and held.doctor == demo.doctor
    assert held.patient.timezone == "Europe/London"  # from the browser

    # The racer clicks the same time on their stale page: fresh times, not an error.
    racer.locator(f'button[value="{ten}"]').click()
    racer.get_by_text("that time has just been taken. Here are the free times now.").wait_for()
    assert racer.locator(f'button[value="{ten}"]').count() == 0
    shot(racer, "taken-390")

    # Confirming waits for the address; the emailed link verifies it.
    page.get_by_role("button", name="Confirm booking").click()
    page.get_by_test_id("messages").get_by_text("Check your email").wait_for()
    link = re.search(r"https?://\S+/accounts/verify/\S+/", str(mail.outbox[-1].body))
    assert link
    page.goto(link.group(0))
    page.get_by_role("link", name="Continue: confirm your booking").click()
    page.get_by_role("button", name="Confirm booking").click()
    page.get_by_test_id("appt-status").get_by_text("Confirmed").wait_for()
    shot(page, "confirmed-1280")
    held.refresh_from_db()
    assert held.status == Status.CONFIRMED

    # The front desk sees it on the day view.
    desk = new_page(browser, 1280)
    desk.goto(f"{base}/accounts/login/")
    desk.fill("#id_username", "staff@example.com")
    desk.fill("#id_password", "medic-demo")
    desk.click("button[type=submit]")
    desk.wait_for_url(re.compile(r"/$"))
    desk.goto(f"{base}/desk/?date={soon.isoformat()}")
    desk.get_by_test_id(f"appt-{held.pk}").wait_for()

    # The patient moves it to 15:00 Athens time (13:00 in London), then cancels it.
    page.get_by_role("link", name="Move to another time").click()
    page.wait_for_url(re.compile(r"/reschedule$"))
    page.goto(page.url + f"?date={soon.isoformat()}")
    shot(page, "move-1280")
    fifteen = at(soon, "15:00").astimezone(ATHENS)
    page.locator(f'button[name="starts_at"][value^="{fifteen.astimezone(UTC):%Y-%m-%dT%H:%M}"]').click()
    page.get_by_text("Your appointment is moved.").wait_for()
    held.refresh_from_db()
    assert held.starts_at == fifteen

    page.get_by_role("link", name="Cancel appointment").click()
    page.get_by_role("button", name="Cancel appointment").click()
    page.get_by_text("Your appointment is cancelled.").wait_for()
    held.refresh_from_db()
    assert held.status == Status.CANCELLED

    page.get_by_role("link", name="My appointments").first.click()
    shot(page, "me-1280")
    phone = new_page(browser, 390, tz="Europe/London")
    phone.context.add_cookies(page.context.cookies())
    phone.goto(f"{base}/me/appointments")
    shot(phone, "me-390")
    visitor = new_page(browser, 390)
    visitor.goto(f"{base}/accounts/signup/")
    shot(visitor, "signup-390")
