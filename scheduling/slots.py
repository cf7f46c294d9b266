"""Pure slot engine: expands weekly local-time windows into UTC slots, exact across DST changes."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import repeat
from math import lcm
from typing import Literal
from zoneinfo import ZoneInfo

__all__ = [
    "LABELS",
    "Break",
    "DaySlots",
    "Kind",
    "Opening",
    "ScheduleInputs",
    "Slot",
    "Window",
    "WindowSlots",
    "covered",
    "day_bounds",
    "expand",
    "hits",
    "local_label",
    "merge",
    "on_rota",
    "resolve_local",
    "rota_week",
    "rotas_meet",
    "total_slots",
    "week_monday",
]

_DAY = 86_400
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# Offsets are sampled once a day to find transitions: since 1900 no two offset changes in tzdata are closer
# than ~4 days (Africa/Freetown 1939; modern rules are months apart), so none can hide between two samples.
_SAMPLE_STEP = _DAY
# Wider than any UTC offset (±26 h), so every instant of a requested local day lies inside the table.
_MARGIN = 3 * _DAY

#: "HH:MM" for every minute of the day, so a label is one index instead of a strftime.
LABELS: tuple[str, ...] = tuple(f"{h:02d}:{m:02d}" for h in range(24) for m in range(60))


# ---------------------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Break:
    """A pause inside a window, in local wall-clock time of the window's date."""

    start: time
    end: time
    label: str | None = None


# ---------------------------------------------------------------------------------------------------------
# Rotas: windows that work every N weeks
# ---------------------------------------------------------------------------------------------------------
#
# A window repeating every N weeks from an anchor date means RFC 5545 `FREQ=WEEKLY;INTERVAL=N;BYDAY=<its
# weekday>` (WKST=MO, the default) with DTSTART on its weekday in the anchor date's Monday-based week, in
# the window's own zone. Weeks are counted on local calendar dates, so DST never moves a window to another
# week. As RRULE, nothing repeats before DTSTART: a rota has no weeks before its anchor's week (effective
# dates still cut on top). N = 1 (no anchor) is every week.


def week_monday(d: date) -> date:
    """The Monday of `d`'s ISO (Monday-based) week."""
    return d - timedelta(days=d.isoweekday() - 1)


def rota_week(d: date, anchor: date) -> int:
    """Whole weeks from the anchor's week to `d`'s week (negative before it)."""
    return (week_monday(d) - week_monday(anchor)).days // 7


def on_rota(d: date, every: int, anchor: date | None) -> bool:
    """Whether a window repeating every `every` weeks from `anchor`'s week works in `d`'s week."""
    if every <= 1 or anchor is None:
        return True
    k = rota_week(d, anchor)
    return k >= 0 and k % every == 0


def rotas_meet(
    a: tuple[int, date | None], b: tuple[int, date | None], lo: date | None = None, hi: date | None = None
) -> bool:
    """Whether two windows of one weekday, each on the rota `(every, anchor)`, both work in some week that
    meets `lo`..`hi` (the dates both are effective, inclusive, None unbounded; the caller checks that those
    meet). Weeks on both rotas repeat every lcm(N_a, N_b) weeks, so one such period from the later start is
    enough to look at. Week by week, as effective ranges are compared day by day: two windows that can
    work in one week can work on one date."""
    if a[0] <= 1 and b[0] <= 1:
        return True
    starts = [d for d in (lo, a[1] if a[0] > 1 else None, b[1] if b[0] > 1 else None) if d is not None]
    first = week_monday(max(starts))
    for k in range(lcm(a[0], b[0])):
        week = first + timedelta(weeks=k)
        if hi is not None and week > hi:
            return False
        if on_rota(week, *a) and on_rota(week, *b):
            return True
    return False


