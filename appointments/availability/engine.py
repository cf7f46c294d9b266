"""Bookable start times (pure): the slot engine's slots minus other bookings, shaped by a service's rules.

Pure computation over values the selectors load (one query per kind of data), so one doctor or a thousand
cost the same number of queries.
"""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from scheduling import slots

_DAY = 86_400


@dataclass(frozen=True, slots=True)
class BookingRules:
    """A service's rules, in seconds."""

    duration: int
    buffer_before: int = 0
    buffer_after: int = 0
    min_notice: int = 0
    max_advance: int = 90 * _DAY
    daily_cap: int | None = None


@dataclass(frozen=True, slots=True)
class Schedule:
    """One doctor's inputs: the stored schedule (as the preview reads it too) and other bookings."""

    stored: slots.ScheduleInputs
    busy: list[tuple[int, int]]  # held/confirmed bookings with their buffers: no new busy time may overlap
    bookings_per_day: dict[date, int]  # held/confirmed bookings per local date (in the doctor's zone)
    doctor_zone: str
    # The first moment (epoch seconds) one of the holds among `busy` runs out and frees its time: what was
    # computed from these inputs holds until then (None: no holds).
    holds_until: int | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """Where and how a booking at a start would be held; `missing` names the request fields (JSON names)
    that the schedule leaves ambiguous, so a hold must say them."""

    location_id: uuid.UUID | None
    room_id: uuid.UUID | None
    consultation_mode: str | None
    missing: tuple[str, ...] = ()


_REMOTE_MODES = frozenset({"video", "phone"})


def place_of(
    sources: Sequence[object],
    places: Mapping[object, object],
    *,
    location_id: uuid.UUID | None,
    room_id: uuid.UUID | None,
    consultation_mode: str | None,
    doctor_locations: Sequence[uuid.UUID],
    service_modes: Sequence[str],
) -> Place:
    """The place of a start from the scopes of the windows/openings that produce it, what the request named,
    the doctor's locations and the service's modes: a named value wins, then one all the sources agree on,
    then the only possible one; otherwise it is missing when there is a choice to make (a doctor at several
    locations, unless the consultation is remote; a service held in several ways or any way)."""
    scopes = [places[k] for k in sources if k in places]
    mode = consultation_mode or _agreed(getattr(sc, "consultation_mode", None) for sc in scopes)
    if mode is None and len(service_modes) == 1:
        mode = service_modes[0]
    location = location_id or _agreed(getattr(sc, "location_id", None) for sc in scopes)
    if location is None and len(doctor_locations) == 1:
        location = doctor_locations[0]
    room = room_id or (_agreed(getattr(sc, "room_id", None) for sc in scopes) if location else None)
    missing = []
    if location is None and len(doctor_locations) > 1 and mode not in _REMOTE_MODES:
        missing.append("doctorLocationId")
    if mode is None:
        missing.append("consultationMode")
    return Place(location, room, mode, tuple(missing))


def _agreed(values: Iterable[Any]) -> Any:
    """The one value every source has, or None when they differ or one of them leaves it open."""
    distinct = set(values)
    return next(iter(distinct)) if len(distinct) == 1 else None


@dataclass(frozen=True, slots=True)
class Start:
    """A bookable start; `sources` are the keys of the windows or openings whose slot starts there (the rule
    or exception ids, which say where and how it would be booked)."""

    start_utc: int
    end_utc: int
    sources: tuple[object, ...] = ()
    place: Place | None = None


