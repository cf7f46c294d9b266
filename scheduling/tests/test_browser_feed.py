"""The Calendar feed tab in a real browser: the doctor's subscription link, a new link, patient names."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from appointments.feeds import services as feeds
from medic.testing import no_csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_csp_violations(browser):
    """Every page these tests open passes the Content-Security-Policy: no violation reported."""
    with no_csp_violations(browser):
        yield


ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts"
ARTIFACTS_DIR.mkdir(exist_ok=True)


def status_of(url: str) -> int:
    """What the live server answers a calendar app (no session) that fetches `url`."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def open_feed_tab(page: Any, live_server: Any) -> Any:
    """The demo doctor logged in, on the schedule page's Calendar feed tab, with the link shown."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "doctor@example.com")
    page.fill("#id_password", "medic-demo")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/doctor/schedule")
    page.get_by_test_id("weekly-hours").wait_for()
    page.get_by_role("tab", name="Calendar feed").click()
    page.get_by_test_id("feed-url").wait_for()
    return page


def test_the_doctor_sees_a_feed_url_that_works(page, live_server, demo) -> None:
    open_feed_tab(page, live_server)
    url = page.get_by_test_id("feed-url").input_value()
    free_busy = page.get_by_test_id("feed-freebusy-url").input_value()
    assert url.startswith(f"{live_server.url}/ical/doctors/") and url.endswith(".ics")
    assert free_busy.endswith("/freebusy.ics")
    assert status_of(url) == 200 and status_of(free_busy) == 200
    page.get_by_text("anyone with the link sees your appointments", exact=False).wait_for()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS_DIR / f"feed-{width}.png"), full_page=True)


def test_copy_copies_the_link_or_selects_it(page, live_server, demo) -> None:
    open_feed_tab(page, live_server)
    page.get_by_role("button", name="Copy appointments link").click()
    page.get_by_text(re.compile(r"Appointments link (copied|selected)")).wait_for()


def test_a_new_link_replaces_the_old_one_which_answers_404(page, live_server, demo) -> None:
    open_feed_tab(page, live_server)
    field = page.get_by_test_id("feed-url")
    old = field.input_value()
    old_free_busy = page.get_by_test_id("feed-freebusy-url").input_value()
    page.get_by_role("button", name="Get a new link").click()
    confirm = page.locator(".ant-popconfirm")
    confirm.get_by_text("The old links stop working").wait_for()
    with page.expect_response(lambda response: "/calendar-feed/rotate" in response.url) as rotated:
        confirm.get_by_role("button", name="Get a new link").click()
    assert rotated.value.status == 200
    page.wait_for_function("old => document.querySelector('[data-testid=feed-url]').value !== old", arg=old)
    new = field.input_value()
    assert new != old and new.startswith(f"{live_server.url}/ical/doctors/")
    assert page.get_by_test_id("feed-freebusy-url").input_value() != old_free_busy
    assert status_of(old) == 404
    assert status_of(old_free_busy) == 404
    assert status_of(new) == 200
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(ARTIFACTS_DIR / "feed-rotated-1280.png"), full_page=True)


def test_show_patient_names_is_saved(page, live_server, demo) -> None:
    open_feed_tab(page, live_server)
    switch = page.get_by_role("switch", name="Show patient names")
    assert switch.get_attribute("aria-checked") == "false"
    switch.click()
    page.get_by_text("Patient names are shown in the feed.").wait_for()
    assert switch.get_attribute("aria-checked") == "true"
    assert feeds.feed_for(demo.doctor).include_patient_names is True
