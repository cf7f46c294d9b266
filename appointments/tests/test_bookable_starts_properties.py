"""Invariants of `bookable_starts` (Hypothesis): zones with DST, time off, other bookings and buffers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appointments.availability.engine import BookingRules, Schedule, Start, bookable_starts, schedule_slots
from scheduling.slots import Break, Opening, ScheduleInputs, Window, day_bounds

ZONES = ["Europe/Athens", "America/New_York", "Australia/Lord_Howe", "UTC"]
INTERVALS = [5, 10, 15, 20, 30, 60]
PROPERTY_SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_DAY = 86_400


@cache
def zone(key: str) -> ZoneInfo:
    return ZoneInfo(key)


def hhmm(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


@dataclass(frozen=True)
class Case:
    schedule: Schedule
    rules: BookingRules
    zone: ZoneInfo
    first: date
    last: date
    now: int

    def starts(self) -> list[Start]:
        return bookable_starts(
            self.schedule, self.rules, zone=self.zone, first=self.first, last=self.last, now=self.now
        )

    def free_time(self) -> list[tuple[int, int]]:
        """Every slot the stored schedule yields around the asked dates (as the preview cuts them), merged."""
        lo, hi = day_bounds(self.zone, self.first, self.last)
        return union(schedule_slots(self.schedule.stored, self.schedule.doctor_zone, lo - _DAY, hi + _DAY))


@st.composite
def day_windows(draw: st.DrawFn, dow: int) -> list[Window]:
    """One or two windows of one weekday, one after the other (equal priorities never overlap), each with
    at most one break inside it."""
    out: list[Window] = []
    start = draw(st.integers(0, 20 * 12)) * 5
    for n in range(draw(st.integers(1, 2))):
        if start > 1430:
            break
        end = draw(st.integers(start + 5, min(start + 10 * 60, 1439)))
        breaks: tuple[Break, ...] = ()
        if end - start >= 30 and draw(st.booleans()):
            b0 = draw(st.integers(start + 5, end - 10))
            breaks = (Break(hhmm(b0), hhmm(draw(st.integers(b0 + 5, end - 5)))),)
        out.append(
            Window(dow, hhmm(start), hhmm(end), draw(st.sampled_from(INTERVALS)), breaks, key=(dow, n))
        )
        start = end + draw(st.integers(0, 120))
    return out


@st.composite
def spans(draw: st.DrawFn, lo: int, hi: int, most: int) -> list[tuple[int, int]]:
    """Up to `most` spans starting in [lo, hi), on a 5-minute grid, 5 minutes to 4 hours long."""
    out = []
    for _ in range(draw(st.integers(0, most))):
        s = draw(st.integers(lo, hi - 1)) // 300 * 300
        out.append((s, s + draw(st.integers(1, 48)) * 300))
    return out


@st.composite
def cases(draw: st.DrawFn) -> Case:
    key = draw(st.sampled_from(ZONES))
    tz = zone(key)
    # Late March and early November hold the DST changes of the zones above (both hemispheres).
    first = draw(
        st.one_of(
            st.dates(date(2026, 3, 25), date(2026, 4, 8)),
            st.dates(date(2026, 10, 1), date(2026, 11, 5)),
            st.dates(date(2026, 1, 1), date(2027, 12, 31)),
        )
    )
    last = first + timedelta(days=draw(st.integers(0, 3)))
    lo, hi = day_bounds(tz, first, last)
    windows = [w for dow in range(1, 8) for w in draw(day_windows(dow))]
    openings = [
        Opening(s, e, draw(st.sampled_from(INTERVALS)), key=("opening", i))
        for i, (s, e) in enumerate(draw(spans(lo, hi, 2)))
    ]
    stored = ScheduleInputs(
        windows_by_zone={key: windows}, blocked=draw(spans(lo - _DAY, hi + _DAY, 4)), openings=openings
    )
    schedule = Schedule(
        stored=stored, busy=draw(spans(lo - _DAY, hi + _DAY, 5)), bookings_per_day={}, doctor_zone=key
    )
    rules = BookingRules(
        duration=draw(st.integers(1, 24)) * 300,
        buffer_before=draw(st.sampled_from([0, 5, 10, 15])) * 60,
        buffer_after=draw(st.sampled_from([0, 5, 10, 15])) * 60,
        min_notice=draw(st.sampled_from([0, 60, 24 * 60])) * 60,
        max_advance=draw(st.integers(1, 10)) * _DAY,
    )
    now = draw(st.integers(lo - 2 * _DAY, hi))
    return Case(schedule, rules, tz, first, last, now)


# --- independent interval helpers (not the engine's) ------------------------------------------------------


def union(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def inside(span: tuple[int, int], merged: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in merged)


# --- the properties -----------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(cases())
def test_a_start_never_meets_time_off(case: Case) -> None:
    for start in case.starts():
        for blocked in case.schedule.stored.blocked:
            assert not overlaps((start.start_utc, start.end_utc), blocked), (start, blocked)


@PROPERTY_SETTINGS
@given(cases())
def test_a_start_with_its_buffers_never_meets_another_booking(case: Case) -> None:
    rules = case.rules
    for start in case.starts():
        buffered = (start.start_utc - rules.buffer_before, start.end_utc + rules.buffer_after)
        for busy in case.schedule.busy:
            assert not overlaps(buffered, busy), (start, busy)


@PROPERTY_SETTINGS
@given(cases())
def test_a_start_and_its_duration_fit_inside_free_slot_time(case: Case) -> None:
    free = case.free_time()
    for start in case.starts():
        assert start.end_utc - start.start_utc == case.rules.duration
        assert inside((start.start_utc, start.end_utc), free), start


@PROPERTY_SETTINGS
@given(cases())
def test_starts_are_sorted_unique_inside_the_dates_and_the_booking_window(case: Case) -> None:
    starts = [s.start_utc for s in case.starts()]
    lo, hi = day_bounds(case.zone, case.first, case.last)
    assert starts == sorted(set(starts))
    assert all(lo <= s < hi for s in starts)
    assert all(case.now + case.rules.min_notice <= s < case.now + case.rules.max_advance for s in starts)


@PROPERTY_SETTINGS
@given(cases())
def test_every_slot_start_that_fits_is_offered(case: Case) -> None:
    """The converse: nothing is dropped that meets every rule (a brute-force oracle over slot starts)."""
    lo, hi = day_bounds(case.zone, case.first, case.last)
    lo, hi = max(lo, case.now + case.rules.min_notice), min(hi, case.now + case.rules.max_advance)
    rules, free = case.rules, case.free_time()
    slot_starts = {s for s, _ in schedule_slots(case.schedule.stored, case.schedule.doctor_zone, lo, hi)}
    expected = sorted(
        s
        for s in slot_starts
        if lo <= s < hi
        and inside((s, s + rules.duration), free)
        and not any(
            overlaps((s - rules.buffer_before, s + rules.duration + rules.buffer_after), b)
            for b in case.schedule.busy
        )
    )
    assert [s.start_utc for s in case.starts()] == expected
