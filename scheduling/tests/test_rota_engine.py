"""Rotating weekly hours in the slot engine: a window every N weeks is RFC 5545 FREQ=WEEKLY;INTERVAL=N.

The reference is icalendar + recurring-ical-events expanding the RRULE the window stands for, DTSTART on its
weekday in the anchor date's (Monday-based) week, in the window's zone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduling.slots import Break, Window, expand, on_rota, rota_week, rotas_meet, week_monday

ZONES = ["Europe/Athens", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia"]
BYDAY = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}
TWO_YEARS = timedelta(days=730)


@cache
def zone(key: str) -> ZoneInfo:
    return ZoneInfo(key)


def rrule_starts(
    key: str, weekday: int, start: time, every: int, anchor: date, first: date, last: date
) -> dict[date, int]:
    """Local date → UTC epoch of each occurrence of the window's RRULE whose local date is in first..last."""
    tz = zone(key)
    dtstart = datetime.combine(week_monday(anchor) + timedelta(days=weekday - 1), start, tzinfo=tz)
    event = icalendar.Event()
    event.add("uid", "rota@medic.test")
    event.add("dtstart", dtstart)
    event.add("duration", timedelta(minutes=30))
    event.add("rrule", {"freq": "weekly", "interval": every, "byday": [BYDAY[weekday]]})
    calendar = icalendar.Calendar()
    calendar.add_component(event)
    out: dict[date, int] = {}
    for occurrence in recurring_ical_events.of(calendar).between(
        first - timedelta(days=3), last + timedelta(days=3)
    ):
        at = occurrence["DTSTART"].dt
        if first <= at.date() <= last:
            out[at.date()] = int(at.timestamp())
    return out


def engine_starts(key: str, window: Window, first: date, last: date) -> dict[date, int]:
    return {
        day.date: ws.slots[0].start_utc
        for day in expand([window], zone(key), first, last)
        for ws in day.windows
        if ws.slots
    }


