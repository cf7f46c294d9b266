"""Issue 10 in a real browser: affected bookings in the Add slot dialog, time off on the calendar, typed
times, and entering a window with the keyboard alone."""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from appointments import services as booking
from appointments.models import ActorType, Appointment, Status
from medic.testing import no_csp_violations
from scheduling.models import AvailabilityException, ScheduleRule
from scheduling.tests.test_browser import open_modal, set_time

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_csp_violations(browser):
    """Every page these tests open passes the Content-Security-Policy: no violation reported."""
    with no_csp_violations(browser):
        yield


ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts"
ARTIFACTS_DIR.mkdir(exist_ok=True)
ATHENS = zoneinfo.ZoneInfo("Europe/Athens")
DAY_SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
DAY_LONG = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def soon() -> date:
    """A day inside the dialog's one-week preview and well past any minimum notice."""
    return datetime.now(ATHENS).date() + timedelta(days=3)


def nine_to_five(demo: Any, day: date) -> None:
    ScheduleRule.objects.create(
        doctor=demo.doctor,
        timezone="Europe/Athens",
        day_of_week=day.isoweekday(),
        work_start_local=time(9),
        work_end_local=time(17),
        slot_interval_minutes=30,
    )


def book(demo: Any, day: date) -> Appointment:
    """The demo patient confirmed with the demo doctor at 10:00 on `day` (Consultation)."""
    doctor = demo.doctor
    actor = booking.Actor(ActorType.PATIENT, demo.patient.pk)
    req = booking.HoldRequest(
        doctor,
        doctor.appointment_types.get(name="Consultation"),
        datetime.combine(day, time(10), tzinfo=ATHENS),
        demo.patient,
        doctor.locations.order_by("name").first(),
        None,
        "in_person",
    )
    return booking.confirm(booking.hold(req, actor=actor), actor=actor)


def log_in(page: Any, live_server: Any) -> Any:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "doctor@example.com")
    page.fill("#id_password", "medic-demo")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/doctor/schedule")
    page.get_by_test_id("weekly-hours").wait_for()
    return page


def test_switching_off_a_booked_day_lists_the_booking_and_cancel_cancels_it(page, live_server, demo) -> None:
    day = soon()
    nine_to_five(demo, day)
    booked = book(demo, day)
    log_in(page, live_server)
    d = day.isoweekday() - 1
    dialog = open_modal(page)
    dialog.get_by_role("button", name=DAY_SHORT[d], exact=True).click()
    dialog.get_by_role("switch", name=f"Available on {DAY_LONG[d]}").click()  # off
    listed = dialog.get_by_test_id("affected-bookings")
    listed.filter(has_text=demo.patient.full_name).wait_for()
    assert "10:00" in listed.inner_text() and "Consultation" in listed.inner_text()
    page.screenshot(path=str(ARTIFACTS_DIR / "issue10-affected-bookings-1280.png"))
    dialog.get_by_role("radio", name="Cancel them").check()
    dialog.get_by_role("button", name="Save").click()
    dialog.wait_for(state="hidden")
    booked.refresh_from_db()
    assert booked.status == Status.CANCELLED
    assert not ScheduleRule.objects.filter(doctor=demo.doctor, day_of_week=day.isoweekday()).exists()


def test_a_day_of_time_off_shows_its_reason_on_the_calendar(page, live_server, demo) -> None:
    day = soon()
    nine_to_five(demo, day)
    start = datetime.combine(day, time(0), tzinfo=ATHENS)
    AvailabilityException.objects.create(
        doctor=demo.doctor,
        kind=AvailabilityException.Kind.BLOCKED,
        starts_at=start,
        ends_at=start + timedelta(days=1),
        reason="Conference",
    )
    log_in(page, live_server)
    cell = page.get_by_test_id(f"calendar-day-{day.isoformat()}")
    if not cell.count():
        page.get_by_role("button", name="Next month").click()
    cell.filter(has_text="Conference").wait_for()
    cell.click()
    times = page.get_by_test_id("day-times")
    times.get_by_role("button", name="10:00").click()
    page.get_by_test_id("time-reasons").filter(has_text="Time off: Conference").wait_for()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS_DIR / f"issue10-calendar-{width}.png"), full_page=True)


