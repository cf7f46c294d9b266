"""Reading query parameters and JSON fields of the booking API into values, or the contract's errors."""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import date, datetime
from typing import Any

from medic.errors import BadRequest, FieldError, ValidationFailed
from scheduling.validation import parse_date, parse_instant


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
            self.types.append(FieldError(name, "INVALID_TYPE", "Expected a string."))
            return None
        return value

    def required(self, name: str, value: Any) -> Any:
        if value is None and not any(e.path == name for e in self.types + self.rules):
            self.rules.append(FieldError(name, "REQUIRED", "This field is required."))
        return value

    def uuid(self, name: str) -> uuid.UUID | None:
        value = self._string(name)
        if value is None:
            return None
        try:
            return uuid.UUID(value)
        except ValueError:
            self.rules.append(FieldError(name, "UNKNOWN_REFERENCE", "Not a valid id."))
            return None

    def instant(self, name: str) -> datetime | None:
        value = self._string(name)
        if value is None:
            return None
        parsed = parse_instant(value)
        if parsed is None:
            self.rules.append(
                FieldError(
                    name,
                    "INVALID_DATETIME",
                    "Use an ISO 8601 instant with its offset, e.g. 2026-12-01T09:00Z.",
                )
            )
        return parsed

    def date(self, name: str) -> date | None:
        value = self._string(name)
        if value is None:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.rules.append(FieldError(name, "INVALID_DATE", "Use a real date as YYYY-MM-DD (1900–2200)."))
        return parsed

    def timezone(self, name: str) -> zoneinfo.ZoneInfo | None:
        value = self._string(name)
        if value is None:
            return None
        try:
            if "/" not in value and value != "UTC":
                raise zoneinfo.ZoneInfoNotFoundError(value)
            return zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.rules.append(
                FieldError(name, "INVALID_TIMEZONE", "Use an IANA time zone, e.g. Europe/Athens.")
            )
            return None

    def choice(self, name: str, choices: list[str]) -> str | None:
        value = self._string(name)
        if value is not None and value not in choices:
            self.rules.append(FieldError(name, "INVALID_CHOICE", f"Use one of: {', '.join(choices)}."))
            return None
        return value

    def text(self, name: str, max_length: int) -> str:
        value = self._string(name) or ""
        if len(value) > max_length:
            self.rules.append(FieldError(name, "TOO_LONG", f"At most {max_length} characters."))
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
            self.types.append(FieldError(name, "INVALID_TYPE", "Expected a whole number."))
            return default
        if not low <= number <= high:
            self.rules.append(FieldError(name, "OUT_OF_RANGE", f"Use a number from {low} to {high}."))
            return default
        return number

    def add(self, name: str, code: str, message: str) -> None:
        self.rules.append(FieldError(name, code, message))

    def done(self) -> None:
        if self.types:
            raise BadRequest(self.types)
        if self.rules:
            raise ValidationFailed(self.rules)


def body_reader(data: Any) -> Reader:
    if not isinstance(data, dict):
        raise BadRequest([FieldError("", "INVALID_TYPE", "The request body must be a JSON object.")])
    return Reader(data)
