"""The API's edge: one exception handler that renders every error in the contract's shape,
the JSON error pages of /api/ (404, 400, 403, 500), and pagination."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import csrf as csrf_views
from django.views import defaults
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from medic.errors import FieldError, ValidationFailed
from medic.parsing import Reader, error

M = TypeVar("M", bound=Model)

# DRF validation codes that mean "the JSON has the wrong type or cannot be read": HTTP 400.
# Any other DRF validation code is a rule the value breaks: HTTP 422.
_TYPE_CODES = {
    "invalid",
    "not_a_list",
    "not_a_dict",
    "null",
    "parse_error",
    "type_error",
    "not_a_dict_or_list",
}
_CODE_RENAMES = {
    "required": "REQUIRED",
    "null": "INVALID_TYPE",
    "invalid": "INVALID_TYPE",
    "not_a_list": "INVALID_TYPE",
    "not_a_dict": "INVALID_TYPE",
    "does_not_exist": "UNKNOWN_REFERENCE",
    "invalid_choice": "INVALID_CHOICE",
    "max_length": "TOO_LONG",
    "blank": "REQUIRED",
}

_SIMPLE = {
    exceptions.ParseError: "PARSE_ERROR",
    exceptions.NotAuthenticated: "NOT_AUTHENTICATED",
    exceptions.AuthenticationFailed: "AUTHENTICATION_FAILED",
    exceptions.PermissionDenied: "PERMISSION_DENIED",
    exceptions.NotFound: "NOT_FOUND",
    exceptions.MethodNotAllowed: "METHOD_NOT_ALLOWED",
    exceptions.NotAcceptable: "NOT_ACCEPTABLE",
    exceptions.UnsupportedMediaType: "UNSUPPORTED_MEDIA_TYPE",
    exceptions.Throttled: "THROTTLED",
}


# --- instants at the JSON edge: always UTC, written with "Z" -----------------------------------------


def iso_utc(epoch: int, _days: dict[int, str] = {}) -> str:  # noqa: B006 - deliberate memo of date prefixes
    """Epoch seconds → "2026-03-30T06:00:00Z" without building a datetime per call."""
    day, rest = divmod(epoch, 86_400)
    prefix = _days.get(day)
    if prefix is None:
        prefix = _days[day] = datetime.fromtimestamp(day * 86_400, UTC).strftime("%Y-%m-%dT")
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{prefix}{hours:02d}:{minutes:02d}:{seconds:02d}Z"


def iso_instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def iso_instant_or_none(value: datetime | None) -> str | None:
    return iso_instant(value) if value is not None else None


def error_body(errors: Iterable[FieldError]) -> dict[str, Any]:
    return {
        "ok": False,
        "errors": [{"path": e.path, "code": e.code, "message": e.message, **(e.extra or {})} for e in errors],
    }


def camel(name: str) -> str:
    """snake_case → camelCase, the JSON edge's spelling (a name already in camelCase is unchanged)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def flatten_drf_errors(detail: Any, prefix: str = "") -> list[tuple[str, exceptions.ErrorDetail]]:
    """DRF's nested error dicts/lists → (dotted path, detail) pairs; list items keep their index."""
    if isinstance(detail, Mapping):
        out: list[tuple[str, exceptions.ErrorDetail]] = []
        for key, value in detail.items():
            key = "" if key in ("non_field_errors", "__all__") else camel(str(key))
            out.extend(flatten_drf_errors(value, f"{prefix}.{key}" if prefix and key else prefix or key))
        return out
    if isinstance(detail, list):
        out = []
        for index, value in enumerate(detail):
            if isinstance(value, Mapping | list):
                if value:  # an empty entry is a list item that had no error
                    out.extend(flatten_drf_errors(value, f"{prefix}.{index}" if prefix else str(index)))
            else:
                out.append((prefix, value))
        return out
    return [(prefix, detail)]


def _drf_validation_response(exc: exceptions.ValidationError) -> Response:
    pairs = flatten_drf_errors(exc.detail)
    codes = {getattr(detail, "code", "invalid") for _, detail in pairs}
    http_status = 400 if codes & _TYPE_CODES else 422
    errors = [
        FieldError(
            path,
            _CODE_RENAMES.get(str(getattr(d, "code", "")), str(getattr(d, "code", "invalid")).upper()),
            str(d),
        )
        for path, d in pairs
    ]
    return Response(error_body(errors), status=http_status)


# --- oversize bodies -------------------------------------------------------------------------------------


def _too_large_body() -> dict[str, Any]:
    return error_body([error("", "PAYLOAD_TOO_LARGE", limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)])


