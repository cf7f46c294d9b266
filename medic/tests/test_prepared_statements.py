"""The few hot statements written for `medic.rows.prepared_cursor` are prepared once per connection and
planned once (a generic plan), and nothing else is prepared. Until this test, psycopg silently ignored the
request to prepare them (Django leaves its `prepare_threshold` at None), so PostgreSQL parsed and planned
the token lookup, the hold's and the confirm's statements on every request."""

from __future__ import annotations

from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from medic.clinic.models import ApiToken

TOKEN_STATEMENT = '%FROM "clinic_apitoken" t%'


def _token_statement_plans() -> tuple[int, int] | None:
    """(generic, custom) plans of this session's prepared token lookup; None when it is not prepared."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            [TOKEN_STATEMENT],
        )
        row = cursor.fetchone()
    return (int(row[0]), int(row[1])) if row else None


def _sign_in_three_times(api: APIClient, demo) -> None:
    key = ApiToken.issue(demo.patient.user, name="test")[1]
    for _ in range(3):
        assert api.get("/api/me", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_token_lookup_is_prepared_and_planned_once(api: APIClient, demo) -> None:
    before = _token_statement_plans() or (0, 0)
    _sign_in_three_times(api, demo)
    generic, custom = _token_statement_plans() or (0, 0)
    assert generic - before[0] == 3
    assert custom == 0


def _prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def test_django_own_queries_are_not_prepared(demo) -> None:
    before = _prepared()
    for _ in range(6):
        assert type(demo.patient.user).objects.filter(email="nobody@example.org").count() == 0
    assert _prepared() == before


def test_nothing_is_prepared_when_turned_off(api: APIClient, demo) -> None:
    before = _token_statement_plans() or (0, 0)
    with override_settings(MEDIC_PREPARE_STATEMENTS=False):
        _sign_in_three_times(api, demo)
    assert (_token_statement_plans() or (0, 0)) == before
