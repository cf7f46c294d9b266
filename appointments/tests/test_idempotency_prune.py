"""Idempotency-Key answers are kept MEDIC_IDEMPOTENCY_HOURS, then forgotten and pruned by a periodic job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from procrastinate.contrib.django import app
from rest_framework.test import APIClient

from appointments import idempotency, tasks
from appointments.models import Appointment, IdempotencyRecord
from appointments.tests.conftest import hold_body, local

pytestmark = pytest.mark.usefixtures("hours")

URL = "/api/appointments/holds"


def age(key: str, by: timedelta) -> None:
    IdempotencyRecord.objects.filter(key=key).update(created_at=timezone.now() - by)


def test_the_prune_is_registered_to_run_every_hour() -> None:
    periodic = {p.periodic_id: p for p in app.periodic_registry.periodic_tasks.values()}
    assert periodic["prune_idempotency_records"].cron == "17 * * * *"


def test_the_prune_deletes_only_records_older_than_the_setting(
    patient_api: APIClient, demo, consult, day
) -> None:
    for key, hour in (("old", "10:00"), ("young", "11:00")):
        patient_api.post(
            URL, hold_body(demo, consult, local(day, hour)), format="json", HTTP_IDEMPOTENCY_KEY=key
        )
    age("old", timedelta(hours=24, minutes=1))
    age("young", timedelta(hours=23, minutes=59))
    assert tasks.prune_idempotency_records(timestamp=0) == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["young"]


def test_the_setting_changes_how_long_records_are_kept(
    settings, patient_api: APIClient, demo, consult, day
) -> None:
    settings.MEDIC_IDEMPOTENCY_HOURS = 2
    patient_api.post(
        URL, hold_body(demo, consult, local(day, "10:00")), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    age("k", timedelta(hours=3))
    assert idempotency.prune() == 1 and not IdempotencyRecord.objects.exists()


def test_the_prune_works_in_batches(monkeypatch, demo) -> None:
    monkeypatch.setattr(idempotency, "PRUNE_BATCH", 3)
    IdempotencyRecord.objects.bulk_create(
        IdempotencyRecord(user=demo.patient.user, key=f"k{i}", fingerprint="f", status_code=201, body={})
        for i in range(7)
    )
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(days=2))
    assert idempotency.prune() == 7 and not IdempotencyRecord.objects.exists()


def test_an_expired_answer_is_not_replayed_even_before_the_prune_runs(
    patient_api: APIClient, demo, consult, day
) -> None:
    first = patient_api.post(
        URL, hold_body(demo, consult, local(day, "10:00")), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    age("k", timedelta(days=2))
    # The same key with another body is a new request now, not IDEMPOTENCY_KEY_REUSED.
    second = patient_api.post(
        URL, hold_body(demo, consult, local(day, "11:00")), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"] and Appointment.objects.count() == 2
    assert IdempotencyRecord.objects.get(key="k").body["id"] == second.json()["id"]


def test_a_fresh_answer_is_still_replayed(patient_api: APIClient, demo, consult, day) -> None:
    body = hold_body(demo, consult, local(day, "10:00"))
    first = patient_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    age("k", timedelta(hours=23))
    again = patient_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert again.json() == first.json() and Appointment.objects.count() == 1
