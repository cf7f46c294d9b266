"""Thin DRF views over scheduling's services and selectors: HTTP in, JSON out, nothing else.

Request bodies are parsed here, at the edge (`scheduling.validation`), and the services get typed forms.
"""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import datetime, time, timedelta
from typing import Any, Literal

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from appointments import services as booking
from appointments.models import ActorType
from medic.clinic.authentication import ApiTokenAuthentication
from medic.clinic.models import ConsultationMode, Doctor
from medic.clinic.permissions import doctors_actable_by, resolve_doctor
from medic.errors import FieldError, ValidationFailed
from medic.parsing import parse_date, parse_instant
from scheduling import selectors, services
from scheduling.api import serializers as s
from scheduling.models import AvailabilityException
from scheduling.scope import Scope
from scheduling.validation import (
    Result,
    parse_exception_patch,
    parse_exception_payload,
    parse_on_affected,
    parse_schedule_payload,
)

DOCTOR_ID = OpenApiParameter(
    "doctorId", str, description="Staff only: act for this doctor of their clinic (else: the caller's own)."
)
SCOPE_PARAMS = [
    OpenApiParameter("appointmentTypeId", str, description="Absent = any service."),
    OpenApiParameter("doctorLocationId", str, description="Absent = any location."),
    OpenApiParameter("locationRoomId", str, description="Absent = any room."),
    OpenApiParameter(
        "consultationMode", str, enum=list(ConsultationMode.values), description="Absent = any."
    ),
]
ERRORS = {400: None, 401: None, 404: None, 422: None}


def doctor_for(request: Request) -> Doctor:
    """The doctor this request acts for: `doctorId` from the query or the JSON body, else the caller."""
    doctor_id = request.query_params.get("doctorId")
    if doctor_id is None and isinstance(request.data, dict):
        doctor_id = request.data.get("doctorId")
    return resolve_doctor(request.user, doctor_id)


def scope_from_query(request: Request, doctor: Doctor) -> Scope:
    """The exact scope named by query parameters; an id that is not the doctor's is UNKNOWN_REFERENCE."""
    refs = selectors.references_for(doctor)
    errors: list[FieldError] = []

    def ref(name: str, allowed: Any) -> uuid.UUID | None:
        raw = request.query_params.get(name)
        if raw in (None, ""):
            return None
        try:
            value = uuid.UUID(raw)
        except ValueError:
            value = None
        if value is None or value not in allowed:
            errors.append(FieldError(name, "UNKNOWN_REFERENCE", f"No such {name[:-2]} for this doctor."))
            return None
        return value

    scope = Scope(
        appointment_type_id=ref("appointmentTypeId", refs.appointment_type_ids),
        location_id=ref("doctorLocationId", refs.location_ids),
        room_id=ref("locationRoomId", refs.room_locations),
        consultation_mode=request.query_params.get("consultationMode") or None,
    )
    if scope.consultation_mode is not None and scope.consultation_mode not in ConsultationMode.values:
        errors.append(
            FieldError(
                "consultationMode", "INVALID_CHOICE", "Use in_person, video or phone (or leave it out)."
            )
        )
    if (
        scope.room_id is not None
        and scope.location_id is not None
        and refs.room_locations[scope.room_id] != scope.location_id
    ):
        errors.append(FieldError("locationRoomId", "UNKNOWN_REFERENCE", "This room is not at that location."))
    if errors:
        raise ValidationFailed(errors)
    return scope


def _body_value(request: Request, key: str) -> object:
    return request.data.get(key) if isinstance(request.data, dict) else None


def affected_policy(request: Request, doctor: Doctor, raw: object) -> services.AffectedPolicy:
    """`onAffectedBookings` ("keep" | "cancel" | absent) and who is saving, for the audit log."""
    actor = booking.actor_for(request.user, doctor) or booking.Actor(ActorType.STAFF, request.user.pk)
    return services.AffectedPolicy(parse_on_affected(raw), actor)


def schedule_form(request: Request, doctor: Doctor, mode: Literal["preview", "save"]) -> Result:
    """The Add Slot body read for `doctor`: 400 for wrong JSON types, else the form and its errors."""
    return parse_schedule_payload(
        request.data, refs=selectors.references_for(doctor), today=services.today_for(doctor), mode=mode
    )


