"""The subscription endpoints calendar apps poll: no login, the secret in the path is the credential."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from appointments.feeds import services

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _not_found() -> HttpResponse:
    # Plain text, never the debug page: it would tell a guesser nothing, but a calendar app shows it raw.
    return HttpResponse("No such calendar.\n", status=404, content_type="text/plain; charset=utf-8")


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def doctor_calendar(request: HttpRequest, secret: str) -> HttpResponse:
    """GET /ical/doctors/{secret}.ics: the doctor's live appointments."""
    feed = services.feed_by_secret(secret)
    if feed is None:
        return _not_found()
    return _ics(services.calendar_ics(feed), "appointments.ics")


@require_safe
def doctor_freebusy(request: HttpRequest, secret: str) -> HttpResponse:
    """GET /ical/doctors/{secret}/freebusy.ics: when the doctor is busy, without names."""
    feed = services.feed_by_secret(secret)
    if feed is None:
        return _not_found()
    return _ics(services.freebusy_ics(feed), "freebusy.ics")
