"""Why a start is or is not bookable: each candidate start of one local day (or one instant) with its reasons.

`explain` is pure, over the very values availability loads (`loading.load_schedules`, `resources_full`) plus
two small detail loaders (time off with its reason, other bookings with their status), so whether a start is
bookable is decided by `engine.bookable_starts` itself and the reasons only say why not.
"""

from __future__ import annotations

import uuid
import zoneinfo
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Q

from appointments.availability.engine import BookingRules, Schedule, bookable_starts, schedule_slots
from appointments.availability.loading import live_appointments, load_schedules, resources_full
from medic.clinic.closures import Closure
from medic.clinic.models import AppointmentType, Doctor
from scheduling import slots
from scheduling.models import AvailabilityException
from scheduling.scope import Scope
from scheduling.selectors import Epoch

# The contract's order: most specific first. Reasons of one candidate are listed in this order.
CODES: tuple[str, ...] = (
    "OUTSIDE_HOURS",
    "IN_BREAK",
    "TIME_OFF",
    "CLINIC_CLOSED",
    "TAKEN",
    "IN_BUFFER",
    "MIN_NOTICE",
    "BEYOND_BOOKING_WINDOW",
    "DAILY_CAP",
    "RESOURCE_FULL",
    "DST_GAP",
    "NOT_THIS_ROTA_WEEK",
)
_RANK = {code: i for i, code in enumerate(CODES)}
_SLACK = timedelta(days=2)  # as the shared loaders: any UTC offset fits inside

Detail = Mapping[str, str | int | None]


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    message: str
    detail: Detail | None = None  # flat, snake_case keys; the API camel-cases them


@dataclass(frozen=True, slots=True)
class Candidate:
    """One start asked about. A start the rule's zone skips (DST_GAP) is no instant: its UTC times are None
    and `start_local` is the wall-clock time that does not exist."""

    start_utc: int | None
    end_utc: int | None
    start_local: str
    bookable: bool
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class TimeOff:
    start: int
    end: int
    reason: str


@dataclass(frozen=True, slots=True)
class Booking:
    """Another held or confirmed appointment: its time and its busy time (with its buffers). No patient."""

    start: int
    end: int
    busy_start: int
    busy_end: int
    status: str


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything `explain` reads, loaded once for one doctor, one service and one local day."""

    schedule: Schedule
    time_off: list[TimeOff]
    bookings: list[Booking]
    resources_full: list[tuple[int, int]]


# --- loading ------------------------------------------------------------------------------------------------


def load_inputs(
    *,
    doctor: Doctor,
    appointment_type: AppointmentType,
    scope: Scope,
    zone: zoneinfo.ZoneInfo,
    day: date,
    now: datetime,
) -> Inputs:
    """The inputs of one local `day` of `zone`, read as `availability.for_doctor` reads them, plus the
    details it does not need: the reasons of time off and the statuses of other bookings."""
    lo_epoch, hi_epoch = slots.day_bounds(zone, day, day)
    lo, hi = datetime.fromtimestamp(lo_epoch, UTC), datetime.fromtimestamp(hi_epoch, UTC)
    rows = scope.request_filter()
    schedule = load_schedules([doctor], rows, lo, hi, now, count_days=appointment_type.daily_cap is not None)[
        doctor.pk
    ]
    full = resources_full([appointment_type.pk], scope.location_id, lo, hi, now)
    return Inputs(
        schedule=schedule,
        time_off=time_off_between(doctor.pk, rows, lo, hi),
        bookings=bookings_between(doctor.pk, lo, hi, now),
        resources_full=full.get(appointment_type.pk, []),
    )


def time_off_between(doctor_id: uuid.UUID, rows: Q, lo: datetime, hi: datetime) -> list[TimeOff]:
    """The doctor's time off that `schedule_inputs` reads as blocked for these rows, with its reason."""
    return [
        TimeOff(start, end, reason)
        for start, end, reason in AvailabilityException.objects.filter(
            Q(
                doctor_id=doctor_id,
                kind=AvailabilityException.Kind.BLOCKED,
                starts_at__lt=hi + _SLACK,
                ends_at__gt=lo - _SLACK,
            )
            & rows
        )
        .order_by("starts_at")
        .values_list(Epoch("starts_at"), Epoch("ends_at"), "reason")
    ]


