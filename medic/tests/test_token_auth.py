"""API tokens: issued by a command, stored as a digest, sent as `Authorization: Token <key>`."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from medic.clinic.authentication import ApiTokenAuthentication
from medic.clinic.models import ApiToken, hash_token


def _issue(email: str) -> str:
    out = StringIO()
    call_command("issue_token", email, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def test_issued_token_authenticates_an_api_call(api: APIClient, demo) -> None:
    key = _issue("doctor@example.com")
    response = api.get("/api/me", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["doctorId"] == str(demo.doctor.pk)


def test_only_the_digest_of_a_token_is_stored(demo) -> None:
    key = _issue("doctor@example.com")
    token = ApiToken.objects.get(user=demo.doctor.user)
    assert token.digest == hash_token(key)
    assert key not in {token.digest, token.name}
    assert token.prefix == key[:8]


def test_issue_token_for_unknown_email_fails(db: None) -> None:
    try:
        call_command("issue_token", "nobody@example.com", stdout=StringIO())
    except CommandError as exc:
        assert "nobody@example.com" in str(exc)
    else:
        raise AssertionError("expected CommandError")


def test_wrong_token_is_401(api: APIClient, demo) -> None:
    response = api.get("/api/me", HTTP_AUTHORIZATION="Token not-a-real-key")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "AUTHENTICATION_FAILED"


def test_revoked_token_is_401(api: APIClient, demo) -> None:
    key = _issue("doctor@example.com")
    ApiToken.objects.update(revoked_at=timezone.now())
    assert api.get("/api/me", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_token_of_inactive_user_is_401(api: APIClient, demo) -> None:
    key = _issue("doctor@example.com")
    demo.doctor.user.is_active = False
    demo.doctor.user.save()
    assert api.get("/api/me", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_malformed_authorization_header_is_401(api: APIClient, demo) -> None:
    assert api.get("/api/me", HTTP_AUTHORIZATION="Token a b").status_code == 401


def test_session_auth_enforces_csrf_on_writes(demo) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(demo.doctor.user)
    assert browser.get("/api/me").status_code == 200
    response = browser.post("/api/me", data="{}", content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["errors"][0]["message"]


def test_token_use_is_recorded(api: APIClient, demo) -> None:
    key = _issue("doctor@example.com")
    api.get("/api/me", HTTP_AUTHORIZATION=f"Token {key}")
    assert ApiToken.objects.get().last_used_at is not None


def test_a_valid_token_from_a_clean_address_costs_one_statement(demo, django_assert_num_queries) -> None:
    key = _issue("doctor@example.com")

    def authenticate() -> tuple[Any, Any] | None:
        request = APIRequestFactory().get("/api/me", HTTP_AUTHORIZATION=f"Token {key}")
        return ApiTokenAuthentication().authenticate(Request(request))

    authenticate()  # the first use records last_used_at
    with django_assert_num_queries(1):  # the token, its user and the address's failures, together
        found = authenticate()
    assert found is not None and found[0] == demo.doctor.user


@pytest.mark.parametrize("remote", ["", "unix:", "fe80::1%eth0", "not-an-address"])
def test_a_token_from_an_odd_client_address_is_never_a_500(demo, remote: str) -> None:
    key = _issue("doctor@example.com")
    response = Client(REMOTE_ADDR=remote).get("/api/me", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code in (200, 400), response.content
    wrong = Client(REMOTE_ADDR=remote).get("/api/me", HTTP_AUTHORIZATION="Token wrong")
    assert wrong.status_code in (400, 401, 429), wrong.content
