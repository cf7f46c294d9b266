"""Thin DRF views of bookings: holds and status changes, listings and the audit trail (HTTP ↔ services)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, cast

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from appointments import idempotency, selectors, services
from appointments.api.serializers import (
    APPOINTMENT,
    APPOINTMENT_LIST,
    AUDIT_TRAIL,
    CANCEL_REQUEST,
    HOLD_REQUEST,
    RESCHEDULE_REQUEST,
    appointment_json,
    event_json,
)
from appointments.models import Appointment, Status
from medic.api import error_body
from medic.clinic.models import ConsultationMode, User
from medic.errors import ValidationFailed
from medic.parsing import Reader, body_reader
from medic.schema import THROTTLED, errors, integer_parameter
from medic.throttling import HoldsThrottle

# Check-in, complete and no-show: the doctor or their clinic's staff only, along the allowed transitions.
CHECK_IN_RESPONSES = {
    200: APPOINTMENT,
    **errors(
        (403, "Only the doctor and their clinic's staff may do this."),
        404,
        (409, "INVALID_STATUS: not allowed from the appointment's status."),
    ),
}
CLOSE_RESPONSES = {
    **CHECK_IN_RESPONSES,
    **errors((422, "NOT_STARTED: only an appointment that has started can be closed.")),
}


def _key(pk: str) -> uuid.UUID:
    """An appointment id from the URL; a malformed one is a 404, like an unknown one."""
    try:
        return uuid.UUID(str(pk))
    except ValueError as exc:
        raise Http404 from exc


# The fields of a hold's body (the contract's names); `hold_fields` reads them.
HOLD_FIELDS = frozenset(
    {
        "doctorId",
        "appointmentTypeId",
        "startsAt",
        "doctorLocationId",
        "locationRoomId",
        "consultationMode",
        "patientId",
    }
)


def hold_fields(data: Any) -> dict[str, Any]:
    """A hold's body as `services.fast_hold` / `hold_request_for` take it; ValidationFailed (422, every
    problem at its path) when it cannot be read. The view and the booking API's fast lane both read it so."""
    r = body_reader(data)
    fields = {
        "doctor_id": r.required("doctorId", r.uuid("doctorId")),
        "appointment_type_id": r.required("appointmentTypeId", r.uuid("appointmentTypeId")),
        "starts_at": r.required("startsAt", r.instant("startsAt")),
        "location_id": r.uuid("doctorLocationId"),
        "room_id": r.uuid("locationRoomId"),
        "consultation_mode": r.choice("consultationMode", ConsultationMode.values),
        "patient_id": r.uuid("patientId"),
    }
    r.done()
    return fields


