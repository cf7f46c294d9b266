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
# `{row}` gives (key, window_start, 1).
_UPSERT = """
INSERT INTO medic_request_throttle AS t (key, window_start, hits) {row}
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN t.window_start = EXCLUDED.window_start THEN t.hits + 1 ELSE 1 END,
    window_start = EXCLUDED.window_start
RETURNING hits
"""
_COUNT = _UPSERT.format(row="VALUES (%s, %s, 1)")
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


def window_of(period: int, now: int) -> int:
    """The start of the fixed window of `period` seconds that `now` (epoch seconds) falls in."""
    return now - now % period


def user_key(scope: str) -> str:
    """The counter key of a signed-in caller, up to their user id: `holds:user:<id>`."""
    return f"{scope}:user:"


def count_for_user(user_id: str, source: str) -> str:
    """`_COUNT` for a statement that finds the user itself: the key is `user_key(scope) || <user_id>`, an
    SQL expression over `source` (a FROM clause); parameters: the key's prefix, the window. Token sign-in
    counts in its own statement this way (see `counted_for`)."""
    return _UPSERT.format(row=f"SELECT %s || {user_id}::text, %s, 1 {source}")


def rate_of(scope: str) -> tuple[int, int] | None:
    """(allowed, period in seconds) of `scope`'s configured rate; None when it is not limited."""
    rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
    return parse_rate(str(rate)) if rate else None


def rate_to_count(view: APIView | None) -> tuple[str, int, int] | None:
    """(scope, allowed, period) of the one rate-limited `ScopedThrottle` of `view`, when it has exactly one:
    what the sign-in may count in its own statement."""
    if view is None:
        return None
    scoped = [t for t in getattr(view, "throttle_classes", ()) if issubclass(t, ScopedThrottle)]
    if len(scoped) != 1 or len(view.throttle_classes) != 1:
        return None
    rate = rate_of(scoped[0].scope)
    return None if rate is None else (scoped[0].scope, *rate)


def counted_for(request: Request, scope: str, window: int, hits: int) -> None:
    """Records that this request was already counted for `scope` (by the sign-in's statement)."""
    request._medic_counted = (scope, window, hits)  # type: ignore[attr-defined]


class ScopedThrottle(BaseThrottle):
    """At most `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope]` requests ("120/min") per signed-in user, or
    per client address when signed out, in each fixed window. A scope without a rate is not limited.

    DRF's own throttles keep their history in Django's cache, which is per process here (the web server runs
    several workers): the counter lives in the database instead (`medic_request_throttle`, an unlogged
    table of migration medic.0001), one upsert per request. A token sign-in makes that upsert in its own
    statement (`medic.clinic.authentication`), so such a request is not counted twice, nor costs a second
    round trip; it is then counted before the permission check rather than after it."""

    scope = ""

    def __init__(self) -> None:
        self._wait = 0

    def allow_request(self, request: Request, view: APIView) -> bool:
        rate = rate_of(self.scope)
        if rate is None:
            return True
        allowed, period = rate
        user = request.user
        signed_in = user is not None and user.is_authenticated
        who = f"user:{user.pk}" if signed_in else f"addr:{self.get_ident(request)}"
        now = int(time.time())
        counted = getattr(request, "_medic_counted", None)
        if signed_in and counted is not None and counted[0] == self.scope:
            _, window, hits = counted
        else:
            window = window_of(period, now)
            with connection.cursor() as cursor:
                cursor.execute(_COUNT, [f"{self.scope}:{who}", window])
                hits = cursor.fetchone()[0]
        if random.randrange(PRUNE_ONE_IN) == 0:  # noqa: S311 - a sampling, not a secret
            with connection.cursor() as cursor:
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
