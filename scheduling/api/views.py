"""Thin DRF views over scheduling's services and selectors: HTTP in, JSON out, nothing else.

Request bodies are parsed here, at the edge (`scheduling.validation`), and the services get typed forms.
"""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import datetime, time, timedelta
from typing import Any, Literal

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
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
from medic.schema import THROTTLED, errors
from medic.throttling import PreviewThrottle
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
    "doctorId",
    OpenApiTypes.UUID,
    description="Staff only: act for this doctor of their clinic (else: the caller's own).",
)
SCOPE_PARAMS = [
    OpenApiParameter("appointmentTypeId", OpenApiTypes.UUID, description="Absent = any service."),
    OpenApiParameter("doctorLocationId", OpenApiTypes.UUID, description="Absent = any location."),
    OpenApiParameter("locationRoomId", OpenApiTypes.UUID, description="Absent = any room."),
    OpenApiParameter(
        "consultationMode", str, enum=list(ConsultationMode.values), description="Absent = any."
    ),
]
NO_DOCTOR = (
    404,
    "The caller is not a doctor and names no doctorId, or no doctor of their clinic has that doctorId.",
)
NOT_VISIBLE = (404, "No such time off or opening of a doctor the caller may act for.")
AFFECTED = (
    409,
    "BOOKINGS_AFFECTED (nothing written): the change would leave live bookings outside bookable time; "
    'the error lists them (`appointments`). Say `onAffectedBookings: "keep" | "cancel"`.',
)
FORM_ERRORS = (
    422,
    "Every problem of the form at once, each at its path: END_BEFORE_START, BREAK_OUTSIDE_WINDOW, "
    "BREAKS_OVERLAP, WINDOWS_OVERLAP, NO_WINDOWS, DUPLICATE_DAY, INVALID_TIME, INVALID_TIMEZONE, "
    "INVALID_INTERVAL, INVALID_DAY_OF_WEEK, INVALID_DATE, EFFECTIVE_RANGE_INVALID, INVALID_REPEAT, "
    "UNKNOWN_REFERENCE, REQUIRED, TOO_MANY_ITEMS.",
)
EXCEPTION_ERRORS = (
    422,
    "REQUIRED, INVALID_DATETIME, END_BEFORE_START, INVALID_CHOICE, INVALID_INTERVAL, UNKNOWN_REFERENCE, "
    "TOO_LONG, at the field's path.",
)


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

    @extend_schema(
        summary="Choices for the Add Slot form",
        parameters=[DOCTOR_ID],
        responses={200: s.RefDataSchema, **errors(NO_DOCTOR)},
        tags=["schedule"],
    )
    @action(detail=False, methods=["get"])
    def refdata(self, request: Request) -> Response:
        """Services, locations, rooms, modes, intervals and the default time zone for the modal's selects."""
        return Response(s.refdata_json(selectors.refdata_for(doctor_for(request))))

    @extend_schema(
        summary="The weekly hours of one scope",
        parameters=[DOCTOR_ID, *SCOPE_PARAMS],
        responses={
            200: s.RulesResponseSchema,
            **errors(
                NO_DOCTOR,
                (
                    422,
                    "UNKNOWN_REFERENCE (an id that is not the doctor's), INVALID_CHOICE (consultationMode).",
                ),
            ),
        },
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
        responses={200: s.AllRulesResponseSchema, **errors(NO_DOCTOR)},
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
        summary="Preview the slots the form would create (writes nothing)",
        request=s.PreviewRequestSchema,
        responses={200: s.PreviewResponseSchema, **errors(NO_DOCTOR), **THROTTLED},
        tags=["schedule"],
    )
    @action(detail=False, methods=["post"], throttle_classes=[PreviewThrottle])
    def preview(self, request: Request) -> Response:
        """The slots the form would create over `dateRange`; every problem comes back as a warning."""
        doctor = doctor_for(request)
        result = schedule_form(request, doctor, "preview")  # its errors come back as warnings
        return Response(s.preview_json(services.preview(doctor=doctor, result=result)))

    @extend_schema(
        summary="Save the form's weekly hours",
        request=s.BulkUpsertRequestSchema,
        responses={
            200: s.UpsertResponseSchema,
            **errors(
                NO_DOCTOR,
                (
                    409,
                    "SCHEDULE_CHANGED (expectedVersion is stale), or BOOKINGS_AFFECTED (nothing written): "
                    "the error lists the stranded bookings (`appointments`); say "
                    '`onAffectedBookings: "keep" | "cancel"`.',
                ),
                FORM_ERRORS,
            ),
        },
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
        summary="List time off and openings",
        responses={
            200: s.ExceptionListSchema,
            **errors(NO_DOCTOR, (422, "INVALID_DATE: start or end is neither a date nor an instant.")),
        },
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
        summary="Add time off or an opening",
        request=s.ExceptionRequestSchema,
        responses={201: s.ExceptionSchema, **errors(NO_DOCTOR, AFFECTED, EXCEPTION_ERRORS)},
        tags=["time off"],
    )
    def create(self, request: Request) -> Response:
        doctor = doctor_for(request)
        form = parse_exception_payload(request.data, refs=selectors.references_for(doctor))
        policy = affected_policy(request, doctor, _body_value(request, "onAffectedBookings"))
        exc = services.create_exception(
            doctor=doctor, form=form, source=_source_of(request, doctor), on_affected=policy
        )
        return Response(s.exception_json(exc), status=201)

    @extend_schema(
        summary="One time off or opening",
        responses={200: s.ExceptionSchema, **errors(NOT_VISIBLE)},
        tags=["time off"],
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(s.exception_json(self._get(request, pk)))

    @extend_schema(
        summary="Change time off or an opening",
        request=s.ExceptionRequestSchema,
        responses={200: s.ExceptionSchema, **errors(NOT_VISIBLE, AFFECTED, EXCEPTION_ERRORS)},
        tags=["time off"],
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        exc = self._get(request, pk)
        form = parse_exception_patch(
            services.stored_exception_form(exc), request.data, refs=selectors.references_for(exc.doctor)
        )
        policy = affected_policy(request, exc.doctor, _body_value(request, "onAffectedBookings"))
        return Response(s.exception_json(services.update_exception(exc=exc, form=form, on_affected=policy)))

    @extend_schema(
        summary="Remove time off or an opening",
        parameters=[
            OpenApiParameter(
                "onAffectedBookings",
                str,
                enum=["keep", "cancel"],
                description="What to do with bookings that removing an opening would strand.",
            )
        ],
        responses={
            204: None,
            **errors(NOT_VISIBLE, AFFECTED, (422, "INVALID_CHOICE (onAffectedBookings).")),
        },
        tags=["time off"],
    )
    def destroy(self, request: Request, pk: str) -> Response:
        exc = self._get(request, pk)
        policy = affected_policy(request, exc.doctor, request.query_params.get("onAffectedBookings"))
        services.delete_exception(exc=exc, on_affected=policy)
        return Response(status=204)
