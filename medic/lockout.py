"""Brute-force protection (django-axes): who counts as one client, the locked-out answer, and the token path.

Every password form (the sign-in page, the admin's) authenticates through Django's `authenticate()`, where
axes' backend refuses a locked-out client and its signal handler counts each failure. API tokens do not go
through `authenticate()`, so ApiTokenAuthentication calls `check_token_address` and `token_failed` here.
Failures are counted per address and, when a form names an account, per account too; either reaching
AXES_FAILURE_LIMIT within AXES_COOLOFF_TIME locks that address or account until the cool-off has passed,
the right password or token included.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Mapping
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessBase
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework import exceptions, status

from medic.api import error_body
from medic.errors import FieldError

LOCKED_TEMPLATE = "registration/locked_out.html"


def client_username(request: HttpRequest | None, credentials: Mapping[str, Any] | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the account a login names, spelled as stored (logins are case-insensitive
    emails, so "Doctor@Example.com" and "doctor@example.com" share one count). None when none is named."""
    field = settings.AXES_USERNAME_FORM_FIELD
    value = (credentials or {}).get(field)
    if value is None and request is not None and request.method == "POST":
        value = request.POST.get(field)
    if not isinstance(value, str) or not value.strip():
        return None
    return get_user_model().objects.normalize_email(value.strip()).lower()


def client_ip(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client's address, picked as DRF's throttles pick it (the socket's, or
    behind MEDIC_PROXY_COUNT trusted proxies the one they saw in X-Forwarded-For), and only if it is an IP
    address the database can store: None otherwise (a unix socket's empty address, a scoped IPv6 one, a
    proxy's garbage), and such clients share one count rather than crash the sign-in."""
    remote = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    proxies = int(getattr(settings, "MEDIC_PROXY_COUNT", 0))
    raw = remote
    if proxies > 0 and forwarded:
        hops = forwarded.split(",")
        raw = hops[-min(proxies, len(hops))].strip()
    return _storable_address(raw or "")


@functools.lru_cache(maxsize=4096)
def _storable_address(raw: str) -> str | None:
    """`raw` as the database stores an IP address, or None (see `client_ip`); kept per text, as the same
    few addresses come back with every request."""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return None
    return None if "%" in str(address) else str(address)


def lockout_parameters(
    request_or_attempt: HttpRequest | AccessBase, credentials: Mapping[str, Any] | None = None
) -> list[str]:
    """AXES_LOCKOUT_PARAMETERS: per address always, per account when one is named. Without an account (a
    token) only the address counts; counting "no account" as one account would lock every token user out
    together."""
    if isinstance(request_or_attempt, AccessBase):
        username = request_or_attempt.username
    else:
        username = client_username(request_or_attempt, credentials)
    return ["ip_address", "username"] if username else ["ip_address"]


def cool_off_seconds(request: HttpRequest | None = None) -> int:
    cool_off = get_cool_off(request)
    return int(cool_off.total_seconds()) if cool_off else 0


def _minutes(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def locked_message(request: HttpRequest | None = None) -> str:
    return (
        "Too many failed sign-in attempts. For your security, signing in from here is paused for "
        f"{_minutes(cool_off_seconds(request))}; try again after that."
    )


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After; the contract's JSON under /api/, else the site's page."""
    seconds = cool_off_seconds(request)
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        response = JsonResponse(_error_body(request), status=status.HTTP_429_TOO_MANY_REQUESTS)
    else:
        context = {"message": locked_message(request), "wait": _minutes(seconds)}
        response = render(request, LOCKED_TEMPLATE, context, status=status.HTTP_429_TOO_MANY_REQUESTS)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


def _error_body(request: HttpRequest | None) -> dict[str, Any]:
    return error_body([FieldError("", "TOO_MANY_ATTEMPTS", locked_message(request))])


class TooManyAttempts(exceptions.APIException):
    """429 TOO_MANY_ATTEMPTS (the API exception handler names it by its code)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "too_many_attempts"
    default_detail = "Too many failed attempts; try again later."

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(detail=locked_message(request), code=self.default_code)
        self.wait = cool_off_seconds(request)


def check_token_address(request: HttpRequest) -> None:
    """Refuse every token from an address that is locked out, the valid ones included: were a valid token
    still accepted, its 200 among the 429s would tell a guesser it had found one."""
    if not settings.AXES_ENABLED:
        return
    if AxesProxyHandler.is_locked(request, {}):
        raise TooManyAttempts(request)


def token_failed(request: HttpRequest) -> None:
    """Count a wrong or revoked token against its address; raise TooManyAttempts once the address is locked
    (the caller raises its own 401 otherwise)."""
    if not settings.AXES_ENABLED:
        return
    AxesProxyHandler.user_login_failed(sender=TooManyAttempts, credentials={}, request=request)
    if getattr(request, "axes_locked_out", False):
        # The answer is this 429 already: axes' middleware need not swap it for its own.
        request.axes_locked_out = False  # type: ignore[attr-defined]  # an attribute axes adds
        raise TooManyAttempts(request)
