"""Schemathesis against /api/schema/: every operation, as a doctor, a patient and staff, with every check."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from medic.clinic.models import ApiToken, User
from medic.wsgi import application

# Statuses a request the schema allows may still get: the schema cannot say every business rule (a date in
# range, a slot that is free, an id that exists), and the contract answers those with 404/409/410/422.
POSITIVE = ["2xx", "401", "403", "404", "409", "410", "422", "429"]
NEGATIVE = ["400", "401", "403", "404", "405", "406", "409", "410", "413", "415", "422", "429"]

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20261129,
        "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large", "large_base_example"],
        "generation": {
            "max-examples": 6,
            "deterministic": True,
            "database": "none",
            # PostgreSQL text cannot hold NUL: refused with 400 INVALID_CHARACTERS (medic/tests/
            # test_hostile_input.py), which the schema does not spell out on every string.
            "allow-x00": False,
        },
        "checks": {
            "positive_data_acceptance": {"expected-statuses": POSITIVE},
            "negative_data_rejection": {"expected-statuses": NEGATIVE},
        },
        "operations": [
            {
                # The preview answers every problem of the form as a warning in a 200 (the contract), so a
                # form the schema refuses may still get a 200 there.
                "include-path": "/api/doctor/schedule/preview",
                "checks": {"negative_data_rejection": {"expected-statuses": ["200", *NEGATIVE]}},
            },
            {
                # The Add Slot form nests four levels deep: the coverage phase's combinations of every
                # boundary of every field would take minutes. Fuzzing still sends valid and invalid forms.
                "include-path-regex": "^/api/doctor/schedule/(preview|rules/bulk_upsert)$",
                "phases": {"coverage": {"enabled": False}},
            },
        ],
    }
)

ROLES = {"doctor": "doctor@example.com", "patient": "patient@example.com", "staff": "staff@example.com"}


@pytest.fixture
def in_test_transaction() -> Iterator[None]:
    """Keep Django from closing the test's connection after each request (as its test client does): the
    requests run inside the test's transaction, where the demo data lives and from where it is rolled back."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(demo: Any, in_test_transaction: None) -> dict[str, str]:
    """An API token for each role, on the demo clinic."""
    return {role: ApiToken.issue(User.objects.get(email=email))[1] for role, email in ROLES.items()}


schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


@schema.parametrize()
@settings(
    suppress_health_check=[
        # `tokens` is set up once per operation on purpose: every example runs in that test's transaction.
        HealthCheck.function_scoped_fixture,
        # About speed and size only; the examples are bounded by max-examples above.
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ]
)
def test_api_answers_as_its_schema_says(case: Any, tokens: dict[str, str]) -> None:
    """Each generated request, sent as a doctor, a patient and staff, gets an answer its schema allows."""
    for role, key in tokens.items():
        try:
            case.call_and_validate(headers={"Authorization": f"Token {key}"})
        except BaseException as exc:
            exc.add_note(f"(sent as the demo {role})")
            raise