@dataclass(frozen=True, slots=True)
class Window:
    """One recurring work window of one ISO weekday; `key` is the caller's opaque tag for its results.

    `repeat_every_weeks` > 1 makes it a rota window that works every N weeks from `repeat_anchor`'s week
    (see `on_rota`)."""

    day_of_week: int
    work_start: time
    work_end: time
    slot_interval_minutes: int
    breaks: tuple[Break, ...] = ()
    priority: int = 0
    effective_from: date | None = None
    effective_to: date | None = None
    key: object = None
    repeat_every_weeks: int = 1
    repeat_anchor: date | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.day_of_week <= 7:
            raise ValueError(f"day_of_week must be 1..7 (ISO), got {self.day_of_week}")
        if self.slot_interval_minutes <= 0:
            raise ValueError(f"slot_interval_minutes must be positive, got {self.slot_interval_minutes}")
        if self.repeat_every_weeks < 1:
            raise ValueError(f"repeat_every_weeks must be at least 1, got {self.repeat_every_weeks}")
        if self.repeat_every_weeks > 1 and self.repeat_anchor is None:
            raise ValueError("a window repeating every N > 1 weeks needs repeat_anchor")
        if not isinstance(self.breaks, tuple):
            object.__setattr__(self, "breaks", tuple(self.breaks))

    @property
    def is_rota(self) -> bool:
        return self.repeat_every_weeks > 1

    def applies_on(self, d: date) -> bool:
        """True when `d` is this window's weekday, inside its inclusive effective range and in a week of its
        rota."""
        return self._weekday_in_range(d) and on_rota(d, self.repeat_every_weeks, self.repeat_anchor)

    def in_other_rota_week(self, d: date) -> bool:
        """True when `d` is this window's weekday and inside its effective range but not in a week of its
        rota: the window works on this weekday in other weeks ("not this week of the rota")."""
        return self._weekday_in_range(d) and not on_rota(d, self.repeat_every_weeks, self.repeat_anchor)

    def _weekday_in_range(self, d: date) -> bool:
        return (
            d.isoweekday() == self.day_of_week
            and (self.effective_from is None or self.effective_from <= d)
            and (self.effective_to is None or d <= self.effective_to)
        )


@dataclass(frozen=True, slots=True)
class Opening:
    """Ad-hoc availability between two UTC instants (epoch seconds), cut at its own interval."""

    start_utc: int
    end_utc: int
    slot_interval_minutes: int
    key: object = None

    def __post_init__(self) -> None:
        if self.slot_interval_minutes <= 0:
            raise ValueError(f"slot_interval_minutes must be positive, got {self.slot_interval_minutes}")


@dataclass(frozen=True, slots=True)
class ScheduleInputs:
    """One doctor's stored schedule: active rule windows grouped by their IANA zone (keyed by rule id),
    time off as UTC spans (epoch seconds) and openings (keyed by exception id). `places` maps each window's
    and opening's key to the caller's description of where and how it is held (opaque here)."""

    windows_by_zone: dict[str, list[Window]]
    blocked: list[tuple[int, int]]
    openings: list[Opening]
    places: dict[object, object] = field(default_factory=dict)
    blocked_keys: list[object] = field(default_factory=list)  # the exception id of each `blocked` span
    # Clinic closures: whole closed days (UTC spans). They take rule slots out as time off does, but leave
    # the doctor's own openings alone ("closed, unless the doctor opens that day").
    closed: list[tuple[int, int]] = field(default_factory=list)
    closed_keys: list[object] = field(default_factory=list)  # the caller's closure behind each `closed` span