def bookings_between(doctor_id: uuid.UUID, lo: datetime, hi: datetime, now: datetime) -> list[Booking]:
    """The other bookings `load_schedules` counts as busy (the same filter), with their statuses."""
    rows = (
        live_appointments([doctor_id], lo - _SLACK, hi + _SLACK, now)
        .order_by("starts_at")
        .values_list("starts_at", "ends_at", "busy_starts_at", "busy_ends_at", "status")
    )
    return [
        Booking(_epoch(start), _epoch(end), _epoch(busy_start), _epoch(busy_end), status)
        for start, end, busy_start, busy_end, status in rows
    ]


# --- explaining ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Break:
    start: int
    end: int
    label: str | None


@dataclass(frozen=True, slots=True)
class _Gap:
    """A nominal start of a window that does not exist on its date (clocks go forward)."""

    sort_at: int  # the instant the clocks jump: the gap's place on the timeline
    local_seconds: int
    local_label: str
    zone: str
    day: date
    read_as: int  # the instant the contract reads it as (the offset before the gap)


@dataclass(frozen=True, slots=True)
class _OffRota:
    """A rota window that does not work on `day` (another week of its rota) but would start at its start."""

    window: slots.Window
    day: date


@dataclass(slots=True)
class _Day:
    """What the stored schedule looks like around the day [lo, hi), bookings aside."""

    lo: int
    hi: int
    free: tuple[list[int], list[int]]  # slots as availability cuts them (time off taken out), merged
    open_free: tuple[list[int], list[int]]  # the same slots before time off and closures, merged
    open_slots: list[tuple[int, int]]
    hours: tuple[list[int], list[int]]  # windows (whole spans) and every slot, merged
    slot_starts: list[int]  # every slot start, with or without time off, sorted
    breaks: list[_Break]
    nominal: list[int]  # window-grid starts (breaks, leftovers) that no slot stands for
    gaps: list[_Gap]
    # Starts a rota window would make on its weekday in another week of its rota (NOT_THIS_ROTA_WEEK).
    off_rota: dict[int, list[_OffRota]] = field(default_factory=dict)


def explain(
    inputs: Inputs,
    rules: BookingRules,
    *,
    zone: zoneinfo.ZoneInfo,
    day: date,
    now: int,
    at: int | None = None,
) -> list[Candidate]:
    """The candidates of local `day` in `zone` (or only the instant `at`, which lies on that day), each
    bookable exactly when `engine.bookable_starts` offers it, else with every reason found, in `CODES` order.

    A day's candidates are every slot start (time off and bookings not taken out), every nominal start of
    each window's grid (from its start, stepping by its interval, restarting after each break) that no slot
    stands for (in a break, in a DST gap, a leftover too short for a slot), sorted by start.
    """
    lo, hi = slots.day_bounds(zone, day, day)
    schedule = inputs.schedule
    offered = {
        s.start_utc
        for s in bookable_starts(
            schedule, rules, zone=zone, first=day, last=day, now=now, unavailable=inputs.resources_full
        )
    }
    shape = _shape(schedule, lo, hi)
    if at is not None:
        return [_candidate(at, at in offered, inputs, rules, shape, zone, now, on_grid=_on_grid(at, shape))]

    starts = sorted(
        {s for s in shape.slot_starts if lo <= s < hi}
        | {s for s in shape.nominal if lo <= s < hi}
        | {s for s in shape.off_rota if lo <= s < hi and not _inside(shape.hours, s)}
    )
    keyed: list[tuple[tuple[int, int, int], Candidate]] = [
        ((s, 1, 0), _candidate(s, s in offered, inputs, rules, shape, zone, now, on_grid=True))
        for s in starts
    ]
    seen: set[tuple[str, date, int]] = set()
    for gap in shape.gaps:
        if lo <= gap.read_as < hi and (gap.zone, gap.day, gap.local_seconds) not in seen:
            seen.add((gap.zone, gap.day, gap.local_seconds))
            keyed.append(((gap.sort_at, 0, gap.local_seconds), _gap_candidate(gap)))
    keyed.sort(key=lambda pair: pair[0])
    return [c for _, c in keyed]


