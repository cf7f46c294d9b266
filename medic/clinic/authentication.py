"""`Authorization: Token <key>` for integrators, checked against the stored digest."""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from medic import rows
from medic.clinic.models import ApiToken, User, hash_token
from medic.lockout import check_token_address, client_ip, token_failed
from medic.throttling import count_for_user, counted_for, rate_to_count, user_key, window_of

_LAST_USED_RESOLUTION = timedelta(minutes=5)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            check_token_address(request._request)  # brute-force lockout: 429 while this address is locked
            token_failed(request._request)
            raise exceptions.AuthenticationFailed("Send exactly 'Authorization: Token <key>'.")
        try:
            key = header[1].decode()
        except UnicodeDecodeError as exc:
            check_token_address(request._request)
            token_failed(request._request)
            raise exceptions.AuthenticationFailed("The token contains invalid characters.") from exc
        address = _address(request)
        context = getattr(request, "parser_context", None) or {}
        count = rate_to_count(context.get("view"))
        window = window_of(count[2], int(time.time())) if count else 0
        counted = request.META.get(COUNTED)  # the fast lane's sign-in counted this request already
        if count is not None and counted is not None and counted[0] == count[0]:
            signed = sign_in(hash_token(key), address)
            window, hits = counted[1], counted[2]
        else:
            signed = sign_in(hash_token(key), address, (count[0], window) if count else None)
            hits = signed.hits
        token, address_failed = signed.token, signed.address_failed
        if token is None or address_failed or (address is None and settings.AXES_ENABLED):
            # A locked address is refused even with a valid token; only an address with failures on record
            # can be locked, so only then (or for an address this statement cannot look up) does axes
            # itself decide, with its whitelist, cool-off and limits.
            check_token_address(request._request)
        if token is None or not token.user.is_active:
            token_failed(request._request)  # counts against the address; 429 once it is locked
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        if count is not None and hits is not None:
            counted_for(request, count[0], window, hits)  # the throttle reads it instead of counting again
        record_use(token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


# Set in the WSGI environ by the booking API's fast lane when it hands a request over after its sign-in
# counted it against the rate limit: (scope, window, hits). Not a header: no client can set it.
COUNTED = "medic.throttle_counted"


def record_use(token: ApiToken) -> None:
    """Records that `token` was used, coarsely: one write per few minutes, not one per request."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def _address(request: Request) -> str | None:
    """The client address as the lockout counts it (None when it has none, or when lockout is off)."""
    if not settings.AXES_ENABLED:
        return None
    return client_ip(request._request)


_FAILED_BEFORE = (
    "(%s::inet IS NOT NULL AND EXISTS (SELECT 1 FROM axes_accessattempt a WHERE a.ip_address = %s::inet))"
)


@functools.cache
def _token_sql(counting: bool = False, rider: str = "") -> str:
    """The one statement that authenticates a token: the token, its user, and whether the client address
    has any failure on record (the lockout's table), so that a valid token from a clean address costs a
    single round trip. `counting`: it also counts the request against the view's rate limit, for the
    token's active user (`medic.throttling.count_for_user`). `rider`: a read for the token's user (written
    with `t."user_id"`), whose columns follow, NULL when it reads nothing (see `sign_in`). Built
    once from the models' own columns."""
    tables = f'"{ApiToken._meta.db_table}" t JOIN "{User._meta.db_table}" u ON u."id" = t."user_id"'
    where = 'WHERE t."digest" = %s AND t."revoked_at" IS NULL'
    select = f"SELECT {rows.columns(ApiToken, 't')}, {rows.columns(User, 'u')}, {_FAILED_BEFORE}"
    carried = f" LEFT JOIN LATERAL ({rider}) rider ON true" if rider else ""
    extra = ", rider.*" if rider else ""
    if not counting:
        return f"{select}{extra} FROM {tables}{carried} {where}"
    hit = count_for_user('t."user_id"', f'FROM {tables} {where} AND u."is_active"')
    return f"WITH hit AS ({hit}) {select}, (SELECT hits FROM hit){extra} FROM {tables}{carried} {where}"  # noqa: S608


@dataclass(frozen=True, slots=True)
class SignIn:
    """What the sign-in statement read (`sign_in`)."""

    token: ApiToken | None  # the live token with its user
    address_failed: bool  # whether the client address has a failure on record
    hits: int | None  # the caller's count of requests in the window, when counted
    row: Sequence[Any] | None  # the statement's row, the rider's columns from `rider_at` on
    rider_at: int


def sign_in(
    digest: str, address: str | None, count: tuple[str, int] | None = None, rider: rows.Read | None = None
) -> SignIn:
    """The live token with its user (or None), whether `address` has a failure on record, and with `count`
    (scope, window) the caller's count of requests in that window including this one, when counted.

    With `rider`, a read for the token's user made by the same statement: the booking API's fast lane reads
    what its hold or confirm decides on along with the sign-in, saving a round trip. The rider's columns
    (NULL when it read nothing) are in `row` from `rider_at` on."""
    params: list[Any] = [address, address, *(rider.params if rider else ()), digest]
    if count is not None:
        params = [user_key(count[0]), count[1], digest, *params]
    with rows.prepared_cursor() as cursor:
        cursor.execute(_token_sql(count is not None, rider.sql if rider else ""), params)
        row: Any = cursor.fetchone()
    if row is None:
        return SignIn(None, False, None, None, 0)
    token, at = rows.instance(ApiToken, row, 0)
    token.user, at = rows.instance(User, row, at)
    hits = row[at + 1] if count is not None else None
    return SignIn(token, bool(row[at]), hits, row, at + (2 if count is not None else 1))
