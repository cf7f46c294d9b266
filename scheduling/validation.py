"""Add Slot payload (CONTRACT.md, "The Add Slot form") → a normalised ScheduleForm plus every error at once.

Plain values in, plain values out (no database), so the API, the admin and model `clean()` share one set
of rules.

Wrong JSON types raise `BadRequest` (HTTP 400, code INVALID_TYPE, every such error at once). Everything
else is returned in `Result.errors`, ordered by position in the payload, each at the dotted path React
Hook Form uses:

- REQUIRED                 scope, scope.timezone, days (missing or []), days.N.dayOfWeek,
                           …windows.M.workStartLocal / workEndLocal / slotIntervalMinutes,
                           …breaks.K.breakStartLocal / breakEndLocal, dateRange.start / dateRange.end
- UNKNOWN_REFERENCE        scope.appointmentTypeId / doctorLocationId / locationRoomId: not a canonical
                           UUID, not the doctor's, or a room not at the given location
- INVALID_CHOICE           scope.consultationMode (in_person, video, phone or null), replaceMode
                           (not a contract code: the contract names none for a bad enum value)
- INVALID_TIMEZONE         scope.timezone (IANA name from zoneinfo; "localtime" and "Factory" excluded)
- TOO_MANY_ITEMS           days (> 7), days.N.windows (> 20), …windows.M.breaks (> 10)
- INVALID_DAY_OF_WEEK      days.N.dayOfWeek (1-7, ISO: Monday = 1)
- DUPLICATE_DAY            days.N.dayOfWeek of the second and later occurrences
- NO_WINDOWS               days.N.windows of an enabled day whose windows list is empty
- INVALID_TIME             any *Local time that is not HH:MM, 24-hour
- END_BEFORE_START         …workEndLocal when end <= start (no crossing midnight); dateRange.end < start
- INVALID_INTERVAL         …slotIntervalMinutes not in 5, 10, 15, 20, 30, 60
- BREAK_END_BEFORE_START   …breaks.K.breakEndLocal
- BREAK_OUTSIDE_WINDOW     …breaks.K.breakStartLocal
- BREAKS_OVERLAP           …breaks.K.breakStartLocal of the later-starting break (touching is fine)
- TOO_LONG                 …breaks.K.label (> 100 characters after trimming; not a contract code)
- OUT_OF_RANGE             …windows.M.priority (-1000..1000; not a contract code)
- INVALID_DATE             effectiveFrom / effectiveTo, dateRange.start / dateRange.end (real YYYY-MM-DD)
- EFFECTIVE_RANGE_INVALID  …effectiveTo < effectiveFrom
- WINDOWS_OVERLAP          days.N.windows.M.workStartLocal of the later-starting window of a pair with
                           the same priority, overlapping times (touching is fine) and intersecting
                           effective dates
- RANGE_TOO_LARGE          dateRange spanning more than 366 days (both ends counted)

Decisions where the contract is silent:
- null means absent everywhere: a required field that is null is REQUIRED, an optional one gets its default
  (enabled true, priority 0, breaks [], label "", windows [], scope ids / consultationMode / effective dates /
  expectedVersion null, replaceMode replace_selected_days, dateRange today..today+6).
- Unknown keys (e.g. `doctorId`, row ids) are ignored. Integers are JSON integers only: true, 1.0 and "1" are
  INVALID_TYPE. Labels are trimmed.
- A disabled day's windows are checked for JSON types only; any other problem in them is not reported
  (saving a disabled day clears it, and the modal hides them) and such windows are left out of the form.
- A list over its limit still has its items checked one by one, but overlap checks are skipped and it
  contributes nothing to the form.
- `form` keeps only what is valid: a window with any error under its path is left out (the earlier window
  of an overlapping pair stays), days with an invalid or duplicate dayOfWeek are left out, and any error
  under `scope` empties `days` (there is nothing to preview without a scope). An invalid dateRange falls
  back to the default range. Preview ignores replaceMode and expectedVersion; save ignores dateRange
  (the form then carries the default range).
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Literal
from uuid import UUID

from medic.clinic.models import ConsultationMode
from medic.errors import BadRequest, FieldError, ValidationFailed
from scheduling.models import SLOT_INTERVALS
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

# [0-9], not \d: \d also matches non-ASCII digits; fullmatch, because $ accepts a trailing newline.
_TIME_RE = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# Present in available_timezones() on some systems but not zones a clinic can be in.
_NOT_CLINIC_ZONES = frozenset({"localtime", "posixrules", "Factory"})

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
        replace_mode, expected_version = DEFAULT_REPLACE_MODE, None
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


@dataclass(frozen=True, slots=True)
class _Span:
    """A well-formed time range taking part in an overlap check."""

    index: int
    start: time
    end: time
    priority: int = 0
    effective_from: date | None = None
    effective_to: date | None = None


def _in_payload_order(errors: list[FieldError]) -> tuple[FieldError, ...]:
    def position(error: FieldError) -> tuple[int, ...]:
        return tuple(
            int(part) if part.isdigit() else _KEY_ORDER.get(part, len(_KEY_ORDER))
            for part in error.path.split(".")
            if part
        )

    return tuple(sorted(errors, key=position))  # stable: errors at one path keep the order found


def _join(parent: str, key: str | int) -> str:
    return f"{parent}.{key}" if parent else str(key)


@cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) - _NOT_CLINIC_ZONES


# -- scope ------------------------------------------------------------------------------------------------


def _parse_scope(value: object, refs: References | None, errs: _Errors) -> tuple[Scope, str, bool]:
    """The scope, its timezone ("" when invalid) and whether both are valid."""
    if value is None:
        errs.add("scope", "REQUIRED", "Choose the schedule's scope and timezone.")
        return Scope(), "", False
    if not isinstance(value, dict):
        errs.wrong_type("scope", "an object")
        return Scope(), "", False
    before = len(errs.rules)
    type_id = _parse_ref(
        value.get("appointmentTypeId"),
        "scope.appointmentTypeId",
        None if refs is None else refs.appointment_type_ids,
        "appointment types",
        errs,
    )
    location_id = _parse_ref(
        value.get("doctorLocationId"),
        "scope.doctorLocationId",
        None if refs is None else refs.location_ids,
        "locations",
        errs,
    )
    room_id = _parse_ref(
        value.get("locationRoomId"),
        "scope.locationRoomId",
        None if refs is None else refs.room_locations.keys(),
        "rooms",
        errs,
    )
    room_elsewhere = (
        refs is not None
        and room_id is not None
        and location_id is not None
        and refs.room_locations[room_id] != location_id
    )
    if room_elsewhere:
        errs.add("scope.locationRoomId", "UNKNOWN_REFERENCE", "This room is not at the chosen location.")
        room_id = None
    consultation_mode = _parse_choice(
        value.get("consultationMode"),
        "scope.consultationMode",
        tuple(ConsultationMode.values),
        errs,
        nullable=True,
    )
    timezone = _parse_timezone(value.get("timezone"), errs)
    scope = Scope(type_id, location_id, room_id, consultation_mode)
    return scope, timezone or "", len(errs.rules) == before and timezone is not None


def _parse_ref(
    value: object, path: str, known: Collection[UUID] | None, what: str, errs: _Errors
) -> UUID | None:
    if value is None:
        return None
    if not isinstance(value, str):
        errs.wrong_type(path, "an id (string) or null")
        return None
    if _UUID_RE.fullmatch(value) is None:
        errs.add(path, "UNKNOWN_REFERENCE", f"Choose one of the doctor's {what}, or none.")
        return None
    ref = UUID(value)
    if known is not None and ref not in known:
        errs.add(path, "UNKNOWN_REFERENCE", f"This is not one of the doctor's {what}.")
        return None
    return ref


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


def _parse_timezone(value: object, errs: _Errors) -> str | None:
    path = "scope.timezone"
    if value is None:
        errs.add(path, "REQUIRED", "Choose a timezone (e.g. Europe/Athens).")
        return None
    if not isinstance(value, str):
        errs.wrong_type(path, "a timezone name (string)")
        return None
    if value not in _timezones():
        errs.add(path, "INVALID_TIMEZONE", "Use an IANA timezone name (e.g. Europe/Athens).")
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
            "Overlaps another window with the same priority; windows may touch but not overlap.",
        )
    return tuple(
        form for index, (form, _) in enumerate(parsed) if form is not None and index not in overlapping
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
    bounds = None
    if start is not None and end is not None:
        if end <= start:
            errs.add(
                _join(path, "workEndLocal"),
                "END_BEFORE_START",
                "End after the start; a window cannot cross midnight.",
            )
        else:
            bounds = (start, end)
    interval = _parse_interval(value.get("slotIntervalMinutes"), _join(path, "slotIntervalMinutes"), errs)
    breaks = _parse_breaks(value.get("breaks"), _join(path, "breaks"), bounds, errs)
    priority = _parse_priority(value.get("priority"), _join(path, "priority"), errs)
    before_dates = len(errs.rules)
    effective_from = _parse_date(value.get("effectiveFrom"), _join(path, "effectiveFrom"), errs)
    effective_to = _parse_date(value.get("effectiveTo"), _join(path, "effectiveTo"), errs)
    if effective_from is not None and effective_to is not None and effective_to < effective_from:
        errs.add(
            _join(path, "effectiveTo"),
            "EFFECTIVE_RANGE_INVALID",
            "The last effective date must be on or after the first.",
        )
    dates_ok = len(errs.rules) == before_dates

    span = None
    if bounds is not None and priority is not None and dates_ok:
        span = _Span(index, bounds[0], bounds[1], priority, effective_from, effective_to)
    if len(errs.rules) != before or bounds is None or interval is None or breaks is None or priority is None:
        return None, span
    form = WindowForm(
        work_start=bounds[0],
        work_end=bounds[1],
        slot_interval_minutes=interval,
        breaks=breaks,
        priority=priority,
        effective_from=effective_from,
        effective_to=effective_to,
        path=path,
    )
    return form, span


def _parse_breaks(
    value: object, path: str, window: tuple[time, time] | None, errs: _Errors
) -> tuple[BreakForm, ...] | None:
    """The window's breaks, or None when any of them is invalid (the window is then left out)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        errs.wrong_type(path, "a list of breaks")
        return None
    before = (len(errs.rules), len(errs.types))
    too_many = len(value) > MAX_BREAKS_PER_WINDOW
    if too_many:
        errs.add(path, "TOO_MANY_ITEMS", f"At most {MAX_BREAKS_PER_WINDOW} breaks per window.")
    breaks: list[BreakForm] = []
    spans: list[_Span] = []
    for index, item in enumerate(value):
        break_path = _join(path, index)
        if not isinstance(item, dict):
            errs.wrong_type(break_path, "an object")
            continue
        start = _parse_time(item.get("breakStartLocal"), _join(break_path, "breakStartLocal"), errs)
        end = _parse_time(item.get("breakEndLocal"), _join(break_path, "breakEndLocal"), errs)
        label = _parse_label(item.get("label"), _join(break_path, "label"), errs)
        if start is None or end is None:
            continue
        if end <= start:
            errs.add(
                _join(break_path, "breakEndLocal"), "BREAK_END_BEFORE_START", "End the break after it starts."
            )
            continue
        if window is not None and not (window[0] <= start and end <= window[1]):
            errs.add(
                _join(break_path, "breakStartLocal"),
                "BREAK_OUTSIDE_WINDOW",
                f"Keep the break within its window ({window[0]:%H:%M}-{window[1]:%H:%M}).",
            )
            continue
        spans.append(_Span(index, start, end))
        if label is not None:
            breaks.append(BreakForm(start=start, end=end, label=label))
    if not too_many:
        for index in sorted(_later_overlapping(spans)):
            errs.add(
                _join(path, f"{index}.breakStartLocal"),
                "BREAKS_OVERLAP",
                "Overlaps another break of this window; breaks may touch but not overlap.",
            )
    if (len(errs.rules), len(errs.types)) != before:
        return None
    return tuple(breaks)


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
    # Effective ranges are inclusive; None is unbounded on that side.
    starts = [d for d in (earlier.effective_from, later.effective_from) if d is not None]
    ends = [d for d in (earlier.effective_to, later.effective_to) if d is not None]
    return not starts or not ends or max(starts) <= min(ends)


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
        errs.add(path, "INVALID_TIME", "Use HH:MM, 24-hour (e.g. 09:30).")
        return None
    return time(int(match[1]), int(match[2]))


