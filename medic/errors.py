"""Error values shared by validation, services and the API's exception handler."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one request field; `path` is dotted as React Hook Form names it ("" = the request).
    `extra` adds keys to the error's JSON (e.g. the `appointments` a BOOKINGS_AFFECTED conflict lists)."""

    path: str
    code: str
    message: str
    extra: Mapping[str, Any] | None = None


class ValidationFailed(Exception):
    """Business-rule failure (HTTP 422 by default) carrying every error found at once."""

    status_code = 422

    def __init__(self, errors: list[FieldError] | tuple[FieldError, ...]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        super().__init__("; ".join(f"{e.path or '<request>'}: {e.code}" for e in self.errors))


class Conflict(ValidationFailed):
    """A write that lost to another write (HTTP 409), e.g. SCHEDULE_CHANGED or SLOT_TAKEN."""

    status_code = 409


class Gone(ValidationFailed):
    """Something that existed but no longer may be acted on (HTTP 410), e.g. HOLD_EXPIRED."""

    status_code = 410


class BadRequest(ValidationFailed):
    """A request that cannot be read or has the wrong JSON types (HTTP 400)."""

    status_code = 400
