"""Bookable start times: the slot engine's slots minus other bookings, shaped by the service's booking rules.

Pure computation over values the selectors load (one query per kind of data), so one doctor or a thousand
cost the same number of queries.
"""

from __future__ import annotations

import zoneinfo
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

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
    """One doctor's inputs: windows grouped by their zone, exceptions, and other bookings' busy times."""

    windows_by_zone: dict[str, list[slots.Window]]
    blocked: list[tuple[int, int]]
    openings: list[slots.Opening]
    booked: list[tuple[int, int]]  # held/confirmed appointments' own periods: they remove slots
    busy: list[tuple[int, int]]  # the same appointments with their buffers: no new busy time may overlap
    bookings_per_day: dict[date, int]  # held/confirmed bookings per local date (in the doctor's zone)
    doctor_zone: str


@dataclass(frozen=True, slots=True)
class Start:
    start_utc: int
    end_utc: int


def _merge(intervals: Iterable[tuple[int, int]]) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for s, e in sorted(intervals):
        if starts and s <= ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


def _covered(starts: list[int], ends: list[int], s: int, e: int) -> bool:
    """Is [s, e) inside one merged interval?"""
    i = bisect_right(starts, s) - 1
    return i >= 0 and ends[i] >= e


def _overlaps(starts: list[int], ends: list[int], s: int, e: int) -> bool:
    """Does [s, e) overlap any merged (disjoint, sorted) interval?"""
    i = bisect_right(starts, s) - 1
    if i >= 0 and ends[i] > s:
        return True
    return i + 1 < len(starts) and starts[i + 1] < e


def utc_bounds(zone: zoneinfo.ZoneInfo, first: date, last: date) -> tuple[int, int]:
    """The UTC seconds from local midnight of `first` to local midnight after `last` in `zone`."""
    lo = datetime.combine(first, time(), tzinfo=zone).timestamp()
    hi = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone).timestamp()
    return int(lo), int(hi)


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
    lo, hi = utc_bounds(zone, first, last)
    lo = max(lo, now + rules.min_notice)
    hi = min(hi, now + rules.max_advance)
    if hi <= lo:
        return []
    booked = schedule.booked
    busy = schedule.busy

    all_slots: list[tuple[int, int]] = []
    for zone_name, windows in schedule.windows_by_zone.items():
        rule_zone = zoneinfo.ZoneInfo(zone_name)
        # Dates in the rules' zone that can hold an instant of [lo, hi): a day of slack each side.
        d0 = datetime.fromtimestamp(lo, rule_zone).date() - timedelta(days=1)
        d1 = datetime.fromtimestamp(hi, rule_zone).date() + timedelta(days=1)
        days = slots.expand(windows, rule_zone, d0, d1, blocked=[*schedule.blocked, *booked])
        all_slots.extend((s.start_utc, s.end_utc) for day in days for ws in day.windows for s in ws.slots)
    if schedule.openings:
        opening_zone = zoneinfo.ZoneInfo(schedule.doctor_zone)
        d0 = datetime.fromtimestamp(lo, opening_zone).date() - timedelta(days=1)
        d1 = datetime.fromtimestamp(hi, opening_zone).date() + timedelta(days=1)
        days = slots.expand(
            [], opening_zone, d0, d1, blocked=[*schedule.blocked, *booked], openings=schedule.openings
        )
        all_slots.extend((s.start_utc, s.end_utc) for day in days for ws in day.windows for s in ws.slots)
    if not all_slots:
        return []

    free_starts, free_ends = _merge(all_slots)
    busy_starts, busy_ends = _merge(busy)
    off_starts, off_ends = _merge(unavailable)
    doctor_zone = zoneinfo.ZoneInfo(schedule.doctor_zone)
    per_day = schedule.bookings_per_day
    cap = rules.daily_cap
    out: list[Start] = []
    seen: set[int] = set()
    for s, _ in sorted(all_slots):
        if s < lo or s >= hi or s in seen:
            continue
        seen.add(s)
        e = s + rules.duration
        if not _covered(free_starts, free_ends, s, e):
            continue
        if busy_starts and _overlaps(busy_starts, busy_ends, s - rules.buffer_before, e + rules.buffer_after):
            continue
        if off_starts and _overlaps(off_starts, off_ends, s, e):
            continue
        if cap is not None and per_day.get(datetime.fromtimestamp(s, doctor_zone).date(), 0) >= cap:
            continue
        out.append(Start(s, e))
    return out


def label(epoch: int, zone: zoneinfo.ZoneInfo) -> tuple[str, str]:
    """(local date, "HH:MM") of an instant in `zone`."""
    local = datetime.fromtimestamp(epoch, zone)
    return local.date().isoformat(), f"{local.hour:02d}:{local.minute:02d}"
