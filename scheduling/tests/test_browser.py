"""The schedule page in a real browser (Playwright for Python driving Debian's chromium)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from medic.testing import no_csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_csp_violations(browser):
    """Every page these tests open passes the Content-Security-Policy: no violation reported."""
    with no_csp_violations(browser):
        yield


NOT_AVAILABLE = "Not available"


@pytest.fixture
def schedule(page, live_server, demo):
    """The demo doctor logged in on /doctor/schedule."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "doctor@example.com")
    page.fill("#id_password", "medic-demo")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/doctor/schedule")
    page.get_by_test_id("weekly-hours").wait_for()
    return page


def set_time(page, test_id: str, value: str) -> None:
    field = page.get_by_test_id(test_id)
    field.click()
    field.fill(value)
    field.press("Enter")


def open_modal(page):
    page.get_by_role("button", name="Add slot").click()
    dialog = page.get_by_role("dialog", name="Edit weekly hours")
    dialog.get_by_role("switch", name="Available on Monday").wait_for()
    return dialog


def monday_nine_to_five_with_lunch(page, dialog) -> None:
    dialog.get_by_role("switch", name="Available on Monday").click()
    set_time(page, "window-0-0-start", "09:00")
    set_time(page, "window-0-0-end", "17:00")
    interval = page.get_by_test_id("window-0-0-interval")
    interval.click()
    page.locator(".ant-select-dropdown:visible").get_by_title("30 min", exact=True).click()
    dialog.get_by_role("button", name="Add break").click()
    set_time(page, "break-0-0-0-start", "13:00")
    set_time(page, "break-0-0-0-end", "14:00")


def test_a_logged_out_visitor_is_sent_to_login(page, live_server, db) -> None:
    page.goto(f"{live_server.url}/doctor/schedule")
    assert "/accounts/login/" in page.url


def test_doctor_adds_monday_hours_and_sees_them_after_a_reload(schedule) -> None:
    page = schedule
    assert NOT_AVAILABLE in page.get_by_test_id("weekly-day-1").inner_text()
    dialog = open_modal(page)
    monday_nine_to_five_with_lunch(page, dialog)
    summary = page.get_by_test_id("preview-summary")
    summary.filter(has_text=re.compile(r"Creates 14 slots")).wait_for()
    dialog.get_by_role("button", name="Save").click()
    dialog.wait_for(state="hidden")
    page.get_by_test_id("weekly-day-1").filter(has_text="09:00–17:00").wait_for()
    page.reload()
    page.get_by_test_id("weekly-day-1").filter(has_text="09:00–17:00").wait_for()
    assert NOT_AVAILABLE in page.get_by_test_id("weekly-day-2").inner_text()


def test_a_break_outside_its_window_shows_the_error_under_that_break(schedule) -> None:
    page = schedule
    dialog = open_modal(page)
    dialog.get_by_role("switch", name="Available on Monday").click()
    set_time(page, "window-0-0-start", "09:00")
    set_time(page, "window-0-0-end", "12:00")
    dialog.get_by_role("button", name="Add break").click()
    set_time(page, "break-0-0-0-start", "12:30")
    set_time(page, "break-0-0-0-end", "13:00")
    field = page.locator(".ant-form-item", has=page.get_by_test_id("break-0-0-0-start"))
    field.locator(".ant-form-item-explain-error").wait_for()
    assert "window" in field.locator(".ant-form-item-explain-error").inner_text().lower()


def test_a_disabled_day_is_saved_as_not_available(schedule) -> None:
    page = schedule
    dialog = open_modal(page)
    monday_nine_to_five_with_lunch(page, dialog)
    # As above: save what the preview has checked (under load a click could come before the last field).
    page.get_by_test_id("preview-summary").filter(has_text=re.compile(r"Creates 14 slots")).wait_for()
    dialog.get_by_role("button", name="Save").click()
    dialog.wait_for(state="hidden")
    page.get_by_test_id("weekly-day-1").filter(has_text="09:00–17:00").wait_for()

    dialog = open_modal(page)
    monday = dialog.get_by_role("switch", name="Available on Monday")
    # Touch the switch only once the modal shows Monday as saved (on): under load a click could land before
    # the dialog was ready, leaving nothing to save and Save disabled.
    expect(monday).to_be_checked()
    monday.click()  # off
    dialog.get_by_role("button", name="Save").click()
    dialog.wait_for(state="hidden")
    page.get_by_test_id("weekly-day-1").filter(has_text=NOT_AVAILABLE).wait_for()
    page.reload()
    page.get_by_test_id("weekly-day-1").filter(has_text=NOT_AVAILABLE).wait_for()


COUNT_POPUP_ANIMATIONS = """() => {
  // Dialogs and popovers zooming or fading in (not the loading skeletons and spinners inside them).
  window.__popupAnimations = [];
  document.addEventListener("animationstart", (event) => {
    if (event.target.matches(".ant-popover, .ant-modal, .ant-modal-mask")) {
      window.__popupAnimations.push(`${event.animationName} on ${event.target.className}`);
    }
  }, true);
}"""


def test_with_reduced_motion_asked_for_dialogs_and_popovers_do_not_animate(schedule) -> None:
    """The `page` fixture asks for reduced motion: the dialog and the popover open without zooming in. When
    the setting changes back, the page follows it without a reload."""
    page = schedule
    page.evaluate(COUNT_POPUP_ANIMATIONS)
    dialog = open_modal(page)
    dialog.get_by_role("switch", name="Available on Monday").click()
    copy_to = dialog.get_by_role("button", name="Copy to…")
    copy_to.click()
    page.get_by_role("button", name="Weekdays").wait_for()
    assert page.evaluate("window.__popupAnimations") == []
    copy_to.click()  # closes it
    page.get_by_role("button", name="Weekdays").wait_for(state="hidden")

    page.emulate_media(reduced_motion="no-preference")
    copy_to.click()
    page.wait_for_function("() => window.__popupAnimations.length > 0")
