"""The booking API's fast lane: a patient's own hold and confirm answered in front of Django's middleware and
DRF's dispatch, which under load cost about as much CPU as the booking itself (docs/PERFORMANCE.md).

It serves `POST /api/appointments/holds` and `POST /api/appointments/<id>/confirm`, and only plain requests:
a token (`Authorization: Token <key>`), no cookie, no query string, no Idempotency-Key, a JSON answer
accepted, a host Django allows, https when https is forced, and a small JSON object of printable ASCII
(holds) or no body at all (confirms). It answers only what the fast path answers itself: the hold (201), the
confirmed appointment (200), or 409 SLOT_TAKEN.

Everything else goes to Django unchanged, before anything is written: an unknown, inactive or locked-out
token, a throttled caller, a body the API would refuse, and every case the fast path hands to the full path.
When the sign-in statement has already counted the request against the rate limit, the count goes with it
(`environ[COUNTED]`), so that it is counted once.

The answer is made as the API makes it: the body by DRF's JSON renderer, the headers by the same middleware
classes Django runs on the way out (security headers, CSP, Permissions-Policy, X-Frame-Options) plus DRF's
`Allow`, Django's request signals around it (which manage the database connection), and Django's log line
for a refusal. `appointments/tests/test_fastlane.py` compares the lane's answers with Django's, header by
header. `MEDIC_FAST_LANE=false` turns it off.
"""

from __future__ import annotations

import io
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any, NamedTuple

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core import signals
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest, get_script_name
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import set_script_prefix
from django.utils.log import log_response
from rest_framework.renderers import JSONRenderer

from appointments import selectors, services
from appointments.api.serializers import appointment_json
from appointments.api.views import HOLD_FIELDS, hold_fields
from medic.api import error_body, json_server_error
from medic.clinic.authentication import COUNTED, record_use, sign_in
from medic.clinic.models import hash_token
from medic.errors import ValidationFailed
from medic.lockout import client_ip
from medic.parsing import read_json
from medic.security import PermissionsPolicyMiddleware
from medic.throttling import HoldsThrottle, rate_of, window_of

logger = logging.getLogger("django.request")

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

_HOLDS = "/api/appointments/holds"
_CONFIRM = re.compile(
    r"/api/appointments/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/confirm\Z"
)
_TOKEN = re.compile(r"Token ([!-~]{1,256})\Z")
_PLAIN_JSON = re.compile(rb"[\x20-\x5b\x5d-\x7e]*\Z")  # printable ASCII, no backslash: no escape to check
_BODY_LIMIT = 4096
_JSON_TYPES = {"application/json", "application/json; charset=utf-8", "application/json;charset=utf-8"}
_ACCEPTED = {"", "*/*", "application/json"}
_ALLOW = "POST, OPTIONS"  # what DRF's view says of these two actions


def enabled() -> bool:
    return bool(getattr(settings, "MEDIC_FAST_LANE", True)) and services.fast_booking()


