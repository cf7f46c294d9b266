"""Invariants of the slot engine, checked with Hypothesis over zones with DST and dates around the changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduling.slots import Break, DaySlots, Window, WindowSlots, expand, resolve_local

ZONES = [
    "Europe/Athens",
    "America/New_York",
    "Australia/Lord_Howe",  # 30-minute DST
    "America/Santiago",  # changes at local midnight
    "America/Havana",  # changes at local midnight
    "America/St_Johns",  # -03:30
    "Africa/Casablanca",  # clocks go back for Ramadan
    "Europe/London",
    "Asia/Tokyo",
    "UTC",
]
INTERVALS = [5, 10, 15, 20, 30, 60]
PROPERTY_SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def zone(key: str) -> ZoneInfo:
    return ZoneInfo(key)


@cache
def change_dates(key: str) -> tuple[date, ...]:
    """Dates in 2025-2027 on which the zone's UTC offset changes."""
    tz = zone(key)
    out = []
    d = date(2025, 1, 1)
    while d < date(2028, 1, 1):
        if offset_changes_on(tz, d):
            out.append(d)
        d += timedelta(days=1)
    return tuple(out)


def offset_changes_on(tz: ZoneInfo, d: date) -> bool:
    """Independent of the engine: compare zoneinfo's offset at every half hour of the local day."""
    start = int(datetime.combine(d, time(0), tz).timestamp()) - 2 * 3600
    offsets = {datetime.fromtimestamp(start + k * 1800, tz).utcoffset() for k in range(0, 29 * 2)}
    return len(offsets) > 1


@st.composite
def zone_and_dates(draw: st.DrawFn) -> tuple[str, date, date]:
    key = draw(st.sampled_from(ZONES))
    changes = change_dates(key)
    if bool(changes) and draw(st.booleans()):
        first = draw(st.sampled_from(changes)) + timedelta(days=draw(st.integers(-3, 0)))
    else:
        first = draw(st.dates(date(2024, 1, 1), date(2030, 12, 31)))
    return key, first, first + timedelta(days=draw(st.integers(0, 6)))


def hhmm(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


@st.composite
def windows(draw: st.DrawFn) -> list[Window]:
    """1-3 windows on one weekday, each with up to 2 breaks inside it; equal priorities never overlap."""
    dow = draw(st.integers(1, 7))
    out: list[Window] = []
    for n in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, 1430)) // 5 * 5
        end = draw(st.integers(start + 5, 1439))
        points = sorted(set(draw(st.lists(st.integers(start, end), max_size=4))))
        breaks = tuple(
            Break(hhmm(points[i]), hhmm(points[i + 1]))
            for i in range(0, len(points) - 1, 2)
            if points[i] < points[i + 1]
        )
        priority = draw(st.integers(0, 2))
        if any(
            w.priority == priority and start < minutes(w.work_end) and minutes(w.work_start) < end
            for w in out
        ):
            priority = 3 + n  # what validation's WINDOWS_OVERLAP would have forced
        out.append(
            Window(dow, hhmm(start), hhmm(end), draw(st.sampled_from(INTERVALS)), breaks, priority, key=n)
        )
    return out


def minutes(t: time) -> int:
    return t.hour * 60 + t.minute


@st.composite
def blocked_intervals(draw: st.DrawFn, first: date, last: date) -> list[tuple[int, int]]:
    lo = int(datetime.combine(first, time(0), UTC).timestamp()) - 86400
    hi = int(datetime.combine(last, time(0), UTC).timestamp()) + 2 * 86400
    out = []
    for _ in range(draw(st.integers(0, 4))):
        s = draw(st.integers(lo, hi)) // 60 * 60
        out.append((s, s + draw(st.integers(1, 300)) * 60))
    return out


@dataclass(frozen=True)
class Case:
    tz: ZoneInfo
    windows: list[Window]
    days: list[DaySlots]
    blocked: list[tuple[int, int]]


@st.composite
def cases(draw: st.DrawFn, with_blocked: bool = True) -> Case:
    key, first, last = draw(zone_and_dates())
    ws = draw(windows())
    blocked = draw(blocked_intervals(first, last)) if with_blocked else []
    return Case(zone(key), ws, expand(ws, zone(key), first, last, blocked=blocked), blocked)


def by_key(case: Case) -> dict[object, Window]:
    return {w.key: w for w in case.windows}


def span(tz: ZoneInfo, d: date, w: Window) -> tuple[int, int]:
    return resolve_local(tz, d, w.work_start), resolve_local(tz, d, w.work_end)


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def pairs(ds: DaySlots) -> list[tuple[WindowSlots, WindowSlots]]:
    return [(a, b) for i, a in enumerate(ds.windows) for b in ds.windows[i + 1 :]]


@PROPERTY_SETTINGS
@given(cases())
def test_slots_never_overlap_each_other(case: Case) -> None:
    rules = by_key(case)
    for ds in case.days:
        for ws in ds.windows:
            for earlier, later in zip(ws.slots, ws.slots[1:]):
                assert earlier.end_utc <= later.start_utc
        for a, b in pairs(ds):
            wa, wb = rules[a.key], rules[b.key]
            # Equal-priority windows are kept apart by validation in local time only; a gap can still make
            # their resolved spans overlap, and then both are emitted by contract.
            if wa.priority == wb.priority and overlaps(
                span(case.tz, ds.date, wa), span(case.tz, ds.date, wb)
            ):
                continue
            for x in a.slots:
                assert not any(overlaps((x.start_utc, x.end_utc), (y.start_utc, y.end_utc)) for y in b.slots)


