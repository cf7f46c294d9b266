"""Brute-force protection: repeated wrong passwords or tokens lock the address and the account out for the
cool-off, the right password included, with a clear 429 (a page, or the contract's JSON under /api/)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from medic.clinic.tests.factories import UserFactory

PASSWORD = "pw-for-tests"


def _sign_in(email: str, password: str, address: str = "10.0.0.1", url: str = "/accounts/login/") -> int:
    """POST a sign-in form as a fresh browser from `address`; the response's status."""
    return _post(Client(REMOTE_ADDR=address), email, password, url).status_code


def _post(client: Client, email: str, password: str, url: str = "/accounts/login/"):
    return client.post(url, {"username": email, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def user(db: None):
    return UserFactory(email="pat@example.org")


@pytest.fixture
def staff(db: None):
    return UserFactory(email="boss@example.org", is_staff=True, is_superuser=True)


def test_right_password_after_a_few_mistakes_still_signs_in(user) -> None:
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _post(client, user.email, "wrong").status_code == 200  # the form again, with its error
    assert _post(client, user.email, PASSWORD).status_code == 302
    assert _signed_in(client)


def test_fifty_wrong_passwords_then_the_right_one_is_refused(user) -> None:
    client = Client(REMOTE_ADDR="10.0.0.1")
    statuses = [_post(client, user.email, "wrong").status_code for _ in range(50)]
    assert statuses[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(statuses[settings.AXES_FAILURE_LIMIT - 1 :]) == {429}

    response = _post(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(client)
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    page = response.content.decode()
    assert 'data-testid="locked-out"' in page
    assert "Too many failed sign-in attempts" in page
    assert "15 minutes" in page


def test_the_account_is_locked_whichever_address_guesses(user) -> None:
    """Per account: one guess from each of fifty addresses, then the right password from a new one."""
    for n in range(50):
        _sign_in(user.email, "wrong", address=f"10.1.0.{n}")
    assert _sign_in(user.email, PASSWORD, address="10.2.0.1") == 429


def test_the_account_counts_its_email_in_any_case(user) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(user.email.upper() if n % 2 else user.email, "wrong", address=f"10.1.0.{n}")
    assert _sign_in("Pat@Example.org", PASSWORD, address="10.2.0.1") == 429


def test_the_address_is_locked_whichever_accounts_it_guesses(user) -> None:
    """Per address: fifty guesses at fifty accounts, then the right password of another from that address;
    a different address is unaffected."""
    for n in range(50):
        _sign_in(f"someone{n}@example.org", "wrong", address="10.0.0.9")
    assert _sign_in(user.email, PASSWORD, address="10.0.0.9") == 429
    assert _sign_in(user.email, PASSWORD, address="10.0.0.10") == 302


def test_the_lock_ends_after_the_cool_off(user) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(user.email, "wrong")
    assert _sign_in(user.email, PASSWORD) == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert _sign_in(user.email, PASSWORD) == 302


def test_admin_sign_in_is_locked_out_too(staff) -> None:
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(50):
        _post(client, staff.email, "wrong", url="/admin/login/")
    response = _post(client, staff.email, PASSWORD, url="/admin/login/")
    assert response.status_code == 429
    assert 'data-testid="locked-out"' in response.content.decode()
    assert client.get("/admin/").status_code == 302  # still not signed in


def test_a_lockout_on_one_form_holds_on_the_other(staff) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(staff.email, "wrong", url="/admin/login/")
    assert _sign_in(staff.email, PASSWORD, url="/accounts/login/") == 429


# --- API tokens ---------------------------------------------------------------------------------------


def _token(email: str) -> str:
    out = StringIO()
    call_command("issue_token", email, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def _me(key: str, address: str = "10.0.0.1"):
    return Client(REMOTE_ADDR=address).get("/api/me", HTTP_AUTHORIZATION=f"Token {key}")


def test_fifty_wrong_tokens_then_the_right_one_is_refused(demo) -> None:
    key = _token("doctor@example.com")
    statuses = [_me(f"guess-{n}").status_code for n in range(50)]
    assert statuses[: settings.AXES_FAILURE_LIMIT - 1] == [401] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(statuses[settings.AXES_FAILURE_LIMIT - 1 :]) == {429}

    response = _me(key)
    assert response.status_code == 429
    body = response.json()
    assert body["ok"] is False
    assert [(e["path"], e["code"]) for e in body["errors"]] == [("", "TOO_MANY_ATTEMPTS")]
    assert "Too many failed sign-in attempts" in body["errors"][0]["message"]
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    # Another address is not locked out.
    assert _me(key, address="10.0.0.2").status_code == 200


def test_malformed_token_headers_count_as_failures(demo) -> None:
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.get("/api/me", HTTP_AUTHORIZATION="Token two parts")
    assert _me(_token("doctor@example.com")).status_code == 429


def test_token_failures_of_different_addresses_are_counted_apart(demo) -> None:
    """A token names no account, so failures must not pool under "no account" across addresses."""
    key = _token("doctor@example.com")
    for address in ("10.0.0.1", "10.0.0.2"):
        for n in range(settings.AXES_FAILURE_LIMIT - 1):
            assert _me(f"guess-{n}", address=address).status_code == 401
    assert _me(key, address="10.0.0.1").status_code == 200
    assert _me(key, address="10.0.0.2").status_code == 200


def test_token_lockout_ends_after_the_cool_off(demo) -> None:
    key = _token("doctor@example.com")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _me(f"guess-{n}")
    assert _me(key).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert _me(key).status_code == 200


@override_settings(MEDIC_PROXY_COUNT=1)
def test_behind_a_proxy_each_forwarded_client_is_locked_out_apart(user) -> None:
    """Behind MEDIC_PROXY_COUNT proxies, every client arrives from the proxy's own address: the lockout
    counts the address the proxy saw, or one guesser would lock out everyone behind it."""

    def sign_in(client_address: str, password: str) -> int:
        browser = Client(REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=f"203.0.113.7, {client_address}")
        return browser.post(
            "/accounts/login/", {"username": f"other{client_address[-1]}@example.org", "password": password}
        ).status_code

    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("198.51.100.1", "wrong")
    assert sign_in("198.51.100.1", "wrong") == 429
    assert sign_in("198.51.100.2", "wrong") == 200  # the form again, with its error: not locked out
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.1", "198.51.100.2"}


@pytest.mark.parametrize("remote", ["", "unix:", "fe80::1%eth0", "not-an-address"])
def test_an_odd_socket_address_signs_in_and_is_counted_not_a_500(user, remote: str) -> None:
    assert _post(Client(REMOTE_ADDR=remote), "pat@example.org", "wrong").status_code == 200
    assert AccessAttempt.objects.get().ip_address is None
