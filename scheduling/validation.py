"""The Add Slot form and time off: business rules on typed values, and the JSON parser that feeds them.

Two layers, so the API and the admin accept exactly the same things:

- **Rules on typed values** (`check_*`, `dates_meet`): plain values in (times, dates, ids, a `Scope`), a list
  of `FieldError`s out, no database. A value given as None is one that is not known (absent, or its own
  error is already reported): the rules that need it are skipped and the others still run, so every error
  is reported at once. The admin calls these with its forms' cleaned data.
- **The JSON parser** (`parse_schedule_payload`, `parse_exception_payload`, `parse_exception_patch`): JSON
  types, presence, formats, list sizes and text lengths, then the rules above on what it read. The views
  call it and hand the typed form to `scheduling.services`.

Wrong JSON types raise `BadRequest` (HTTP 400, code INVALID_TYPE, every such error at once). Everything
else is returned in `Result.errors` (the Add Slot form) or raised as `ValidationFailed` (time off), ordered
by position in the payload, each at the dotted path React Hook Form uses. The Add Slot form's codes:

Read by the parser:
- REQUIRED                 scope, days (missing or []), days.N.dayOfWeek,
                           …windows.M.workStartLocal / workEndLocal / slotIntervalMinutes,
                           …breaks.K.breakStartLocal / breakEndLocal, dateRange.start / dateRange.end
- UNKNOWN_REFERENCE        scope.appointmentTypeId / doctorLocationId / locationRoomId: not a canonical UUID
- INVALID_CHOICE           scope.consultationMode (in_person, video, phone or null), replaceMode
                           (not a contract code: the contract names none for a bad enum value)
- TOO_MANY_ITEMS           days (> 7), days.N.windows (> 20)
- INVALID_DAY_OF_WEEK      days.N.dayOfWeek (1-7, ISO: Monday = 1)
- DUPLICATE_DAY            days.N.dayOfWeek of the second and later occurrences
- NO_WINDOWS               days.N.windows of an enabled day whose windows list is empty
- INVALID_TIME             any *Local time that is not HH:MM, 24-hour (`check_local_time` for a typed time)
- INVALID_DATE             effectiveFrom / effectiveTo, dateRange.start / dateRange.end (real YYYY-MM-DD,
                           years 1900-2200; `check_date` for a typed date)
- TOO_LONG                 …breaks.K.label (> 100 characters after trimming; not a contract code)
- END_BEFORE_START         dateRange.end < start
- RANGE_TOO_LARGE          dateRange spanning more than 366 days (both ends counted)
- WINDOWS_OVERLAP          days.N.windows.M.workStartLocal of the later-starting window of a pair with
                           the same priority, overlapping times (touching is fine) that can work on one
                           date (`windows_meet`: effective dates meet and, for rotas, some week is on both
                           rotas); against stored rules: `services.stored_overlaps`
- INVALID_DATE             …windows.M.repeatAnchor (as effectiveFrom)

Checked on typed values:
- UNKNOWN_REFERENCE        scope ids not the doctor's, or a room not at the given location (`check_scope`)
- REQUIRED, INVALID_TIMEZONE  scope.timezone (IANA name from zoneinfo; "localtime" and "Factory" excluded;
                           `check_timezone`)
- END_BEFORE_START         …workEndLocal when end <= start (no crossing midnight)        (`check_window`)
- INVALID_INTERVAL         …slotIntervalMinutes not in 5, 10, 15, 20, 30, 60             (`check_window`)
- OUT_OF_RANGE             …windows.M.priority (-1000..1000; not a contract code)        (`check_window`)
- EFFECTIVE_RANGE_INVALID  …effectiveTo < effectiveFrom                                   (`check_window`)
- INVALID_REPEAT           …windows.M.repeatEveryWeeks not a whole number from 1 to 8, …repeatAnchor
                           missing when repeatEveryWeeks is more than 1                  (`check_window`)
- TOO_MANY_ITEMS           …windows.M.breaks (> 10)                                       (`check_breaks`)
- BREAK_END_BEFORE_START   …breaks.K.breakEndLocal                                        (`check_breaks`)
- BREAK_OUTSIDE_WINDOW     …breaks.K.breakStartLocal                                      (`check_breaks`)
- BREAKS_OVERLAP           …breaks.K.breakStartLocal of the later-starting break (touching is fine)

Time off: the parser reads kind (REQUIRED, INVALID_CHOICE), startsAt / endsAt (REQUIRED, INVALID_DATETIME
for an instant without its offset; `check_instant` for a typed one), slotIntervalMinutes, reason and scope;
`check_exception` then checks endsAt (END_BEFORE_START, RANGE_TOO_LARGE over 366 days), slotIntervalMinutes
(REQUIRED for an opening, INVALID_INTERVAL; time off has none), reason (TOO_LONG over 200) and the scope.
A PATCH (`parse_exception_patch`) takes what its body leaves out from the stored row and checks the result
as one; turning an opening into time off drops its interval.

Decisions where the contract is silent:
- null means absent everywhere: a required field that is null is REQUIRED, an optional one gets its default
  (enabled true, priority 0, breaks [], label "", windows [], scope ids / consultationMode / effective dates /
  expectedVersion null, replaceMode replace_selected_days, dateRange today..today+6).
- A rota (repeatEveryWeeks N > 1) works every N weeks from repeatAnchor's Monday-based week, as RFC 5545
  RRULE:FREQ=WEEKLY;INTERVAL=N with DTSTART in that week: never in weeks before it (effective dates apply on
  top). With N = 1 (or null) the anchor means nothing and is dropped.
- Unknown keys (e.g. `doctorId`, row ids) are ignored. Integers are JSON integers only: true, 1.0 and "1" are
  INVALID_TYPE. Labels are trimmed.
- A disabled day's windows are checked for JSON types only; any other problem in them is not reported
  (saving a disabled day clears it, and the modal hides them) and such windows are left out of the form.
- A list over its limit still has its items checked one by one, but overlap checks are skipped and it
  contributes nothing to the form.
- `form` keeps only what is valid: a window with any error under its path is left out (the earlier window
  of an overlapping pair stays), days with an invalid or duplicate dayOfWeek are left out, a scope id that
  is not the doctor's is left out, and any error under `scope` empties `days` (there is nothing to preview
  without a scope). An invalid dateRange falls back to the default range. Preview reads replaceMode (an
  "append" preview warns about the stored windows it meets) and ignores expectedVersion; save ignores
  dateRange (the form then carries the default range).
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Literal
from uuid import UUID

from medic.clinic.models import ConsultationMode
from medic.errors import BadRequest, FieldError, ValidationFailed
from medic.parsing import instant_ok, parse_date, parse_instant, year_ok
from scheduling import slots
from scheduling.models import MAX_REPEAT_WEEKS, MIN_REPEAT_WEEKS, SLOT_INTERVALS
from scheduling.scope import FIELDS as SCOPE_FIELDS
from scheduling.scope import Scope

REPLACE_MODES: tuple[str, ...] = ("replace_selected_days", "append")
DEFAULT_REPLACE_MODE = "replace_selected_days"
MAX_DAYS = 7
MAX_WINDOWS_PER_DAY = 20
MAX_BREAKS_PER_WINDOW = 10
MAX_LABEL_LENGTH = 100
MIN_PRIORITY = -1000
MAX_PRIORITY = 1000
DEFAULT_RANGE_DAYS = 7
MAX_RANGE_DAYS = 366
EXCEPTION_KINDS: tuple[str, ...] = ("blocked", "available")
MAX_REASON_LENGTH = 200
MAX_EXCEPTION_DAYS = 366
# [0-9], not \d: \d also matches non-ASCII digits; fullmatch, because $ accepts a trailing newline.
_TIME_RE = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# Present in available_timezones() on some systems but not zones a clinic can be in.
_NOT_CLINIC_ZONES = frozenset({"localtime", "posixrules", "Factory"})
_TIME_HINT = "Use HH:MM, 24-hour (e.g. 09:30)."
_DATE_HINT = "Use a real date as YYYY-MM-DD (e.g. 2026-01-31), between 1900 and 2200."
_INSTANT_HINT = "Use an ISO 8601 instant with its offset, e.g. 2026-12-24T09:00:00+02:00."
_INTERVALS_HINT = ", ".join(str(minutes) for minutes in SLOT_INTERVALS[:-1]) + f" or {SLOT_INTERVALS[-1]}"

# Order of keys within their object, as the contract lists them; errors are sorted by it.
_KEY_ORDER: dict[str, int] = {
    name: rank
    for rank, name in enumerate(
        (
            "scope",
            "days",
            "replaceMode",
            "dateRange",
            "expectedVersion",
            "appointmentTypeId",
            "doctorLocationId",
            "locationRoomId",
            "consultationMode",
            "timezone",
            "dayOfWeek",
            "enabled",
            "windows",
            "workStartLocal",
            "workEndLocal",
            "slotIntervalMinutes",
            "breaks",
            "priority",
            "effectiveFrom",
            "effectiveTo",
            "repeatEveryWeeks",
            "repeatAnchor",
            "breakStartLocal",
            "breakEndLocal",
            "label",
            "start",
            "end",
        )
    )
}


@dataclass(frozen=True, slots=True)
class BreakForm:
    start: time
    end: time
    label: str


@dataclass(frozen=True, slots=True)
class WindowForm:
    work_start: time
    work_end: time
    slot_interval_minutes: int
    breaks: tuple[BreakForm, ...]
    priority: int
    effective_from: date | None
    effective_to: date | None
    path: str  # e.g. "days.0.windows.1", so later warnings can point at the field the doctor edits
    repeat_every_weeks: int = 1  # a rota: every N weeks from repeat_anchor's week (None exactly when N = 1)
    repeat_anchor: date | None = None


@dataclass(frozen=True, slots=True)
class DayForm:
    day_of_week: int
    enabled: bool
    windows: tuple[WindowForm, ...]
    path: str


@dataclass(frozen=True, slots=True)
class ScheduleForm:
    scope: Scope
    timezone: str  # the rules' zone: not part of the scope (a save replaces whatever zone was stored)
    days: tuple[DayForm, ...]
    replace_mode: str
    date_range: tuple[date, date]
    expected_version: str | None


@dataclass(frozen=True, slots=True)
class ExceptionForm:
    kind: str
    starts_at: datetime
    ends_at: datetime
    slot_interval_minutes: int | None
    reason: str
    scope: Scope


@dataclass(frozen=True, slots=True)
class References:
    """The ids that belong to the doctor; `room_locations` maps each room to its location."""

    appointment_type_ids: frozenset[UUID]
    location_ids: frozenset[UUID]
    room_locations: Mapping[UUID, UUID]


@dataclass(frozen=True, slots=True)
class Result:
    """`form` holds only the valid parts, so a preview can still show them next to `errors`."""

    form: ScheduleForm
    errors: tuple[FieldError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_if_invalid(self) -> ScheduleForm:
        """For save: the whole form, or ValidationFailed (422) with every error."""
        if self.errors:
            raise ValidationFailed(self.errors)
        return self.form


# -- business rules on typed values -----------------------------------------------------------------------


def dates_meet(a_from: date | None, a_to: date | None, b_from: date | None, b_to: date | None) -> bool:
    """Whether two effective ranges share a day: both ends are inclusive and None is unbounded on its side."""
    return (a_to is None or b_from is None or b_from <= a_to) and (
        b_to is None or a_from is None or a_from <= b_to
    )


def windows_meet(
    a_from: date | None,
    a_to: date | None,
    a_rota: tuple[int, date | None],
    b_from: date | None,
    b_to: date | None,
    b_rota: tuple[int, date | None],
) -> bool:
    """Whether two windows of one weekday can work on one date: their effective ranges meet and, when
    either is a rota `(every N weeks, anchor)`, some week of the shared range is on both rotas. Windows of
    different weeks of one rota never meet, so they may overlap on the clock."""
    if not dates_meet(a_from, a_to, b_from, b_to):
        return False
    lo = max((d for d in (a_from, b_from) if d is not None), default=None)
    hi = min((d for d in (a_to, b_to) if d is not None), default=None)
    return slots.rotas_meet(a_rota, b_rota, lo, hi)


def check_scope(scope: Scope, refs: References) -> list[FieldError]:
    """UNKNOWN_REFERENCE for each id that is not the doctor's, and for a room not at the scope's location."""
    errors: list[FieldError] = []
    known: dict[str, UUID] = {}
    for key, value, allowed, what in (
        ("appointmentTypeId", scope.appointment_type_id, refs.appointment_type_ids, "appointment types"),
        ("doctorLocationId", scope.location_id, refs.location_ids, "locations"),
        ("locationRoomId", scope.room_id, refs.room_locations.keys(), "rooms"),
    ):
        if value is None:
            continue
        if value in allowed:
            known[key] = value
        else:
            errors.append(
                FieldError(f"scope.{key}", "UNKNOWN_REFERENCE", f"This is not one of the doctor's {what}.")
            )
    room, location = known.get("locationRoomId"), known.get("doctorLocationId")
    if room is not None and location is not None and refs.room_locations[room] != location:
        errors.append(
            FieldError(
                "scope.locationRoomId", "UNKNOWN_REFERENCE", "This room is not at the chosen location."
            )
        )
    return errors


def check_timezone(timezone: str | None) -> list[FieldError]:
    """The schedule's zone at `scope.timezone`: required, and an IANA name a clinic can be in."""
    if timezone is None:
        return [FieldError("scope.timezone", "REQUIRED", "Choose a timezone (e.g. Europe/Athens).")]
    if timezone not in _timezones():
        return [
            FieldError(
                "scope.timezone", "INVALID_TIMEZONE", "Use an IANA timezone name (e.g. Europe/Athens)."
            )
        ]
    return []