def _candidate(
    s: int,
    bookable: bool,
    inputs: Inputs,
    rules: BookingRules,
    shape: _Day,
    zone: zoneinfo.ZoneInfo,
    now: int,
    *,
    on_grid: bool,
) -> Candidate:
    e = s + rules.duration
    label = slots.local_label(zone, s)
    if bookable:
        return Candidate(s, e, label, True, ())
    reasons = [
        *_schedule_reasons(s, e, shape, inputs.time_off, zone, rules, on_grid=on_grid),
        *_clinic_closed(s, e, inputs.schedule.stored, shape),
        *_booking_reasons(s, e, inputs.bookings, rules),
        *_rule_reasons(s, e, inputs, rules, now),
        *_rota_week(s, shape),
    ]
    if not reasons:
        # The engine's last word: no single cause, but the service does not fit the free slots here.
        reasons.append(Reason("OUTSIDE_HOURS", "The service does not fit in the free time here."))
    reasons.sort(key=lambda r: _RANK[r.code])  # stable: several of one code keep their time order
    return Candidate(s, e, label, False, tuple(reasons))


def _gap_candidate(gap: _Gap) -> Candidate:
    read_as = slots.local_label(zoneinfo.ZoneInfo(gap.zone), gap.read_as)
    message = (
        f"{gap.local_label} does not exist on {gap.day.isoformat()} in {gap.zone}: the clocks go forward, "
        f"so this start of the schedule is skipped (read as {read_as}, which is a start of its own)."
    )
    detail = {
        "local_time": gap.local_label,
        "timezone": gap.zone,
        "read_as_utc": _iso(gap.read_as),
        "read_as_local": read_as,
    }
    return Candidate(None, None, gap.local_label, False, (Reason("DST_GAP", message, detail),))


# --- the schedule's shape around the day --------------------------------------------------------------------


def _shape(schedule: Schedule, lo: int, hi: int) -> _Day:
    """Slots with and without time off, window spans, breaks, nominal starts and DST gaps near [lo, hi)."""
    stored = schedule.stored
    actual = schedule_slots(stored, schedule.doctor_zone, lo, hi)
    open_slots = schedule_slots(replace(stored, blocked=[], closed=[]), schedule.doctor_zone, lo, hi)
    every_slot = actual + open_slots
    free_any = slots.merge(every_slot)
    spans: list[tuple[int, int]] = []
    breaks: list[_Break] = []
    nominal: list[int] = []
    gaps: list[_Gap] = []
    for zone_name, windows in stored.windows_by_zone.items():
        tz = zoneinfo.ZoneInfo(zone_name)
        first = datetime.fromtimestamp(lo, tz).date() - timedelta(days=1)
        last = datetime.fromtimestamp(hi, tz).date() + timedelta(days=1)
        d = first
        while d <= last:
            for w in windows:
                if not w.applies_on(d):
                    continue
                start, end = slots.resolve_local(tz, d, w.work_start), slots.resolve_local(tz, d, w.work_end)
                if end > start:
                    spans.append((start, end))
                for b in w.breaks:
                    bs, be = slots.resolve_local(tz, d, b.start), slots.resolve_local(tz, d, b.end)
                    if be > bs:
                        breaks.append(_Break(bs, be, b.label))
                for seconds in _grid(w):
                    at, exists = _resolve(tz, d, seconds)
                    if not exists:
                        gaps.append(
                            _Gap(_jump(tz, d, seconds, at), seconds, _hhmm(_time(seconds)), zone_name, d, at)
                        )
                    elif not _inside(free_any, at):
                        nominal.append(at)
            d += timedelta(days=1)
    return _Day(
        lo=lo,
        hi=hi,
        free=slots.merge(actual),
        open_free=slots.merge(open_slots),
        open_slots=open_slots,
        hours=slots.merge([*spans, *every_slot]),
        slot_starts=sorted({s for s, _ in every_slot}),
        breaks=breaks,
        nominal=nominal,
        gaps=gaps,
        off_rota=_off_rota(stored.windows_by_zone, lo, hi),
    )


def _grid(w: slots.Window) -> Iterator[int]:
    """Seconds after local midnight of a window's nominal starts: from its start, stepping by its interval,
    through each break (those starts are in the break) and restarting at the break's end, as the engine's
    grid restarts after a break."""
    step = w.slot_interval_minutes * 60
    end = _seconds(w.work_end)
    segment = _seconds(w.work_start)
    for b in sorted(w.breaks, key=lambda b: b.start):
        break_end = _seconds(b.end)
        m = segment
        while m < min(break_end, end):
            yield m
            m += step
        segment = max(segment, break_end)
    m = segment
    while m < end:
        yield m
        m += step