class FastLane:
    """WSGI middleware in front of Django's application (`medic/wsgi.py`)."""

    def __init__(self, django: WSGIApp) -> None:
        self.django = django
        self.renderer = JSONRenderer()
        # The response side of Django's middleware that applies to an API answer, in Django's order.
        inner: Any = XFrameOptionsMiddleware(_prepared_response)
        self.headers: Any = SecurityMiddleware(CSPMiddleware(PermissionsPolicyMiddleware(inner)))

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        hold = environ.get("PATH_INFO") == _HOLDS
        confirm = None if hold else _CONFIRM.match(environ.get("PATH_INFO", ""))
        if not (hold or confirm) or not _plain(environ) or not enabled():
            return self.django(environ, start_response)
        body: bytes | None = b""
        if hold:
            body = _read_body(environ)
            if body is None:
                return self.django(environ, start_response)
        elif environ.get("CONTENT_LENGTH") not in (None, "", "0"):
            return self.django(environ, start_response)
        set_script_prefix(get_script_name(environ))
        signals.request_started.send(sender=WSGIHandler, environ=environ)
        request = WSGIRequest(environ)
        answer: _Answer | HttpResponse | None
        try:
            answer = self._answer(request, body or b"", confirm)
        except Exception:  # as Django's handler: logged, and a JSON 500 under /api/
            logger.exception(
                "Internal Server Error: %s", request.path, extra={"status_code": 500, "request": request}
            )
            answer = json_server_error(request)
        if answer is None:
            return self.django(environ, start_response)  # Django sends its own signals
        try:
            action = "hold" if hold else "confirm"
            if isinstance(answer, HttpResponse):
                return self._send(self._finish(request, answer), start_response)
            return self._send_answer(request, answer, action, start_response)
        finally:
            signals.request_finished.send(sender=WSGIHandler)

    def _answer(self, request: WSGIRequest, body: bytes, confirm: re.Match[str] | None) -> _Answer | None:
        """The lane's answer, or None for Django's (nothing written but a throttle count, handed over).

        One statement signs the caller in and reads what the hold or confirm decides on, for the token's
        user (`sign_in` with a rider), so a lost hold costs one round trip and a won one or a confirm two."""
        if not _host_allowed(request) or (settings.SECURE_SSL_REDIRECT and not request.is_secure()):
            return None
        key = _TOKEN.match(request.META["HTTP_AUTHORIZATION"])
        if key is None:
            return None
        fields: dict[str, Any] | None = None
        if confirm is None:
            fields = _hold_fields(body)
            if fields is None:
                return None  # the view answers, after its own sign-in
            rider = selectors.hold_facts_query(
                fields["doctor_id"], fields["appointment_type_id"], fields["starts_at"], user_id=None
            )
        else:
            appointment_id = uuid.UUID(confirm.group(1))
            rider = selectors.own_appointment_query(appointment_id, user_id=None)
        address = client_ip(request) if settings.AXES_ENABLED else None
        # The holds action's throttle (HoldsThrottle, `AppointmentViewSet.holds`); confirms have none.
        rate = None if confirm else rate_of(HoldsThrottle.scope)
        allowed, period = rate or (0, 0)
        window = window_of(period, int(time.time())) if rate else 0
        signed = sign_in(
            hash_token(key.group(1)), address, (HoldsThrottle.scope, window) if rate else None, rider
        )
        token, hits = signed.token, signed.hits
        if hits is not None:
            request.META[COUNTED] = (HoldsThrottle.scope, window, hits)  # for Django, should it answer
        if (
            token is None
            or not token.user.is_active
            or signed.address_failed
            or (address is None and settings.AXES_ENABLED)
        ):
            return None  # sign-in refused, or axes decides: DRF's authentication says so
        if rate and (hits is None or hits > allowed):
            return None  # the throttle answers 429
        record_use(token)
        user = token.user
        row, at = signed.row, signed.rider_at
        assert row is not None  # a token was read
        if fields is not None:
            try:
                appointment = services.fast_hold(
                    user, read=lambda: selectors.hold_facts_from(row, at), **fields
                )
            except ValidationFailed as exc:  # taken: the fast path's only refusal
                return self._json(exc.status_code, error_body(exc.errors))
            return None if appointment is None else self._json(201, appointment_json(appointment))
        confirmed = services.confirm_own_hold(
            user, appointment_id, read=lambda: selectors.own_appointment_from(row, at)
        )
        return None if confirmed is None else self._json(200, appointment_json(confirmed))

    def _json(self, status: int, data: Any) -> _Answer:
        return _Answer(status, self.renderer.render(data))

    def _send_answer(
        self, request: HttpRequest, answer: _Answer, action: str, start_response: StartResponse
    ) -> Iterable[bytes]:
        """The lane's own answer as the API sends it: the view's headers, then those the middleware adds, and
        Django's log line for a refusal, written out directly.

        The middleware's headers depend on the settings, on whether the request came over https, on the
        status and, for CSP's excluded prefixes, on the path; so they are worked out once per scheme, status
        and action (hold or confirm), by running the middleware on an HttpResponse, and kept until a setting
        changes. With excluded prefixes configured, a confirm's path (its id) could matter: then they are
        worked out every time."""
        status, content = answer
        key = (request.is_secure(), status, action)
        added = _ADDED_HEADERS.get(key)
        if added is None:
            view = self._response(answer)
            had = {name.lower() for name in view.headers}
            response = self._finish(request, view)
            if not _csp_excludes_prefixes():
                _ADDED_HEADERS[key] = [
                    (name, value) for name, value in response.items() if name.lower() not in had
                ]
            start_response(f"{status} {response.reason_phrase}", list(response.items()))
            return [content]
        headers = [
            ("Content-Type", "application/json"),
            ("Allow", _ALLOW),
            ("Content-Length", str(len(content))),
            *added,
        ]
        if status >= 400:
            refusal = HttpResponse(status=status)
            log_response("%s: %s", refusal.reason_phrase, request.path, response=refusal, request=request)
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [content]

    @staticmethod
    def _response(answer: _Answer) -> HttpResponse:
        """`answer` as the view's HttpResponse, before the middleware."""
        status, content = answer
        response = HttpResponse(content, content_type="application/json", status=status)
        response["Allow"] = _ALLOW
        response["Content-Length"] = str(len(content))  # as Django's CommonMiddleware sets it
        return response

    def _finish(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """`response` with the headers Django's middleware adds to an API answer, and Django's log line for a
        refusal."""
        request.fastlane_response = response  # type: ignore[attr-defined]
        response = self.headers(request)
        if response.status_code >= 400:
            log_response("%s: %s", response.reason_phrase, request.path, response=response, request=request)
        return response

    @staticmethod
    def _send(response: HttpResponse, start_response: StartResponse) -> Iterable[bytes]:
        status = f"{response.status_code} {response.reason_phrase}"
        headers = [
            *response.items(),
            *(("Set-Cookie", c.output(header="")) for c in response.cookies.values()),
        ]
        start_response(status, headers)
        return [response.content]


class _Answer(NamedTuple):
    """The lane's own answer: its status and JSON body."""

    status: int
    content: bytes


# The headers the middleware adds to the lane's answers, by (https, status, action): `FastLane._send_answer`.
_ADDED_HEADERS: dict[tuple[bool, int, str], list[tuple[str, str]]] = {}


@receiver(setting_changed)
def _forget_added_headers(**kwargs: Any) -> None:
    _ADDED_HEADERS.clear()


def _csp_excludes_prefixes() -> bool:
    return any(
        (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES")
        for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
    )


def _hold_fields(body: bytes) -> dict[str, Any] | None:
    """A hold's body as `services.fast_hold` takes it, or None when the API would refuse it (or might:
    anything but a small object of strings and nulls), so that the view answers."""
    try:
        data = read_json(body.decode("ascii"))
    except (ValueError, ValidationFailed):  # not JSON, too deep: the API's parser says how
        return None
    if not isinstance(data, dict) or not set(data) <= HOLD_FIELDS:
        return None
    if any(value is not None and not isinstance(value, str) for value in data.values()):
        return None
    try:
        return hold_fields(data)
    except ValidationFailed:
        return None  # the view answers 422 with the same errors


def _prepared_response(request: HttpRequest) -> HttpResponse:
    """The innermost "view" of the header middleware: the answer the lane has already made."""
    return request.fastlane_response  # type: ignore[attr-defined]


def _plain(environ: dict[str, Any]) -> bool:
    """Whether the request is one the lane may serve (see the module's docstring)."""
    return (
        environ.get("REQUEST_METHOD") == "POST"
        and not environ.get("QUERY_STRING")
        and "HTTP_COOKIE" not in environ
        and "HTTP_IDEMPOTENCY_KEY" not in environ
        and environ.get("HTTP_ACCEPT", "") in _ACCEPTED
        and environ.get("HTTP_AUTHORIZATION", "").startswith("Token ")
        and not any("\x00" in str(v) for k, v in environ.items() if k.startswith("HTTP_"))
    )


def _read_body(environ: dict[str, Any]) -> bytes | None:
    """The hold's body, when it is a small JSON text of printable ASCII; the stream is put back for Django."""
    if environ.get("CONTENT_TYPE", "").lower() not in _JSON_TYPES:
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= _BODY_LIMIT:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)  # Django reads it again if it answers
    if len(body) != length or not _PLAIN_JSON.match(body):
        return None
    return bytes(body)


def _host_allowed(request: HttpRequest) -> bool:
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True