def check_window(
    path: str,
    *,
    work_start: time | None,
    work_end: time | None,
    slot_interval_minutes: int | None,
    priority: int | None,
    effective_from: date | None,
    effective_to: date | None,
    repeat_every_weeks: int | None = 1,
    repeat_anchor: date | None = None,
    anchor_reported: bool = False,
) -> list[FieldError]:
    """One work window's own rules (its breaks: `check_breaks`), at fields under `path`. A None anchor is a
    missing one unless `anchor_reported` says its own error is already reported."""
    errors: list[FieldError] = []
    if work_start is not None and work_end is not None and work_end <= work_start:
        errors.append(
            FieldError(
                _join(path, "workEndLocal"),
                "END_BEFORE_START",
                "End after the start; a window cannot cross midnight.",
            )
        )
    if slot_interval_minutes is not None and slot_interval_minutes not in SLOT_INTERVALS:
        errors.append(
            FieldError(
                _join(path, "slotIntervalMinutes"), "INVALID_INTERVAL", f"Use {_INTERVALS_HINT} minutes."
            )
        )
    if priority is not None and not MIN_PRIORITY <= priority <= MAX_PRIORITY:
        errors.append(
            FieldError(
                _join(path, "priority"),
                "OUT_OF_RANGE",
                f"Use a whole number from {MIN_PRIORITY} to {MAX_PRIORITY}.",
            )
        )
    if effective_from is not None and effective_to is not None and effective_to < effective_from:
        errors.append(
            FieldError(
                _join(path, "effectiveTo"),
                "EFFECTIVE_RANGE_INVALID",
                "The last effective date must be on or after the first.",
            )
        )
    if repeat_every_weeks is not None:
        if not MIN_REPEAT_WEEKS <= repeat_every_weeks <= MAX_REPEAT_WEEKS:
            errors.append(
                FieldError(
                    _join(path, "repeatEveryWeeks"),
                    "INVALID_REPEAT",
                    f"Repeat every {MIN_REPEAT_WEEKS} to {MAX_REPEAT_WEEKS} weeks (1 is every week).",
                )
            )
        elif repeat_every_weeks > 1 and repeat_anchor is None and not anchor_reported:
            errors.append(
                FieldError(
                    _join(path, "repeatAnchor"),
                    "INVALID_REPEAT",
                    "Choose the week the rota starts from: a window repeating every "
                    f"{repeat_every_weeks} weeks needs it.",
                )
            )
    return errors


