"""The booking API's JSON shapes (camelCase): what views send back, and their OpenAPI descriptions."""

from __future__ import annotations

import uuid
import zoneinfo
from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from appointments.availability import Candidate, Offer, Start, label
from appointments.models import ActorType, Appointment, AppointmentEvent, Status
from medic.api import iso_instant_or_none, iso_utc
from medic.clinic.models import ConsultationMode
from medic.schema import OptionalIdField

# --- output -----------------------------------------------------------------------------------------------


def actor_json(kind: str, pk: uuid.UUID | None) -> dict[str, Any] | None:
    """An actor as `{type, id}`, or None where nobody acted (e.g. never cancelled)."""
    return {"type": kind, "id": pk} if kind else None


def appointment_json(a: Appointment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "status": a.status,
        "doctorId": a.doctor_id,
        "patientId": a.patient_id,
        "appointmentTypeId": a.appointment_type_id,
        "doctorLocationId": a.location_id,
        "locationRoomId": a.room_id,
        "consultationMode": a.consultation_mode,
        "startsAt": iso_instant_or_none(a.starts_at),
        "endsAt": iso_instant_or_none(a.ends_at),
        # Only a hold has a live expiry; afterwards the stored value is history, not a deadline.
        "holdExpiresAt": iso_instant_or_none(a.hold_expires_at) if a.status == Status.HELD else None,
        "patientTimezone": a.patient_timezone,
        "doctorTimezone": a.doctor_timezone,
        "createdBy": actor_json(a.created_by_type, a.created_by_id),
        "confirmedAt": iso_instant_or_none(a.confirmed_at),
        "checkedInAt": iso_instant_or_none(a.checked_in_at),
        "cancelledAt": iso_instant_or_none(a.cancelled_at),
        "cancelledBy": actor_json(a.cancelled_by_type, a.cancelled_by_id),
        "cancelReason": a.cancel_reason,
        "rescheduledAt": iso_instant_or_none(a.rescheduled_at),
        "rescheduledBy": actor_json(a.rescheduled_by_type, a.rescheduled_by_id),
        "outsideHours": a.outside_hours,
        "createdAt": iso_instant_or_none(a.created_at),
    }


def event_json(e: AppointmentEvent) -> dict[str, Any]:
    return {
        "id": e.pk,
        "kind": e.kind,
        "actor": {"type": e.actor_type, "id": e.actor_id},
        "before": e.before,
        "after": e.after,
        "at": iso_instant_or_none(e.created_at),
    }


def slot_json(start: Start, zone: zoneinfo.ZoneInfo) -> dict[str, Any]:
    day, start_local = label(start.start_utc, zone)
    _, end_local = label(start.end_utc, zone)
    out: dict[str, Any] = {
        "date": day,
        "startLocal": start_local,
        "endLocal": end_local,
        "startUtc": iso_utc(start.start_utc),
        "endUtc": iso_utc(start.end_utc),
    }
    if start.place is not None:  # where and how a hold at this start would be booked (null: say it)
        out["doctorLocationId"] = start.place.location_id
        out["locationRoomId"] = start.place.room_id
        out["consultationMode"] = start.place.consultation_mode
    return out


def offer_json(o: Offer, zone: zoneinfo.ZoneInfo) -> dict[str, Any]:
    return {
        "doctorId": o.doctor.pk,
        "doctorName": o.doctor.display_name,
        "appointmentTypeId": o.appointment_type.pk,
        **slot_json(o.start, zone),
    }


def candidate_offer_json(c: Candidate, start: Start, zone: zoneinfo.ZoneInfo) -> dict[str, Any]:
    """`offer_json` of a clinic search's (candidate, start) pair."""
    return {
        "doctorId": c.doctor_id,
        "doctorName": c.doctor_name,
        "appointmentTypeId": c.type_id,
        **slot_json(start, zone),
    }


# --- OpenAPI (drf-spectacular) descriptions of the same shapes ----------------------------------------------