def payload_too_large() -> JsonResponse:
    """The 413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE, in the contract's shape."""
    return JsonResponse(_too_large_body(), status=413)


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every client error becomes {"ok": false, "errors": [...]}.

    Anything not recognised returns None, so DRF re-raises it and a real bug still surfaces as a 500.
    """
    # Imported here: rest_framework.views resolves the authentication classes when it loads, and those
    # import this module (medic.lockout → error_body), so a module-level import would be circular.
    from rest_framework.views import set_rollback

    if isinstance(exc, RequestDataTooBig):  # raised by Django while DRF reads the body
        set_rollback()
        return Response(_too_large_body(), status=413)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, ValidationFailed):
        set_rollback()
        return Response(error_body(exc.errors), status=exc.status_code)
    if isinstance(exc, exceptions.ValidationError):
        set_rollback()
        return _drf_validation_response(exc)
    if isinstance(exc, exceptions.APIException):
        set_rollback()
        code = next((c for cls, c in _SIMPLE.items() if isinstance(exc, cls)), None)
        if code is None:
            code = re.sub(r"[^A-Z0-9]+", "_", str(exc.default_code).upper())
        response = Response(error_body([FieldError("", code, str(exc.detail))]), status=exc.status_code)
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            response.status_code = status.HTTP_401_UNAUTHORIZED
            response["WWW-Authenticate"] = getattr(exc, "auth_header", None) or "Token"
        wait = getattr(exc, "wait", None)  # set by DRF on Throttled, and on medic.lockout.TooManyAttempts
        if wait is not None:
            response["Retry-After"] = str(int(wait))
        return response
    return None


def json_not_found(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
    """The 404 for /api/ paths no route matches, in the contract's shape."""
    body = error_body([FieldError("", "NOT_FOUND", "No such endpoint.")])
    return JsonResponse(body, status=404)


def json_server_error(request: HttpRequest) -> JsonResponse:
    body = error_body([FieldError("", "SERVER_ERROR", "Something went wrong on our side; it was logged.")])
    return JsonResponse(body, status=500)


# --- Django's error pages (urls.handler400/403/404/500): JSON under /api/, HTML elsewhere ------------------


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 (a SuspiciousOperation: disallowed host, too many fields, an oversize body, …)."""
    if not is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return payload_too_large()
    return JsonResponse(
        error_body([FieldError("", "BAD_REQUEST", "The request cannot be read.")]), status=400
    )


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.permission_denied(request, exception)
    body = error_body([FieldError("", "PERMISSION_DENIED", "You do not have permission to do this.")])
    return JsonResponse(body, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return json_not_found(request) if is_api(request) else defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    return json_server_error(request) if is_api(request) else defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a POST under /api/ that no DRF view handles (an unknown path) still
    answers in JSON; pages keep Django's page."""
    if not is_api(request):
        return csrf_views.csrf_failure(request, reason)
    body = error_body([FieldError("", "PERMISSION_DENIED", f"CSRF check failed: {reason}")])
    return JsonResponse(body, status=403)


# --- pagination: ?page=&pageSize= → {results, count, page, pageSize, next, previous} ------------------------

PAGE_SIZE, MAX_PAGE_SIZE, MAX_PAGE = 20, 100, 1_000_000
PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="1-based page number; default 1."),
    OpenApiParameter("pageSize", int, description=f"Items per page, 1–{MAX_PAGE_SIZE}; default {PAGE_SIZE}."),
]


@dataclass(frozen=True, slots=True)
class PageRequest:
    page: int
    page_size: int


def read_page(r: Reader) -> PageRequest:
    """`page` and `pageSize` from the query (errors noted on `r`, like any other parameter)."""
    return PageRequest(r.integer("page", 1, MAX_PAGE, 1), r.integer("pageSize", 1, MAX_PAGE_SIZE, PAGE_SIZE))


def page_json(
    request: Request, rows: QuerySet[M], wanted: PageRequest, item: Callable[[M], dict[str, Any]]
) -> dict[str, Any]:
    """One page of `rows` (which must be in a stable order). A page past the end is empty, not an error;
    `next`/`previous` are absolute URLs of the neighbouring pages (the other parameters kept), or null."""
    count = rows.count()
    start = (wanted.page - 1) * wanted.page_size
    results = [item(row) for row in rows[start : start + wanted.page_size]] if start < count else []
    url = request.build_absolute_uri()
    previous = None
    if wanted.page > 1:
        last = max(1, -(-count // wanted.page_size))
        to = min(wanted.page - 1, last)
        previous = remove_query_param(url, "page") if to == 1 else replace_query_param(url, "page", to)
    return {
        "results": results,
        "count": count,
        "page": wanted.page,
        "pageSize": wanted.page_size,
        "next": replace_query_param(url, "page", wanted.page + 1)
        if start + wanted.page_size < count
        else None,
        "previous": previous,
    }


def page_serializer(name: str, item: type[serializers.Serializer]) -> serializers.Serializer:
    """The OpenAPI shape of a page of `item`s, named `name`."""
    return inline_serializer(
        name,
        {
            "results": item(many=True),
            "count": serializers.IntegerField(help_text="Items on all pages together."),
            "page": serializers.IntegerField(),
            "pageSize": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True, help_text="The next page, or null on the last."),
            "previous": serializers.URLField(allow_null=True, help_text="The previous page, or null."),
        },
    )