# ---------------------------------------------------------------------------------------------------------
# Outputs
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable interval [start_utc, end_utc) in epoch seconds with its local "HH:MM" labels.

    A slot ending at local midnight is labelled "00:00" (never "24:00").
    """

    start_utc: int
    end_utc: int
    start_local: str
    end_local: str


Kind = Literal["rule", "opening"]  # what produced a WindowSlots: a rule's window or an ad-hoc opening


@dataclass(frozen=True, slots=True)
class WindowSlots:
    """The slots one window (or opening, `kind`) yields on one date.

    `work_start_local`/`work_end_local` are the window's configured wall-clock times (for an opening: the
    local labels of its own start and end instants). `remainder_minutes` is the time of the window's pieces
    that fits no whole slot (WINDOW_REMAINDER); `dst_shifted` says a resolved time of the window or of one
    of its breaks fell in a DST gap or overlap, or a transition falls inside the window (DST_SHIFTED).
    """

    key: object
    work_start_local: str
    work_end_local: str
    slot_interval_minutes: int
    slots: tuple[Slot, ...]
    remainder_minutes: int
    dst_shifted: bool
    kind: Kind = "rule"


@dataclass(frozen=True, slots=True)
class DaySlots:
    """Everything one calendar date (in the schedule's zone) yields, windows ordered by start."""

    date: date
    day_of_week: int
    windows: tuple[WindowSlots, ...]


# ---------------------------------------------------------------------------------------------------------
# Local time
# ---------------------------------------------------------------------------------------------------------


def resolve_local(tz: tzinfo, d: date, t: time) -> int:
    """Epoch seconds of wall-clock `d t` in `tz` under RFC 5545 / java.time rules.

    A repeated time (clocks go back) means its first occurrence; a time in a gap (clocks go forward) is read
    with the offset before the gap, i.e. moved forward by the gap's length. zoneinfo's fold=0 does exactly
    this (PEP 495); the tests pin it.
    """
    return int(datetime.combine(d, t.replace(fold=0, tzinfo=tz)).timestamp())


def day_bounds(tz: tzinfo, first: date, last: date) -> tuple[int, int]:
    """UTC epoch seconds from local midnight of `first` to local midnight after `last` in `tz`: the instants
    whose local date is in first..last (the one helper for "these local dates, in UTC")."""
    return resolve_local(tz, first, time()), resolve_local(tz, last + timedelta(days=1), time())


def _offset_at(tz: tzinfo, epoch: int) -> int:
    offset = datetime.fromtimestamp(epoch, tz).utcoffset()
    assert offset is not None  # a tz-aware datetime always has one
    return int(offset.total_seconds())


def local_label(tz: tzinfo, epoch: int) -> str:
    """ "HH:MM" of the wall-clock time in `tz` at instant `epoch` (midnight is "00:00")."""
    return LABELS[(epoch + _offset_at(tz, epoch)) // 60 % 1440]


class _OffsetTable:
    """A zone's UTC offsets over a span, found once, so that each later lookup is a bisect on ints.

    `trans[k]` is the first UTC second of offset `offs[k + 1]`; `offs[0]` is in force before `trans[0]`.
    In local terms, transition k makes wall-clock times in [lows[k], highs[k]) a gap or an overlap.
    """

    __slots__ = ("hi", "highs", "lo", "lows", "offs", "trans", "tz")

    def __init__(self, tz: tzinfo, lo: int, hi: int) -> None:
        self.tz, self.lo, self.hi = tz, lo, hi
        trans: list[int] = []
        offs = [_offset_at(tz, lo)]
        prev = lo
        while prev < hi:
            nxt = min(prev + _SAMPLE_STEP, hi)
            nxt_off = _offset_at(tz, nxt)
            while nxt_off != offs[-1]:
                # Bisect (prev, nxt] for the first second with a different offset; repeat for a second change.
                a, b = prev, nxt
                while b - a > 1:
                    mid = (a + b) // 2
                    if _offset_at(tz, mid) == offs[-1]:
                        a = mid
                    else:
                        b = mid
                trans.append(b)
                offs.append(_offset_at(tz, b))
                prev = b
            prev = nxt
        self.trans = trans
        self.offs = offs
        self.lows = [t + min(offs[k], offs[k + 1]) for k, t in enumerate(trans)]
        self.highs = [t + max(offs[k], offs[k + 1]) for k, t in enumerate(trans)]

    def resolve(self, local: int) -> tuple[int, bool]:
        """UTC epoch of local wall-clock seconds (see resolve_local), and whether it fell in a gap or overlap.

        Before highs[k] the offset before transition k applies: that is the first occurrence of a repeated
        time and the pre-gap offset for a missing one.
        """
        k = bisect_right(self.highs, local)
        return local - self.offs[k], k < len(self.lows) and local >= self.lows[k]

    def day_offset(self, local_midnight: int) -> int | None:
        """The offset of a whole local day, or None when a transition touches that day."""
        k = bisect_right(self.highs, local_midnight)
        if k == len(self.lows) or self.lows[k] > local_midnight + _DAY:
            return self.offs[k]
        return None

    def offset(self, epoch: int) -> int:
        if self.lo <= epoch <= self.hi:
            return self.offs[bisect_right(self.trans, epoch)]
        return _offset_at(self.tz, epoch)

    def transition_inside(self, start: int, end: int) -> bool:
        """True when an offset change happens strictly between the two instants."""
        return bisect_left(self.trans, end) > bisect_right(self.trans, start)


# ---------------------------------------------------------------------------------------------------------
# Interval helpers
# ---------------------------------------------------------------------------------------------------------


def merge(intervals: Iterable[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Sorted, disjoint starts and ends of the union of half-open intervals (empty ones dropped)."""
    starts: list[int] = []
    ends: list[int] = []
    for s, e in sorted(iv for iv in intervals if iv[1] > iv[0]):
        if ends and s <= ends[-1]:
            if e > ends[-1]:
                ends[-1] = e
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


def covered(starts: list[int], ends: list[int], s: int, e: int) -> bool:
    """Is [s, e) inside one of the merged intervals?"""
    i = bisect_right(starts, s) - 1
    return i >= 0 and ends[i] >= e


def hits(starts: list[int], ends: list[int], s: int, e: int) -> bool:
    """Does [s, e) overlap any of the merged intervals?"""
    j = bisect_right(ends, s)
    return j < len(starts) and starts[j] < e


def _subtract(start: int, end: int, cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """[start, end) minus the union of `cuts` (sorted by start), as ordered pieces."""
    pieces: list[tuple[int, int]] = []
    cur = start
    for cs, ce in cuts:
        if cs >= end:
            break
        if ce <= cur or ce <= cs:
            continue
        if cs > cur:
            pieces.append((cur, cs))
        cur = ce
        if cur >= end:
            break
    if cur < end:
        pieces.append((cur, end))
    return pieces


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _label_of(t: time) -> str:
    return LABELS[t.hour * 60 + t.minute]


class _Prepared:
    """A window's times as seconds after local midnight and its dates as ordinals, computed once per call."""

    __slots__ = (
        "breaks",
        "end",
        "every",
        "first_ord",
        "labels",
        "last_ord",
        "priority",
        "rota_ord",
        "start",
        "step",
        "window",
    )

    def __init__(self, window: Window) -> None:
        self.window = window
        self.start = _seconds(window.work_start)
        self.end = _seconds(window.work_end)
        self.breaks = tuple((_seconds(b.start), _seconds(b.end)) for b in window.breaks)
        self.step = window.slot_interval_minutes * 60
        self.priority = window.priority
        self.first_ord = window.effective_from.toordinal() if window.effective_from else 0
        self.last_ord = window.effective_to.toordinal() if window.effective_to else date.max.toordinal()
        self.labels = (_label_of(window.work_start), _label_of(window.work_end))
        # A rota: dates on and after its first week's Monday whose week number is a multiple of `every`.
        self.every = window.repeat_every_weeks if window.repeat_anchor is not None else 1
        self.rota_ord = week_monday(window.repeat_anchor).toordinal() if window.repeat_anchor else 0
        if self.every > 1:
            self.first_ord = max(self.first_ord, self.rota_ord)


class _Cut:
    """One window on one date, resolved and with breaks and higher-priority windows taken out."""

    __slots__ = ("end", "leftover", "pieces", "prepared", "shifted", "start")

    def __init__(
        self, prepared: _Prepared, start: int, end: int, pieces: list[tuple[int, int]], shifted: bool
    ) -> None:
        self.prepared = prepared
        self.start = start
        self.end = end
        self.pieces = pieces
        self.leftover = sum((e - s) % prepared.step for s, e in pieces)
        self.shifted = shifted


def _cut_day(todays: list[_Prepared], midnight: int, table: _OffsetTable, day_off: int | None) -> list[_Cut]:
    """Resolve the windows applying on one date (local midnight given as seconds) and cut them into pieces.

    With `day_off` set no transition touches the date, and local times resolve by subtracting it.
    """
    spans: list[tuple[int, int, list[tuple[int, int]], bool]] = []
    for p in todays:
        if day_off is not None:
            base = midnight - day_off
            spans.append((base + p.start, base + p.end, [(base + s, base + e) for s, e in p.breaks], False))
            continue
        start, hit_start = table.resolve(midnight + p.start)
        end, hit_end = table.resolve(midnight + p.end)
        shifted = hit_start or hit_end or table.transition_inside(start, end)
        breaks = []
        for bs, be in p.breaks:
            (rbs, hit_bs), (rbe, hit_be) = table.resolve(midnight + bs), table.resolve(midnight + be)
            breaks.append((rbs, rbe))
            shifted = shifted or hit_bs or hit_be
        spans.append((start, end, breaks, shifted))

    cuts: list[_Cut] = []
    for i, (p, (start, end, breaks, shifted)) in enumerate(zip(todays, spans, strict=True)):
        # A higher-priority window takes its whole span, its own breaks included. Between equal priorities
        # the one starting first (in real time) keeps any overlap: validation forbids such overlaps on the
        # clock, but a DST gap can still create one (Athens 02:00–03:30 ends at 04:30 on spring-forward
        # day, inside 04:00–05:00), and slots must never overlap.
        taken = breaks + [
            (s, e)
            for j, (q, (s, e, _, _)) in enumerate(zip(todays, spans, strict=True))
            if q.priority > p.priority or (q.priority == p.priority and (s, j) < (start, i))
        ]
        taken.sort()
        cuts.append(_Cut(p, start, end, _subtract(start, end, taken), shifted))
    return cuts


# Slot creation is the engine's hot spot, and the frozen dataclass __init__ pays one object.__setattr__ call
# per field per slot. _SlotBuffer instead gathers the fields in flat lists and fills all instances at the
# end with C-level loops over the fields' slot descriptors, about twice as fast.
_new = object.__new__
_consume: Callable[[Iterable[object]], None] = deque[object](maxlen=0).extend
_set_start_utc = Slot.__dict__["start_utc"].__set__
_set_end_utc = Slot.__dict__["end_utc"].__set__
_set_start_local = Slot.__dict__["start_local"].__set__
_set_end_local = Slot.__dict__["end_local"].__set__
_LABEL_RING = LABELS * 4


def _label_run(minute: int, count: int, every: int) -> Sequence[str]:
    """Labels of `count` minutes from `minute` (of the day, may exceed 1440), `every` minutes apart."""
    stop = minute + count * every
    if stop <= len(_LABEL_RING):
        return _LABEL_RING[minute:stop:every]
    return [LABELS[m % 1440] for m in range(minute, stop, every)]


class _SlotBuffer:
    """Slot fields collected in flat lists; build() turns them into Slot objects in one pass."""

    __slots__ = ("end_labels", "ends", "start_labels", "starts")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.start_labels: list[str] = []
        self.end_labels: list[str] = []

    def __len__(self) -> int:
        return len(self.starts)

    def add_grid(self, first: int, count: int, step: int, offset: int) -> None:
        """`count` consecutive slots of `step` seconds from `first`, all labelled with one UTC offset."""
        stop = first + count * step
        self.starts += range(first, stop, step)
        self.ends += range(first + step, stop + step, step)
        minute, every = (first + offset) // 60 % 1440, step // 60
        self.start_labels += _label_run(minute, count, every)
        self.end_labels += _label_run(minute + every, count, every)

    def add(self, start: int, end: int, start_offset: int, end_offset: int) -> None:
        self.starts.append(start)
        self.ends.append(end)
        self.start_labels.append(LABELS[(start + start_offset) // 60 % 1440])
        self.end_labels.append(LABELS[(end + end_offset) // 60 % 1440])

    def build(self) -> tuple[Slot, ...]:
        slots: tuple[Slot, ...] = tuple(map(_new, repeat(Slot, len(self.starts))))
        _consume(map(_set_start_utc, slots, self.starts))
        _consume(map(_set_end_utc, slots, self.ends))
        _consume(map(_set_start_local, slots, self.start_labels))
        _consume(map(_set_end_local, slots, self.end_labels))
        return slots


def _kept_runs(
    first: int, count: int, step: int, blocked: tuple[list[int], list[int]]
) -> list[tuple[int, int]]:
    """Index ranges [a, b) of the grid `first + i*step` (i < count) whose slots touch no blocked interval."""
    bstarts, bends = blocked
    runs: list[tuple[int, int]] = []
    a = 0
    stop = first + count * step
    j = bisect_right(bends, first)
    while j < len(bstarts) and bstarts[j] < stop:
        lo = max((bstarts[j] - first) // step, 0)  # first slot ending after the blocked start
        hi = min(-((first - bends[j]) // step), count)  # first slot starting at or after the blocked end
        if lo > a:
            runs.append((a, lo))
        a = max(a, hi)
        j += 1
    if a < count:
        runs.append((a, count))
    return runs


def _emit(
    buffer: _SlotBuffer,
    pieces: list[tuple[int, int]],
    step: int,
    table: _OffsetTable,
    day_off: int | None,
    blocked: tuple[list[int], list[int]],
) -> None:
    """Whole slots of `step` seconds from each piece's start, minus those a blocked interval overlaps."""
    trans, offs = table.trans, table.offs
    for s0, e0 in pieces:
        count = (e0 - s0) // step
        if not count:
            continue
        for a, b in _kept_runs(s0, count, step, blocked):
            first, stop = s0 + a * step, s0 + b * step
            off = day_off
            if off is None and bisect_right(trans, first) == bisect_right(trans, stop):
                off = offs[bisect_right(trans, first)]
            if off is not None:
                buffer.add_grid(first, b - a, step, off)
                continue
            # A transition inside this run: the label offset changes between two slots.
            for s in range(first, stop, step):
                buffer.add(s, s + step, table.offset(s), table.offset(s + step))


class _Template:
    """A transition-free date's cut window in local seconds: reused, shifted, for every such date."""

    __slots__ = ("cut", "end_labels", "fields", "grids", "start_labels")

    def __init__(self, cut: _Cut, table: _OffsetTable) -> None:
        self.cut = cut
        self.fields = _fields(cut)
        step = cut.prepared.step
        local = _SlotBuffer()
        _emit(local, cut.pieces, step, table, 0, ([], []))
        self.grids = [(s, (e - s) // step) for s, e in cut.pieces if e - s >= step]
        self.start_labels = local.start_labels
        self.end_labels = local.end_labels


# ---------------------------------------------------------------------------------------------------------
# The engine
# ---------------------------------------------------------------------------------------------------------

# Everything a WindowSlots needs once the slots exist: date ordinal, sort key, slot index range, and the
# WindowSlots fields other than `slots`.
_Pending = tuple[int, tuple[int, int, int], int, int, tuple[object, str, str, int, int, bool]]


def expand(
    windows: Sequence[Window],
    tz: ZoneInfo,
    start: date,
    end: date,
    *,
    blocked: Iterable[tuple[int, int]] = (),
    openings: Sequence[Opening] = (),
    occupied: Iterable[tuple[int, int]] = (),
    closed: Iterable[tuple[int, int]] = (),
) -> list[DaySlots]:
    """Slots of `windows` and `openings` for the calendar dates start..end (inclusive) in `tz`.

    Per date and window: resolve start, end and breaks (see resolve_local), subtract the breaks and the spans
    of every higher-priority window applying that date, then cut each remaining piece into whole slots from
    the piece's own start. A span or break that resolves backwards (both ends in or around a gap) is empty.
    Blocked intervals (UTC, half-open) drop every slot they overlap without shifting the grid. Opening slots
    are cut from the opening's start, grouped under the local date of their start, and dropped where they
    overlap a blocked interval or any rule slot (openings do not cut each other, nor do equal-priority
    windows). `occupied` are further rule slots (UTC spans) that opening slots must not overlap: those of
    windows expanded in another zone. `closed` intervals (clinic closures) drop the rule slots they overlap,
    as blocked ones do, but no opening slot. Only dates with an applying window or an opening slot are
    returned.
    """
    if end < start:
        return []
    first_ord, last_ord = start.toordinal(), end.toordinal()
    range_lo = (first_ord - _EPOCH_ORDINAL) * _DAY
    range_hi = (last_ord + 1 - _EPOCH_ORDINAL) * _DAY
    longest_opening = max((o.slot_interval_minutes * 60 for o in openings), default=0)
    table = _OffsetTable(tz, range_lo - _MARGIN, range_hi + _MARGIN + longest_opening)
    blocked = list(blocked)
    merged_blocked = merge(blocked)
    closed = list(closed)
    rule_blocked = merge([*blocked, *closed]) if closed else merged_blocked  # what rule slots lose
    has_blocked = bool(rule_blocked[0])

    by_weekday: list[list[_Prepared]] = [[] for _ in range(8)]
    for w in windows:
        by_weekday[w.day_of_week].append(_Prepared(w))

    buffer = _SlotBuffer()
    pending: list[_Pending] = []
    templates: dict[tuple[int, ...], list[_Template]] = {}
    for ordinal in range(first_ord, last_ord + 1):
        weekday = (ordinal - 1) % 7 + 1  # ordinal 1 (0001-01-01) is a Monday
        todays = [
            p
            for p in by_weekday[weekday]
            if p.first_ord <= ordinal <= p.last_ord
            and (p.every == 1 or (ordinal - p.rota_ord) // 7 % p.every == 0)
        ]
        if not todays:
            continue
        midnight = (ordinal - _EPOCH_ORDINAL) * _DAY
        day_off = table.day_offset(midnight)
        if day_off is None:
            for cut in _cut_day(todays, midnight, table, None):
                begin = len(buffer.starts)
                _emit(buffer, cut.pieces, cut.prepared.step, table, None, rule_blocked)
                pending.append((ordinal, (cut.start, cut.end, 0), begin, len(buffer.starts), _fields(cut)))
            continue
        # Without a transition a date is its weekday's template moved to this date's base.
        key = tuple(map(id, todays))
        if key not in templates:
            templates[key] = [_Template(cut, table) for cut in _cut_day(todays, 0, table, 0)]
        base = midnight - day_off
        for tpl in templates[key]:
            cut, step, begin = tpl.cut, tpl.cut.prepared.step, len(buffer.starts)
            if has_blocked and hits(*rule_blocked, base + cut.start, base + cut.end):
                moved = [(base + s, base + e) for s, e in cut.pieces]
                _emit(buffer, moved, step, table, day_off, rule_blocked)
            else:
                for first, count in tpl.grids:
                    buffer.starts += range(base + first, base + first + count * step, step)
                    buffer.ends += range(base + first + step, base + first + (count + 1) * step, step)
                buffer.start_labels += tpl.start_labels
                buffer.end_labels += tpl.end_labels
            sort_key = (base + cut.start, base + cut.end, 0)
            pending.append((ordinal, sort_key, begin, len(buffer.starts), tpl.fields))

    if openings:
        _add_openings(openings, table, buffer, pending, merged_blocked, first_ord, last_ord, occupied)

    slots = buffer.build()  # a tuple: slicing it yields the tuple each WindowSlots keeps
    by_date: dict[int, list[tuple[tuple[int, int, int], WindowSlots]]] = {}
    for ordinal, sort_key, begin, stop, (tag, start_label, end_label, interval, leftover, shifted) in pending:
        kind: Kind = "opening" if sort_key[2] else "rule"
        ws = WindowSlots(tag, start_label, end_label, interval, slots[begin:stop], leftover, shifted, kind)
        by_date.setdefault(ordinal, []).append((sort_key, ws))
    days = []
    for ordinal in sorted(by_date):
        group = by_date[ordinal]
        if len(group) > 1:
            group.sort(key=_sort_key)
        days.append(
            DaySlots(date.fromordinal(ordinal), (ordinal - 1) % 7 + 1, tuple([ws for _, ws in group]))
        )
    return days


def _sort_key(pair: tuple[tuple[int, int, int], WindowSlots]) -> tuple[int, int, int]:
    return pair[0]


def _fields(cut: _Cut) -> tuple[object, str, str, int, int, bool]:
    """The WindowSlots fields of a cut window, other than its slots."""
    p = cut.prepared
    return p.window.key, *p.labels, p.window.slot_interval_minutes, cut.leftover // 60, cut.shifted


def _add_openings(
    openings: Sequence[Opening],
    table: _OffsetTable,
    buffer: _SlotBuffer,
    pending: list[_Pending],
    blocked: tuple[list[int], list[int]],
    first_ord: int,
    last_ord: int,
    occupied: Iterable[tuple[int, int]],
) -> None:
    """Add each opening's slots, per local date of their start, after the rule slots already in `buffer`."""
    span_lo = min(o.start_utc for o in openings)
    span_hi = max(o.end_utc for o in openings)
    rules = merge(
        (s, e)
        for s, e in [*zip(buffer.starts, buffer.ends, strict=True), *occupied]
        if s < span_hi and e > span_lo
    )
    # A slot whose local start date is in range starts within these UTC bounds (offsets stay under a day).
    lo = (first_ord - _EPOCH_ORDINAL) * _DAY - 2 * _DAY
    hi = (last_ord + 1 - _EPOCH_ORDINAL) * _DAY + 2 * _DAY
    for op in openings:
        step = op.slot_interval_minutes * 60
        s = op.start_utc
        if s < lo:
            s += (lo - s) // step * step
        per_day: dict[int, list[int]] = {}
        while s + step <= op.end_utc and s < hi:
            ordinal = (s + table.offset(s)) // _DAY + _EPOCH_ORDINAL
            if (
                first_ord <= ordinal <= last_ord
                and not hits(*blocked, s, s + step)
                and not hits(*rules, s, s + step)
            ):
                per_day.setdefault(ordinal, []).append(s)
            s += step
        labels = (
            LABELS[(op.start_utc + table.offset(op.start_utc)) // 60 % 1440],
            LABELS[(op.end_utc + table.offset(op.end_utc)) // 60 % 1440],
        )
        leftover = max(op.end_utc - op.start_utc, 0) % step // 60
        for n, ordinal in enumerate(sorted(per_day)):
            begin = len(buffer)
            for s in per_day[ordinal]:
                buffer.add(s, s + step, table.offset(s), table.offset(s + step))
            midnight = (ordinal - _EPOCH_ORDINAL) * _DAY
            day_start, day_end = table.resolve(midnight)[0], table.resolve(midnight + _DAY)[0]
            shifted = table.transition_inside(max(op.start_utc, day_start), min(op.end_utc, day_end))
            # The opening's leftover tail is reported once, on its first date.
            fields = (op.key, *labels, op.slot_interval_minutes, leftover if n == 0 else 0, shifted)
            pending.append((ordinal, (op.start_utc, op.end_utc, 1), begin, len(buffer), fields))


def total_slots(days: Iterable[DaySlots]) -> int:
    """Number of slots across all dates and windows."""
    return sum(len(ws.slots) for day in days for ws in day.windows)
