"""GET /api/doctor/schedule/closures: the days the doctor's clinic is closed (public holidays of its calendar
and its own closures), for the schedule page's calendar. Read-only: staff manage closures at the desk."""

from __future__ import annotations

from datetime import date, timedelta

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from appointments.closures import today_at
from medic.clinic.closures import closures
from medic.errors import FieldError, ValidationFailed
from medic.parsing import parse_date
from medic.schema import errors
from scheduling.api.views import DOCTOR_ID, NO_DOCTOR, doctor_for

MAX_DAYS = 366
DEFAULT_DAYS = 365


ClosureListSchema = inline_serializer(
    "ClosureList",
    {
        "closures": inline_serializer(
            "Closure",
            {
                "date": serializers.DateField(),
                "name": serializers.CharField(help_text="The holiday's or the closure's name: “Epiphany”."),
                "source": serializers.ChoiceField(
                    ["holiday", "custom"], help_text="A public holiday of the clinic's calendar, or its own."
                ),
                "label": serializers.CharField(help_text="“Public holiday: Epiphany”, “Clinic closed: …”."),
            },
            many=True,
        )
    },
)


def _date(request: Request, name: str) -> date | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    found = parse_date(str(raw))
    if found is None:
        raise ValidationFailed([FieldError(name, "INVALID_DATE", "Use a date as YYYY-MM-DD.")])
    return found


@extend_schema(
    summary="The days the doctor's clinic is closed",
    description=(
        "Public holidays of the clinic's calendar (less those its staff switched off) and the clinic's own "
        "closures, on dates start..end (inclusive; the clinic's zone). A closed day takes the doctor's "
        "weekly hours out of availability; an opening the doctor adds for that day still offers its slots."
    ),
    parameters=[
        DOCTOR_ID,
        OpenApiParameter("start", str, description="YYYY-MM-DD; default today (the clinic's zone)."),
        OpenApiParameter(
            "end", str, description=f"YYYY-MM-DD, inclusive; default start + {DEFAULT_DAYS} days."
        ),
    ],
    responses={
        200: ClosureListSchema,
        **errors(
            NO_DOCTOR,
            (
                422,
                "INVALID_DATE (start or end is not a date), END_BEFORE_START, RANGE_TOO_LARGE "
                f"(more than {MAX_DAYS} days).",
            ),
        ),
    },
    tags=["schedule"],
)
@api_view(["GET"])
def schedule_closures(request: Request) -> Response:
    doctor = doctor_for(request)
    start = _date(request, "start") or today_at(doctor.clinic)
    end = _date(request, "end") or start + timedelta(days=DEFAULT_DAYS)
    if end < start:
        raise ValidationFailed([FieldError("end", "END_BEFORE_START", "The end is before the start.")])
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationFailed(
            [FieldError("end", "RANGE_TOO_LARGE", f"Ask for at most {MAX_DAYS} days at a time.")]
        )
    found = closures([doctor.clinic_id], start, end)[doctor.clinic_id]
    return Response(
        {
            "closures": [
                {"date": c.date.isoformat(), "name": c.name, "source": c.source, "label": c.label}
                for c in found
            ]
        }
    )