class ScheduleViewSet(viewsets.ViewSet):
    """The doctor's recurring weekly hours: the backend of the Add Slot modal."""

    @extend_schema(parameters=[DOCTOR_ID], responses={200: s.RefDataSchema, **ERRORS}, tags=["schedule"])
    @action(detail=False, methods=["get"])
    def refdata(self, request: Request) -> Response:
        """Services, locations, rooms, modes, intervals and the default time zone for the modal's selects."""
        return Response(s.refdata_json(selectors.refdata_for(doctor_for(request))))

    @extend_schema(
        parameters=[DOCTOR_ID, *SCOPE_PARAMS],
        responses={200: s.RulesResponseSchema, **ERRORS},
        tags=["schedule"],
    )
    @action(detail=False, methods=["get"])
    def rules(self, request: Request) -> Response:
        """The stored rules of exactly this scope, flat and in the form's shape, with the schedule version."""
        doctor = doctor_for(request)
        scope = scope_from_query(request, doctor)
        rules = list(selectors.rules_in_scope(doctor, scope))
        timezone = rules[0].timezone if rules else doctor.effective_timezone
        return Response(
            {
                "version": selectors.schedule_version(doctor),
                "scope": s.scope_json(scope, timezone),
                "rules": [s.rule_json(r) for r in rules],
                "days": s.form_days_json(rules),
            }
        )

    @extend_schema(
        parameters=[DOCTOR_ID],
        responses={200: s.AllRulesResponseSchema, **ERRORS},
        tags=["schedule"],
        summary="Every rule of the doctor, each with its scope",
    )
    @action(detail=False, methods=["get"], url_path="rules/all")
    def all_rules(self, request: Request) -> Response:
        """All the doctor's hours across scopes, each rule with its scope, for one weekly view."""
        doctor = doctor_for(request)
        return Response(
            {
                "version": selectors.schedule_version(doctor),
                "rules": [
                    {**s.rule_json(r), "scope": s.scope_json(r.scope)} for r in selectors.all_rules(doctor)
                ],
            }
        )

    @extend_schema(
        request=s.PreviewRequestSchema, responses={200: s.PreviewResponseSchema, **ERRORS}, tags=["schedule"]
    )
    @action(detail=False, methods=["post"])
    def preview(self, request: Request) -> Response:
        """The slots the form would create over `dateRange`; every problem comes back as a warning."""
        doctor = doctor_for(request)
        result = schedule_form(request, doctor, "preview")  # its errors come back as warnings
        return Response(s.preview_json(services.preview(doctor=doctor, result=result)))

    @extend_schema(
        request=s.BulkUpsertRequestSchema,
        responses={200: s.UpsertResponseSchema, 409: None, **ERRORS},
        tags=["schedule"],
    )
    @action(detail=False, methods=["post"], url_path="rules/bulk_upsert")
    def bulk_upsert(self, request: Request) -> Response:
        """Save the form in one transaction: 422 with every error, 409 SCHEDULE_CHANGED on a stale version,
        409 BOOKINGS_AFFECTED (nothing written) when it would strand bookings and `onAffectedBookings`
        does not say "keep" or "cancel"."""
        doctor = doctor_for(request)
        form = schedule_form(request, doctor, "save").raise_if_invalid()
        policy = affected_policy(request, doctor, _body_value(request, "onAffectedBookings"))
        return Response(s.upsert_json(services.bulk_upsert(doctor=doctor, form=form, on_affected=policy)))


def _bound(request: Request, name: str, zone: zoneinfo.ZoneInfo, *, end: bool) -> datetime | None:
    """A list filter: an instant with offset, or a date in the doctor's zone (an end date is inclusive)."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    instant = parse_instant(raw)
    if instant is not None:
        return instant
    day = parse_date(raw)
    if day is None:
        raise ValidationFailed(
            [FieldError(name, "INVALID_DATE", "Use YYYY-MM-DD or an ISO 8601 instant with offset.")]
        )
    return datetime.combine(day + timedelta(days=1) if end else day, time(), tzinfo=zone)


def _source_of(request: Request, doctor: Doctor) -> str:
    if isinstance(request.successful_authenticator, ApiTokenAuthentication):
        return AvailabilityException.Source.API
    if doctor.user_id == request.user.pk:
        return AvailabilityException.Source.DOCTOR
    return AvailabilityException.Source.STAFF


class ExceptionViewSet(viewsets.ViewSet):
    """Time off (`blocked`) and ad-hoc openings (`available`) of a doctor."""

    lookup_value_regex = "[^/]+"

    def _get(self, request: Request, pk: str) -> AvailabilityException:
        try:
            key = uuid.UUID(str(pk))
        except ValueError as exc:
            raise Http404 from exc
        found = (
            AvailabilityException.objects.select_related("doctor__clinic")
            .filter(pk=key, doctor__in=doctors_actable_by(request.user))
            .first()
        )
        if found is None:
            raise Http404
        return found

    @extend_schema(
        parameters=[
            DOCTOR_ID,
            OpenApiParameter("start", str, description="From this date (doctor's zone) or instant."),
            OpenApiParameter("end", str, description="Up to this date (inclusive) or instant."),
        ],
        responses={200: s.ExceptionListSchema, **ERRORS},
        tags=["time off"],
    )
    def list(self, request: Request) -> Response:
        doctor = doctor_for(request)
        zone = zoneinfo.ZoneInfo(doctor.effective_timezone)
        rows = selectors.exceptions_between(
            doctor, _bound(request, "start", zone, end=False), _bound(request, "end", zone, end=True)
        )
        return Response({"exceptions": [s.exception_json(e) for e in rows]})

    @extend_schema(
        request=s.ExceptionRequestSchema, responses={201: s.ExceptionSchema, **ERRORS}, tags=["time off"]
    )
    def create(self, request: Request) -> Response:
        doctor = doctor_for(request)
        form = parse_exception_payload(request.data, refs=selectors.references_for(doctor))
        policy = affected_policy(request, doctor, _body_value(request, "onAffectedBookings"))
        exc = services.create_exception(
            doctor=doctor, form=form, source=_source_of(request, doctor), on_affected=policy
        )
        return Response(s.exception_json(exc), status=201)

    @extend_schema(responses={200: s.ExceptionSchema, **ERRORS}, tags=["time off"])
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(s.exception_json(self._get(request, pk)))

    @extend_schema(
        request=s.ExceptionRequestSchema, responses={200: s.ExceptionSchema, **ERRORS}, tags=["time off"]
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        exc = self._get(request, pk)
        form = parse_exception_patch(
            services.stored_exception_form(exc), request.data, refs=selectors.references_for(exc.doctor)
        )
        policy = affected_policy(request, exc.doctor, _body_value(request, "onAffectedBookings"))
        return Response(s.exception_json(services.update_exception(exc=exc, form=form, on_affected=policy)))

    @extend_schema(responses={204: None, **ERRORS}, tags=["time off"])
    def destroy(self, request: Request, pk: str) -> Response:
        exc = self._get(request, pk)
        policy = affected_policy(request, exc.doctor, request.query_params.get("onAffectedBookings"))
        services.delete_exception(exc=exc, on_affected=policy)
        return Response(status=204)