def bookable_starts(
    schedule: Schedule,
    rules: BookingRules,
    *,
    zone: zoneinfo.ZoneInfo,
    first: date,
    last: date,
    now: int,
    unavailable: Sequence[tuple[int, int]] = (),
) -> list[Start]:
    """Every slot start in local dates first..last of `zone` where a booking of `rules` fits, sorted.

    A start fits when [start, start + duration) lies entirely in free slot time (slots of one or more
    adjacent windows and openings), its buffered span overlaps no other booking's buffered span, it is at
    least the minimum notice from `now` and at most the advance limit, and its day is under the daily cap.
    `unavailable` are times no booking may overlap at all (e.g. a resource the service needs has no free
    seat).
    """
    lo, hi = bookable_span(zone, first, last, now, rules)
    if hi <= lo:
        return []
    all_slots = sourced_slots(schedule.stored, schedule.doctor_zone, lo, hi)
    if not all_slots:
        return []
    sources: dict[int, list[object]] = {}
    for s, _, key in all_slots:
        sources.setdefault(s, []).append(key)

    free_starts, free_ends = slots.merge((s, e) for s, e, _ in all_slots)
    busy_starts, busy_ends = slots.merge(schedule.busy)
    off_starts, off_ends = slots.merge(unavailable)
    doctor_zone = zoneinfo.ZoneInfo(schedule.doctor_zone)
    per_day = schedule.bookings_per_day
    cap = rules.daily_cap
    out: list[Start] = []
    for s in sorted(sources):
        if s < lo or s >= hi:
            continue
        e = s + rules.duration
        if not slots.covered(free_starts, free_ends, s, e):
            continue
        if busy_starts and slots.hits(
            busy_starts, busy_ends, s - rules.buffer_before, e + rules.buffer_after
        ):
            continue
        if off_starts and slots.hits(off_starts, off_ends, s, e):
            continue
        if cap is not None and per_day.get(datetime.fromtimestamp(s, doctor_zone).date(), 0) >= cap:
            continue
        out.append(Start(s, e, tuple(sources[s])))
    return out


def bookable_span(
    zone: zoneinfo.ZoneInfo, first: date, last: date, now: int, rules: BookingRules
) -> tuple[int, int]:
    """[lo, hi): the instants of local dates first..last of `zone` that `rules` let a booking start at from
    `now` (the minimum notice and the advance limit); empty when hi <= lo."""
    lo, hi = slots.day_bounds(zone, first, last)
    return max(lo, now + rules.min_notice), min(hi, now + rules.max_advance)


def schedule_slots(stored: slots.ScheduleInputs, doctor_zone: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Every slot (UTC spans) the stored schedule yields around [lo, hi), exactly as the preview builds them:
    rule windows in their own zones, less time off and clinic closures; openings in the doctor's zone, less
    time off and less any rule slot they overlap (other bookings are left to the caller, so they never free
    an opening slot).
    """
    return [(s, e) for s, e, _ in sourced_slots(stored, doctor_zone, lo, hi)]


def sourced_slots(
    stored: slots.ScheduleInputs, doctor_zone: str, lo: int, hi: int
) -> list[tuple[int, int, object]]:
    """`schedule_slots` with the key of the window or opening each slot comes from."""
    out: list[tuple[int, int, object]] = []
    zones = dict.fromkeys([*stored.windows_by_zone, doctor_zone])
    for zone_name in (z for z in zones if z != doctor_zone):  # the doctor's zone last: it takes the openings
        _extend(
            out, stored.windows_by_zone[zone_name], zone_name, lo, hi, stored.blocked, (), (), stored.closed
        )
    _extend(
        out,
        stored.windows_by_zone.get(doctor_zone, []),
        doctor_zone,
        lo,
        hi,
        stored.blocked,
        stored.openings,
        out,
        stored.closed,
    )
    return out


def _extend(
    out: list[tuple[int, int, object]],
    windows: Sequence[slots.Window],
    zone_name: str,
    lo: int,
    hi: int,
    blocked: Sequence[tuple[int, int]],
    openings: Sequence[slots.Opening],
    occupied: Sequence[tuple[int, int, object]],
    closed: Sequence[tuple[int, int]] = (),
) -> None:
    if not windows and not openings:
        return
    zone = zoneinfo.ZoneInfo(zone_name)
    # Dates in this zone that can hold an instant of [lo, hi): a day of slack each side.
    d0 = datetime.fromtimestamp(lo, zone).date() - timedelta(days=1)
    d1 = datetime.fromtimestamp(hi, zone).date() + timedelta(days=1)
    days = slots.expand(
        windows,
        zone,
        d0,
        d1,
        blocked=blocked,
        openings=openings,
        occupied=[(s, e) for s, e, _ in occupied],
        closed=closed,
    )
    out.extend((s.start_utc, s.end_utc, ws.key) for day in days for ws in day.windows for s in ws.slots)


def label(epoch: int, zone: zoneinfo.ZoneInfo) -> tuple[str, str]:
    """(local date, "HH:MM") of an instant in `zone`."""
    local = datetime.fromtimestamp(epoch, zone)
    return local.date().isoformat(), f"{local.hour:02d}:{local.minute:02d}"