def _on_grid(s: int, shape: _Day) -> bool:
    i = bisect_right(shape.slot_starts, s) - 1
    return (i >= 0 and shape.slot_starts[i] == s) or s in shape.nominal


def _schedule_reasons(
    s: int,
    e: int,
    shape: _Day,
    time_off: Sequence[TimeOff],
    zone: zoneinfo.ZoneInfo,
    rules: BookingRules,
    *,
    on_grid: bool,
) -> list[Reason]:
    """OUTSIDE_HOURS, IN_BREAK and TIME_OFF: why [s, e) is not inside free slot time."""
    reasons: list[Reason] = []
    label = slots.local_label(zone, s)
    inside_hours = _inside(shape.hours, s)
    if not on_grid:
        nearest = _nearest([x for x in shape.slot_starts if shape.lo <= x < shape.hi], s)
        where = "is not a slot start" if inside_hours else "is outside working hours"
        if nearest is None:
            reasons.append(Reason("OUTSIDE_HOURS", f"{label} {where}; there are no slots on this day."))
        else:
            nearest_label = slots.local_label(zone, nearest)
            reasons.append(
                Reason(
                    "OUTSIDE_HOURS",
                    f"{label} {where}; the nearest slot starts at {nearest_label}.",
                    {"nearest_start_utc": _iso(nearest), "nearest_start_local": nearest_label},
                )
            )
    missing = _minus([(s, e)], shape.free)
    if not missing:
        return reasons
    beyond = _minus(missing, shape.hours)
    if beyond and on_grid:
        if beyond[0][0] == s:
            reasons.append(Reason("OUTSIDE_HOURS", f"{label} is outside working hours."))
        else:
            hours_end = beyond[0][0]
            reasons.append(
                Reason(
                    "OUTSIDE_HOURS",
                    f"The {rules.duration // 60}-minute service would run past the end of hours at "
                    f"{slots.local_label(zone, hours_end)}.",
                    {"hours_end_utc": _iso(hours_end), "hours_end_local": slots.local_label(zone, hours_end)},
                )
            )
    not_worked = _minus(missing, shape.open_free)  # time off aside: what the schedule itself leaves out
    for b in shape.breaks:
        if _meets(not_worked, b.start, b.end):
            name = f" “{b.label}”" if b.label else ""
            when = "is in" if b.start <= s < b.end else "would run into"
            start_local, end_local = slots.local_label(zone, b.start), slots.local_label(zone, b.end)
            reasons.append(
                Reason(
                    "IN_BREAK",
                    f"{label} {when} the break{name} ({start_local}–{end_local}).",
                    {"label": b.label, "start_local": start_local, "end_local": end_local},
                )
            )
    for off in time_off:
        # Time off removes every slot it touches (the grid is not shifted): all of those slots are its doing.
        taken = [
            (off.start, off.end),
            *((a, b) for a, b in shape.open_slots if a < off.end and off.start < b),
        ]
        if any(_meets(missing, a, b) for a, b in taken):
            text = f"Time off: {off.reason}." if off.reason else "The doctor has time off then."
            reasons.append(
                Reason(
                    "TIME_OFF",
                    text,
                    {"reason": off.reason, "starts_at": _iso(off.start), "ends_at": _iso(off.end)},
                )
            )
    return reasons


def _clinic_closed(s: int, e: int, stored: slots.ScheduleInputs, shape: _Day) -> list[Reason]:
    """CLINIC_CLOSED: a closure of the doctor's clinic takes out every rule slot it touches (as time off
    does), so each one meeting what [s, e) misses of free time, or those slots, is a reason."""
    missing = _minus([(s, e)], shape.free)
    if not missing:
        return []
    reasons: list[Reason] = []
    for (start, end), closure in zip(stored.closed, stored.closed_keys, strict=True):
        taken = [(start, end), *((a, b) for a, b in shape.open_slots if a < end and start < b)]
        if not any(_meets(missing, a, b) for a, b in taken):
            continue
        if isinstance(closure, Closure):
            message = f"{closure.label} ({closure.date.isoformat()})."
            detail: dict[str, str | int | None] = {
                "name": closure.name,
                "source": closure.source,
                "date": closure.date.isoformat(),
            }
        else:
            message, detail = "The clinic is closed then.", {}
        detail.update(starts_at=_iso(start), ends_at=_iso(end))
        reasons.append(Reason("CLINIC_CLOSED", message, detail))
    return reasons