class AppointmentViewSet(viewsets.ViewSet):
    """Bookings: hold a slot, confirm, cancel, reschedule, close; list them and read their audit trail."""

    lookup_value_regex = "[^/]+"

    def _get(self, request: Request, pk: str) -> Appointment:
        """The appointment, or 404 alike for a malformed id, an unknown one and one the caller may not see."""
        found = selectors.visible_appointment(request.user, _key(pk))
        if found is None:
            raise Http404
        return found

    def _actor(self, request: Request, a: Appointment, *, patients_may: bool = True) -> services.Actor:
        actor = services.actor_for_appointment(request.user, a, patients_may=patients_may)
        if actor is None:
            raise PermissionDenied("Only the doctor and their clinic's staff may do this.")
        return actor

    @extend_schema(
        summary="List appointments",
        description=(
            "The appointments the caller may see (a patient: their own; a doctor: theirs; staff: their "
            "clinic's), by start, with filters."
        ),
        parameters=[
            OpenApiParameter("doctorId", OpenApiTypes.UUID),
            OpenApiParameter("patientId", OpenApiTypes.UUID),
            OpenApiParameter(
                "status", str, description=f"Comma-separated statuses: any of {', '.join(Status.values)}."
            ),
            OpenApiParameter(
                "start", OpenApiTypes.DATETIME, description="Appointments ending after this instant."
            ),
            OpenApiParameter(
                "end", OpenApiTypes.DATETIME, description="Appointments starting before this instant."
            ),
            integer_parameter("limit", 1, 500, "How many at most; default 100."),
            integer_parameter("offset", 0, 10_000_000, "How many to skip; default 0."),
        ],
        responses={
            200: APPOINTMENT_LIST,
            **errors(
                (
                    422,
                    "INVALID_CHOICE (status), OUT_OF_RANGE (limit, offset), INVALID_DATETIME, "
                    "UNKNOWN_REFERENCE.",
                )
            ),
        },
        tags=["booking"],
    )
    def list(self, request: Request) -> Response:
        r = Reader(request.query_params)
        doctor_id, patient_id = r.uuid("doctorId"), r.uuid("patientId")
        start, end = r.instant("start"), r.instant("end")
        limit, offset = r.integer("limit", 1, 500, 100), r.integer("offset", 0, 10_000_000, 0)
        statuses = [s for s in (r.raw("status") or "").split(",") if s]
        if any(s not in Status.values for s in statuses):
            r.add("status", "INVALID_CHOICE", f"Use any of: {', '.join(Status.values)}.")
        r.done()
        rows = selectors.appointment_list(
            request.user, doctor_id=doctor_id, patient_id=patient_id, statuses=statuses, start=start, end=end
        )
        page = list(rows[offset : offset + limit])
        return Response({"appointments": [appointment_json(a) for a in page], "count": rows.count()})

    @extend_schema(summary="One appointment", responses={200: APPOINTMENT, **errors(404)}, tags=["booking"])
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(appointment_json(self._get(request, pk)))

    @extend_schema(
        request=HOLD_REQUEST,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Replays the first answer for the same key and body.",
            )
        ],
        summary="Hold a slot",
        responses={
            201: APPOINTMENT,
            **errors(
                (404, "The caller may not book with this doctor (e.g. a doctor of another clinic)."),
                (409, "SLOT_TAKEN: another hold or booking overlaps."),
                (
                    422,
                    "SLOT_NOT_AVAILABLE, REQUIRED (doctorLocationId / consultationMode when ambiguous), "
                    "HOLD_LIMIT, UNKNOWN_REFERENCE, INVALID_DATETIME; an Idempotency-Key reused for another "
                    "request.",
                ),
            ),
            **THROTTLED,
        },
        tags=["booking"],
    )
    @action(detail=False, methods=["post"], throttle_classes=[HoldsThrottle])
    def holds(self, request: Request) -> Response:
        """Hold a bookable slot (status `held`) until `holdExpiresAt`; 409 SLOT_TAKEN when another won."""
        status, body = idempotency.run_once(
            user=cast(User, request.user),  # IsAuthenticated: never anonymous here
            key=request.headers.get("Idempotency-Key"),
            fingerprint=lambda: idempotency.request_fingerprint(
                str(request.method), request.path, request.data
            ),
            run=lambda: self._hold(request),
        )
        return Response(body, status=status)

    def _hold(self, request: Request) -> idempotency.Answer:
        """(status, body) of one hold. A request that cannot be read, or names what does not exist, is raised;
        the hold's own refusal (not bookable, taken) is an answer, so a retry with the same key replays it."""
        fields = hold_fields(request.data)
        try:
            appointment = services.fast_hold(request.user, **fields)
        except ValidationFailed as exc:  # taken: the fast path's only refusal
            return exc.status_code, error_body(exc.errors)
        if appointment is None:  # not the common case: the full path answers, errors included
            req, actor = services.hold_request_for(request.user, **fields)
            try:
                appointment = services.hold(req, actor=actor)
            except ValidationFailed as exc:
                return exc.status_code, error_body(exc.errors)
        return 201, appointment_json(appointment)

    def _change(
        self,
        request: Request,
        pk: str,
        change: Callable[..., Appointment],
        *,
        patients_may: bool = True,
        **kwargs: Any,
    ) -> Response:
        a = self._get(request, pk)
        actor = self._actor(request, a, patients_may=patients_may)
        return Response(appointment_json(change(a, actor=actor, **kwargs)))

    @extend_schema(
        summary="Confirm a hold",
        request=None,
        responses={
            200: APPOINTMENT,
            **errors(
                (403, "The caller may not change this appointment."),
                404,
                (409, "INVALID_STATUS: only a hold can be confirmed."),
                (410, "HOLD_EXPIRED: the hold ran out."),
                (422, "EMAIL_NOT_VERIFIED: a self-registered patient must verify their email first."),
            ),
        },
        tags=["booking"],
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        """held → confirmed (410 HOLD_EXPIRED when the hold ran out)."""
        confirmed = services.confirm_own_hold(request.user, _key(pk))
        if confirmed is None:  # not a patient confirming their own booking: the full path answers
            return self._change(request, pk, services.confirm)
        return Response(appointment_json(confirmed))

    @extend_schema(
        summary="Cancel",
        request=CANCEL_REQUEST,
        responses={
            200: APPOINTMENT,
            **errors(
                (403, "The caller may not change this appointment."),
                404,
                (409, "INVALID_STATUS: only a hold or a confirmed appointment can be cancelled."),
                (422, "TOO_LATE_TO_CHANGE (a patient, past the cancellation notice); TOO_LONG (reason)."),
            ),
        },
        tags=["booking"],
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """held/confirmed → cancelled, with the actor and an optional reason."""
        r = body_reader(request.data if request.data else {})
        reason = r.text("reason", 300)
        r.done()
        return self._change(request, pk, services.cancel, reason=reason)

    @extend_schema(
        summary="Move to another slot",
        request=RESCHEDULE_REQUEST,
        responses={
            200: APPOINTMENT,
            **errors(
                (403, "The caller may not change this appointment."),
                404,
                (409, "SLOT_TAKEN (the old time is kept), INVALID_STATUS."),
                (410, "HOLD_EXPIRED: the hold ran out."),
                (
                    422,
                    "SLOT_NOT_AVAILABLE, TOO_LATE_TO_CHANGE (a patient, past the cancellation notice), "
                    "REQUIRED, INVALID_DATETIME.",
                ),
            ),
        },
        tags=["booking"],
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, pk: str) -> Response:
        """Move to another bookable slot atomically (409 SLOT_TAKEN leaves the old time as it was)."""
        r = body_reader(request.data)
        starts_at = r.required("startsAt", r.instant("startsAt"))
        r.done()
        return self._change(request, pk, services.reschedule, starts_at=starts_at)

    @extend_schema(summary="Check in", request=None, responses=CHECK_IN_RESPONSES, tags=["booking"])
    @action(detail=True, methods=["post"], url_path="check_in")
    def check_in(self, request: Request, pk: str) -> Response:
        """confirmed → checked_in: the patient has arrived (doctor or staff)."""
        return self._change(request, pk, services.check_in, patients_may=False)

    @extend_schema(summary="Complete", request=None, responses=CLOSE_RESPONSES, tags=["booking"])
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        """checked_in → completed (doctor or staff, once it has started)."""
        return self._change(request, pk, services.finish, patients_may=False, outcome=Status.COMPLETED)

    @extend_schema(summary="Mark a no-show", request=None, responses=CLOSE_RESPONSES, tags=["booking"])
    @action(detail=True, methods=["post"], url_path="no_show")
    def no_show(self, request: Request, pk: str) -> Response:
        """confirmed → no_show (doctor or staff, once it has started)."""
        return self._change(request, pk, services.finish, patients_may=False, outcome=Status.NO_SHOW)

    @extend_schema(
        summary="The appointment's audit trail", responses={200: AUDIT_TRAIL, **errors(404)}, tags=["booking"]
    )
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk: str) -> Response:
        """The appointment's audit trail, oldest first."""
        a = self._get(request, pk)
        return Response({"events": [event_json(e) for e in a.events.all()]})
