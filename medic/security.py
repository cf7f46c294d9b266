"""Response headers and cookies that harden every page: Permissions-Policy, no CSRF cookie for API clients,
and the HTTPS settings (HSTS, secure cookies) that MEDIC_HTTPS turns on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import inertia.middleware
from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Browser features no page of Medic uses; "()" denies them to the page and to anything it embeds.
PERMISSIONS_POLICY: Mapping[str, str] = {
    "accelerometer": "()",
    "autoplay": "()",
    "camera": "()",
    "display-capture": "()",
    "geolocation": "()",
    "gyroscope": "()",
    "magnetometer": "()",
    "microphone": "()",
    "midi": "()",
    "payment": "()",
    "publickey-credentials-get": "()",
    "screen-wake-lock": "()",
    "serial": "()",
    "usb": "()",
    "xr-spatial-tracking": "()",
}


def permissions_policy_header(policy: Mapping[str, str] = PERMISSIONS_POLICY) -> str:
    return ", ".join(f"{feature}={allow}" for feature, allow in policy.items())


class PermissionsPolicyMiddleware:
    """Adds Permissions-Policy to every response (Django's SecurityMiddleware has no setting for it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy_header(
            getattr(settings, "MEDIC_PERMISSIONS_POLICY", PERMISSIONS_POLICY)
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


def _api_client_without_session(request: HttpRequest) -> bool:
    """A caller that authenticates per request (a token) or an API call with no browser session: it has no
    use for a CSRF cookie, which exists only to protect session-authenticated forms and fetches."""
    if request.headers.get("Authorization", "").split(" ", 1)[0].lower() == "token":
        return True
    return request.path_info.startswith("/api/") and settings.SESSION_COOKIE_NAME not in request.COOKIES


class ApiCsrfCookieMiddleware:
    """Keeps the CSRF cookie off token-authenticated and session-less API responses.

    inertia-django's middleware calls get_token() on every request, so CsrfViewMiddleware would answer each
    integrator's call with a fresh `Set-Cookie: csrftoken`. Placed between CsrfViewMiddleware and the
    Inertia middleware, this withdraws that request before CsrfViewMiddleware writes the cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _api_client_without_session(request):
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
        return response


def https_settings(
    https: bool, *, hsts_seconds: int, hsts_subdomains: bool, hsts_preload: bool
) -> dict[str, Any]:
    """The settings that depend on being served over HTTPS (behind a proxy that terminates TLS and sends
    X-Forwarded-Proto). Off (plain http on a laptop): nothing is forced, cookies work over http."""
    if not https:
        return {
            "SECURE_PROXY_SSL_HEADER": None,
            "SECURE_SSL_REDIRECT": False,
            "SECURE_HSTS_SECONDS": 0,
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
            "SECURE_HSTS_PRELOAD": False,
        }
    return {
        # Trust the proxy's word that the browser used https; the proxy must set (not pass on) this header.
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SECURE_SSL_REDIRECT": True,
        # The balancer's health check speaks plain http to the worker.
        "SECURE_REDIRECT_EXEMPT": [r"^healthz$"],
        "SECURE_HSTS_SECONDS": hsts_seconds,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": hsts_subdomains,
        "SECURE_HSTS_PRELOAD": hsts_preload,
    }


class InertiaMiddleware(inertia.middleware.InertiaMiddleware):
    """inertia-django's middleware, passed by for API clients without a session
    (`_api_client_without_session`): they are never Inertia visits, and the CSRF token it makes for every
    request (a fresh random secret) is one `ApiCsrfCookieMiddleware` would only withdraw again."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _api_client_without_session(request):
            return self.get_response(request)
        return super().__call__(request)