@pytest.mark.parametrize(("typed", "read", "commit"), [("9am", "09:00", "Enter"), ("930", "09:30", "Tab")])
def test_a_typed_time_reads_as_a_time(page, live_server, demo, typed, read, commit) -> None:
    log_in(page, live_server)
    dialog = open_modal(page)
    dialog.get_by_role("switch", name="Available on Monday").click()
    field = page.get_by_test_id("window-0-0-start")
    field.click()
    field.fill(typed)
    field.press(commit)
    assert field.input_value() == read


def test_an_unreadable_time_says_so_instead_of_reverting(page, live_server, demo) -> None:
    log_in(page, live_server)
    dialog = open_modal(page)
    dialog.get_by_role("switch", name="Available on Monday").click()
    field = page.get_by_test_id("window-0-0-start")
    field.click()
    field.fill("half past nine")
    field.press("Enter")
    item = page.locator(".ant-form-item", has=field)
    item.locator(".ant-form-item-explain-error").filter(has_text="Use a time like 09:30").wait_for()


def test_a_window_can_be_entered_with_the_keyboard_alone(page, live_server, demo) -> None:
    log_in(page, live_server)
    page.get_by_role("button", name="Add slot").focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name=re.compile("weekly hours|Add slot", re.I))
    switch = dialog.get_by_role("switch", name="Available on Monday")
    switch.wait_for()
    switch.focus()
    page.keyboard.press("Space")
    start = page.get_by_test_id("window-0-0-start")
    start.wait_for()
    for _ in range(12):
        if page.evaluate("document.activeElement?.dataset?.testid") == "window-0-0-start":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement?.dataset?.testid") == "window-0-0-start"
    page.keyboard.press("Control+A")
    page.keyboard.type("0800")
    page.keyboard.press("Tab")  # one Tab stop per time field: straight to the end time
    assert page.evaluate("document.activeElement?.dataset?.testid") == "window-0-0-end"
    page.keyboard.press("Control+A")
    page.keyboard.type("12:30")
    page.keyboard.press("Enter")
    assert start.input_value() == "08:00"
    assert page.get_by_test_id("window-0-0-end").input_value() == "12:30"
    page.get_by_test_id("preview-summary").filter(has_text="Creates 9 slots").wait_for()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS_DIR / "issue10-modal-390.png"), full_page=True)


def pick(page: Any, select_id: str, option: str) -> None:
    """Choose `option` (its visible title) in the AntD select with id `select_id`."""
    page.locator(f"#{select_id}").click()
    page.locator(".ant-select-dropdown:visible").get_by_title(option, exact=True).click()


def type_date(page: Any, test_id: str, value: str) -> None:
    field = page.get_by_test_id(test_id)
    field.click()
    field.fill(value)
    field.press("Enter")


def test_all_day_time_off_is_saved_as_whole_local_days_for_a_room(page, live_server, demo) -> None:
    first = soon()
    last = first + timedelta(days=2)
    log_in(page, live_server)
    page.get_by_role("tab", name="Time off").click()
    page.get_by_role("button", name="Add time off").click()
    dialog = page.get_by_role("dialog", name="Add time off")
    dialog.get_by_role("switch", name="All day").click()
    expect(dialog.get_by_test_id("exception-start")).to_have_count(0)  # the time pickers hide
    type_date(page, "exception-start-date", first.isoformat())
    type_date(page, "exception-end-date", last.isoformat())
    dialog.locator("#exception-reason").fill("Conference")
    pick(page, "exception-room", "Room 2 · Central (Syntagma)")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        dialog.screenshot(path=str(ARTIFACTS_DIR / f"issue10-time-off-all-day-{width}.png"))
    dialog.get_by_role("button", name="Save").click()
    dialog.wait_for(state="hidden")
    saved = AvailabilityException.objects.get(doctor=demo.doctor)
    assert saved.starts_at == datetime.combine(first, time(0), tzinfo=ATHENS)
    assert saved.ends_at == datetime.combine(last + timedelta(days=1), time(0), tzinfo=ATHENS)
    assert saved.room is not None and saved.room.name == "Room 2"

    # Opened again, it is still whole days: the first and the last (inclusive) day.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name=re.compile("^Edit time off")).click()
    dialog = page.get_by_role("dialog", name="Edit time off")
    assert dialog.get_by_role("switch", name="All day").is_checked()
    assert page.get_by_test_id("exception-start-date").input_value() == first.isoformat()
    assert page.get_by_test_id("exception-end-date").input_value() == last.isoformat()


