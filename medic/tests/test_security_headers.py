"""Security headers and cookies: CSP, Permissions-Policy, Referrer-Policy, nosniff, HSTS and secure cookies
over HTTPS, and no CSRF cookie for token-authenticated API calls."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from medic.security import https_settings


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in header.split(";")) if d}


@pytest.mark.parametrize("path", ["/accounts/login/", "/book/", "/api/docs/", "/admin/login/"])
def test_pages_carry_a_content_security_policy(db: None, path: str) -> None:
    policy = _csp(Client().get(path))
    assert policy["default-src"] == ["'self'"]
    assert "'self'" in policy["script-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]


def test_api_docs_start_swagger_ui_from_a_file_not_an_inline_script(db: None) -> None:
    page = Client().get("/api/docs/").content.decode()
    assert "<script>" not in page.replace(" ", "")
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_server_pages_have_no_inline_scripts_or_handlers(demo) -> None:
    client = Client()
    client.force_login(demo.staff)
    for path in ["/accounts/login/", "/book/", "/desk/", "/desk/week/", "/desk/sheet/", "/admin/"]:
        response = client.get(path, follow=True)
        page = response.content.decode()
        assert "<script>" not in page, path
        assert " onclick=" not in page, path


def test_permissions_policy_denies_unused_features(db: None) -> None:
    header = Client().get("/accounts/login/")["Permissions-Policy"]
    features = dict(part.strip().split("=", 1) for part in header.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"


def test_referrer_policy_nosniff_and_framing(db: None) -> None:
    response = Client().get("/accounts/login/")
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_plain_http_by_default_sends_no_hsts_and_plain_cookies(db: None) -> None:
    response = Client().get("/accounts/login/")
    assert "Strict-Transport-Security" not in response
    assert not response.cookies["csrftoken"]["secure"]


def test_https_settings_turn_on_hsts_redirect_and_the_proxy_header() -> None:
    on = https_settings(True, hsts_seconds=31_536_000, hsts_subdomains=True, hsts_preload=False)
    assert on["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert on["SECURE_SSL_REDIRECT"] is True
    assert on["SECURE_HSTS_SECONDS"] == 31_536_000
    off = https_settings(False, hsts_seconds=31_536_000, hsts_subdomains=True, hsts_preload=False)
    assert off["SECURE_HSTS_SECONDS"] == 0
    assert off["SECURE_SSL_REDIRECT"] is False
    assert off["SECURE_PROXY_SSL_HEADER"] is None


@override_settings(
    **https_settings(True, hsts_seconds=31_536_000, hsts_subdomains=False, hsts_preload=False),
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
def test_behind_an_https_proxy_hsts_and_secure_cookies(db: None) -> None:
    client = Client()
    # The proxy terminated TLS and says so.
    response = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    assert response.cookies["csrftoken"]["secure"]
    # Plain http is sent to https; the balancer's health check is not.
    redirect = client.get("/accounts/login/")
    assert redirect.status_code == 301
    assert redirect["Location"].startswith("https://")
    assert client.get("/healthz").status_code == 200


def _token(email: str) -> str:
    out = StringIO()
    call_command("issue_token", email, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def test_token_authenticated_api_calls_set_no_csrf_cookie(demo) -> None:
    key = _token("doctor@example.com")
    client = Client()
    for method, path in [("get", "/api/me"), ("get", "/api/nowhere"), ("post", "/api/me")]:
        response = getattr(client, method)(path, HTTP_AUTHORIZATION=f"Token {key}")
        assert "csrftoken" not in response.cookies, (method, path, response.status_code)
    # A wrong token neither.
    assert "csrftoken" not in client.get("/api/me", HTTP_AUTHORIZATION="Token nope").cookies


def test_session_less_api_calls_set_no_csrf_cookie(db: None) -> None:
    assert "csrftoken" not in Client().get("/api/me").cookies


def test_pages_still_set_the_csrf_cookie(demo) -> None:
    """The browser's forms and the React page's fetches need it."""
    assert "csrftoken" in Client().get("/accounts/login/").cookies
    client = Client()
    client.force_login(demo.doctor.user)
    assert "csrftoken" in client.get("/doctor/schedule").cookies
