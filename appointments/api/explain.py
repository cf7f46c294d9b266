"""GET /api/doctors/{id}/availability/explain: why each start of a day, or one instant, is bookable or not."""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import datetime
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from appointments import selectors
from appointments.api.availability import read_service, visible_doctor
from appointments.availability import booking_rules
from appointments.availability.explain import CODES, Candidate, explain, load_inputs
from medic.api import camel, iso_utc
from medic.clinic.models import ConsultationMode
from medic.parsing import Reader
from medic.schema import errors
from medic.throttling import ExplainThrottle
from scheduling.scope import Scope

PARAMETERS = [
    OpenApiParameter(
        "appointmentTypeId", OpenApiTypes.UUID, required=True, description="The service to book."
    ),
    OpenApiParameter(
        "at", OpenApiTypes.DATETIME, description="One instant (ISO 8601 with offset). Give `at` or `date`."
    ),
    OpenApiParameter(
        "date", OpenApiTypes.DATE, description="A local date (YYYY-MM-DD): every candidate start of that day."
    ),
    OpenApiParameter(
        "doctorLocationId",
        OpenApiTypes.UUID,
        description="Only hours at this location (and any-location hours).",
    ),
    OpenApiParameter("consultationMode", str, enum=ConsultationMode.values),
    OpenApiParameter(
        "timezone", str, description="IANA zone for the date and local times; default the doctor's."
    ),
]
REASON = inline_serializer(
    "UnbookableReason",
    {
        "code": serializers.ChoiceField(CODES, help_text="In this order when there are several."),
        "message": serializers.CharField(help_text="For people; never names another patient."),
        "detail": serializers.DictField(
            allow_null=True,
            help_text=(
                "Per code, or null: TIME_OFF {reason, startsAt, endsAt}; TAKEN {status}; "
                "IN_BUFFER {bufferOf: service|booking, status}; MIN_NOTICE {until}; "
                "BEYOND_BOOKING_WINDOW {bookableUntil, maxAdvanceDays}; DAILY_CAP {cap, booked, date}; "
                "IN_BREAK {label, startLocal, endLocal}; OUTSIDE_HOURS {nearestStartUtc, "
                "nearestStartLocal} or {hoursEndUtc, hoursEndLocal}; "
                "DST_GAP {localTime, timezone, readAsUtc, readAsLocal}."
            ),
        ),
    },
)
CANDIDATE = inline_serializer(
    "ExplainedStart",
    {
        "startUtc": serializers.DateTimeField(
            allow_null=True, help_text="Null only for a DST_GAP start: that local time does not exist."
        ),
        "startLocal": serializers.CharField(
            help_text="HH:MM in `timezone`; for a DST_GAP start, the missing time in the rule's own zone."
        ),
        "endUtc": serializers.DateTimeField(allow_null=True),
        "bookable": serializers.BooleanField(help_text="Exactly when availability offers this start."),
        "reasons": REASON.__class__(many=True),
    },
)


def _candidate_json(c: Candidate) -> dict[str, Any]:
    return {
        "startUtc": iso_utc(c.start_utc) if c.start_utc is not None else None,
        "startLocal": c.start_local,
        "endUtc": iso_utc(c.end_utc) if c.end_utc is not None else None,
        "bookable": c.bookable,
        "reasons": [
            {
                "code": r.code,
                "message": r.message,
                "detail": {camel(k): v for k, v in r.detail.items()} if r.detail is not None else None,
            }
            for r in c.reasons
        ],
    }


@extend_schema(
    summary="Why is this time not bookable?",
    description=(
        "For one instant (`at`) or every candidate start of one local day (`date`): whether availability "
        "offers it, and if not every reason, most specific first: OUTSIDE_HOURS, IN_BREAK, TIME_OFF, "
        "CLINIC_CLOSED, TAKEN, IN_BUFFER, MIN_NOTICE, BEYOND_BOOKING_WINDOW, DAILY_CAP, RESOURCE_FULL, "
        "DST_GAP, NOT_THIS_ROTA_WEEK. A day's candidates are the slot starts of its windows and "
        "openings (time off and bookings not taken out) and the window-grid starts no slot stands for (in "
        "a break, in a DST gap, too near the end of hours), sorted by start."
    ),
    parameters=PARAMETERS,
    responses={
        200: inline_serializer(
            "AvailabilityExplanation",
            {
                "doctorId": serializers.UUIDField(),
                "appointmentTypeId": serializers.UUIDField(),
                "timezone": serializers.CharField(),
                "date": serializers.DateField(allow_null=True),
                "at": serializers.DateTimeField(allow_null=True),
                "candidates": CANDIDATE.__class__(many=True),
            },
        ),
        **errors(
            (404, "No such doctor, or one of a private clinic the caller may not see."),
            (
                422,
                "REQUIRED (neither or both of at/date; appointmentTypeId), INVALID_DATETIME, INVALID_DATE, "
                "INVALID_TIMEZONE, INVALID_CHOICE, UNKNOWN_REFERENCE, at the parameter's name.",
            ),
        ),
    },
    tags=["booking"],
)
@api_view(["GET"])
@throttle_classes([ExplainThrottle])
@permission_classes(
    [AllowAny]
)  # as availability: public clinics for anyone, `visible_doctor` guards the rest
def doctor_availability_explain(request: Request, doctor_id: uuid.UUID) -> Response:
    """Why a time is or is not bookable with one doctor for one service (same rules as availability)."""
    doctor = visible_doctor(request.user, doctor_id)
    r = Reader(request.query_params)
    type_id = r.required("appointmentTypeId", r.uuid("appointmentTypeId"))
    has_at, has_date = r.raw("at") is not None, r.raw("date") is not None
    at, day = r.instant("at"), r.date("date")
    if has_at and has_date:
        r.add("date", "REQUIRED", "Give either `at` or `date`, not both.")
    elif not has_at and not has_date:
        r.add("at", "REQUIRED", "Give `at` (an instant) or `date` (YYYY-MM-DD).")
    location_id = r.uuid("doctorLocationId")
    mode = r.choice("consultationMode", ConsultationMode.values)
    zone = r.timezone("timezone") or zoneinfo.ZoneInfo(doctor.effective_timezone)
    appointment_type = read_service(r, doctor, type_id)
    r.done()
    assert appointment_type is not None and (at is not None or day is not None)  # r.done() saw to both
    if at is not None:
        day = at.astimezone(zone).date()
    assert day is not None
    now = selectors.utcnow()
    inputs = load_inputs(
        doctor=doctor,
        appointment_type=appointment_type,
        scope=Scope(appointment_type_id=appointment_type.pk, location_id=location_id, consultation_mode=mode),
        zone=zone,
        day=day,
        now=now,
    )
    candidates = explain(
        inputs,
        booking_rules(appointment_type),
        zone=zone,
        day=day,
        now=int(now.timestamp()),
        at=_epoch(at) if at is not None else None,
    )
    return Response(
        {
            "doctorId": doctor.pk,
            "appointmentTypeId": appointment_type.pk,
            "timezone": zone.key,
            "date": day.isoformat() if at is None else None,
            "at": iso_utc(_epoch(at)) if at is not None else None,
            "candidates": [_candidate_json(c) for c in candidates],
        }
    )


def _epoch(value: datetime) -> int:
    # As a hold reads `startsAt`: whole seconds.
    return int(value.timestamp())