def test_copy_to_asks_before_replacing_a_day_that_has_windows(page, live_server, demo) -> None:
    nine_to_five(demo, date(2026, 6, 1))  # a Monday
    ScheduleRule.objects.create(
        doctor=demo.doctor,
        timezone="Europe/Athens",
        day_of_week=2,
        work_start_local=time(8),
        work_end_local=time(12),
        slot_interval_minutes=30,
    )
    log_in(page, live_server)
    dialog = open_modal(page)
    dialog.get_by_role("button", name="Copy to…").click()
    page.get_by_role("button", name="Weekdays").click()
    confirm = page.locator(".ant-modal-confirm").filter(has_text="Replace the hours of Tuesday?")
    confirm.wait_for()
    assert "Tuesday already has its own windows" in confirm.inner_text()
    assert "Wednesday" not in confirm.inner_text()  # empty days are not "overwritten"
    confirm.get_by_role("button", name="Don't copy").click()
    confirm.wait_for(state="hidden")
    dialog.get_by_role("button", name="Tue", exact=True).click()
    assert page.get_by_test_id("window-1-0-start").input_value() == "08:00"
    assert dialog.get_by_role(
        "button", name="Save"
    ).is_disabled()  # nothing copied, not even to the empty days

    dialog.get_by_role("button", name="Mon", exact=True).click()
    dialog.get_by_role("button", name="Copy to…").click()
    page.get_by_role("button", name="Weekdays").click()
    page.locator(".ant-modal-confirm").filter(has_text="Replace the hours of Tuesday?").get_by_role(
        "button", name="Replace"
    ).click()
    dialog.get_by_role("button", name="Tue", exact=True).click()
    assert page.get_by_test_id("window-1-0-start").input_value() == "09:00"
    # Tue 08–12 (8 slots) becomes 09–17 (16), Wed–Fri gain 16 each, over the next 7 days.
    page.get_by_test_id("preview-diff").filter(has_text="+56 / −0 slots vs saved").wait_for()


def test_a_service_scope_preview_counts_start_times_and_flags_a_short_interval(
    page, live_server, demo
) -> None:
    log_in(page, live_server)
    dialog = open_modal(page)
    pick(page, "scope-service", "Consultation (30 min)")
    dialog.get_by_role("switch", name="Available on Monday").click()
    set_time(page, "window-0-0-start", "09:00")
    set_time(page, "window-0-0-end", "12:00")
    pick(page, "window-0-0-interval", "15 min")
    service = page.get_by_test_id("preview-service")
    service.filter(has_text="start times for Consultation").wait_for()
    assert "back to back" in service.inner_text()
    page.get_by_test_id("preview-summary").filter(has_text="Creates 12 slots").wait_for()
    page.get_by_test_id("preview-diff").filter(has_text="+12 / −0 slots vs saved").wait_for()
    interval = page.locator(".ant-form-item", has=page.get_by_test_id("window-0-0-interval"))
    interval.filter(has_text="Shorter than the service").wait_for()
    hint = page.get_by_test_id("window-0-0-service-hint")
    assert "Consultation lasts 30 minutes" in hint.inner_text()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        dialog.screenshot(path=str(ARTIFACTS_DIR / f"issue10-service-preview-{width}.png"))


def test_deleting_an_opening_with_a_booking_asks_keep_or_cancel(page, live_server, demo) -> None:
    day = soon()
    start = datetime.combine(day, time(9), tzinfo=ATHENS)
    AvailabilityException.objects.create(
        doctor=demo.doctor,
        kind=AvailabilityException.Kind.AVAILABLE,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        slot_interval_minutes=30,
        reason="Saturday clinic",
    )
    booked = book(demo, day)
    log_in(page, live_server)
    page.get_by_role("tab", name="Time off").click()
    page.get_by_role("button", name=re.compile("^Delete opening from")).click()
    page.get_by_role("button", name="Delete", exact=True).last.click()
    dialog = page.get_by_role("dialog", name="Delete this opening?")
    listed = dialog.get_by_test_id("affected-bookings")
    listed.filter(has_text=demo.patient.full_name).wait_for()
    assert "10:00" in listed.inner_text()
    dialog.get_by_role("radio", name=re.compile("^Keep them")).check()
    dialog.get_by_role("button", name="Delete", exact=True).click()
    dialog.wait_for(state="hidden")
    page.get_by_text("No time off or openings.").wait_for()
    assert not AvailabilityException.objects.filter(doctor=demo.doctor).exists()
    booked.refresh_from_db()
    assert booked.status == Status.CONFIRMED
