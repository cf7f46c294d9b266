"""Per-user rates on the expensive endpoints: 429 THROTTLED in the contract's shape with Retry-After, counted
in the database (shared by every worker), per user when signed in and per address when not."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from appointments.models import Appointment
from appointments.tests.conftest import ATHENS, hold_body, local
from medic.clinic.models import ApiToken
from medic.throttling import parse_rate
from scheduling.models import ScheduleRule
from scheduling.tests.payloads import monday_nine_to_five

PREVIEW = "/api/doctor/schedule/preview"


@pytest.fixture
def rates(settings: Any):
    """Set some scopes' rates for one test (the suite runs without any)."""

    def set_rates(**given: str) -> None:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": given}

    return set_rates


@pytest.fixture
def doctor_api(demo) -> APIClient:
    client = APIClient()
    client.force_authenticate(demo.doctor.user)
    return client


def _assert_throttled(response: Any) -> None:
    assert response.status_code == 429, response.content
    body = response.json()
    assert body["ok"] is False
    assert [(e["path"], e["code"]) for e in body["errors"]] == [("", "THROTTLED")]
    assert 1 <= int(response["Retry-After"]) <= 60


def test_a_preview_past_the_rate_is_429_with_retry_after(doctor_api: APIClient, rates) -> None:
    rates(preview="2/min")
    for _ in range(2):
        assert doctor_api.post(PREVIEW, monday_nine_to_five(), format="json").status_code == 200
    _assert_throttled(doctor_api.post(PREVIEW, monday_nine_to_five(), format="json"))


def test_the_rate_is_per_user(doctor_api: APIClient, demo, rates) -> None:
    rates(preview="1/min")
    assert doctor_api.post(PREVIEW, monday_nine_to_five(), format="json").status_code == 200
    _assert_throttled(doctor_api.post(PREVIEW, monday_nine_to_five(), format="json"))
    other = APIClient()
    other.force_authenticate(demo.doctor2.user)
    assert other.post(PREVIEW, monday_nine_to_five(), format="json").status_code == 200


def test_the_count_lives_in_the_database(doctor_api: APIClient, demo, rates) -> None:
    """Every gunicorn worker reads the same counter: it is a row, not a per-process cache entry."""
    rates(preview="5/min")
    doctor_api.post(PREVIEW, monday_nine_to_five(), format="json")
    doctor_api.post(PREVIEW, monday_nine_to_five(), format="json")
    with connection.cursor() as cursor:
        # This caller's rows only: the table is not a model, so tests that commit (the browser tests) leave
        # their counters behind for whichever test runs next in the same worker.
        mine = f"%:user:{demo.doctor.user.pk}"
        cursor.execute("SELECT key, hits FROM medic_request_throttle WHERE key LIKE %s", [mine])
        assert cursor.fetchall() == [(f"preview:user:{demo.doctor.user.pk}", 2)]


def test_a_scope_without_a_rate_is_not_limited(doctor_api: APIClient, rates) -> None:
    rates(availability="1/min")
    for _ in range(3):
        assert doctor_api.post(PREVIEW, monday_nine_to_five(), format="json").status_code == 200


def test_signed_out_callers_are_counted_per_address(demo, rates) -> None:
    rates(availability="1/min")
    consult = demo.doctor.appointment_types.get(name="Consultation")
    url = f"/api/doctors/{demo.doctor.pk}/availability?appointmentTypeId={consult.pk}"
    first, second = APIClient(REMOTE_ADDR="10.0.0.1"), APIClient(REMOTE_ADDR="10.0.0.2")
    assert first.get(url).status_code == 200
    # X-Forwarded-For is not trusted unless MEDIC_PROXY_COUNT says a proxy sets it.
    _assert_throttled(first.get(url, HTTP_X_FORWARDED_FOR="10.9.9.9"))
    assert second.get(url).status_code == 200


def test_explain_and_the_clinic_search_are_throttled(demo, rates) -> None:
    rates(explain="1/min", search="1/min")
    client = APIClient()
    client.force_authenticate(demo.patient.user)
    consult = demo.doctor.appointment_types.get(name="Consultation")
    explain = f"/api/doctors/{demo.doctor.pk}/availability/explain"
    query = {
        "appointmentTypeId": str(consult.pk),
        "date": str(datetime.now(ATHENS).date() + timedelta(days=3)),
    }
    assert client.get(explain, query).status_code == 200
    _assert_throttled(client.get(explain, query))
    search = {"clinicId": str(demo.clinic.pk), "service": "Consultation"}
    assert client.get("/api/availability", search).status_code == 200
    _assert_throttled(client.get("/api/availability", search))