def check_breaks(
    breaks: Sequence[BreakForm | None], *, path: str, work_start: time | None, work_end: time | None
) -> list[FieldError]:
    """The breaks of one window, at `path` (…windows.M.breaks); None stands for a break whose times are not
    known. They are checked against the window only when its hours are known and in order."""
    errors: list[FieldError] = []
    too_many = len(breaks) > MAX_BREAKS_PER_WINDOW
    if too_many:
        errors.append(
            FieldError(path, "TOO_MANY_ITEMS", f"At most {MAX_BREAKS_PER_WINDOW} breaks per window.")
        )
    window = None
    if work_start is not None and work_end is not None and work_start < work_end:
        window = (work_start, work_end)
    spans: list[_Span] = []
    for index, brk in enumerate(breaks):
        if brk is None:
            continue
        break_path = _join(path, index)
        if brk.end <= brk.start:
            errors.append(
                FieldError(
                    _join(break_path, "breakEndLocal"),
                    "BREAK_END_BEFORE_START",
                    "End the break after it starts.",
                )
            )
            continue
        if window is not None and not (window[0] <= brk.start and brk.end <= window[1]):
            errors.append(
                FieldError(
                    _join(break_path, "breakStartLocal"),
                    "BREAK_OUTSIDE_WINDOW",
                    f"Keep the break within its window ({window[0]:%H:%M}-{window[1]:%H:%M}).",
                )
            )
            continue
        spans.append(_Span(index, brk.start, brk.end))
    if not too_many:
        errors.extend(
            FieldError(
                _join(path, f"{index}.breakStartLocal"),
                "BREAKS_OVERLAP",
                "Overlaps another break of this window; breaks may touch but not overlap.",
            )
            for index in sorted(_later_overlapping(spans))
        )
    return errors