SLOT = inline_serializer(
    "BookableSlot",
    {
        "date": serializers.DateField(),
        "startLocal": serializers.CharField(),
        "endLocal": serializers.CharField(),
        "startUtc": serializers.DateTimeField(),
        "endUtc": serializers.DateTimeField(),
        "doctorLocationId": serializers.UUIDField(
            allow_null=True, help_text="Where a hold at this start is booked; null when the hold must say."
        ),
        "locationRoomId": serializers.UUIDField(allow_null=True),
        "consultationMode": serializers.ChoiceField(
            ConsultationMode.values, allow_null=True, help_text="null when the service allows several."
        ),
    },
)
AVAILABILITY = inline_serializer(
    "Availability",
    {
        "doctorId": serializers.UUIDField(),
        "timezone": serializers.CharField(),
        "appointmentTypeId": serializers.UUIDField(),
        "slots": SLOT.__class__(many=True),
    },
)
EARLIEST_SLOTS = inline_serializer(
    "EarliestSlots",
    {
        "clinicId": serializers.UUIDField(),
        "timezone": serializers.CharField(),
        "slots": inline_serializer(
            "OfferedSlot",
            {
                "doctorId": serializers.UUIDField(),
                "doctorName": serializers.CharField(),
                "appointmentTypeId": serializers.UUIDField(),
                "date": serializers.DateField(),
                "startLocal": serializers.CharField(),
                "endLocal": serializers.CharField(),
                "startUtc": serializers.DateTimeField(),
                "endUtc": serializers.DateTimeField(),
            },
            many=True,
        ),
    },
)
HOLD_REQUEST = inline_serializer(
    "HoldRequest",
    {
        "doctorId": serializers.UUIDField(),
        "appointmentTypeId": serializers.UUIDField(),
        "startsAt": serializers.DateTimeField(help_text="UTC instant of a bookable slot start."),
        "doctorLocationId": OptionalIdField(),
        "locationRoomId": OptionalIdField(),
        "consultationMode": serializers.ChoiceField(
            ConsultationMode.values, required=False, allow_blank=True, allow_null=True
        ),
        "patientId": OptionalIdField(help_text="Staff and doctors: for whom."),
    },
)
CANCEL_REQUEST = inline_serializer(
    "CancelRequest",
    {"reason": serializers.CharField(required=False, allow_blank=True, max_length=300)},
)
RESCHEDULE_REQUEST = inline_serializer("RescheduleRequest", {"startsAt": serializers.DateTimeField()})
ACTOR = inline_serializer(
    "Actor",
    {
        "type": serializers.ChoiceField(ActorType.values, help_text="Who acted."),
        "id": serializers.UUIDField(allow_null=True, help_text="Their user id; null for the system."),
    },
)
APPOINTMENT = inline_serializer(
    "Appointment",
    {
        "id": serializers.UUIDField(),
        "status": serializers.ChoiceField(Status.values),
        "doctorId": serializers.UUIDField(),
        "patientId": serializers.UUIDField(),
        "appointmentTypeId": serializers.UUIDField(),
        "doctorLocationId": serializers.UUIDField(allow_null=True),
        "locationRoomId": serializers.UUIDField(allow_null=True),
        "consultationMode": serializers.ChoiceField(ConsultationMode.values, allow_null=True),
        "startsAt": serializers.DateTimeField(),
        "endsAt": serializers.DateTimeField(),
        "holdExpiresAt": serializers.DateTimeField(
            allow_null=True, help_text="Until when a hold keeps the slot; null once it is no longer held."
        ),
        "patientTimezone": serializers.CharField(),
        "doctorTimezone": serializers.CharField(),
        "createdBy": ACTOR.__class__(allow_null=True),
        "confirmedAt": serializers.DateTimeField(allow_null=True),
        "checkedInAt": serializers.DateTimeField(allow_null=True),
        "cancelledAt": serializers.DateTimeField(allow_null=True),
        "cancelledBy": ACTOR.__class__(allow_null=True),
        "cancelReason": serializers.CharField(allow_blank=True),
        "rescheduledAt": serializers.DateTimeField(allow_null=True),
        "rescheduledBy": ACTOR.__class__(allow_null=True),
        "outsideHours": serializers.BooleanField(
            help_text="Kept on purpose outside bookable time after a schedule change."
        ),
        "createdAt": serializers.DateTimeField(),
    },
)
APPOINTMENT_LIST = inline_serializer(
    "AppointmentList",
    {
        "appointments": APPOINTMENT.__class__(many=True),
        "count": serializers.IntegerField(help_text="All matching appointments, not only this page."),
    },
)
AUDIT_TRAIL = inline_serializer(
    "AuditTrail",
    {
        "events": inline_serializer(
            "AppointmentEvent",
            {
                "id": serializers.UUIDField(),
                "kind": serializers.CharField(help_text="What happened, e.g. held, confirmed, cancelled."),
                "actor": ACTOR.__class__(),
                "before": serializers.DictField(
                    allow_null=True, help_text="The changed fields before (null for a creation)."
                ),
                "after": serializers.DictField(allow_null=True, help_text="The changed fields after."),
                "at": serializers.DateTimeField(),
            },
            many=True,
        )
    },
)
