"""Fixed cases for the slot engine: the DST traps, breaks, priority, dates, blocked time and openings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduling.slots import (
    Break,
    DaySlots,
    Opening,
    Slot,
    Window,
    WindowSlots,
    expand,
    local_label,
    resolve_local,
    total_slots,
)

ATHENS = ZoneInfo("Europe/Athens")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
TOKYO = ZoneInfo("Asia/Tokyo")
ZULU = ZoneInfo("UTC")

ATHENS_SPRING = date(2026, 3, 29)  # 03:00 EET -> 04:00 EEST at 01:00 UTC
ATHENS_FALL = date(2026, 10, 25)  # 04:00 EEST -> 03:00 EET at 01:00 UTC
ORDINARY_MONDAY = date(2026, 6, 1)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> int:
    return int(datetime(y, mo, d, h, mi, tzinfo=UTC).timestamp())


def window(
    d: date,
    start: str,
    end: str,
    interval: int = 30,
    breaks: tuple[tuple[str, str], ...] = (),
    **kwargs: object,
) -> Window:
    return Window(
        day_of_week=d.isoweekday(),
        work_start=time.fromisoformat(start),
        work_end=time.fromisoformat(end),
        slot_interval_minutes=interval,
        breaks=tuple(Break(time.fromisoformat(s), time.fromisoformat(e)) for s, e in breaks),
        **kwargs,  # type: ignore[arg-type]
    )


def day(windows: list[Window], tz: ZoneInfo, d: date, **kwargs: object) -> tuple[WindowSlots, ...]:
    days = expand(windows, tz, d, d, **kwargs)  # type: ignore[arg-type]
    assert [x.date for x in days] == [d]
    return days[0].windows


def only(windows: list[Window], tz: ZoneInfo, d: date, **kwargs: object) -> WindowSlots:
    (ws,) = day(windows, tz, d, **kwargs)
    return ws


def starts_local(ws: WindowSlots) -> list[str]:
    return [s.start_local for s in ws.slots]


def hours(ws: WindowSlots) -> float:
    return sum(s.end_utc - s.start_utc for s in ws.slots) / 3600


# --- resolving local times -------------------------------------------------------------------------------


def test_gap_time_is_moved_forward_by_the_gap_length() -> None:
    assert resolve_local(ATHENS, ATHENS_SPRING, time(3, 30)) == utc(2026, 3, 29, 1, 30)
    assert local_label(ATHENS, utc(2026, 3, 29, 1, 30)) == "04:30"


def test_repeated_time_means_its_first_occurrence() -> None:
    assert resolve_local(ATHENS, ATHENS_FALL, time(3, 30)) == utc(2026, 10, 25, 0, 30)


def test_ordinary_time_resolves_with_its_offset() -> None:
    assert resolve_local(ATHENS, ORDINARY_MONDAY, time(9)) == utc(2026, 6, 1, 6)
    assert resolve_local(TOKYO, ORDINARY_MONDAY, time(9)) == utc(2026, 6, 1, 0)


def test_new_york_gap_and_repeated_hour() -> None:
    assert resolve_local(NEW_YORK, date(2026, 3, 8), time(2, 30)) == utc(2026, 3, 8, 7, 30)  # 03:30 EDT
    assert resolve_local(NEW_YORK, date(2026, 11, 1), time(1, 30)) == utc(2026, 11, 1, 5, 30)  # EDT, first


def test_lord_howe_half_hour_gap_moves_forward_thirty_minutes() -> None:
    # 2026-10-04 02:00 +10:30 -> 02:30 +11:00; 02:15 does not exist and reads as 02:45.
    resolved = resolve_local(LORD_HOWE, date(2026, 10, 4), time(2, 15))
    assert resolved == utc(2026, 10, 3, 15, 45)
    assert local_label(LORD_HOWE, resolved) == "02:45"


def test_lord_howe_half_hour_overlap_takes_first_occurrence() -> None:
    # 2026-04-05 02:00 +11:00 -> 01:30 +10:30; 01:45 happens twice, first at +11:00.
    assert resolve_local(LORD_HOWE, date(2026, 4, 5), time(1, 45)) == utc(2026, 4, 4, 14, 45)


# --- windows across DST changes --------------------------------------------------------------------------


def test_window_across_spring_gap_yields_one_hour_less() -> None:
    ws = only([window(ATHENS_SPRING, "02:00", "06:00")], ATHENS, ATHENS_SPRING)
    assert hours(ws) == 3
    assert len(ws.slots) == 6
    assert ws.slots[0] == Slot(utc(2026, 3, 29, 0), utc(2026, 3, 29, 0, 30), "02:00", "02:30")
    assert ws.slots[1] == Slot(utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1), "02:30", "04:00")
    assert starts_local(ws) == ["02:00", "02:30", "04:00", "04:30", "05:00", "05:30"]


def test_window_across_fall_overlap_yields_one_hour_more() -> None:
    ws = only([window(ATHENS_FALL, "02:00", "06:00")], ATHENS, ATHENS_FALL)
    assert hours(ws) == 5
    assert starts_local(ws) == [
        "02:00", "02:30", "03:00", "03:30", "03:00", "03:30", "04:00", "04:30", "05:00", "05:30",
    ]  # fmt: skip
    assert ws.slots[0].start_utc == utc(2026, 10, 24, 23)
    assert ws.slots[-1].end_utc == utc(2026, 10, 25, 4)


def test_window_inside_the_gap_hour_has_no_slots() -> None:
    # 03:00-04:00 does not exist that day: both ends resolve to 01:00 UTC.
    ws = only([window(ATHENS_SPRING, "03:00", "04:00")], ATHENS, ATHENS_SPRING)
    assert ws.slots == ()
    assert ws.remainder_minutes == 0
    assert ws.dst_shifted


def test_window_starting_in_the_gap_starts_after_it() -> None:
    ws = only([window(ATHENS_SPRING, "03:30", "06:00")], ATHENS, ATHENS_SPRING)
    assert ws.slots[0].start_utc == utc(2026, 3, 29, 1, 30)
    assert starts_local(ws) == ["04:30", "05:00", "05:30"]


def test_repeated_hour_window_lasts_two_hours() -> None:
    ws = only([window(ATHENS_FALL, "03:00", "04:00")], ATHENS, ATHENS_FALL)
    assert hours(ws) == 2
    assert starts_local(ws) == ["03:00", "03:30", "03:00", "03:30"]


def test_window_across_the_changing_hour_on_both_days() -> None:
    spring = only([window(ATHENS_SPRING, "02:30", "04:30")], ATHENS, ATHENS_SPRING)
    fall = only([window(ATHENS_FALL, "02:30", "04:30")], ATHENS, ATHENS_FALL)
    assert hours(spring) == 1
    assert hours(fall) == 3


def test_window_start_in_overlap_resolves_to_first_occurrence() -> None:
    ws = only([window(ATHENS_FALL, "03:30", "05:00")], ATHENS, ATHENS_FALL)
    assert ws.slots[0].start_utc == utc(2026, 10, 25, 0, 30)
    assert hours(ws) == 2.5


def test_break_inside_the_gap_is_moved_forward_with_it() -> None:
    # The break 03:15-03:45 resolves to 04:15-04:45 EEST, so it cuts the post-gap grid there.
    ws = only([window(ATHENS_SPRING, "02:00", "06:00", breaks=(("03:15", "03:45"),))], ATHENS, ATHENS_SPRING)
    assert [s.start_utc for s in ws.slots] == [
        utc(2026, 3, 29, 0),
        utc(2026, 3, 29, 0, 30),
        utc(2026, 3, 29, 1, 45),
        utc(2026, 3, 29, 2, 15),
    ]
    assert starts_local(ws) == ["02:00", "02:30", "04:45", "05:15"]
    assert ws.remainder_minutes == 30


def test_new_york_spring_day_loses_an_hour() -> None:
    ws = only([window(date(2026, 3, 8), "00:00", "06:00", 60)], NEW_YORK, date(2026, 3, 8))
    assert starts_local(ws) == ["00:00", "01:00", "03:00", "04:00", "05:00"]


def test_new_york_fall_day_gains_an_hour() -> None:
    ws = only([window(date(2026, 11, 1), "00:00", "06:00", 60)], NEW_YORK, date(2026, 11, 1))
    assert starts_local(ws) == ["00:00", "01:00", "01:00", "02:00", "03:00", "04:00", "05:00"]


def test_lord_howe_spring_day_loses_half_an_hour() -> None:
    ws = only([window(date(2026, 10, 4), "01:00", "04:00")], LORD_HOWE, date(2026, 10, 4))
    assert hours(ws) == 2.5
    assert starts_local(ws) == ["01:00", "01:30", "02:30", "03:00", "03:30"]
    assert ws.dst_shifted


def test_lord_howe_fall_day_gains_half_an_hour() -> None:
    ws = only([window(date(2026, 4, 5), "01:00", "04:00")], LORD_HOWE, date(2026, 4, 5))
    assert hours(ws) == 3.5
    assert starts_local(ws) == ["01:00", "01:30", "01:30", "02:00", "02:30", "03:00", "03:30"]


def test_zone_without_dst_keeps_the_same_grid_all_year() -> None:
    windows = [Window(dow, time(9), time(17), 60) for dow in range(1, 8)]
    days = expand(windows, TOKYO, date(2026, 1, 1), date(2026, 12, 31))
    assert len(days) == 365
    assert all(starts_local(ws) == [f"{h:02d}:00" for h in range(9, 17)] for d in days for ws in d.windows)
    assert not any(ws.dst_shifted for d in days for ws in d.windows)
    assert days[0].windows[0].slots[0].start_utc == utc(2026, 1, 1, 0)


def test_slot_grid_follows_the_offset_of_each_season() -> None:
    winter = only([window(date(2026, 1, 5), "09:00", "10:00", 60)], ATHENS, date(2026, 1, 5))
    summer = only([window(ORDINARY_MONDAY, "09:00", "10:00", 60)], ATHENS, ORDINARY_MONDAY)
    assert winter.slots[0].start_utc == utc(2026, 1, 5, 7)
    assert summer.slots[0].start_utc == utc(2026, 6, 1, 6)


# --- breaks, remainder, labels ---------------------------------------------------------------------------


def test_break_at_window_start_moves_first_slot() -> None:
    ws = only(
        [window(ORDINARY_MONDAY, "09:00", "11:00", breaks=(("09:00", "09:30"),))], ZULU, ORDINARY_MONDAY
    )
    assert starts_local(ws) == ["09:30", "10:00", "10:30"]


def test_break_at_window_end_drops_last_slot() -> None:
    ws = only(
        [window(ORDINARY_MONDAY, "09:00", "11:00", breaks=(("10:30", "11:00"),))], ZULU, ORDINARY_MONDAY
    )
    assert starts_local(ws) == ["09:00", "09:30", "10:00"]


def test_break_covering_the_window_leaves_no_slots() -> None:
    ws = only(
        [window(ORDINARY_MONDAY, "09:00", "11:00", breaks=(("09:00", "11:00"),))], ZULU, ORDINARY_MONDAY
    )
    assert ws.slots == ()
    assert ws.remainder_minutes == 0


def test_grid_restarts_after_a_break() -> None:
    ws = only(
        [window(ORDINARY_MONDAY, "09:00", "11:00", breaks=(("09:40", "09:50"),))], ZULU, ORDINARY_MONDAY
    )
    assert starts_local(ws) == ["09:00", "09:50", "10:20"]
    assert ws.remainder_minutes == 10 + 10


def test_remainder_counts_minutes_that_fit_no_whole_slot() -> None:
    ws = only([window(ORDINARY_MONDAY, "09:00", "10:50")], ZULU, ORDINARY_MONDAY)
    assert len(ws.slots) == 3
    assert ws.remainder_minutes == 20


def test_window_labels_are_the_configured_wall_clock_times() -> None:
    ws = only([window(ATHENS_SPRING, "02:00", "06:00", key="rule-1")], ATHENS, ATHENS_SPRING)
    assert (ws.key, ws.work_start_local, ws.work_end_local, ws.slot_interval_minutes) == (
        "rule-1",
        "02:00",
        "06:00",
        30,
    )


def test_slot_labels_are_local_wall_clock() -> None:
    ws = only([window(ORDINARY_MONDAY, "09:00", "10:00")], ATHENS, ORDINARY_MONDAY)
    assert [(s.start_local, s.end_local) for s in ws.slots] == [("09:00", "09:30"), ("09:30", "10:00")]


def test_slot_ending_at_local_midnight_is_labelled_00_00() -> None:
    opening = Opening(utc(2026, 6, 1, 20, 30), utc(2026, 6, 1, 21), 30)  # 23:30-00:00 EEST
    (ws,) = day([], ATHENS, ORDINARY_MONDAY, openings=[opening])
    assert (ws.slots[0].start_local, ws.slots[0].end_local) == ("23:30", "00:00")


# --- the DST_SHIFTED flag --------------------------------------------------------------------------------


def test_dst_flag_is_off_on_an_ordinary_day() -> None:
    assert not only([window(ORDINARY_MONDAY, "02:00", "06:00")], ATHENS, ORDINARY_MONDAY).dst_shifted


def test_dst_flag_is_set_when_the_change_falls_inside_the_window() -> None:
    assert only([window(ATHENS_SPRING, "02:00", "06:00")], ATHENS, ATHENS_SPRING).dst_shifted
    assert only([window(ATHENS_FALL, "02:00", "06:00")], ATHENS, ATHENS_FALL).dst_shifted


def test_dst_flag_is_off_for_a_window_away_from_the_change() -> None:
    assert not only([window(ATHENS_SPRING, "09:00", "17:00")], ATHENS, ATHENS_SPRING).dst_shifted


def test_dst_flag_is_off_for_a_window_starting_right_after_the_gap() -> None:
    assert not only([window(ATHENS_SPRING, "04:00", "06:00")], ATHENS, ATHENS_SPRING).dst_shifted


def test_dst_flag_is_set_for_a_window_ending_in_the_repeated_hour() -> None:
    assert only([window(ATHENS_FALL, "01:00", "03:00")], ATHENS, ATHENS_FALL).dst_shifted


# --- priority --------------------------------------------------------------------------------------------


def test_higher_priority_window_takes_its_whole_span_from_a_lower_one() -> None:
    low = window(ORDINARY_MONDAY, "09:00", "17:00", 60, key="low")
    high = window(ORDINARY_MONDAY, "12:00", "14:00", 30, breaks=(("12:30", "13:00"),), priority=1, key="high")
    first, second = day([low, high], ZULU, ORDINARY_MONDAY)
    assert first.key == "low"  # ordered by start time
    assert starts_local(first) == ["09:00", "10:00", "11:00", "14:00", "15:00", "16:00"]
    assert second.key == "high"
    assert starts_local(second) == ["12:00", "13:00", "13:30"]


def test_priority_cut_leaves_a_remainder_on_the_lower_window() -> None:
    low = window(ORDINARY_MONDAY, "09:00", "17:00", 60, key="low")
    high = window(ORDINARY_MONDAY, "12:30", "13:00", 30, priority=5, key="high")
    ws = {w.key: w for w in day([low, high], ZULU, ORDINARY_MONDAY)}
    assert starts_local(ws["low"]) == ["09:00", "10:00", "11:00", "13:00", "14:00", "15:00", "16:00"]
    assert ws["low"].remainder_minutes == 30


def test_priority_applies_only_where_windows_overlap() -> None:
    low = window(ORDINARY_MONDAY, "09:00", "11:00", 60, key="low")
    high = window(ORDINARY_MONDAY, "14:00", "15:00", 60, priority=1, key="high")
    ws = {w.key: w for w in day([low, high], ZULU, ORDINARY_MONDAY)}
    assert starts_local(ws["low"]) == ["09:00", "10:00"]


def test_equal_priority_overlap_goes_to_the_earlier_window() -> None:
    a = window(ORDINARY_MONDAY, "09:00", "11:00", 60, key="a")
    b = window(ORDINARY_MONDAY, "10:00", "12:00", 60, key="b")
    assert [starts_local(w) for w in day([a, b], ZULU, ORDINARY_MONDAY)] == [["09:00", "10:00"], ["11:00"]]


def test_windows_pushed_together_by_a_dst_gap_never_overlap() -> None:
    # On Athens' spring-forward day 03:30 does not exist and resolves to 04:30, inside 04:00–05:00.
    spring = date(2026, 3, 29)
    a = window(spring, "02:00", "03:30", 30, key="a")
    b = window(spring, "04:00", "05:00", 30, key="b")
    first, second = day([a, b], ATHENS, spring)
    assert starts_local(first) == ["02:00", "02:30", "04:00"]
    assert starts_local(second) == ["04:30"]


def test_windows_are_ordered_by_start_time() -> None:
    late = window(ORDINARY_MONDAY, "14:00", "15:00", key="late")
    early = window(ORDINARY_MONDAY, "08:00", "09:00", key="early")
    assert [w.key for w in day([late, early], ATHENS, ORDINARY_MONDAY)] == ["early", "late"]


# --- dates -----------------------------------------------------------------------------------------------


def test_window_applies_only_on_its_weekday() -> None:
    days = expand([window(ORDINARY_MONDAY, "09:00", "10:00")], ATHENS, ORDINARY_MONDAY, date(2026, 6, 14))
    assert [(d.date, d.day_of_week) for d in days] == [(date(2026, 6, 1), 1), (date(2026, 6, 8), 1)]


def test_effective_range_is_inclusive_at_both_ends() -> None:
    w = window(
        ORDINARY_MONDAY, "09:00", "10:00", effective_from=date(2026, 6, 8), effective_to=date(2026, 6, 15)
    )
    days = expand([w], ATHENS, date(2026, 5, 25), date(2026, 6, 29))
    assert [d.date for d in days] == [date(2026, 6, 8), date(2026, 6, 15)]


def test_open_ended_effective_range() -> None:
    w = window(ORDINARY_MONDAY, "09:00", "10:00", effective_to=date(2026, 6, 8))
    days = expand([w], ATHENS, date(2026, 5, 25), date(2026, 6, 29))
    assert [d.date for d in days] == [date(2026, 5, 25), date(2026, 6, 1), date(2026, 6, 8)]


def test_date_range_is_inclusive() -> None:
    windows = [Window(dow, time(9), time(10), 30) for dow in range(1, 8)]
    days = expand(windows, ATHENS, date(2026, 6, 1), date(2026, 6, 7))
    assert [d.date for d in days] == [date(2026, 6, 1) + timedelta(days=i) for i in range(7)]
    assert total_slots(days) == 14


def test_empty_date_range_yields_nothing() -> None:
    assert (
        expand([window(ORDINARY_MONDAY, "09:00", "10:00")], ATHENS, date(2026, 6, 2), date(2026, 6, 1)) == []
    )


def test_window_without_slots_still_lists_its_date() -> None:
    days = expand([window(ORDINARY_MONDAY, "09:00", "09:20")], ZULU, ORDINARY_MONDAY, ORDINARY_MONDAY)
    assert days == [
        DaySlots(ORDINARY_MONDAY, 1, (WindowSlots(None, "09:00", "09:20", 30, (), 20, False),)),
    ]


def test_year_long_expansion_counts_every_slot() -> None:
    windows = [Window(dow, time(9), time(17), 30, (Break(time(13), time(14)),)) for dow in range(1, 6)]
    days = expand(windows, ATHENS, date(2026, 1, 1), date(2026, 12, 31))
    assert len(days) == 261  # weekdays in 2026
    assert total_slots(days) == 261 * 14


# --- blocked time ----------------------------------------------------------------------------------------


def test_blocked_interval_removes_overlapping_slots_without_shifting_the_grid() -> None:
    blocked = [(utc(2026, 6, 1, 10, 10), utc(2026, 6, 1, 10, 40))]
    ws = only([window(ORDINARY_MONDAY, "09:00", "12:00")], ZULU, ORDINARY_MONDAY, blocked=blocked)
    assert starts_local(ws) == ["09:00", "09:30", "11:00", "11:30"]


def test_blocked_interval_is_half_open() -> None:
    blocked = [(utc(2026, 6, 1, 9, 30), utc(2026, 6, 1, 10))]
    ws = only([window(ORDINARY_MONDAY, "09:00", "11:00")], ZULU, ORDINARY_MONDAY, blocked=blocked)
    assert starts_local(ws) == ["09:00", "10:00", "10:30"]


def test_several_blocked_intervals_in_any_order() -> None:
    blocked = [
        (utc(2026, 6, 1, 11, 0), utc(2026, 6, 1, 11, 1)),
        (utc(2026, 6, 1, 9, 0), utc(2026, 6, 1, 9, 15)),
        (utc(2026, 6, 1, 9, 10), utc(2026, 6, 1, 9, 31)),
    ]
    ws = only([window(ORDINARY_MONDAY, "09:00", "12:00")], ZULU, ORDINARY_MONDAY, blocked=blocked)
    assert starts_local(ws) == ["10:00", "10:30", "11:30"]


def test_blocked_day_off_empties_the_window_but_keeps_the_date() -> None:
    blocked = [(utc(2026, 6, 1), utc(2026, 6, 2))]
    ws = only([window(ORDINARY_MONDAY, "09:00", "12:00")], ZULU, ORDINARY_MONDAY, blocked=blocked)
    assert ws.slots == ()
    assert ws.remainder_minutes == 0


def test_blocked_interval_on_a_dst_day_keeps_the_grid() -> None:
    blocked = [(utc(2026, 3, 29, 1), utc(2026, 3, 29, 1, 30))]  # 04:00-04:30 EEST
    ws = only([window(ATHENS_SPRING, "02:00", "06:00")], ATHENS, ATHENS_SPRING, blocked=blocked)
    assert starts_local(ws) == ["02:00", "02:30", "04:30", "05:00", "05:30"]


def test_empty_blocked_interval_blocks_nothing() -> None:
    blocked = [(utc(2026, 6, 1, 10), utc(2026, 6, 1, 10))]
    ws = only([window(ORDINARY_MONDAY, "09:00", "11:00")], ZULU, ORDINARY_MONDAY, blocked=blocked)
    assert len(ws.slots) == 4


# --- openings --------------------------------------------------------------------------------------------


def test_opening_is_cut_at_its_own_interval() -> None:
    opening = Opening(utc(2026, 6, 1, 18), utc(2026, 6, 1, 19, 10), 20, key="extra")
    ws = only([], ZULU, ORDINARY_MONDAY, openings=[opening])
    assert (ws.key, ws.work_start_local, ws.work_end_local, ws.slot_interval_minutes) == (
        "extra",
        "18:00",
        "19:10",
        20,
    )
    assert starts_local(ws) == ["18:00", "18:20", "18:40"]
    assert ws.remainder_minutes == 10


def test_opening_slots_overlapping_rule_slots_are_dropped() -> None:
    rule = window(ORDINARY_MONDAY, "09:00", "12:00", key="rule")
    opening = Opening(utc(2026, 6, 1, 11, 45), utc(2026, 6, 1, 13), 15, key="extra")
    rule_ws, extra = day([rule], ZULU, ORDINARY_MONDAY, openings=[opening])
    assert len(rule_ws.slots) == 6
    assert starts_local(extra) == ["12:00", "12:15", "12:30", "12:45"]


def test_opening_fills_a_break() -> None:
    rule = window(ORDINARY_MONDAY, "09:00", "12:00", breaks=(("10:00", "11:00"),))
    opening = Opening(utc(2026, 6, 1, 10), utc(2026, 6, 1, 11), 20)
    _, extra = day([rule], ZULU, ORDINARY_MONDAY, openings=[opening])
    assert starts_local(extra) == ["10:00", "10:20", "10:40"]


def test_opening_slots_overlapping_blocked_time_are_dropped() -> None:
    opening = Opening(utc(2026, 6, 1, 18), utc(2026, 6, 1, 20), 30)
    blocked = [(utc(2026, 6, 1, 18, 45), utc(2026, 6, 1, 19, 5))]
    ws = only([], ZULU, ORDINARY_MONDAY, openings=[opening], blocked=blocked)
    assert starts_local(ws) == ["18:00", "19:30"]


def test_opening_across_midnight_is_grouped_by_local_start_date() -> None:
    opening = Opening(utc(2026, 6, 1, 20), utc(2026, 6, 1, 22), 60, key="late")  # 23:00-01:00 EEST
    days = expand([], ATHENS, date(2026, 6, 1), date(2026, 6, 2), openings=[opening])
    assert [(d.date, starts_local(d.windows[0])) for d in days] == [
        (date(2026, 6, 1), ["23:00"]),
        (date(2026, 6, 2), ["00:00"]),
    ]
    assert days[1].windows[0].work_start_local == "23:00"


def test_opening_is_clipped_to_the_requested_dates() -> None:
    opening = Opening(utc(2026, 5, 30), utc(2026, 6, 5), 60)
    days = expand([], ZULU, ORDINARY_MONDAY, ORDINARY_MONDAY, openings=[opening])
    assert [d.date for d in days] == [ORDINARY_MONDAY]
    assert len(days[0].windows[0].slots) == 24


def test_opening_without_any_slot_adds_no_date() -> None:
    opening = Opening(utc(2026, 6, 1, 18), utc(2026, 6, 1, 18, 10), 30)
    assert expand([], ZULU, ORDINARY_MONDAY, ORDINARY_MONDAY, openings=[opening]) == []


def test_opening_over_the_fall_change_is_flagged() -> None:
    opening = Opening(utc(2026, 10, 25, 0), utc(2026, 10, 25, 2), 30)  # 03:00 EEST .. 04:00 EET
    ws = only([], ATHENS, ATHENS_FALL, openings=[opening])
    assert starts_local(ws) == ["03:00", "03:30", "03:00", "03:30"]
    assert ws.dst_shifted


def test_opening_is_listed_after_rule_windows_that_start_earlier() -> None:
    rule = window(ORDINARY_MONDAY, "09:00", "10:00", key="rule")
    opening = Opening(utc(2026, 6, 1, 15), utc(2026, 6, 1, 16), 30, key="extra")
    assert [w.key for w in day([rule], ZULU, ORDINARY_MONDAY, openings=[opening])] == ["rule", "extra"]


# --- values ----------------------------------------------------------------------------------------------


def test_values_are_frozen_and_hashable() -> None:
    w = window(ORDINARY_MONDAY, "09:00", "10:00", breaks=(("09:10", "09:20"),), key=("rule", 7))
    assert hash(w) == hash(
        window(ORDINARY_MONDAY, "09:00", "10:00", breaks=(("09:10", "09:20"),), key=("rule", 7))
    )
    slot = only([w], ZULU, ORDINARY_MONDAY).slots[0]
    with pytest.raises(AttributeError):
        slot.start_utc = 0  # type: ignore[misc]
    assert slot == Slot(utc(2026, 6, 1, 9, 20), utc(2026, 6, 1, 9, 50), "09:20", "09:50")
    assert hash(slot) == hash(Slot(utc(2026, 6, 1, 9, 20), utc(2026, 6, 1, 9, 50), "09:20", "09:50"))


def test_breaks_given_as_a_list_are_stored_as_a_tuple() -> None:
    w = Window(1, time(9), time(10), 30, [Break(time(9), time(9, 30))])  # type: ignore[arg-type]
    assert w.breaks == (Break(time(9), time(9, 30)),)


@pytest.mark.parametrize("kwargs", [{"day_of_week": 0}, {"day_of_week": 8}, {"slot_interval_minutes": 0}])
def test_invalid_window_is_rejected(kwargs: dict[str, int]) -> None:
    fields: dict[str, object] = {
        "day_of_week": 1,
        "work_start": time(9),
        "work_end": time(10),
        "slot_interval_minutes": 30,
    }
    with pytest.raises(ValueError):
        Window(**(fields | kwargs))  # type: ignore[arg-type]


def test_opening_needs_a_positive_interval() -> None:
    with pytest.raises(ValueError):
        Opening(0, 3600, 0)


def test_short_offset_period_is_not_missed_over_a_long_range() -> None:
    # Morocco sets clocks back for Ramadan: 2026-02-15 to 2026-03-22 at +00:00, +01:00 around it.
    casablanca = ZoneInfo("Africa/Casablanca")
    windows = [Window(dow, time(12), time(13), 60) for dow in range(1, 8)]
    days = expand(windows, casablanca, date(2026, 2, 14), date(2026, 3, 31))
    assert [d.windows[0].slots[0].start_utc for d in days] == [
        resolve_local(casablanca, d.date, time(12)) for d in days
    ]
    assert expand(windows, casablanca, date(2026, 3, 1), date(2026, 3, 1))[0].windows[0].slots[
        0
    ].start_utc == utc(2026, 3, 1, 12)


def test_opening_remainder_is_reported_once_on_its_first_date() -> None:
    opening = Opening(utc(2026, 6, 1, 23), utc(2026, 6, 2, 1, 10), 60)
    days = expand([], ZULU, date(2026, 6, 1), date(2026, 6, 2), openings=[opening])
    assert [(starts_local(d.windows[0]), d.windows[0].remainder_minutes) for d in days] == [
        (["23:00"], 10),
        (["00:00"], 0),
    ]
