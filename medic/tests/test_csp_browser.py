"""The pages no other browser test opens pass the Content-Security-Policy in a real browser: the API docs
(Swagger UI), the admin, the sign-in page and its locked-out answer."""

from __future__ import annotations

import pytest
from django.conf import settings

from medic.testing import no_csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_csp_violations(browser):
    """Every page these tests open passes the Content-Security-Policy: no violation reported."""
    with no_csp_violations(browser):
        yield


def sign_in(page, live_server, email: str, password: str = "medic-demo") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_swagger_ui_renders_under_the_policy(page, live_server, demo) -> None:
    sign_in(page, live_server, "doctor@example.com")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/api/docs/")
    page.get_by_text("Medic API").first.wait_for()
    page.locator(".opblock").first.wait_for()


def test_the_admin_renders_under_the_policy(page, live_server, demo) -> None:
    sign_in(page, live_server, "staff@example.com")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/admin/")
    page.locator("#content").wait_for()
    assert "/admin/login/" not in page.url
    page.goto(f"{live_server.url}/admin/clinic/doctor/{demo.doctor.pk}/change/")
    page.locator("#content form").first.wait_for()
    page.goto(f"{live_server.url}/admin/scheduling/schedulerule/add/")
    page.locator("#content form").first.wait_for()


def test_a_locked_out_visitor_sees_a_clear_page(page, live_server, demo) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(page, live_server, "patient@example.com", "wrong")
    sign_in(page, live_server, "patient@example.com")
    locked = page.get_by_test_id("locked-out")
    locked.wait_for()
    assert "Too many failed sign-in attempts" in locked.inner_text()
    assert page.url.endswith("/accounts/login/")
