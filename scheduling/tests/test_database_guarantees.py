"""The database itself refuses bad rows written around the ORM, and cascades deletes."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from scheduling.models import AvailabilityException, ScheduleRule, ScheduleRuleBreak


def _insert_rule(doctor, **overrides) -> None:
    values: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "doctor_id": str(doctor.pk),
        "timezone": "Europe/Athens",
        "day_of_week": 1,
        "work_start_local": "09:00",
        "work_end_local": "17:00",
        "slot_interval_minutes": 30,
        "priority": 0,
        "effective_from": None,
        "effective_to": None,
        "is_active": True,
    }
    values.update(overrides)
    columns = ", ".join(values)
    marks = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO scheduling_schedulerule ({columns}, created_at, updated_at) "
            f"VALUES ({marks}, now(), now())",
            list(values.values()),
        )


@pytest.mark.parametrize(
    "overrides",
    [
        {"day_of_week": 0},
        {"day_of_week": 8},
        {"work_start_local": "17:00", "work_end_local": "09:00"},
        {"work_start_local": "09:00", "work_end_local": "09:00"},
        {"slot_interval_minutes": 7},
        {"effective_from": "2026-05-01", "effective_to": "2026-04-30"},
        {"consultation_mode": "telepathy"},
    ],
)
def test_bad_rule_rows_are_refused(demo, overrides: dict) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        _insert_rule(demo.doctor, **overrides)


def test_a_good_rule_row_is_accepted(demo) -> None:
    _insert_rule(demo.doctor)
    assert ScheduleRule.objects.count() == 1


def _rule(doctor) -> ScheduleRule:
    return ScheduleRule.objects.create(
        doctor=doctor,
        timezone="UTC",
        day_of_week=1,
        work_start_local="09:00",
        work_end_local="17:00",
        slot_interval_minutes=30,
    )


def _insert_break(rule: ScheduleRule, start: str, end: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO scheduling_schedulerulebreak "
            "(id, rule_id, break_start_local, break_end_local, label) VALUES (%s, %s, %s, %s, '')",
            [str(uuid.uuid4()), str(rule.pk), start, end],
        )
        # The window checks are deferred to commit; make them run now, inside the test's transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.parametrize(
    ("start", "end"),
    [("13:00", "12:00"), ("08:30", "09:30"), ("16:30", "17:30"), ("12:30", "13:30")],
    ids=["ends-before-start", "before-window", "after-window", "overlaps-lunch"],
)
def test_bad_break_rows_are_refused(demo, start: str, end: str) -> None:
    rule = _rule(demo.doctor)
    _insert_break(rule, "12:00", "13:00")
    with pytest.raises(IntegrityError), transaction.atomic():
        _insert_break(rule, start, end)


def test_touching_breaks_at_the_window_edges_are_accepted(demo) -> None:
    rule = _rule(demo.doctor)
    _insert_break(rule, "09:00", "09:30")
    _insert_break(rule, "09:30", "10:00")
    _insert_break(rule, "16:30", "17:00")
    assert rule.breaks.count() == 3


def test_shrinking_a_window_past_its_break_is_refused(demo) -> None:
    rule = _rule(demo.doctor)
    _insert_break(rule, "16:00", "17:00")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE scheduling_schedulerule SET work_end_local = '15:00' WHERE id = %s", [str(rule.pk)]
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.parametrize(
    ("kind", "interval", "starts", "ends"),
    [
        ("blocked", 30, "2026-01-01T10:00Z", "2026-01-01T11:00Z"),
        ("available", None, "2026-01-01T10:00Z", "2026-01-01T11:00Z"),
        ("available", 7, "2026-01-01T10:00Z", "2026-01-01T11:00Z"),
        ("blocked", None, "2026-01-01T11:00Z", "2026-01-01T10:00Z"),
        ("vacation", None, "2026-01-01T10:00Z", "2026-01-01T11:00Z"),
    ],
)
def test_bad_exception_rows_are_refused(
    demo, kind: str, interval: int | None, starts: str, ends: str
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO scheduling_availabilityexception (id, doctor_id, kind, starts_at, ends_at, "
            "slot_interval_minutes, reason, source, created_at, updated_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, '', 'api', now(), now())",
            [str(uuid.uuid4()), str(demo.doctor.pk), kind, starts, ends, interval],
        )


def test_deleting_a_rule_with_raw_sql_takes_its_breaks(demo) -> None:
    rule = ScheduleRule.objects.create(
        doctor=demo.doctor,
        timezone="UTC",
        day_of_week=1,
        work_start_local="09:00",
        work_end_local="17:00",
        slot_interval_minutes=30,
    )
    ScheduleRuleBreak.objects.create(rule=rule, break_start_local="12:00", break_end_local="13:00")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM scheduling_schedulerule WHERE id = %s", [str(rule.pk)])
    assert not ScheduleRuleBreak.objects.exists()


def test_deleting_a_room_with_raw_sql_takes_rules_scoped_to_it(demo) -> None:
    room = demo.doctor.locations.first().rooms.first()
    ScheduleRule.objects.create(
        doctor=demo.doctor,
        timezone="UTC",
        day_of_week=1,
        work_start_local="09:00",
        work_end_local="17:00",
        slot_interval_minutes=30,
        room=room,
        location=room.location,
    )
    AvailabilityException.objects.create(
        doctor=demo.doctor,
        kind="blocked",
        starts_at="2026-01-01T10:00Z",
        ends_at="2026-01-01T11:00Z",
        room=room,
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM clinic_room WHERE id = %s", [str(room.pk)])
    assert not ScheduleRule.objects.exists()
    assert not AvailabilityException.objects.exists()