def _parse_interval(value: object, path: str, errs: _Errors) -> int | None:
    allowed = ", ".join(str(minutes) for minutes in SLOT_INTERVALS[:-1]) + f" or {SLOT_INTERVALS[-1]}"
    if value is None:
        errs.add(path, "REQUIRED", f"Choose a slot length: {allowed} minutes.")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errs.wrong_type(path, "a whole number of minutes")
        return None
    if value not in SLOT_INTERVALS:
        errs.add(path, "INVALID_INTERVAL", f"Use {allowed} minutes.")
        return None
    return value


def _parse_priority(value: object, path: str, errs: _Errors) -> int | None:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):  # JSON true is a bool, not 1
        errs.wrong_type(path, "a whole number")
        return None
    if not MIN_PRIORITY <= value <= MAX_PRIORITY:
        errs.add(path, "OUT_OF_RANGE", f"Use a whole number from {MIN_PRIORITY} to {MAX_PRIORITY}.")
        return None
    return value


def _parse_label(value: object, path: str, errs: _Errors) -> str | None:
    if value is None:
        return ""
    if not isinstance(value, str):
        errs.wrong_type(path, "a string")
        return None
    label = value.strip()
    if len(label) > MAX_LABEL_LENGTH:
        errs.add(path, "TOO_LONG", f"Use at most {MAX_LABEL_LENGTH} characters.")
        return None
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
    errs.add(path, "INVALID_DATE", "Use a real date as YYYY-MM-DD (e.g. 2026-01-31), between 1900 and 2200.")
    return None