@st.composite
def rotas(draw: st.DrawFn) -> tuple[str, Window, date, date]:
    key = draw(st.sampled_from(ZONES))
    first = draw(st.dates(min_value=date(2009, 1, 1), max_value=date(2036, 12, 31)))
    anchor = first + timedelta(days=draw(st.integers(min_value=-400, max_value=400)))
    every = draw(st.integers(min_value=1, max_value=8))
    weekday = draw(st.integers(min_value=1, max_value=7))
    # Any half hour, so windows start in DST gaps and repeated hours too (Lord Howe shifts by 30 minutes);
    # two hours long, so a window whose start falls in a gap still keeps slots after it.
    minute = draw(st.integers(min_value=0, max_value=43)) * 30
    start = time(minute // 60, minute % 60)
    window = Window(
        weekday,
        start,
        time(minute // 60 + 2, minute % 60),
        30,
        repeat_every_weeks=every,
        repeat_anchor=anchor if every > 1 else None,
    )
    return key, window, first, first + TWO_YEARS


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rotas())
def test_an_every_n_weeks_window_works_exactly_on_the_rrule_dates(
    case: tuple[str, Window, date, date],
) -> None:
    key, window, first, last = case
    anchor = window.repeat_anchor
    expected = rrule_starts(
        key,
        window.day_of_week,
        window.work_start,
        window.repeat_every_weeks,
        anchor if anchor is not None else date(1990, 1, 1),
        first,
        last,
    )
    assert engine_starts(key, window, first, last) == expected


def test_a_fortnightly_window_skips_every_other_week() -> None:
    anchor = date(2026, 12, 9)  # a Wednesday: its week starts on Monday 7 December
    window = Window(1, time(9), time(10), 30, repeat_every_weeks=2, repeat_anchor=anchor)
    days = expand([window], zone("Europe/Athens"), date(2026, 11, 30), date(2027, 1, 10))
    assert [d.date for d in days] == [date(2026, 12, 7), date(2026, 12, 21), date(2027, 1, 4)]


def test_a_rota_has_no_weeks_before_its_anchor_week() -> None:
    window = Window(5, time(9), time(10), 30, repeat_every_weeks=3, repeat_anchor=date(2027, 2, 1))
    days = expand([window], zone("Europe/Athens"), date(2026, 12, 1), date(2027, 3, 1))
    assert [d.date for d in days] == [date(2027, 2, 5), date(2027, 2, 26)]


def test_effective_dates_still_cut_a_rota() -> None:
    window = Window(
        1,
        time(9),
        time(10),
        30,
        effective_from=date(2026, 12, 15),
        effective_to=date(2027, 1, 18),
        repeat_every_weeks=2,
        repeat_anchor=date(2026, 12, 7),
    )
    days = expand([window], zone("Europe/Athens"), date(2026, 11, 30), date(2027, 2, 28))
    assert [d.date for d in days] == [date(2026, 12, 21), date(2027, 1, 4), date(2027, 1, 18)]


def test_weeks_are_counted_on_local_dates_across_the_clock_changes() -> None:
    # Athens: Sunday 28 March 2027 springs forward, Sunday 31 October 2027 falls back. A Sunday rota window
    # at 03:30 (in the gap on the change day) keeps its weeks and is read with the offset before the gap.
    athens = zone("Europe/Athens")
    window = Window(7, time(3, 30), time(5), 30, repeat_every_weeks=2, repeat_anchor=date(2027, 3, 15))
    days = expand([window], athens, date(2027, 3, 1), date(2027, 4, 30))
    assert [d.date for d in days] == [
        date(2027, 3, 21),
        date(2027, 4, 4),
        date(2027, 4, 18),
    ]
    fall = Window(7, time(3, 30), time(5), 30, repeat_every_weeks=2, repeat_anchor=date(2027, 10, 31))
    [change_day] = expand([fall], athens, date(2027, 10, 25), date(2027, 11, 7))
    assert change_day.date == date(2027, 10, 31)
    # 03:30 happens twice that night: the first one (EEST, +03:00) counts, as RFC 5545 says.
    assert change_day.windows[0].slots[0].start_utc == int(
        datetime(2027, 10, 31, 0, 30, tzinfo=ZoneInfo("UTC")).timestamp()
    )
    gap = Window(7, time(3, 30), time(5), 30, repeat_every_weeks=2, repeat_anchor=date(2027, 3, 28))
    [spring_day, *_] = expand([gap], athens, date(2027, 3, 22), date(2027, 4, 4))
    assert spring_day.date == date(2027, 3, 28)
    assert spring_day.windows[0].dst_shifted
    assert spring_day.windows[0].slots[0].start_local == "04:30"


def test_windows_of_two_rota_weeks_share_the_clock_without_meeting() -> None:
    week_a = Window(1, time(9), time(13), 30, key="A", repeat_every_weeks=2, repeat_anchor=date(2026, 12, 7))
    week_b = Window(
        1,
        time(9),
        time(17),
        30,
        (Break(time(13), time(14)),),
        key="B",
        repeat_every_weeks=2,
        repeat_anchor=date(2026, 12, 14),
    )
    days = expand([week_a, week_b], zone("Europe/Athens"), date(2026, 12, 7), date(2027, 1, 3))
    assert [(d.date, [ws.key for ws in d.windows]) for d in days] == [
        (date(2026, 12, 7), ["A"]),
        (date(2026, 12, 14), ["B"]),
        (date(2026, 12, 21), ["A"]),
        (date(2026, 12, 28), ["B"]),
    ]
    assert len(days[1].windows[0].slots) == 14


@pytest.mark.parametrize(
    ("a", "b", "lo", "hi", "meet"),
    [
        ((2, date(2026, 12, 7)), (2, date(2026, 12, 14)), None, None, False),  # weeks A and B
        ((2, date(2026, 12, 7)), (2, date(2026, 12, 23)), None, None, True),  # 23 Dec is in a week A
        ((2, date(2026, 12, 7)), (1, None), None, None, True),  # a weekly window meets every rota
        ((2, date(2026, 12, 7)), (3, date(2026, 12, 14)), None, None, True),  # weeks 2 and 3 after: 21 Dec
        ((4, date(2026, 12, 7)), (2, date(2026, 12, 14)), None, None, False),  # even vs odd weeks
        ((2, date(2026, 12, 7)), (1, None), None, date(2026, 12, 6), False),  # ends before the rota starts
        ((2, date(2026, 12, 7)), (1, None), date(2026, 12, 14), date(2026, 12, 20), False),  # an off week
        ((2, date(2026, 12, 7)), (1, None), date(2026, 12, 14), date(2026, 12, 21), True),
        ((1, None), (1, None), None, None, True),
    ],
)
def test_rotas_meet_when_some_week_is_on_both(
    a: tuple[int, date | None], b: tuple[int, date | None], lo: date | None, hi: date | None, meet: bool
) -> None:
    assert rotas_meet(a, b, lo, hi) is meet
    assert rotas_meet(b, a, lo, hi) is meet


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=8),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    st.integers(min_value=1, max_value=8),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
)
def test_rotas_meet_agrees_with_a_week_by_week_search(ea: int, aa: date, eb: int, ab: date) -> None:
    a, b = (ea, aa if ea > 1 else None), (eb, ab if eb > 1 else None)
    start = week_monday(max(aa, ab))
    brute = any(
        on_rota(start + timedelta(weeks=k), *a) and on_rota(start + timedelta(weeks=k), *b) for k in range(64)
    )
    assert rotas_meet(a, b) is brute


def test_rota_weeks_count_from_the_anchor_week_monday() -> None:
    assert rota_week(date(2026, 12, 7), date(2026, 12, 13)) == 0  # Monday and Sunday of one week
    assert rota_week(date(2026, 12, 14), date(2026, 12, 13)) == 1
    assert rota_week(date(2026, 12, 6), date(2026, 12, 7)) == -1
    assert not on_rota(date(2026, 11, 23), 2, date(2026, 12, 7))  # two weeks before: no weeks before DTSTART
    assert on_rota(date(2026, 12, 25), 2, date(2026, 12, 7))


def test_a_rota_window_needs_an_anchor() -> None:
    with pytest.raises(ValueError, match="repeat_anchor"):
        Window(1, time(9), time(10), 30, repeat_every_weeks=2)
    with pytest.raises(ValueError, match="repeat_every_weeks"):
        Window(1, time(9), time(10), 30, repeat_every_weeks=0)
