"""Reading query parameters and JSON fields into values at the API's edge, or the contract's errors."""

from __future__ import annotations

import re
import uuid
import zoneinfo
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from medic.errors import BadRequest, FieldError, ValidationFailed

# Dates and instants outside these years are refused: nobody books there, and arithmetic near
# date.min/date.max (a day of slack, an offset) would overflow.
MIN_YEAR, MAX_YEAR = 1900, 2200

# [0-9], not \d: \d also matches non-ASCII digits; fullmatch, because $ accepts a trailing newline.
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INSTANT_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})"
)


def year_ok(value: date) -> bool:
    return MIN_YEAR <= value.year <= MAX_YEAR


def instant_ok(value: datetime) -> bool:
    # ±14:00 is the widest offset any zone uses, and PostgreSQL refuses wider ones.
    offset = value.utcoffset()
    return offset is not None and abs(offset) <= timedelta(hours=14) and year_ok(value)


def parse_date(value: str) -> date | None:
    """A real YYYY-MM-DD date within MIN_YEAR..MAX_YEAR, else None: the API's one date grammar."""
    if _DATE_RE.fullmatch(value) is None:
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return None  # the shape is right but the day does not exist (2026-02-30)
    return parsed if year_ok(parsed) else None


def parse_instant(value: object) -> datetime | None:
    """An ISO 8601 instant that carries its offset ("…Z" or "…+02:00"), in UTC; None when it is not one.

    Offsets are limited to ±14:00 and years to MIN_YEAR..MAX_YEAR: the API's one instant grammar."""
    if not isinstance(value, str) or not _INSTANT_RE.fullmatch(value):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    # Checked before the move to UTC: the year is the one the caller wrote.
    return parsed.astimezone(UTC) if instant_ok(parsed) else None


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