def check_exception(
    *,
    kind: str | None,
    starts_at: datetime | None,
    ends_at: datetime | None,
    slot_interval_minutes: int | None,
    reason: str,
    scope: Scope,
    refs: References | None,
) -> list[FieldError]:
    """Time off or an opening: its span, its interval (an opening's own, none for time off), its reason's
    length and, given `refs`, its scope. A None interval is an absent one."""
    errors: list[FieldError] = []
    if starts_at is not None and ends_at is not None:
        if ends_at <= starts_at:
            errors.append(FieldError("endsAt", "END_BEFORE_START", "The end must be after the start."))
        elif ends_at - starts_at > timedelta(days=MAX_EXCEPTION_DAYS):
            errors.append(
                FieldError(
                    "endsAt", "RANGE_TOO_LARGE", f"An exception spans at most {MAX_EXCEPTION_DAYS} days."
                )
            )
    if kind == "available":
        if slot_interval_minutes is None:
            errors.append(
                FieldError(
                    "slotIntervalMinutes", "REQUIRED", "An opening needs the length of the slots it adds."
                )
            )
        elif slot_interval_minutes not in SLOT_INTERVALS:
            errors.append(
                FieldError("slotIntervalMinutes", "INVALID_INTERVAL", f"Use {_INTERVALS_HINT} minutes.")
            )
    elif kind == "blocked" and slot_interval_minutes is not None:
        errors.append(
            FieldError(
                "slotIntervalMinutes", "INVALID_INTERVAL", "Time off has no slot interval; leave it empty."
            )
        )
    if len(reason) > MAX_REASON_LENGTH:
        errors.append(FieldError("reason", "TOO_LONG", f"At most {MAX_REASON_LENGTH} characters."))
    if refs is not None:
        errors.extend(check_scope(scope, refs))
    return errors


# Typed values from outside JSON (the admin's form fields) can be finer than the contract's formats.


def check_local_time(value: time, path: str) -> list[FieldError]:
    """INVALID_TIME for a time that is not a whole minute (the contract's HH:MM)."""
    if value.second or value.microsecond:
        return [FieldError(path, "INVALID_TIME", _TIME_HINT)]
    return []


def check_date(value: date, path: str) -> list[FieldError]:
    """INVALID_DATE for a date outside MIN_YEAR..MAX_YEAR."""
    return [] if year_ok(value) else [FieldError(path, "INVALID_DATE", _DATE_HINT)]


def check_instant(value: datetime, path: str) -> list[FieldError]:
    """INVALID_DATETIME for an instant `parse_instant` would refuse (no offset, a wider one, a far year)."""
    return [] if instant_ok(value) else [FieldError(path, "INVALID_DATETIME", _INSTANT_HINT)]


@dataclass(frozen=True, slots=True)
class _Span:
    """A well-formed time range taking part in an overlap check."""

    index: int
    start: time
    end: time
    priority: int = 0
    effective_from: date | None = None
    effective_to: date | None = None
    rota: tuple[int, date | None] = (1, None)


def _later_overlapping(spans: Sequence[_Span]) -> set[int]:
    """Indexes of spans that overlap an earlier-starting span (list order breaks ties); touching is fine."""
    ordered = sorted(spans, key=lambda span: (span.start, span.index))
    return {
        span.index
        for position, span in enumerate(ordered)
        if any(_overlap(earlier, span) for earlier in ordered[:position])
    }


def _overlap(earlier: _Span, later: _Span) -> bool:
    if earlier.priority != later.priority or later.start >= earlier.end:
        return False
    return windows_meet(
        earlier.effective_from,
        earlier.effective_to,
        earlier.rota,
        later.effective_from,
        later.effective_to,
        later.rota,
    )


@cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) - _NOT_CLINIC_ZONES


def _join(parent: str, key: str | int) -> str:
    return f"{parent}.{key}" if parent else str(key)


# -- the JSON parser: the Add Slot form -------------------------------------------------------------------


def parse_schedule_payload(
    data: object, *, refs: References | None, today: date, mode: Literal["preview", "save"]
) -> Result:
    """Validate an Add Slot body; `refs=None` skips the "is this id the doctor's" checks."""
    if mode not in ("preview", "save"):
        raise ValueError(f"mode must be 'preview' or 'save', not {mode!r}")
    if not isinstance(data, dict):
        raise BadRequest([FieldError("", "INVALID_TYPE", "The request body must be a JSON object.")])
    errs = _Errors()
    scope, timezone, scope_ok = _parse_scope(data.get("scope"), refs, errs)
    days = _parse_days(data.get("days"), errs)
    default_range = (today, today + timedelta(days=DEFAULT_RANGE_DAYS - 1))
    if mode == "save":
        replace_mode = _parse_replace_mode(data.get("replaceMode"), errs)
        expected_version = _parse_expected_version(data.get("expectedVersion"), errs)
        date_range = default_range
    else:
        # A preview of "add to existing" warns about stored windows it meets, as the save would refuse them;
        # a replaceMode a save would refuse previews as the default instead (the save reports it).
        replace_mode, expected_version = _parse_replace_mode(data.get("replaceMode"), _Errors()), None
        date_range = _parse_date_range(data.get("dateRange"), default_range, errs)
    if errs.types:
        raise BadRequest(_in_payload_order(errs.types))
    form = ScheduleForm(
        scope=scope,
        timezone=timezone,
        days=days if scope_ok else (),
        replace_mode=replace_mode,
        date_range=date_range,
        expected_version=expected_version,
    )
    return Result(form=form, errors=_in_payload_order(errs.rules))


class _Errors:
    """Collects 400 (type) and 422 (rule) errors separately; `muted()` drops rule errors but keeps types."""

    __slots__ = ("rules", "types")

    def __init__(self, types: list[FieldError] | None = None) -> None:
        self.types: list[FieldError] = [] if types is None else types
        self.rules: list[FieldError] = []

    def muted(self) -> _Errors:
        return _Errors(self.types)

    def wrong_type(self, path: str, expected: str) -> None:
        self.types.append(FieldError(path, "INVALID_TYPE", f"Expected {expected}."))

    def add(self, path: str, code: str, message: str) -> None:
        self.rules.append(FieldError(path, code, message))


def _in_payload_order(errors: list[FieldError]) -> tuple[FieldError, ...]:
    def position(error: FieldError) -> tuple[int, ...]:
        return tuple(
            int(part) if part.isdigit() else _KEY_ORDER.get(part, len(_KEY_ORDER))
            for part in error.path.split(".")
            if part
        )

    return tuple(sorted(errors, key=position))  # stable: errors at one path keep the order found


# -- scope ------------------------------------------------------------------------------------------------

# The scope's JSON key for each of its fields.
_SCOPE_KEYS: dict[str, str] = dict(
    zip(
        SCOPE_FIELDS,
        ("appointmentTypeId", "doctorLocationId", "locationRoomId", "consultationMode"),
        strict=True,
    )
)


def _parse_scope(value: object, refs: References | None, errs: _Errors) -> tuple[Scope, str, bool]:
    """The scope, its timezone ("" when invalid) and whether both are valid."""
    if value is None:
        errs.add("scope", "REQUIRED", "Choose the schedule's scope and timezone.")
        return Scope(), "", False
    if not isinstance(value, dict):
        errs.wrong_type("scope", "an object")
        return Scope(), "", False
    before = len(errs.rules)
    scope = _parse_scope_ids(value, errs)
    if refs is not None:
        refused = check_scope(scope, refs)
        errs.rules.extend(refused)
        dropped = {error.path for error in refused}  # `form` keeps only what is valid
        scope = Scope(
            **{
                field: None if f"scope.{key}" in dropped else getattr(scope, field)
                for field, key in _SCOPE_KEYS.items()
            }
        )
    timezone = value.get("timezone")
    if timezone is not None and not isinstance(timezone, str):
        errs.wrong_type("scope.timezone", "a timezone name (string)")
        timezone = None
    elif refused_zone := check_timezone(timezone):
        errs.rules.extend(refused_zone)
        timezone = None
    return scope, timezone or "", len(errs.rules) == before and timezone is not None


def _parse_scope_ids(value: Mapping[str, object], errs: _Errors) -> Scope:
    return Scope(
        appointment_type_id=_parse_id(
            value.get("appointmentTypeId"), "scope.appointmentTypeId", "appointment types", errs
        ),
        location_id=_parse_id(value.get("doctorLocationId"), "scope.doctorLocationId", "locations", errs),
        room_id=_parse_id(value.get("locationRoomId"), "scope.locationRoomId", "rooms", errs),
        consultation_mode=_parse_choice(
            value.get("consultationMode"),
            "scope.consultationMode",
            tuple(ConsultationMode.values),
            errs,
            nullable=True,
        ),
    )


def _parse_id(value: object, path: str, what: str, errs: _Errors) -> UUID | None:
    if value is None:
        return None
    if not isinstance(value, str):
        errs.wrong_type(path, "an id (string) or null")
        return None
    if _UUID_RE.fullmatch(value) is None:
        errs.add(path, "UNKNOWN_REFERENCE", f"Choose one of the doctor's {what}, or none.")
        return None
    return UUID(value)