# Dates and instants outside these years are refused: nobody books there, and arithmetic near
# date.min/date.max (a day of slack, an offset) would overflow.
MIN_YEAR, MAX_YEAR = 1900, 2200


def parse_date(value: str) -> date | None:
    """A real YYYY-MM-DD date within MIN_YEAR..MAX_YEAR, else None."""
    if _DATE_RE.fullmatch(value) is None:
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return None  # the shape is right but the day does not exist (2026-02-30)
    return parsed if MIN_YEAR <= parsed.year <= MAX_YEAR else None


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


# --- Availability exceptions (time off and openings) -------------------------------------------------------

EXCEPTION_KINDS: tuple[str, ...] = ("blocked", "available")
MAX_REASON_LENGTH = 200
MAX_EXCEPTION_DAYS = 366
_INSTANT_HINT = "Use an ISO 8601 instant with its offset, e.g. 2026-12-24T09:00:00+02:00."


@dataclass(frozen=True, slots=True)
class ExceptionForm:
    kind: str
    starts_at: datetime
    ends_at: datetime
    slot_interval_minutes: int | None
    reason: str
    scope: Scope


def parse_instant(value: object) -> datetime | None:
    """An ISO 8601 instant that carries its offset ("…Z" or "…+02:00"), in UTC; None when it is not one.

    Offsets are limited to ±14:00 (the widest any zone uses; PostgreSQL refuses wider ones) and years to
    MIN_YEAR..MAX_YEAR."""
    if not isinstance(value, str) or not _INSTANT_RE.fullmatch(value):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    offset = parsed.utcoffset()
    if offset is None or abs(offset) > timedelta(hours=14) or not MIN_YEAR <= parsed.year <= MAX_YEAR:
        return None
    return parsed.astimezone(UTC)


