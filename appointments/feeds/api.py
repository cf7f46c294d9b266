"""The doctor's own calendar feed over the JSON API: show its URLs, rotate the secret, toggle names."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from appointments.feeds import services
from appointments.models import CalendarFeed
from medic.errors import FieldError
from medic.parsing import body_reader
from medic.schema import OptionalIdField, errors
from scheduling.api.views import DOCTOR_ID, doctor_for

FEED = inline_serializer(
    "CalendarFeed",
    {
        "url": serializers.URLField(
            help_text="Subscribe to this in Google Calendar, Outlook or Apple Calendar."
        ),
        "freeBusyUrl": serializers.URLField(help_text="The same times as free/busy only, without names."),
        "includePatientNames": serializers.BooleanField(),
    },
)
FEED_PATCH = inline_serializer(
    "CalendarFeedPatch",
    {
        "includePatientNames": serializers.BooleanField(
            help_text="Show patient names in event titles (off by default)."
        ),
        "doctorId": OptionalIdField(help_text="Staff only: a doctor of their clinic."),
    },
)
FEED_ROTATE = inline_serializer(
    "CalendarFeedRotate",
    {"doctorId": OptionalIdField(help_text="Staff only: a doctor of their clinic.")},
)
NO_DOCTOR = errors((404, "Not a doctor, or no doctor of the caller's clinic with this doctorId."))


def feed_json(request: Request, feed: CalendarFeed) -> dict:
    secret = services.secret_for(feed)
    return {
        "url": request.build_absolute_uri(reverse("ical-doctor", args=[secret])),
        "freeBusyUrl": request.build_absolute_uri(reverse("ical-doctor-freebusy", args=[secret])),
        "includePatientNames": feed.include_patient_names,
    }


@extend_schema(
    methods=["GET"],
    parameters=[DOCTOR_ID],
    responses={200: FEED, **NO_DOCTOR},
    tags=["calendar feed"],
    summary="The doctor's calendar subscription URLs (created on first read)",
)
@extend_schema(
    methods=["PATCH"],
    request=FEED_PATCH,
    responses={
        200: FEED,
        **errors(
            (400, "INVALID_TYPE: includePatientNames is not a boolean, or the body is not a JSON object."),
            (422, "REQUIRED: includePatientNames is missing."),
        ),
        **NO_DOCTOR,
    },
    tags=["calendar feed"],
    summary="Show or hide patient names in the calendar feed",
)
@api_view(["GET", "PATCH"])
def calendar_feed(request: Request) -> Response:
    """The doctor's feed: its subscription URLs, and whether event titles carry patient names."""
    doctor = doctor_for(request)
    if request.method == "PATCH":
        r = body_reader(request.data)
        include = r.source.get("includePatientNames")
        if "includePatientNames" not in r.source:
            r.add("includePatientNames", "REQUIRED", "Send includePatientNames: true or false.")
        elif not isinstance(include, bool):  # null included: the switch has no third state
            r.types.append(FieldError("includePatientNames", "INVALID_TYPE", "Expected true or false."))
        r.done()
        return Response(feed_json(request, services.set_include_patient_names(doctor, include=bool(include))))
    return Response(feed_json(request, services.feed_for(doctor)))


@extend_schema(
    parameters=[DOCTOR_ID],
    request=FEED_ROTATE,
    responses={200: FEED, **NO_DOCTOR},
    tags=["calendar feed"],
    summary="Issue a new feed secret; the old URLs answer 404 from now on",
)
@api_view(["POST"])
def rotate_calendar_feed(request: Request) -> Response:
    """A new secret, for when a feed URL was shared too widely."""
    return Response(feed_json(request, services.rotate(doctor_for(request))))
