"""Request types for views that only signed-in users reach (login_required, IsAuthenticated)."""

from __future__ import annotations

from django.http import HttpRequest

from medic.clinic.models import User


class AuthenticatedRequest(HttpRequest):
    """An HttpRequest whose user is signed in: what `login_required` guarantees to the view."""

    user: User
