"""Reading query parameters and JSON fields into values at the API's edge, or the contract's errors."""

from __future__ import annotations

import codecs
import re
import uuid
import zoneinfo
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any

from django.conf import settings
from rest_framework import exceptions, parsers
from rest_framework.utils import json

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


# How deep a JSON body may nest: the deepest request (the Add Slot form's break labels) is 7 levels.
MAX_JSON_DEPTH = 32

# What no text field may hold: NUL, which PostgreSQL refuses in text, and unpaired UTF-16 surrogates, which
# JSON's "\ud800" escape can smuggle in and which UTF-8 cannot encode.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable_text(value: str) -> bool:
    """False when `value` holds a character that no text column can store (NUL or a lone surrogate)."""
    return _UNSTORABLE.search(value) is None


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
    "INVALID_CHARACTERS": "Text may not contain NUL characters or unpaired surrogates.",
    "TOO_DEEP": "The JSON nests deeper than {max_depth} levels.",
    "PAYLOAD_TOO_LARGE": "The request body is larger than {limit} bytes.",
}


def error(path: str, code: str, **fill: object) -> FieldError:
    """A FieldError with the code's one message (for the edge's other readers: parser, middleware)."""
    return _error(path, code, **fill)


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


# Only a JSON escape can put NUL or a lone surrogate into a parsed string: the raw text cannot hold NUL inside
# a string (JSON forbids control characters) nor a surrogate (the body is decoded as strict UTF-8).
_RISKY_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_INNERMOST = re.compile(r"\[\]|\{\}")


def _nested_deeper_than(text: str, max_depth: int) -> bool:
    """Whether well-formed JSON `text` nests containers deeper than `max_depth`: strip strings and everything
    but brackets, then peel the innermost pairs off one level per pass (each pass is one C-speed regex)."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    for _ in range(max_depth):
        if not brackets:
            return False
        brackets = _INNERMOST.sub("", brackets)
    return bool(brackets)


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def _first_unstorable(data: object) -> str | None:
    """The dotted path of the first string (in document order) that is not storable text, or of the object
    holding such a key; None when every string is fine."""
    if isinstance(data, str):
        return None if storable_text(data) else ""
    stack: list[tuple[str, object]] = [("", data)]
    while stack:  # iterative: no recursion on the caller's input
        path, value = stack.pop()
        if isinstance(value, dict):
            if not all(storable_text(key) for key in value):
                return path
            items: list[tuple[object, object]] = list(value.items())
        elif isinstance(value, list):
            items = list(enumerate(value))
        else:
            continue
        nested = []
        for key, child in items:
            if isinstance(child, str):
                if not storable_text(child):
                    return _join(path, key)
            elif isinstance(child, dict | list):
                nested.append((_join(path, key), child))
        stack.extend(reversed(nested))
    return None


def read_json(text: str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parsed JSON `text`, or BadRequest: TOO_DEEP past `max_depth` levels, INVALID_CHARACTERS at the path of
    a string holding NUL or a lone surrogate. ValueError when it is not JSON at all (as json.loads)."""
    try:
        data = json.loads(text)  # DRF's: NaN and Infinity refused
    except RecursionError as exc:  # the C scanner gives up around 1,000 levels
        raise BadRequest([_error("", "TOO_DEEP", max_depth=max_depth)]) from exc
    if _nested_deeper_than(text, max_depth):
        raise BadRequest([_error("", "TOO_DEEP", max_depth=max_depth)])
    if _RISKY_ESCAPE.search(text):
        path = _first_unstorable(data)
        if path is not None:
            raise BadRequest([_error(path, "INVALID_CHARACTERS")])
    return data


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, made safe for hostile bodies: a body must be a JSON object, nest at most
    MAX_JSON_DEPTH levels (deeper would exhaust the parser's recursion), and hold only storable text (no NUL,
    no lone surrogate, in values or keys). Each refusal is a 400 in the contract's shape, raised before any
    view code runs, so nothing is written."""

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = read_json(codecs.decode(stream.read(), encoding))
        except (ValueError, LookupError) as exc:  # not UTF-8 (or an unknown charset), not JSON
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc
        if not isinstance(data, dict):
            raise BadRequest([FieldError("", "INVALID_TYPE", "The request body must be a JSON object.")])
        return data