_INSTANT_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})"
)


def parse_exception_payload(data: object, *, refs: References | None) -> ExceptionForm:
    """A time-off/opening body → ExceptionForm, or BadRequest (wrong JSON types) / ValidationFailed (422)."""
    if not isinstance(data, dict):
        raise BadRequest([FieldError("", "INVALID_TYPE", "The request body must be a JSON object.")])
    errs = _Errors()
    kind = data.get("kind")
    if kind is None:
        errs.add("kind", "REQUIRED", "Choose blocked (time off) or available (an extra opening).")
    elif not isinstance(kind, str):
        errs.wrong_type("kind", "a string")
    elif kind not in EXCEPTION_KINDS:
        errs.add("kind", "INVALID_CHOICE", "Use blocked (time off) or available (an extra opening).")
        kind = None

    instants: dict[str, datetime | None] = {}
    for key in ("startsAt", "endsAt"):
        raw = data.get(key)
        instants[key] = None
        if raw is None:
            errs.add(key, "REQUIRED", _INSTANT_HINT)
        elif not isinstance(raw, str):
            errs.wrong_type(key, "a string")
        else:
            instants[key] = parse_instant(raw)
            if instants[key] is None:
                errs.add(key, "INVALID_DATETIME", _INSTANT_HINT)
    starts_at, ends_at = instants["startsAt"], instants["endsAt"]
    if starts_at and ends_at:
        if ends_at <= starts_at:
            errs.add("endsAt", "END_BEFORE_START", "The end must be after the start.")
        elif ends_at - starts_at > timedelta(days=MAX_EXCEPTION_DAYS):
            errs.add("endsAt", "RANGE_TOO_LARGE", f"An exception spans at most {MAX_EXCEPTION_DAYS} days.")

    interval = data.get("slotIntervalMinutes")
    if interval is not None and (isinstance(interval, bool) or not isinstance(interval, int)):
        errs.wrong_type("slotIntervalMinutes", "an integer")
        interval = None
    if kind == "available":
        if interval is None:
            errs.add("slotIntervalMinutes", "REQUIRED", "An opening needs the length of the slots it adds.")
        elif interval not in SLOT_INTERVALS:
            errs.add("slotIntervalMinutes", "INVALID_INTERVAL", "Use 5, 10, 15, 20, 30 or 60 minutes.")
    elif kind == "blocked" and interval is not None:
        errs.add("slotIntervalMinutes", "INVALID_INTERVAL", "Time off has no slot interval; leave it empty.")
        interval = None

    reason = data.get("reason", "")
    if reason is None:
        reason = ""
    if not isinstance(reason, str):
        errs.wrong_type("reason", "a string")
        reason = ""
    reason = reason.strip()
    if len(reason) > MAX_REASON_LENGTH:
        errs.add("reason", "TOO_LONG", f"At most {MAX_REASON_LENGTH} characters.")

    scope = _parse_exception_scope(data.get("scope"), refs, errs)
    if errs.types:
        raise BadRequest(_in_payload_order(errs.types))
    if errs.rules:
        raise ValidationFailed(_in_payload_order(errs.rules))
    assert kind is not None and starts_at is not None and ends_at is not None
    return ExceptionForm(kind, starts_at, ends_at, interval if kind == "available" else None, reason, scope)


def _parse_exception_scope(value: object, refs: References | None, errs: _Errors) -> Scope:
    if value is None:
        return Scope()
    if not isinstance(value, dict):
        errs.wrong_type("scope", "an object")
        return Scope()
    with_zone = {**value, "timezone": "UTC"}  # the exception's instants carry their own offsets
    return _parse_scope(with_zone, refs, errs)[0]
