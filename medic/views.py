"""Project-level pages and endpoints: home, health check, and who-am-I."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from medic.clinic.selectors import describe_user
from medic.typing import AuthenticatedRequest


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not (for load balancers and `make run`)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"ok": False, "database": "unavailable"}, status=503)
    return JsonResponse({"ok": True, "database": "ok"})


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "home.html", {"me": describe_user(request.user)})


MeSerializer = inline_serializer(
    "Me",
    {
        "userId": serializers.UUIDField(),
        "email": serializers.EmailField(),
        "name": serializers.CharField(),
        "roles": serializers.ListField(
            child=serializers.ChoiceField(["superuser", "doctor", "admin", "receptionist", "patient"])
        ),
        "doctorId": serializers.UUIDField(allow_null=True),
        "clinicIds": serializers.ListField(child=serializers.UUIDField()),
        "patientId": serializers.UUIDField(allow_null=True),
    },
)


@extend_schema(responses={200: MeSerializer}, summary="Who is calling", tags=["me"])
@api_view(["GET"])
def me(request: Request) -> Response:
    """The caller: roles are `superuser`, `doctor`, `patient` and the staff roles `admin`/`receptionist`."""
    info = describe_user(request.user)  # type: ignore[arg-type]  # IsAuthenticated (the default) ran
    return Response(
        {
            "userId": info.user_id,
            "email": info.email,
            "name": info.name,
            "roles": list(info.roles),
            "doctorId": info.doctor_id,
            "clinicIds": sorted(info.clinic_ids, key=str),
            "patientId": info.patient_id,
        }
    )