def test_holds_are_throttled_before_anything_is_read(demo, rates) -> None:
    rates(holds="1/min")
    client = APIClient()
    client.force_authenticate(demo.patient.user)
    assert client.post("/api/appointments/holds", {}, format="json").status_code == 422  # counted too
    _assert_throttled(client.post("/api/appointments/holds", {}, format="json"))


def test_a_token_call_is_counted_once_by_its_sign_in_statement(demo, rates) -> None:
    """A token sign-in counts the request against the view's rate in its own statement: one statement for
    both, the count as the throttle's own, and the throttle refuses on it."""
    key = ApiToken.issue(demo.patient.user, name="test")[1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    def statements() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.post("/api/appointments/holds", {}, format="json").status_code == 422
        return len(ctx.captured_queries)

    rates()  # no rate: nothing counted
    statements()  # the first use of the token records it
    unlimited = statements()
    rates(holds="2/min")
    assert statements() == unlimited  # counted, by no statement of its own
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM medic_request_throttle WHERE key LIKE %s", ["holds:%"])
    assert client.post("/api/appointments/holds", {}, format="json").status_code == 422
    assert client.post("/api/appointments/holds", {}, format="json").status_code == 422
    _assert_throttled(client.post("/api/appointments/holds", {}, format="json"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT hits FROM medic_request_throttle WHERE key = %s", [f"holds:user:{demo.patient.user.pk}"]
        )
        assert cursor.fetchone() == (3,)  # each request counted once
    # A call the view does not limit counts nothing.
    assert client.get("/api/me").status_code == 200
    with connection.cursor() as cursor:
        # (This user's keys only: the table is raw SQL, so committing tests elsewhere leave theirs.)
        cursor.execute(
            "SELECT count(*) FROM medic_request_throttle WHERE key LIKE %s",
            [f"%:user:{demo.patient.user.pk}"],
        )
        assert cursor.fetchone() == (1,)


def test_an_inactive_users_token_counts_nothing(demo, rates) -> None:
    rates(holds="1/min")
    key = ApiToken.issue(demo.patient.user, name="test")[1]
    demo.patient.user.is_active = False
    demo.patient.user.save(update_fields=["is_active"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post("/api/appointments/holds", {}, format="json").status_code == 401
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM medic_request_throttle WHERE key = %s",
            [f"holds:user:{demo.patient.user.pk}"],
        )
        assert cursor.fetchone() == (0,)


def test_the_default_rates_are_set_and_readable(settings: Any) -> None:
    from medic import settings as project

    configured = project.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert set(configured) == {"preview", "availability", "explain", "search", "holds"}
    assert all(parse_rate(rate)[0] >= 100 for rate in configured.values())


def test_rates_read_like_drf() -> None:
    assert parse_rate("120/min") == (120, 60)
    assert parse_rate("5/s") == (5, 1)
    assert parse_rate("1000/day") == (1000, 86_400)


# --- the live-hold cap holds against a patient holding again and again --------------------------------------


def test_sixty_holds_in_a_row_leave_only_the_clinics_limit(demo) -> None:
    for d in range(1, 8):
        ScheduleRule.objects.create(
            doctor=demo.doctor,
            timezone="Europe/Athens",
            day_of_week=d,
            work_start_local=time(8),
            work_end_local=time(20),
            slot_interval_minutes=30,
        )
    client = APIClient()
    client.force_authenticate(demo.patient.user)
    consult = demo.doctor.appointment_types.get(name="Consultation")
    day = datetime.now(ATHENS).date() + timedelta(days=5)
    statuses = []
    for n in range(60):
        starts = local(day + timedelta(days=n // 24), "08:00") + timedelta(minutes=30 * (n % 24))
        statuses.append(
            client.post("/api/appointments/holds", hold_body(demo, consult, starts), format="json")
        )
    limit = demo.clinic.max_holds_per_patient
    assert [r.status_code for r in statuses[:limit]] == [201] * limit
    assert {r.status_code for r in statuses[limit:]} == {422}
    assert {r.json()["errors"][0]["code"] for r in statuses[limit:]} == {"HOLD_LIMIT"}
    assert Appointment.objects.filter(patient=demo.patient).count() == limit
