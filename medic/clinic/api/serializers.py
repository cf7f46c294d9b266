"""The directory's JSON edge: camelCase shapes out, and serializer classes describing them for OpenAPI."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from medic.clinic.models import AppointmentType, Clinic, ConsultationMode, Doctor, Location

# --- out: plain functions from rows to JSON-ready dicts -----------------------------------------------------


def modes(t: AppointmentType) -> list[str]:
    # Stored empty means "any mode": spelled out, so a client never has to know that convention.
    return list(t.consultation_modes) or list(ConsultationMode.values)


def location_json(loc: Location) -> dict[str, Any]:
    return {
        "id": loc.pk,
        "name": loc.name,
        "address": loc.address,
        "rooms": [{"id": room.pk, "name": room.name} for room in loc.rooms.all()],
    }


def clinic_json(c: Clinic) -> dict[str, Any]:
    return {
        "id": c.pk,
        "name": c.name,
        "timezone": c.timezone,
        "isPublic": c.is_public,
        "locations": [location_json(loc) for loc in c.locations.all()],
    }


def service_summary_json(t: AppointmentType) -> dict[str, Any]:
    return {
        "id": t.pk,
        "name": t.name,
        "durationMinutes": t.duration_minutes,
        "consultationModes": modes(t),
    }


def doctor_json(d: Doctor) -> dict[str, Any]:
    return {
        "id": d.pk,
        "name": d.display_name,
        "specialty": d.specialty,
        "timezone": d.effective_timezone,
        "clinic": {"id": d.clinic.pk, "name": d.clinic.name, "timezone": d.clinic.timezone},
        "locations": [location_json(loc) for loc in d.locations.all()],
        # `services` is prefetched by the directory's selector: the doctor's bookable ones only.
        "services": [service_summary_json(t) for t in getattr(d, "services", [])],
    }


def service_json(t: AppointmentType) -> dict[str, Any]:
    return {
        **service_summary_json(t),
        "doctor": {"id": t.doctor.pk, "name": t.doctor.display_name},
        "clinicId": t.doctor.clinic_id,
        "minNoticeMinutes": t.min_notice_minutes,
        "maxAdvanceDays": t.max_advance_days,
        "cancellationNoticeMinutes": t.cancellation_notice_minutes,
    }


# --- shapes for OpenAPI -------------------------------------------------------------------------------------


class RoomSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="A hold's `locationRoomId`.")
    name = serializers.CharField()


class LocationSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="A hold's `doctorLocationId`.")
    name = serializers.CharField()
    address = serializers.CharField(allow_blank=True)
    rooms = RoomSerializer(many=True)


class ClinicSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="`clinicId` of the clinic-wide availability search.")
    name = serializers.CharField()
    timezone = serializers.CharField(help_text="IANA time zone.")
    isPublic = serializers.BooleanField(help_text="Listed for everyone, signed in or not.")
    locations = LocationSerializer(many=True)


class ClinicRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    timezone = serializers.CharField()


class ServiceSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="A hold's `appointmentTypeId`.")
    name = serializers.CharField()
    durationMinutes = serializers.IntegerField()
    consultationModes = serializers.ListField(
        child=serializers.ChoiceField(ConsultationMode.values),
        help_text="The modes a hold's `consultationMode` may name.",
    )


class DoctorSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="A hold's `doctorId`.")
    name = serializers.CharField()
    specialty = serializers.CharField(allow_blank=True)
    timezone = serializers.CharField(help_text="The doctor's time zone (their clinic's unless set).")
    clinic = ClinicRefSerializer()
    locations = LocationSerializer(many=True, help_text="Where the doctor works.")
    services = ServiceSummarySerializer(many=True, help_text="The services that can be booked.")


class DoctorRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class ServiceSerializer(ServiceSummarySerializer):
    doctor = DoctorRefSerializer()
    clinicId = serializers.UUIDField()
    minNoticeMinutes = serializers.IntegerField(help_text="How soon before its start a slot may be booked.")
    maxAdvanceDays = serializers.IntegerField(help_text="How far ahead a slot may be booked.")
    cancellationNoticeMinutes = serializers.IntegerField(
        help_text=(
            "Until how long before its start a patient may cancel or move a booking themselves "
            "(later: 422 TOO_LATE_TO_CHANGE)."
        )
    )
