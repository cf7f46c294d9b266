"""Shared OpenAPI pieces: the contract's error shape, and the error answers every operation documents.

Each view declares the statuses only it can give (`errors(404, 422, ...)`, `THROTTLED`); `AutoSchema` adds
those every request can meet at the edge (a bad query string, authentication, CSRF, body size and type), so
the schema stays true as views are added.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_field
from rest_framework import serializers

from medic.api import MAX_PAGE, MAX_PAGE_SIZE, PAGE_SIZE

# --- the error shape: {"ok": false, "errors": [{"path", "code", "message"}]} -------------------------------


@extend_schema_field({"type": "boolean", "enum": [False]})
class FalseField(serializers.BooleanField):
    """A boolean that is always false (the `ok` of an error)."""


class ErrorDetailSerializer(serializers.Serializer):
    path = serializers.CharField(
        allow_blank=True,
        help_text=(
            "Dotted path of the offending request field as React Hook Form names it "
            '(`days.0.windows.1.workEndLocal`), or "" for the request as a whole.'
        ),
    )
    code = serializers.CharField(help_text="What is wrong, e.g. REQUIRED, INVALID_TYPE, SLOT_TAKEN.")
    message = serializers.CharField(help_text="The same for people.")


class ErrorSerializer(serializers.Serializer):
    """Every error answer of the API. Some codes add keys (BOOKINGS_AFFECTED: `appointments`)."""

    ok = FalseField()
    # DRF collects declared fields into _declared_fields; the stubs see only Serializer.errors.
    errors = ErrorDetailSerializer(many=True)  # type: ignore[assignment]


@extend_schema_field(
    {"oneOf": [{"type": "string", "format": "uuid"}, {"type": "string", "enum": [""]}], "nullable": True}
)
class OptionalIdField(serializers.UUIDField):
    """An optional id in a request body, where null and "" mean the same as leaving it out (as everywhere in
    the API)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, allow_null=True, **kwargs)


# What each status means across the API; a view may say more about its own case.
MEANINGS: dict[int, str] = {
    400: (
        "The request cannot be read: JSON that does not parse (PARSE_ERROR) or nests too deep (TOO_DEEP), a "
        "value of the wrong type (INVALID_TYPE), or text with NUL or unpaired surrogates "
        "(INVALID_CHARACTERS), each at its path."
    ),
    401: (
        "Not signed in (NOT_AUTHENTICATED), or the token is unknown or revoked (AUTHENTICATION_FAILED); "
        "`WWW-Authenticate: Token`."
    ),
    403: "Not allowed (PERMISSION_DENIED), or a session request without its CSRF token.",
    404: "Nothing the caller may see here (NOT_FOUND).",
    409: "A conflict with another write or with existing bookings.",
    410: "Gone: it existed but may no longer be acted on.",
    413: "The body is larger than the size limit (PAYLOAD_TOO_LARGE).",
    415: "The body is not `application/json` (UNSUPPORTED_MEDIA_TYPE).",
    422: "Valid JSON that breaks a rule: every problem at once, each at its path.",
    429: "Too many requests (THROTTLED); `Retry-After` says in how many seconds to try again.",
}


def error_response(status: int, description: str | None = None) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description or MEANINGS[status])


def errors(*statuses: int | tuple[int, str]) -> dict[int, OpenApiResponse]:
    """Error responses in the contract's shape: `errors(404, (409, "SLOT_TAKEN: …"), 422)`."""
    out: dict[int, OpenApiResponse] = {}
    for item in statuses:
        status, description = item if isinstance(item, tuple) else (item, None)
        out[status] = error_response(status, description)
    return out


# The expensive endpoints (preview, availability, the clinic-wide search, holds) may be throttled.
THROTTLED = errors(429)

_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema, adding to every operation the errors any request can meet before or
    around its view: 400 (unreadable query string or body), 401 (authentication runs on every request,
    public ones included: a bad token is refused), and for writes 403 (CSRF), 413 (body size) and 415
    (not JSON); 429 where the view has throttles."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        # Every list answer is an object ({"appointments": [...]}, a page), never a bare array: the response
        # serializers say so themselves, and a viewset's `list` must not be wrapped in an array again. A
        # list still counts as one for its operationId (`…_list`).
        if serializer is not None:
            return False
        return bool(super()._is_list_view())

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        # The API reads an empty query parameter (`?doctorId=`) as an absent one, everywhere.
        for parameter in (operation or {}).get("parameters", []):
            if parameter.get("in") == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        return operation

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        # Here and not in get_response_serializers, which @extend_schema overrides in a subclass.
        responses = super()._get_response_bodies(direction)
        method = self.method.upper()
        common = [400, 401]
        if method in _UNSAFE:
            common += [403, 413]
            if method != "DELETE" and self.get_request_serializer() is not None:
                common.append(415)
        if self.view.get_throttles():
            common.append(429)
        for status in common:
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(
                    error_response(status), str(status), direction=direction
                )
        return dict(sorted(responses.items()))


# --- parameters ------------------------------------------------------------------------------------------


def integer_parameter(name: str, low: int, high: int, description: str) -> OpenApiParameter:
    """A whole-number query parameter with its bounds (outside them: 422 OUT_OF_RANGE; not a number: 400)."""
    return OpenApiParameter(
        name, {"type": "integer", "minimum": low, "maximum": high}, description=description
    )


PAGE_PARAMETERS = [
    integer_parameter("page", 1, MAX_PAGE, "1-based page number; default 1."),
    integer_parameter(
        "pageSize", 1, MAX_PAGE_SIZE, f"Items per page, 1–{MAX_PAGE_SIZE}; default {PAGE_SIZE}."
    ),
]
