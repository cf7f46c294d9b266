"""Reading query parameters and JSON fields into values at the API's edge, or the contract's errors."""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from medic.errors import BadRequest, FieldError, ValidationFailed

# The API's one date and instant grammar (years 1900-2200, offsets up to ±14:00), shared with the schedule
# payloads. It belongs here; it stays in scheduling.validation until that module imports it from here.
from scheduling.validation import parse_date, parse_instant

# One message per code: what a caller reads for each problem the reader finds. `{…}` are filled per field.
MESSAGES: dict[str, str] = {
    "INVALID_TYPE": "Expected {expected}.",
    "REQUIRED": "This field is required.",
    "UNKNOWN_REFERENCE": "Not a valid id.",
    "INVALID_DATETIME": "Use an ISO 8601 instant with its offset, e.g. 2026-12-01T09:00Z.",
    "INVALID_DATE": "Use a real date as YYYY-MM-DD (1900–2200).",
    "INVALID_TIMEZONE": "Use an IANA time zone, e.g. Europe/Athens.",
    "INVALID_CHOICE": "Use one of: {choices}.",
    "TOO_LONG": "At most {max_length} characters.",
    "OUT_OF_RANGE": "Use a number from {low} to {high}.",
}


def _error(path: str, code: str, **fill: object) -> FieldError:
    return FieldError(path, code, MESSAGES[code].format(**fill))


class Reader:
    """Collects every problem of one request, then raises them together (400 for types, else 422)."""

    def __init__(self, source: Any) -> None:
        self.source = source
        self.types: list[FieldError] = []
        self.rules: list[FieldError] = []

    def raw(self, name: str) -> Any:
        value = self.source.get(name) if hasattr(self.source, "get") else None
        return None if value == "" else value

    def _string(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        if not isinstance(value, str):
            self.types.append(_error(name, "INVALID_TYPE", expected="a string"))
            return None
        return value

    def required(self, name: str, value: Any) -> Any:
        """`value`, noting REQUIRED when it is missing and nothing else is wrong with that field already."""
        if value is None and not any(e.path == name for e in self.types + self.rules):
            self.rules.append(_error(name, "REQUIRED"))
        return value

    def uuid(self, name: str) -> uuid.UUID | None:
        value = self._string(name)
        if value is None:
            return None
        try:
            return uuid.UUID(value)
        except ValueError:
            self.rules.append(_error(name, "UNKNOWN_REFERENCE"))
            return None

    def instant(self, name: str) -> datetime | None:
        value = self._string(name)
        if value is None:
            return None
        parsed = parse_instant(value)
        if parsed is None:
            self.rules.append(_error(name, "INVALID_DATETIME"))
        return parsed

    def date(self, name: str) -> date | None:
        value = self._string(name)
        if value is None:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.rules.append(_error(name, "INVALID_DATE"))
        return parsed

    def timezone(self, name: str) -> zoneinfo.ZoneInfo | None:
        value = self._string(name)
        if value is None:
            return None
        try:
            # Bare names like "EST" or "Athens" resolve on some machines only: ask for an Area/Location key.
            if "/" not in value and value != "UTC":
                raise zoneinfo.ZoneInfoNotFoundError(value)
            return zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.rules.append(_error(name, "INVALID_TIMEZONE"))
            return None

    def choice(self, name: str, choices: Sequence[str]) -> str | None:
        value = self._string(name)
        if value is not None and value not in choices:
            self.rules.append(_error(name, "INVALID_CHOICE", choices=", ".join(choices)))
            return None
        return value

    def text(self, name: str, max_length: int) -> str:
        value = self._string(name) or ""
        if len(value) > max_length:
            self.rules.append(_error(name, "TOO_LONG", max_length=max_length))
        return value.strip()

    def integer(self, name: str, low: int, high: int, default: int) -> int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError):
            number = None
        if number is None:
            self.types.append(_error(name, "INVALID_TYPE", expected="a whole number"))
            return default
        if not low <= number <= high:
            self.rules.append(_error(name, "OUT_OF_RANGE", low=low, high=high))
            return default
        return number

    def add(self, name: str, code: str, message: str) -> None:
        """A rule the caller checks itself (a range, a reference), reported with the reader's others."""
        self.rules.append(FieldError(name, code, message))

    def done(self) -> None:
        if self.types:
            raise BadRequest(self.types)
        if self.rules:
            raise ValidationFailed(self.rules)


def body_reader(data: Any) -> Reader:
    """A reader of a JSON body, which must be an object."""
    if not isinstance(data, dict):
        # Worded for the request as a whole, as the schedule API words it too.
        raise BadRequest([FieldError("", "INVALID_TYPE", "The request body must be a JSON object.")])
    return Reader(data)
