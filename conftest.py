"""Project-wide pytest fixtures: fast password hashing, API clients, the demo clinic."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fast_passwords(settings: pytest.FixtureRequest) -> None:
    # PBKDF2's deliberate slowness protects real passwords; tests only need a working hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def demo(db: None):
    """The demo data exactly as `seed_demo` makes it, with handles on its rows."""
    from medic.clinic.tests.factories import DemoHandles

    return DemoHandles.load()
