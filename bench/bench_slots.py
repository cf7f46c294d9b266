"""Times the slot engine's year preview against a per-slot zoneinfo baseline; exits 1 if they disagree."""

from __future__ import annotations

import gc
import statistics
import sys
import time as clock
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduling.slots import Break, Slot, Window, expand, total_slots

TZ = ZoneInfo("Europe/Athens")
START = date(2027, 1, 1)
END = date(2027, 12, 31)  # includes both DST changes (2027-03-28 and 2027-10-31)
ENGINE_RUNS = 50
BASELINE_RUNS = 10

Row = tuple[date, object, int, int, str, str]


def year_windows() -> list[Window]:
    """Two windows every day, 10-minute slots, one break in each."""
    windows = []
    for dow in range(1, 8):
        morning_break = (Break(time(10, 30), time(10, 45)),)
        windows.append(Window(dow, time(8), time(13), 10, morning_break, key=("morning", dow)))
        afternoon_break = (Break(time(16), time(16, 15)),)
        windows.append(Window(dow, time(14), time(20), 10, afternoon_break, key=("afternoon", dow)))
    return windows


def baseline(
    windows: Sequence[Window], tz: ZoneInfo, start: date, end: date
) -> list[tuple[date, object, Slot]]:
    """The straightforward way: tz-aware datetimes for every boundary and every slot."""
    out: list[tuple[date, object, Slot]] = []
    d = start
    while d <= end:
        todays = [w for w in windows if w.applies_on(d)]
        spans = {id(w): _aware(d, w.work_start, tz, w.work_end) for w in todays}
        for w in sorted(todays, key=lambda w: spans[id(w)][0]):
            w_start, w_end = spans[id(w)]
            taken = [_aware(d, b.start, tz, b.end) for b in w.breaks]
            taken += [spans[id(h)] for h in todays if h.priority > w.priority]
            step = timedelta(minutes=w.slot_interval_minutes)
            cursor = w_start
            for t_start, t_end in [*sorted(taken), (w_end, w_end)]:
                piece_end = min(t_start, w_end)
                while cursor + step <= piece_end:
                    s, e = cursor.astimezone(tz), (cursor + step).astimezone(tz)
                    out.append(
                        (d, w.key, Slot(int(s.timestamp()), int(e.timestamp()), f"{s:%H:%M}", f"{e:%H:%M}"))
                    )
                    cursor += step
                cursor = max(cursor, t_end)
        d += timedelta(days=1)
    return out


def _aware(d: date, t1: time, tz: ZoneInfo, t2: time) -> tuple[datetime, datetime]:
    return (
        datetime.combine(d, t1, tzinfo=tz).astimezone(UTC),
        datetime.combine(d, t2, tzinfo=tz).astimezone(UTC),
    )


def measure(fn: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds per call; the result is freed after the clock stops (freeing is the caller's cost)."""
    times = []
    for _ in range(runs):
        gc.collect()
        t0 = clock.perf_counter()
        result = fn()
        times.append((clock.perf_counter() - t0) * 1000)
        del result
    return times


def main() -> int:
    windows = year_windows()
    days = expand(windows, TZ, START, END)
    engine_rows: list[Row] = [
        (day.date, ws.key, s.start_utc, s.end_utc, s.start_local, s.end_local)
        for day in days
        for ws in day.windows
        for s in ws.slots
    ]
    base_rows: list[Row] = [
        (d, key, s.start_utc, s.end_utc, s.start_local, s.end_local)
        for d, key, s in baseline(windows, TZ, START, END)
    ]
    same = engine_rows == base_rows

    engine_ms = measure(lambda: expand(windows, TZ, START, END), ENGINE_RUNS)
    base_ms = measure(lambda: baseline(windows, TZ, START, END), BASELINE_RUNS)
    e_best, e_med = min(engine_ms), statistics.median(engine_ms)
    b_best, b_med = min(base_ms), statistics.median(base_ms)

    print(f"Year preview, {TZ.key} {START}..{END}: {len(windows)} windows, {total_slots(days):,} slots")
    print(f"{'implementation':<28}{'runs':>6}{'best ms':>10}{'median ms':>11}")
    print(f"{'slots.expand':<28}{ENGINE_RUNS:>6}{e_best:>10.2f}{e_med:>11.2f}")
    print(f"{'per-slot zoneinfo baseline':<28}{BASELINE_RUNS:>6}{b_best:>10.2f}{b_med:>11.2f}")
    print(f"{'speed-up':<28}{'':>6}{b_best / e_best:>9.1f}x{b_med / e_med:>10.1f}x")
    print(f"outputs identical: {'yes' if same else 'NO'} ({len(engine_rows):,} vs {len(base_rows):,} slots)")
    if not same:
        for a, b in zip(engine_rows, base_rows, strict=False):
            if a != b:
                print(f"first difference: engine {a} baseline {b}")
                break
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
