"""Bookable times over HTTP: one doctor's slots for a service, and the earliest slots across a clinic."""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import date, datetime, timedelta

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from appointments import availability, selectors
from appointments.api.serializers import AVAILABILITY, EARLIEST_SLOTS, candidate_offer_json, slot_json
from medic.clinic.models import AppointmentType, ConsultationMode, Doctor
from medic.clinic.permissions import AnyUser, can_browse_clinic
from medic.parsing import Reader
from medic.schema import THROTTLED, errors, integer_parameter
from medic.throttling import AvailabilityThrottle, SearchThrottle
from scheduling.scope import Scope

MAX_RANGE_DAYS = 62
DEFAULT_RANGE_DAYS = 14
# The clinic search is bounded tighter: its work grows with days × doctors' services (62 days over a large
# clinic took 12 s). A search over more services than this must name a service, location or mode.
MAX_SEARCH_DAYS = 31
MAX_SEARCH_SERVICES = 1_000

AVAILABILITY_PARAMS = [
    OpenApiParameter(
        "appointmentTypeId", OpenApiTypes.UUID, required=True, description="The service to book."
    ),
    OpenApiParameter("start", OpenApiTypes.DATE, description="First local date (YYYY-MM-DD); default today."),
    OpenApiParameter(
        "end",
        OpenApiTypes.DATE,
        description=f"Last local date, inclusive; default start + 13; ≤ {MAX_RANGE_DAYS} days.",
    ),
    OpenApiParameter(
        "doctorLocationId",
        OpenApiTypes.UUID,
        description="Only hours at this location (and any-location hours).",
    ),
    OpenApiParameter("consultationMode", str, enum=ConsultationMode.values),
    OpenApiParameter(
        "timezone", str, description="IANA zone for dates and local times; default the doctor's."
    ),
]
RANGE_ERRORS = (
    "REQUIRED, UNKNOWN_REFERENCE (a malformed id, or not a service of this doctor), INVALID_DATE, "
    f"END_BEFORE_START, RANGE_TOO_LARGE (over {MAX_RANGE_DAYS} days), INVALID_TIMEZONE, INVALID_CHOICE, "
    "at the parameter's name."
)


def visible_doctor(user: AnyUser, doctor_id: uuid.UUID) -> Doctor:
    """An active doctor whose clinic `user` may browse (anyone, for a public clinic), else 404."""
    doctor = selectors.active_doctor(doctor_id)
    if doctor is None or not can_browse_clinic(user, doctor.clinic):
        raise Http404
    return doctor


def read_service(r: Reader, doctor: Doctor, type_id: uuid.UUID | None) -> AppointmentType | None:
    """The doctor's active service `appointmentTypeId` names, or an UNKNOWN_REFERENCE error on `r`."""
    if type_id is None:
        return None
    service = selectors.offered_service(doctor, type_id)
    if service is None:
        r.add("appointmentTypeId", "UNKNOWN_REFERENCE", "Not a service this doctor offers.")
    return service


def _date_range(r: Reader, zone: zoneinfo.ZoneInfo, max_days: int = MAX_RANGE_DAYS) -> tuple[date, date]:
    """The local dates asked for (`start`, `end`), defaulting to two weeks from today in `zone`."""
    today = datetime.now(zone).date()
    first = r.date("start") or today
    last = r.date("end") or first + timedelta(days=DEFAULT_RANGE_DAYS - 1)
    if last < first:
        r.add("end", "END_BEFORE_START", "The end date must not be before the start date.")
    elif (last - first).days + 1 > max_days:
        r.add("end", "RANGE_TOO_LARGE", f"Ask for at most {max_days} days at a time.")
    return first, last


@extend_schema(
    summary="A doctor's bookable times",
    parameters=AVAILABILITY_PARAMS,
    responses={
        200: AVAILABILITY,
        **errors(
            (404, "No such doctor, or one of a private clinic the caller may not see."),
            (422, RANGE_ERRORS),
        ),
        **THROTTLED,
    },
    tags=["booking"],
)
@api_view(["GET"])
@throttle_classes([AvailabilityThrottle])
@permission_classes([AllowAny])  # a public clinic's times are public; `visible_doctor` guards the rest
def doctor_availability(request: Request, doctor_id: uuid.UUID) -> Response:
    """Bookable starts of one service with one doctor: weekly hours − breaks − time off + openings − other
    bookings (with buffers) − the past and the minimum notice, up to the advance limit and daily cap."""
    doctor = visible_doctor(request.user, doctor_id)
    r = Reader(request.query_params)
    type_id = r.required("appointmentTypeId", r.uuid("appointmentTypeId"))
    location_id = r.uuid("doctorLocationId")
    mode = r.choice("consultationMode", ConsultationMode.values)
    zone = r.timezone("timezone") or zoneinfo.ZoneInfo(doctor.effective_timezone)
    first, last = _date_range(r, zone)
    appointment_type = read_service(r, doctor, type_id)
    r.done()
    assert appointment_type is not None  # r.done() refused the request otherwise
    starts = availability.for_doctor(
        doctor=doctor,
        appointment_type=appointment_type,
        scope=Scope(appointment_type_id=appointment_type.pk, location_id=location_id, consultation_mode=mode),
        zone=zone,
        first=first,
        last=last,
    )
    return Response(
        {
            "doctorId": doctor.pk,
            "timezone": zone.key,
            "appointmentTypeId": appointment_type.pk,
            "slots": [slot_json(s, zone) for s in starts],
        }
    )