def _booking_reasons(s: int, e: int, bookings: Sequence[Booking], rules: BookingRules) -> list[Reason]:
    """TAKEN and IN_BUFFER: the engine's busy check (buffered span against buffered bookings), told apart."""
    reasons: list[Reason] = []
    lo, hi = s - rules.buffer_before, e + rules.buffer_after
    for b in bookings:
        if b.start < e and s < b.end:
            reasons.append(
                Reason("TAKEN", f"Another appointment ({b.status}) is at this time.", {"status": b.status})
            )
        elif b.busy_start < hi and lo < b.busy_end:
            if b.busy_start < e and s < b.busy_end:
                whose, message = "booking", "The buffer kept around another appointment overlaps this time."
            else:
                whose = "service"
                message = (
                    f"This service keeps {rules.buffer_before // 60} minutes free before it and "
                    f"{rules.buffer_after // 60} after it, and that time meets another appointment."
                )
            reasons.append(Reason("IN_BUFFER", message, {"buffer_of": whose, "status": b.status}))
    return reasons


def _rule_reasons(s: int, e: int, inputs: Inputs, rules: BookingRules, now: int) -> list[Reason]:
    """MIN_NOTICE, BEYOND_BOOKING_WINDOW, DAILY_CAP and RESOURCE_FULL, checked as the engine checks them."""
    reasons: list[Reason] = []
    earliest = now + rules.min_notice
    if s < earliest:
        message = (
            "This time has passed."
            if s < now
            else f"Too soon: this service needs {rules.min_notice // 60} minutes' notice."
        )
        reasons.append(Reason("MIN_NOTICE", message, {"until": _iso(earliest)}))
    latest = now + rules.max_advance
    if s >= latest:
        days = rules.max_advance // 86_400
        reasons.append(
            Reason(
                "BEYOND_BOOKING_WINDOW",
                f"Too far ahead: this service can be booked at most {days} days in advance.",
                {"bookable_until": _iso(latest), "max_advance_days": days},
            )
        )
    if rules.daily_cap is not None:
        doctor_day = datetime.fromtimestamp(s, zoneinfo.ZoneInfo(inputs.schedule.doctor_zone)).date()
        booked = inputs.schedule.bookings_per_day.get(doctor_day, 0)
        if booked >= rules.daily_cap:
            reasons.append(
                Reason(
                    "DAILY_CAP",
                    f"The limit of {rules.daily_cap} bookings a day is reached on {doctor_day.isoformat()}.",
                    {"cap": rules.daily_cap, "booked": booked, "date": doctor_day.isoformat()},
                )
            )
    full = slots.merge(inputs.resources_full)
    if full[0] and slots.hits(*full, s, e):
        reasons.append(
            Reason("RESOURCE_FULL", "A room, device or seat this service needs has no free seat then.")
        )
    return reasons


def _rota_week(s: int, shape: _Day) -> list[Reason]:
    """NOT_THIS_ROTA_WEEK: outside this week's hours, `s` is a start that a rota window makes on this
    weekday in its other weeks (or from its first week on, for a day before the rota starts)."""
    if _inside(shape.hours, s):
        return []
    reasons: list[Reason] = []
    for off in shape.off_rota.get(s, []):
        w, every, anchor = off.window, off.window.repeat_every_weeks, off.window.repeat_anchor
        assert anchor is not None  # only rota windows are off rota
        first = slots.week_monday(anchor)
        hours = f"{_hhmm(w.work_start)}–{_hhmm(w.work_end)}"
        weekday = off.day.strftime("%A")
        k = slots.rota_week(off.day, anchor)
        nxt = (
            first + timedelta(days=w.day_of_week - 1)
            if k < 0
            else off.day + timedelta(weeks=every - k % every)
        )
        if w.effective_to is not None and nxt > w.effective_to:
            later = ""
            nxt_iso = None
        else:
            later = f" Its next {weekday} is {nxt.isoformat()}."
            nxt_iso = nxt.isoformat()
        when = "has not started yet" if k < 0 else "is off"
        reasons.append(
            Reason(
                "NOT_THIS_ROTA_WEEK",
                f"Not this week of the rota: the {weekday} {hours} hours work every {every} weeks from the "
                f"week of {first.isoformat()}, and this week {when}.{later}",
                {
                    "every_weeks": every,
                    "anchor_week": first.isoformat(),
                    "rota_week": k % every if k >= 0 else None,
                    "next_date": nxt_iso,
                },
            )
        )
    return reasons


