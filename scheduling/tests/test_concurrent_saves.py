"""Two saves for one doctor at the same moment, in real transactions on separate connections."""

from __future__ import annotations

from functools import partial

import pytest

from medic.errors import Conflict
from medic.testing import run_at_once
from scheduling import services
from scheduling.models import ScheduleRule
from scheduling.selectors import references_for
from scheduling.tests.payloads import day, form, window
from scheduling.validation import parse_schedule_payload

pytestmark = pytest.mark.django_db(transaction=True)


def _save(doctor, payload: dict) -> services.UpsertResult:
    parsed = parse_schedule_payload(
        payload, refs=references_for(doctor), today=services.today_for(doctor), mode="save"
    )
    return services.bulk_upsert(doctor=doctor, form=parsed.raise_if_invalid())


def _saves(doctor, payloads: list[dict]) -> list[object]:
    """One bulk_upsert per payload, all at the same moment on their own connections."""
    return run_at_once([partial(_save, doctor, p) for p in payloads])


def test_concurrent_replaces_leave_exactly_one_saves_windows(demo) -> None:
    payloads = [
        form(day(1, window(f"{8 + i:02d}:00", f"{9 + i:02d}:00"), window("18:00", "19:00"))) for i in range(6)
    ]
    results = _saves(demo.doctor, payloads)
    assert all(isinstance(r, services.UpsertResult) for r in results), results
    rules = list(ScheduleRule.objects.filter(doctor=demo.doctor, day_of_week=1).order_by("work_start_local"))
    assert len(rules) == 2  # never a mix of two saves, never duplicates
    assert f"{rules[1].work_start_local:%H:%M}" == "18:00"
    upserts = [r for r in results if isinstance(r, services.UpsertResult)]
    assert sorted(int(r.version) for r in upserts) == list(range(1, 7))


def test_concurrent_saves_with_the_same_version_let_exactly_one_through(demo) -> None:
    payloads = [{**form(day(d, window())), "expectedVersion": "0"} for d in (1, 2, 3, 4)]
    results = _saves(demo.doctor, payloads)
    assert sum(isinstance(r, services.UpsertResult) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 3
    assert ScheduleRule.objects.filter(doctor=demo.doctor).count() == 1