def _parse_choice(
    value: object, path: str, choices: tuple[str, ...], errs: _Errors, *, nullable: bool
) -> str | None:
    if value is None:
        return None
    allowed = ", ".join(choices[:-1]) + (", " if nullable else " or ") + choices[-1]
    allowed += " or null" if nullable else ""
    if not isinstance(value, str):
        errs.wrong_type(path, f"one of {allowed}")
        return None
    if value not in choices:
        errs.add(path, "INVALID_CHOICE", f"Use {allowed}.")
        return None
    return value


# -- days, windows, breaks --------------------------------------------------------------------------------


def _parse_days(value: object, errs: _Errors) -> tuple[DayForm, ...]:
    if value is None or value == []:
        errs.add("days", "REQUIRED", "Choose at least one day.")
        return ()
    if not isinstance(value, list):
        errs.wrong_type("days", "a list of days")
        return ()
    too_many = len(value) > MAX_DAYS
    if too_many:
        errs.add("days", "TOO_MANY_ITEMS", f"At most {MAX_DAYS} days, one per weekday.")
    seen: set[int] = set()
    days = [_parse_day(item, f"days.{index}", seen, errs) for index, item in enumerate(value)]
    return () if too_many else tuple(day for day in days if day is not None)


def _parse_day(value: object, path: str, seen: set[int], errs: _Errors) -> DayForm | None:
    if not isinstance(value, dict):
        errs.wrong_type(path, "an object")
        return None
    day_of_week = _parse_day_of_week(value.get("dayOfWeek"), _join(path, "dayOfWeek"), seen, errs)
    enabled = value.get("enabled")
    if enabled is None:
        enabled = True
    elif not isinstance(enabled, bool):
        errs.wrong_type(_join(path, "enabled"), "true or false")
        enabled = True
    windows_path = _join(path, "windows")
    raw_windows = value.get("windows")
    if raw_windows is None:
        raw_windows = []
    elif not isinstance(raw_windows, list):
        errs.wrong_type(windows_path, "a list of windows")
        raw_windows = []
    if enabled and not raw_windows:
        errs.add(windows_path, "NO_WINDOWS", "Add at least one work window, or turn this day off.")
    windows = _parse_windows(raw_windows, windows_path, errs if enabled else errs.muted())
    if day_of_week is None:
        return None
    return DayForm(day_of_week=day_of_week, enabled=enabled, windows=windows, path=path)


def _parse_day_of_week(value: object, path: str, seen: set[int], errs: _Errors) -> int | None:
    if value is None:
        errs.add(path, "REQUIRED", "Choose a weekday.")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errs.wrong_type(path, "a whole number from 1 (Monday) to 7 (Sunday)")
        return None
    if not 1 <= value <= 7:
        errs.add(path, "INVALID_DAY_OF_WEEK", "Use 1 (Monday) to 7 (Sunday).")
        return None
    if value in seen:
        errs.add(path, "DUPLICATE_DAY", "This weekday is already in the list; use each weekday once.")
        return None
    seen.add(value)
    return value


def _parse_windows(items: list[object], path: str, errs: _Errors) -> tuple[WindowForm, ...]:
    too_many = len(items) > MAX_WINDOWS_PER_DAY
    if too_many:
        errs.add(path, "TOO_MANY_ITEMS", f"At most {MAX_WINDOWS_PER_DAY} work windows per day.")
    parsed = [_parse_window(item, _join(path, index), index, errs) for index, item in enumerate(items)]
    if too_many:
        return ()
    overlapping = _later_overlapping([span for _, span in parsed if span is not None])
    for index in overlapping:
        errs.add(
            _join(path, f"{index}.workStartLocal"),
            "WINDOWS_OVERLAP",
            "Overlaps another window with the same priority that can work on the same dates; windows may "
            "touch but not overlap.",
        )
    return tuple(
        form for index, (form, _) in enumerate(parsed) if form is not None and index not in overlapping
    )


# The fields whose errors keep a window out of the overlap check.
_SPAN_KEYS = (
    "workStartLocal",
    "workEndLocal",
    "priority",
    "effectiveFrom",
    "effectiveTo",
    "repeatEveryWeeks",
    "repeatAnchor",
)