@extend_schema(
    summary="The earliest free times across a clinic",
    parameters=[
        OpenApiParameter("clinicId", OpenApiTypes.UUID, required=True),
        OpenApiParameter(
            "service",
            {"type": "string", "maxLength": 200},
            description="Service name, matched case-insensitively across doctors.",
        ),
        OpenApiParameter("start", OpenApiTypes.DATE, description="First local date; default today."),
        OpenApiParameter(
            "end", OpenApiTypes.DATE, description=f"Last local date, inclusive; ≤ {MAX_SEARCH_DAYS} days."
        ),
        OpenApiParameter("doctorLocationId", OpenApiTypes.UUID),
        OpenApiParameter("consultationMode", str, enum=ConsultationMode.values),
        OpenApiParameter("timezone", str, description="IANA zone; default the clinic's."),
        integer_parameter("limit", 1, 100, "How many slots in all: 1–100, default 20."),
        integer_parameter(
            "perDoctor",
            1,
            100,
            (
                "At most this many slots from any one doctor (1–100, default 3), so that one doctor's free "
                "diary does not hide everyone else's earliest times. Set it to `limit` for the plain "
                "earliest slots whoever has them."
            ),
        ),
    ],
    responses={
        200: EARLIEST_SLOTS,
        **errors(
            (404, "No such clinic, or a private one the caller may not see."),
            (
                422,
                "REQUIRED (clinicId), UNKNOWN_REFERENCE (a malformed id), INVALID_DATE, END_BEFORE_START, "
                f"RANGE_TOO_LARGE (over {MAX_SEARCH_DAYS} days), TOO_MANY_ITEMS (service: over "
                f"{MAX_SEARCH_SERVICES:,} services to search), INVALID_TIMEZONE, INVALID_CHOICE, TOO_LONG, "
                "OUT_OF_RANGE, at the parameter's name.",
            ),
        ),
        **THROTTLED,
    },
    tags=["booking"],
)
@api_view(["GET"])
@throttle_classes([SearchThrottle])
@permission_classes([AllowAny])  # a public clinic's times are public; private ones are 404 to outsiders
def clinic_availability(request: Request) -> Response:
    """The earliest free slots across a clinic's doctors for one service (by name), location and mode, at
    most `perDoctor` (default 3) from any one doctor."""
    r = Reader(request.query_params)
    clinic_id = r.required("clinicId", r.uuid("clinicId"))
    service = r.text("service", 200)
    location_id = r.uuid("doctorLocationId")
    mode = r.choice("consultationMode", ConsultationMode.values)
    limit = r.integer("limit", 1, 100, 20)
    per_doctor = r.integer("perDoctor", 1, 100, 3)
    clinic = selectors.clinic_by_id(clinic_id) if clinic_id else None
    if clinic_id and (clinic is None or not can_browse_clinic(request.user, clinic)):
        raise Http404
    # Without a clinic r.done() refuses the request; UTC only stands in until then.
    zone = r.timezone("timezone") or zoneinfo.ZoneInfo(clinic.timezone if clinic else "UTC")
    first, last = _date_range(r, zone, MAX_SEARCH_DAYS)
    r.done()
    assert clinic is not None  # r.done() refused the request otherwise
    types = availability.search_candidates(
        clinic, name=service, location_id=location_id, consultation_mode=mode
    )
    if len(types) > MAX_SEARCH_SERVICES:
        r.add(
            "service",
            "TOO_MANY_ITEMS",
            f"This search would look through {len(types):,} doctors' services (at most "
            f"{MAX_SEARCH_SERVICES:,}): name a service, a location or a consultation mode.",
        )
        r.done()
    found = availability.earliest_starts(
        types,
        scope_location=location_id,
        consultation_mode=mode,
        zone=zone,
        first=first,
        last=last,
        limit=limit,
        per_doctor=per_doctor,
    )
    return Response(
        {
            "clinicId": clinic.pk,
            "timezone": zone.key,
            "slots": [candidate_offer_json(c, start, zone) for c, start in found],
        }
    )
