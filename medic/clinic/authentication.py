"""`Authorization: Token <key>` for integrators, checked against the stored digest."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from medic.clinic.models import ApiToken, User, hash_token
from medic.lockout import check_token_address, token_failed

_LAST_USED_RESOLUTION = timedelta(minutes=5)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        check_token_address(request._request)  # brute-force lockout: 429 while this address is locked
        if len(header) != 2:
            token_failed(request._request)
            raise exceptions.AuthenticationFailed("Send exactly 'Authorization: Token <key>'.")
        try:
            key = header[1].decode()
        except UnicodeDecodeError as exc:
            token_failed(request._request)
            raise exceptions.AuthenticationFailed("The token contains invalid characters.") from exc
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=hash_token(key), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            token_failed(request._request)  # counts against the address; 429 once it is locked
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        now = timezone.now()
        # Record use coarsely: one write per few minutes, not one per request.
        if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
