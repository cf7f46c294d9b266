"""Refuses hostile input before any view runs: oversize API bodies, and NUL or lone surrogates in the path,
the query string, form posts and headers (JSON bodies are checked by medic.parsing.JSONParser)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from medic.api import error_body, is_api, payload_too_large
from medic.parsing import error, storable_text


def _first_bad(pairs: Iterable[tuple[str, str]]) -> str | None:
    """The name of the first parameter whose name or value is not storable text ("" for a bad name)."""
    for name, value in pairs:
        if not storable_text(name):
            return ""
        if not storable_text(value):
            return name
    return None


class HostileInputMiddleware:
    """PostgreSQL refuses NUL in text (a 500 deep inside a query) and UTF-8 cannot encode a lone surrogate,
    so no text carrying either gets past the edge: under /api/ a 400 INVALID_CHARACTERS at the parameter's
    name, elsewhere Django's 400 page. An /api/ body over DATA_UPLOAD_MAX_MEMORY_SIZE is a JSON 413 before
    it is read (Django's own check would answer with an HTML 400)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = is_api(request)
        if api and self._too_large(request):
            return payload_too_large()
        bad = self._bad_text_at(request, api)
        if bad is None:
            return self.get_response(request)
        if api:
            return JsonResponse(error_body([error(bad, "INVALID_CHARACTERS")]), status=400)
        return defaults.bad_request(request, SuspiciousOperation("Unstorable characters in the request."))

    @staticmethod
    def _too_large(request: HttpRequest) -> bool:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False  # Django reads an unreadable length as an empty body
        return limit is not None and length > limit

    @staticmethod
    def _bad_text_at(request: HttpRequest, api: bool) -> str | None:
        """Where the request carries unstorable text: a parameter's name, "" for the request as a whole."""
        if not storable_text(request.path):
            return ""
        # An Idempotency-Key is stored; no header may carry NUL anyway.
        if any("\x00" in str(v) for k, v in request.META.items() if k.startswith("HTTP_")):
            return ""
        bad = _first_bad((k, v) for k, values in request.GET.lists() for v in values)
        if bad is None and not api and request.method not in ("GET", "HEAD", "OPTIONS"):
            # Form posts of the server pages. API bodies are JSON, checked by the parser; reading POST here
            # for them would consume the stream DRF reads.
            bad = _first_bad((k, v) for k, values in request.POST.lists() for v in values)
        return bad