def _parse_window(
    value: object, path: str, index: int, errs: _Errors
) -> tuple[WindowForm | None, _Span | None]:
    """The window if it is valid, and its span if it can take part in the overlap check."""
    if not isinstance(value, dict):
        errs.wrong_type(path, "an object")
        return None, None
    before = len(errs.rules)
    start = _parse_time(value.get("workStartLocal"), _join(path, "workStartLocal"), errs)
    end = _parse_time(value.get("workEndLocal"), _join(path, "workEndLocal"), errs)
    interval = _parse_interval(value.get("slotIntervalMinutes"), _join(path, "slotIntervalMinutes"), errs)
    breaks = _parse_breaks(value.get("breaks"), _join(path, "breaks"), errs)
    priority = _parse_priority(value.get("priority"), _join(path, "priority"), errs)
    effective_from = _parse_date(value.get("effectiveFrom"), _join(path, "effectiveFrom"), errs)
    effective_to = _parse_date(value.get("effectiveTo"), _join(path, "effectiveTo"), errs)
    every = _parse_repeat_every(value.get("repeatEveryWeeks"), _join(path, "repeatEveryWeeks"), errs)
    raw_anchor = value.get("repeatAnchor")
    anchor = _parse_date(raw_anchor, _join(path, "repeatAnchor"), errs)
    errs.rules.extend(
        check_window(
            path,
            work_start=start,
            work_end=end,
            slot_interval_minutes=interval,
            priority=priority,
            effective_from=effective_from,
            effective_to=effective_to,
            repeat_every_weeks=every,
            repeat_anchor=anchor,
            anchor_reported=raw_anchor is not None and anchor is None,
        )
    )
    rota: tuple[int, date | None] = (every, anchor) if every is not None and every > 1 else (1, None)
    if breaks is not None:
        errs.rules.extend(check_breaks(breaks, path=_join(path, "breaks"), work_start=start, work_end=end))

    # A window takes part in the overlap check when its hours, priority and dates are sound, even if its
    # interval or breaks are not: the doctor then learns about the overlap in the same answer.
    refused = {error.path for error in errs.rules[before:]}
    sound = not refused & {_join(path, key) for key in _SPAN_KEYS}
    span = None
    if sound and start is not None and end is not None and priority is not None:
        span = _Span(index, start, end, priority, effective_from, effective_to, rota)
    known_breaks = tuple(brk for brk in breaks or () if brk is not None)
    if (
        refused
        or start is None
        or end is None
        or interval is None
        or priority is None
        or every is None
        or breaks is None
        or len(known_breaks) != len(breaks)
    ):
        return None, span
    form = WindowForm(
        work_start=start,
        work_end=end,
        slot_interval_minutes=interval,
        breaks=known_breaks,
        priority=priority,
        effective_from=effective_from,
        effective_to=effective_to,
        path=path,
        repeat_every_weeks=rota[0],
        repeat_anchor=rota[1],
    )
    return form, span


def _parse_breaks(value: object, path: str, errs: _Errors) -> list[BreakForm | None] | None:
    """The window's breaks (None for a break whose times are missing or unreadable), or None for a
    value that is not a list."""
    if value is None:
        return []
    if not isinstance(value, list):
        errs.wrong_type(path, "a list of breaks")
        return None
    breaks: list[BreakForm | None] = []
    for index, item in enumerate(value):
        break_path = _join(path, index)
        if not isinstance(item, dict):
            errs.wrong_type(break_path, "an object")
            breaks.append(None)
            continue
        start = _parse_time(item.get("breakStartLocal"), _join(break_path, "breakStartLocal"), errs)
        end = _parse_time(item.get("breakEndLocal"), _join(break_path, "breakEndLocal"), errs)
        label = _parse_label(item.get("label"), _join(break_path, "label"), errs)
        if start is None or end is None or label is None:
            breaks.append(None)
        else:
            breaks.append(BreakForm(start=start, end=end, label=label))
    return breaks


# -- scalar fields ----------------------------------------------------------------------------------------


def _parse_time(value: object, path: str, errs: _Errors) -> time | None:
    if value is None:
        errs.add(path, "REQUIRED", "Enter a time as HH:MM, 24-hour (e.g. 09:30).")
        return None
    if not isinstance(value, str):
        errs.wrong_type(path, "a time as a string (HH:MM)")
        return None
    match = _TIME_RE.fullmatch(value)
    if match is None:
        errs.add(path, "INVALID_TIME", _TIME_HINT)
        return None
    return time(int(match[1]), int(match[2]))


def _parse_interval(value: object, path: str, errs: _Errors) -> int | None:
    if value is None:
        errs.add(path, "REQUIRED", f"Choose a slot length: {_INTERVALS_HINT} minutes.")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errs.wrong_type(path, "a whole number of minutes")
        return None
    return value


def _parse_priority(value: object, path: str, errs: _Errors) -> int | None:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):  # JSON true is a bool, not 1
        errs.wrong_type(path, "a whole number")
        return None
    return value


def _parse_repeat_every(value: object, path: str, errs: _Errors) -> int | None:
    """Weeks between a window's working weeks (null: every week); its range is `check_window`'s."""
    if value is None:
        return 1
    if isinstance(value, bool) or not isinstance(value, int):
        errs.wrong_type(path, "a whole number of weeks from 1 to 8")
        return None
    return value