def _off_rota(
    windows_by_zone: Mapping[str, Sequence[slots.Window]], lo: int, hi: int
) -> dict[int, list[_OffRota]]:
    """Each start a rota window would make around [lo, hi) (its grid as `_grid` steps it, breaks left out) on
    a date of its weekday and effective range that is not in a week of its rota."""
    out: dict[int, list[_OffRota]] = {}
    for zone_name, windows in windows_by_zone.items():
        rotas = [w for w in windows if w.is_rota]
        if not rotas:
            continue
        tz = zoneinfo.ZoneInfo(zone_name)
        d = datetime.fromtimestamp(lo, tz).date() - timedelta(days=1)
        last = datetime.fromtimestamp(hi, tz).date() + timedelta(days=1)
        while d <= last:
            for w in rotas:
                if w.in_other_rota_week(d):
                    paused = [(_seconds(b.start), _seconds(b.end)) for b in w.breaks]
                    for seconds in _grid(w):
                        if any(bs <= seconds < be for bs, be in paused):
                            continue  # in a break: no start in any week
                        at, exists = _resolve(tz, d, seconds)
                        if exists and lo <= at < hi:
                            out.setdefault(at, []).append(_OffRota(w, d))
            d += timedelta(days=1)
    return out


# --- small helpers ------------------------------------------------------------------------------------------


def _minus(parts: list[tuple[int, int]], merged: tuple[list[int], list[int]]) -> list[tuple[int, int]]:
    """`parts` less the merged intervals, as ordered pieces."""
    starts, ends = merged
    out: list[tuple[int, int]] = []
    for s, e in parts:
        cur = s
        j = bisect_right(ends, cur)
        while cur < e:
            if j < len(starts) and starts[j] < e:
                if starts[j] > cur:
                    out.append((cur, starts[j]))
                cur = max(cur, ends[j])
                j += 1
            else:
                out.append((cur, e))
                break
    return out


def _meets(parts: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(s < b and a < e for s, e in parts)


def _inside(merged: tuple[list[int], list[int]], at: int) -> bool:
    i = bisect_right(merged[0], at) - 1
    return i >= 0 and at < merged[1][i]


def _nearest(sorted_starts: list[int], s: int) -> int | None:
    """The start nearest to `s` (the earlier on a tie)."""
    i = bisect_right(sorted_starts, s)
    around = sorted_starts[max(i - 1, 0) : i + 1]
    return min(around, key=lambda x: (abs(x - s), x)) if around else None


def _resolve(tz: zoneinfo.ZoneInfo, d: date, seconds: int) -> tuple[int, bool]:
    """The instant of wall-clock `d` + `seconds` in `tz` (the contract's reading) and whether it exists."""
    t = _time(seconds)
    at = slots.resolve_local(tz, d, t)
    back = datetime.fromtimestamp(at, tz)
    return at, (back.date(), back.time()) == (d, t)


def _jump(tz: zoneinfo.ZoneInfo, d: date, seconds: int, read_as: int) -> int:
    """The instant the clocks jump over the missing wall-clock time `d` + `seconds`."""
    naive = int(datetime.combine(d, _time(seconds), tzinfo=UTC).timestamp())
    before = naive - read_as  # the offset before the gap: the one the contract reads the time with
    a, b = read_as - 86_400, read_as  # the offset at b is the later one
    while b - a > 1:
        mid = (a + b) // 2
        offset = datetime.fromtimestamp(mid, tz).utcoffset()
        if offset is not None and int(offset.total_seconds()) == before:
            a = mid
        else:
            b = mid
    return b


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _time(seconds: int) -> time:
    return time(seconds // 3600, seconds // 60 % 60, seconds % 60)


def _hhmm(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def _epoch(value: datetime) -> int:
    return int(value.timestamp())


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
