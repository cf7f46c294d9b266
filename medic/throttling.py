"""Per-user request rates on the expensive endpoints, counted in PostgreSQL so every worker shares them."""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

if TYPE_CHECKING:  # rest_framework.views loads the authentication classes, which import medic.api
    from rest_framework.views import APIView

# One statement per request: a fixed window per (scope, caller), started afresh when the window moved on.
_COUNT = """
INSERT INTO medic_request_throttle AS t (key, window_start, hits) VALUES (%s, %s, 1)
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN t.window_start = EXCLUDED.window_start THEN t.hits + 1 ELSE 1 END,
    window_start = EXCLUDED.window_start
RETURNING hits
"""
_PRUNE = "DELETE FROM medic_request_throttle WHERE window_start < %s"
PRUNE_ONE_IN = 1000  # callers that stopped calling leave a row behind; now and then the stale ones go
STALE_AFTER = 86_400  # seconds: longer than any window
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86_400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "120/min" → (120, 60): DRF's grammar (the period's first letter: s, m, h or d)."""
    try:
        count, period = rate.split("/")
        return int(count), _PERIODS[period[:1]]
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"Not a throttle rate: {rate!r} (use e.g. 120/min)") from exc


class ScopedThrottle(BaseThrottle):
    """At most `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope]` requests ("120/min") per signed-in user, or
    per client address when signed out, in each fixed window. A scope without a rate is not limited.

    DRF's own throttles keep their history in Django's cache, which is per process here (gunicorn runs
    several workers): the counter lives in the database instead (`medic_request_throttle`, an unlogged
    table of migration medic.0001), one upsert per request."""

    scope = ""

    def __init__(self) -> None:
        self._wait = 0

    def allow_request(self, request: Request, view: APIView) -> bool:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        if not rate:
            return True
        allowed, period = parse_rate(str(rate))
        user = request.user
        signed_in = user is not None and user.is_authenticated
        who = f"user:{user.pk}" if signed_in else f"addr:{self.get_ident(request)}"
        now = int(time.time())
        window = now - now % period
        with connection.cursor() as cursor:
            cursor.execute(_COUNT, [f"{self.scope}:{who}", window])
            hits = cursor.fetchone()[0]
            if random.randrange(PRUNE_ONE_IN) == 0:  # noqa: S311 - a sampling, not a secret
                cursor.execute(_PRUNE, [now - STALE_AFTER])
        self._wait = window + period - now
        return bool(hits <= allowed)

    def wait(self) -> float:
        return float(self._wait)


class PreviewThrottle(ScopedThrottle):
    scope = "preview"


class AvailabilityThrottle(ScopedThrottle):
    scope = "availability"


class ExplainThrottle(ScopedThrottle):
    scope = "explain"


class SearchThrottle(ScopedThrottle):
    scope = "search"


class HoldsThrottle(ScopedThrottle):
    scope = "holds"