def _parse_label(value: object, path: str, errs: _Errors) -> str | None:
    """The trimmed label; one that is too long is reported and still returned, so its break takes part in
    the window's checks (the admin's field caps the length itself)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        errs.wrong_type(path, "a string")
        return None
    label = value.strip()
    if len(label) > MAX_LABEL_LENGTH:
        errs.add(path, "TOO_LONG", f"Use at most {MAX_LABEL_LENGTH} characters.")
    return label


def _parse_date(value: object, path: str, errs: _Errors, *, required: bool = False) -> date | None:
    if value is None:
        if required:
            errs.add(path, "REQUIRED", "Enter a date as YYYY-MM-DD.")
        return None
    if not isinstance(value, str):
        errs.wrong_type(path, "a date as a string (YYYY-MM-DD)" + ("" if required else " or null"))
        return None
    parsed = parse_date(value)
    if parsed is not None:
        return parsed
    errs.add(path, "INVALID_DATE", _DATE_HINT)
    return None


# -- request-level fields ---------------------------------------------------------------------------------


def _parse_replace_mode(value: object, errs: _Errors) -> str:
    mode = _parse_choice(value, "replaceMode", REPLACE_MODES, errs, nullable=False)
    return DEFAULT_REPLACE_MODE if mode is None else mode


def _parse_expected_version(value: object, errs: _Errors) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    errs.wrong_type("expectedVersion", "a string or null")
    return None


def _parse_date_range(value: object, default: tuple[date, date], errs: _Errors) -> tuple[date, date]:
    if value is None:
        return default
    if not isinstance(value, dict):
        errs.wrong_type("dateRange", "an object with start and end")
        return default
    start = _parse_date(value.get("start"), "dateRange.start", errs, required=True)
    end = _parse_date(value.get("end"), "dateRange.end", errs, required=True)
    if start is None or end is None:
        return default
    if end < start:
        errs.add("dateRange.end", "END_BEFORE_START", "End on or after the start date.")
        return default
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        errs.add("dateRange", "RANGE_TOO_LARGE", f"Preview at most {MAX_RANGE_DAYS} days at once.")
        return default
    return start, end


# -- the JSON parser: time off and openings ---------------------------------------------------------------


def parse_exception_payload(data: object, *, refs: References | None) -> ExceptionForm:
    """A time-off/opening body → ExceptionForm, or BadRequest (wrong JSON types) / ValidationFailed (422)."""
    return _parse_exception(data, None, refs)


def parse_exception_patch(stored: ExceptionForm, data: object, *, refs: References | None) -> ExceptionForm:
    """A PATCH body over the stored row: the stored values fill in what the body leaves out, then the whole
    result is checked as one, so a change can never leave an inconsistent row behind."""
    return _parse_exception(data, stored, refs)


def _parse_exception(data: object, stored: ExceptionForm | None, refs: References | None) -> ExceptionForm:
    if not isinstance(data, dict):
        raise BadRequest([FieldError("", "INVALID_TYPE", "The request body must be a JSON object.")])
    errs = _Errors()

    # A PATCH keeps the stored value of each field its body leaves out.
    if stored is not None and "kind" not in data:
        kind: str | None = stored.kind
    else:
        kind = _parse_kind(data.get("kind"), errs)
    if stored is not None and "startsAt" not in data:
        starts_at: datetime | None = stored.starts_at
    else:
        starts_at = _parse_instant(data.get("startsAt"), "startsAt", errs)
    if stored is not None and "endsAt" not in data:
        ends_at: datetime | None = stored.ends_at
    else:
        ends_at = _parse_instant(data.get("endsAt"), "endsAt", errs)
    if stored is not None and "slotIntervalMinutes" not in data:
        # Turning an opening into time off drops its interval.
        interval = None if data.get("kind") == "blocked" else stored.slot_interval_minutes
    else:
        interval = _parse_optional_int(data.get("slotIntervalMinutes"), "slotIntervalMinutes", errs)
    if stored is not None and "reason" not in data:
        reason = stored.reason
    else:
        reason = _parse_reason(data.get("reason"), errs)
    if stored is not None and "scope" not in data:
        scope = stored.scope
    else:
        scope = _parse_exception_scope(data.get("scope"), errs)
    errs.rules.extend(
        check_exception(
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            slot_interval_minutes=interval,
            reason=reason,
            scope=scope,
            refs=refs,
        )
    )
    if errs.types:
        raise BadRequest(_in_payload_order(errs.types))
    if errs.rules:
        raise ValidationFailed(_in_payload_order(errs.rules))
    assert kind is not None and starts_at is not None and ends_at is not None
    return ExceptionForm(kind, starts_at, ends_at, interval if kind == "available" else None, reason, scope)


def _parse_kind(value: object, errs: _Errors) -> str | None:
    if value is None:
        errs.add("kind", "REQUIRED", "Choose blocked (time off) or available (an extra opening).")
        return None
    if not isinstance(value, str):
        errs.wrong_type("kind", "a string")
        return None
    if value not in EXCEPTION_KINDS:
        errs.add("kind", "INVALID_CHOICE", "Use blocked (time off) or available (an extra opening).")
        return None
    return value


def _parse_instant(value: object, path: str, errs: _Errors) -> datetime | None:
    if value is None:
        errs.add(path, "REQUIRED", _INSTANT_HINT)
        return None
    if not isinstance(value, str):
        errs.wrong_type(path, "a string")
        return None
    instant = parse_instant(value)
    if instant is None:
        errs.add(path, "INVALID_DATETIME", _INSTANT_HINT)
    return instant


def _parse_optional_int(value: object, path: str, errs: _Errors) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errs.wrong_type(path, "an integer")
        return None
    return value


def _parse_reason(value: object, errs: _Errors) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errs.wrong_type("reason", "a string")
        return ""
    return value.strip()


def _parse_exception_scope(value: object, errs: _Errors) -> Scope:
    if value is None:
        return Scope()
    if not isinstance(value, dict):
        errs.wrong_type("scope", "an object")
        return Scope()
    return _parse_scope_ids(value, errs)  # no timezone: the exception's instants carry their own offsets


OnAffected = Literal["keep", "cancel"]


def parse_on_affected(value: object, path: str = "onAffectedBookings") -> OnAffected | None:
    """What to do with bookings a change strands: "keep", "cancel", or None (absent: refuse with 409)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadRequest([FieldError(path, "INVALID_TYPE", "Expected a string: keep or cancel.")])
    if value == "keep":
        return "keep"
    if value == "cancel":
        return "cancel"
    raise ValidationFailed(
        [FieldError(path, "INVALID_CHOICE", "Use keep (they stay, marked outside hours) or cancel.")]
    )