@PROPERTY_SETTINGS
@given(cases())
def test_slots_never_overlap_a_break_or_blocked_time(case: Case) -> None:
    rules = by_key(case)
    for ds in case.days:
        for ws in ds.windows:
            w = rules[ws.key]
            taken = [
                (resolve_local(case.tz, ds.date, b.start), resolve_local(case.tz, ds.date, b.end))
                for b in w.breaks
            ]
            for s in ws.slots:
                assert not any(overlaps((s.start_utc, s.end_utc), t) for t in taken + case.blocked)


@PROPERTY_SETTINGS
@given(cases())
def test_every_slot_lies_inside_its_window_and_lasts_its_interval(case: Case) -> None:
    rules = by_key(case)
    for ds in case.days:
        for ws in ds.windows:
            w = rules[ws.key]
            start, end = span(case.tz, ds.date, w)
            for s in ws.slots:
                assert start <= s.start_utc and s.end_utc <= end
                assert s.end_utc - s.start_utc == w.slot_interval_minutes * 60


@PROPERTY_SETTINGS
@given(cases())
def test_labels_are_the_local_wall_clock_of_each_instant(case: Case) -> None:
    for ds in case.days:
        for ws in ds.windows:
            for s in ws.slots:
                assert s.start_local == f"{datetime.fromtimestamp(s.start_utc, case.tz):%H:%M}"
                assert s.end_local == f"{datetime.fromtimestamp(s.end_utc, case.tz):%H:%M}"


@PROPERTY_SETTINGS
@given(cases(with_blocked=False))
def test_count_matches_closed_form_on_days_without_a_change(case: Case) -> None:
    for ds in case.days:
        if offset_changes_on(case.tz, ds.date):
            continue
        for ws in ds.windows:
            w = by_key(case)[ws.key]
            taken = [(minutes(b.start), minutes(b.end)) for b in w.breaks]
            taken += [
                (minutes(h.work_start), minutes(h.work_end)) for h in case.windows if h.priority > w.priority
            ]
            free = [
                m
                for m in range(minutes(w.work_start), minutes(w.work_end))
                if not any(a <= m < b for a, b in taken)
            ]
            pieces = _runs(free)
            assert len(ws.slots) == sum(n // w.slot_interval_minutes for n in pieces)
            assert ws.remainder_minutes == sum(n % w.slot_interval_minutes for n in pieces)
            assert not ws.dst_shifted


def _runs(minute_list: list[int]) -> list[int]:
    """Lengths of the runs of consecutive minutes."""
    runs: list[int] = []
    prev = None
    for m in minute_list:
        if prev is not None and m == prev + 1:
            runs[-1] += 1
        else:
            runs.append(1)
        prev = m
    return runs


def rfc5545(tz: ZoneInfo, d: date, t: time) -> int:
    """The contract's rule spelled out: first occurrence of a repeated time, pre-gap offset in a gap."""
    local = int(datetime.combine(d, t, UTC).timestamp())
    before = datetime.fromtimestamp(local - 2 * 86400, tz).utcoffset()
    after = datetime.fromtimestamp(local + 2 * 86400, tz).utcoffset()
    assert before is not None and after is not None
    candidates = [local - int(off.total_seconds()) for off in (before, after)]
    real = [
        u for u in candidates if datetime.fromtimestamp(u, tz).replace(tzinfo=None) == datetime.combine(d, t)
    ]
    return min(real) if real else candidates[0]


@PROPERTY_SETTINGS
@given(zone_and_dates(), st.integers(0, 1439))
def test_resolve_local_follows_rfc_5545(zd: tuple[str, date, date], minute: int) -> None:
    key, d, _ = zd
    assert resolve_local(zone(key), d, hhmm(minute)) == rfc5545(zone(key), d, hhmm(minute))


@PROPERTY_SETTINGS
@given(zone_and_dates(), st.integers(0, 1430), st.integers(5, 1439), st.sampled_from(INTERVALS))
def test_engine_resolves_window_edges_like_resolve_local(
    zd: tuple[str, date, date], start: int, end: int, interval: int
) -> None:
    key, first, last = zd
    tz = zone(key)
    end = max(end, start + 5)
    w = Window(1, hhmm(start), hhmm(end), interval)
    rules = [Window(dow, w.work_start, w.work_end, interval) for dow in range(1, 8)]
    for ds in expand(rules, tz, first, last):
        lo, hi = rfc5545(tz, ds.date, w.work_start), rfc5545(tz, ds.date, w.work_end)
        (ws,) = ds.windows
        assert len(ws.slots) == max(hi - lo, 0) // (interval * 60)
        if ws.slots:
            assert ws.slots[0].start_utc == lo
            assert hi - interval * 60 < ws.slots[-1].end_utc <= hi
