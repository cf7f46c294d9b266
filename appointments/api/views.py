"""Thin DRF views of the booking API: availability, holds and status changes, listings and the audit trail."""

from __future__ import annotations

import hashlib
import json
import uuid
import zoneinfo
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from appointments import availability, services
from appointments.api.params import Reader, body_reader
from appointments.availability import Start, label
from appointments.models import Appointment, IdempotencyRecord, Status
from medic.api import error_body, iso_instant_or_none, iso_utc
from medic.clinic.models import AppointmentType, Clinic, ConsultationMode, Doctor, Location, Patient, Room
from medic.clinic.permissions import can_act_for_doctor, staff_clinic_ids
from medic.errors import FieldError, ValidationFailed
from scheduling.scope import Scope

MAX_RANGE_DAYS = 62
MODES = list(ConsultationMode.values)


def _actor_json(kind: str, pk: uuid.UUID | None) -> dict[str, Any] | None:
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
        "holdExpiresAt": iso_instant_or_none(a.hold_expires_at) if a.status == Status.HELD else None,
        "patientTimezone": a.patient_timezone,
        "doctorTimezone": a.doctor_timezone,
        "createdBy": _actor_json(a.created_by_type, a.created_by_id),
        "confirmedAt": iso_instant_or_none(a.confirmed_at),
        "cancelledAt": iso_instant_or_none(a.cancelled_at),
        "cancelledBy": _actor_json(a.cancelled_by_type, a.cancelled_by_id),
        "cancelReason": a.cancel_reason,
        "rescheduledAt": iso_instant_or_none(a.rescheduled_at),
        "rescheduledBy": _actor_json(a.rescheduled_by_type, a.rescheduled_by_id),
        "createdAt": iso_instant_or_none(a.created_at),
    }


def _slot_json(start: Start, zone: zoneinfo.ZoneInfo) -> dict[str, Any]:
    day, start_local = label(start.start_utc, zone)
    _, end_local = label(start.end_utc, zone)
    return {
        "date": day,
        "startLocal": start_local,
        "endLocal": end_local,
        "startUtc": iso_utc(start.start_utc),
        "endUtc": iso_utc(start.end_utc),
    }


def _date_range(r: Reader, zone: zoneinfo.ZoneInfo) -> tuple[Any, Any]:
    today = datetime.now(zone).date()
    first = r.date("start") or today
    last = r.date("end") or first + timedelta(days=13)
    if last < first:
        r.add("end", "END_BEFORE_START", "The end date must not be before the start date.")
    elif (last - first).days + 1 > MAX_RANGE_DAYS:
        r.add("end", "RANGE_TOO_LARGE", f"Ask for at most {MAX_RANGE_DAYS} days at a time.")
    return first, last


# --- availability -------------------------------------------------------------------------------------------

AVAILABILITY_PARAMS = [
    OpenApiParameter("appointmentTypeId", str, required=True, description="The service to book."),
    OpenApiParameter("start", str, description="First local date (YYYY-MM-DD); default today."),
    OpenApiParameter(
        "end", str, description=f"Last local date, inclusive; default start + 13; ≤ {MAX_RANGE_DAYS} days."
    ),
    OpenApiParameter(
        "doctorLocationId", str, description="Only hours at this location (and any-location hours)."
    ),
    OpenApiParameter("consultationMode", str, enum=MODES),
    OpenApiParameter(
        "timezone", str, description="IANA zone for dates and local times; default the doctor's."
    ),
]
SLOT = inline_serializer(
    "BookableSlot",
    {
        "date": serializers.DateField(),
        "startLocal": serializers.CharField(),
        "endLocal": serializers.CharField(),
        "startUtc": serializers.DateTimeField(),
        "endUtc": serializers.DateTimeField(),
    },
)


@extend_schema(
    parameters=AVAILABILITY_PARAMS,
    responses={
        200: inline_serializer(
            "Availability",
            {
                "doctorId": serializers.UUIDField(),
                "timezone": serializers.CharField(),
                "appointmentTypeId": serializers.UUIDField(),
                "slots": SLOT.__class__(many=True),
            },
        )
    },
    tags=["booking"],
)
@api_view(["GET"])
def doctor_availability(request: Request, doctor_id: uuid.UUID) -> Response:
    """Bookable starts of one service with one doctor: weekly hours − breaks − time off + openings − other
    bookings (with buffers) − the past and the minimum notice, up to the advance limit and daily cap."""
    doctor = Doctor.objects.select_related("clinic").filter(pk=doctor_id, is_active=True).first()
    if doctor is None:
        raise Http404
    r = Reader(request.query_params)
    type_id = r.required("appointmentTypeId", r.uuid("appointmentTypeId"))
    location_id = r.uuid("doctorLocationId")
    mode = r.choice("consultationMode", MODES)
    zone = r.timezone("timezone") or zoneinfo.ZoneInfo(doctor.effective_timezone)
    first, last = _date_range(r, zone)
    appointment_type = None
    if type_id is not None:
        appointment_type = AppointmentType.objects.filter(pk=type_id, doctor=doctor, is_active=True).first()
        if appointment_type is None:
            r.add("appointmentTypeId", "UNKNOWN_REFERENCE", "Not a service this doctor offers.")
    r.done()
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
            "slots": [_slot_json(s, zone) for s in starts],
        }
    )


@extend_schema(
    parameters=[
        OpenApiParameter("clinicId", str, required=True),
        OpenApiParameter(
            "service", str, description="Service name, matched case-insensitively across doctors."
        ),
        OpenApiParameter("start", str),
        OpenApiParameter("end", str),
        OpenApiParameter("doctorLocationId", str),
        OpenApiParameter("consultationMode", str, enum=MODES),
        OpenApiParameter("timezone", str),
        OpenApiParameter("limit", int, description="1–100, default 20."),
    ],
    responses={
        200: inline_serializer(
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
    },
    tags=["booking"],
)
@api_view(["GET"])
def clinic_availability(request: Request) -> Response:
    """The earliest free slots across a clinic's doctors for one service (by name), location and mode."""
    r = Reader(request.query_params)
    clinic_id = r.required("clinicId", r.uuid("clinicId"))
    service = r.text("service", 200)
    location_id = r.uuid("doctorLocationId")
    mode = r.choice("consultationMode", MODES)
    limit = r.integer("limit", 1, 100, 20)
    clinic = Clinic.objects.filter(pk=clinic_id).first() if clinic_id else None
    if clinic_id and clinic is None:
        raise Http404
    # Without a clinic r.done() refuses the request; UTC only stands in until then.
    zone = r.timezone("timezone") or zoneinfo.ZoneInfo(clinic.timezone if clinic else "UTC")
    first, last = _date_range(r, zone)
    r.done()
    types = AppointmentType.objects.filter(doctor__clinic=clinic, doctor__is_active=True, is_active=True)
    if service:
        types = types.filter(name__iexact=service)
    if location_id is not None:
        types = types.filter(doctor__locations=location_id)
    if mode is not None:
        types = types.filter(Q(consultation_modes=[]) | Q(consultation_modes__contains=[mode]))
    offers = availability.earliest_across(
        types=list(types.select_related("doctor__clinic").distinct()),
        scope_location=location_id,
        consultation_mode=mode,
        zone=zone,
        first=first,
        last=last,
        limit=limit,
    )
    return Response(
        {
            "clinicId": clinic.pk,
            "timezone": zone.key,
            "slots": [
                {
                    "doctorId": o.doctor.pk,
                    "doctorName": o.doctor.display_name,
                    "appointmentTypeId": o.appointment_type.pk,
                    **_slot_json(o.start, zone),
                }
                for o in offers
            ],
        }
    )


# --- appointments -------------------------------------------------------------------------------------------


def visible_appointments(user: Any) -> QuerySet[Appointment]:
    rows = Appointment.objects.select_related("doctor__clinic", "patient", "appointment_type")
    if user.is_superuser:
        return rows
    return rows.filter(
        Q(patient__user=user) | Q(doctor__user=user) | Q(doctor__clinic_id__in=staff_clinic_ids(user))
    )


def actor_for(user: Any, doctor: Doctor) -> services.Actor | None:
    """The role `user` acts in towards `doctor`'s bookings: the doctor, their clinic's staff, or None."""
    if not can_act_for_doctor(user, doctor):
        return None
    if doctor.user_id == user.pk:
        return services.Actor("doctor", doctor.pk)
    return services.Actor("staff", user.pk)


def _own_patient(user: Any) -> Patient | None:
    return Patient.objects.filter(user=user).first()


def _fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


HOLD_REQUEST = inline_serializer(
    "HoldRequest",
    {
        "doctorId": serializers.UUIDField(),
        "appointmentTypeId": serializers.UUIDField(),
        "startsAt": serializers.DateTimeField(help_text="UTC instant of a bookable slot start."),
        "doctorLocationId": serializers.UUIDField(required=False),
        "locationRoomId": serializers.UUIDField(required=False),
        "consultationMode": serializers.ChoiceField(MODES, required=False),
        "patientId": serializers.UUIDField(required=False, help_text="Staff and doctors: for whom."),
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
        "startsAt": serializers.DateTimeField(),
        "endsAt": serializers.DateTimeField(),
        "holdExpiresAt": serializers.DateTimeField(allow_null=True),
    },
)


class AppointmentViewSet(viewsets.ViewSet):
    """Bookings: hold a slot, confirm, cancel, reschedule, close; list them and read their audit trail."""

    lookup_value_regex = "[^/]+"

    def _get(self, request: Request, pk: str) -> Appointment:
        try:
            key = uuid.UUID(str(pk))
        except ValueError as exc:
            raise Http404 from exc
        found = visible_appointments(request.user).filter(pk=key).first()
        if found is None:
            raise Http404
        return found

    def _actor(self, request: Request, a: Appointment, *, patients_may: bool = True) -> services.Actor:
        actor = actor_for(request.user, a.doctor)
        if actor is not None:
            return actor
        if patients_may and a.patient.user_id == request.user.pk:
            return services.Actor("patient", a.patient_id)
        raise PermissionDenied("Only the doctor and their clinic's staff may do this.")

    @extend_schema(
        parameters=[
            OpenApiParameter("doctorId", str),
            OpenApiParameter("patientId", str),
            OpenApiParameter("status", str, description="Comma-separated statuses."),
            OpenApiParameter("start", str, description="Appointments ending after this instant."),
            OpenApiParameter("end", str, description="Appointments starting before this instant."),
            OpenApiParameter("limit", int),
            OpenApiParameter("offset", int),
        ],
        responses={
            200: inline_serializer(
                "AppointmentList",
                {"appointments": APPOINTMENT.__class__(many=True), "count": serializers.IntegerField()},
            )
        },
        tags=["booking"],
    )
    def list(self, request: Request) -> Response:
        r = Reader(request.query_params)
        doctor_id, patient_id = r.uuid("doctorId"), r.uuid("patientId")
        start, end = r.instant("start"), r.instant("end")
        limit, offset = r.integer("limit", 1, 500, 100), r.integer("offset", 0, 10_000_000, 0)
        statuses = [s for s in (r.raw("status") or "").split(",") if s]
        for s in statuses:
            if s not in Status.values:
                r.add("status", "INVALID_CHOICE", f"Use any of: {', '.join(Status.values)}.")
                break
        r.done()
        rows = visible_appointments(request.user)
        if doctor_id:
            rows = rows.filter(doctor_id=doctor_id)
        if patient_id:
            rows = rows.filter(patient_id=patient_id)
        if statuses:
            rows = rows.filter(status__in=statuses)
        if start:
            rows = rows.filter(ends_at__gt=start)
        if end:
            rows = rows.filter(starts_at__lt=end)
        page = list(rows.order_by("starts_at", "id")[offset : offset + limit])
        return Response({"appointments": [appointment_json(a) for a in page], "count": rows.count()})

    @extend_schema(responses={200: APPOINTMENT}, tags=["booking"])
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
        responses={201: APPOINTMENT, 409: None, 422: None},
        tags=["booking"],
    )
    @action(detail=False, methods=["post"])
    def holds(self, request: Request) -> Response:
        """Hold a bookable slot (status `held`) until `holdExpiresAt`; 409 SLOT_TAKEN when another won."""
        key = request.headers.get("Idempotency-Key")
        if not key:
            status, body = self._hold(request)
            return Response(body, status=status)
        if len(key) > 255:
            raise ValidationFailed([FieldError("", "INVALID_IDEMPOTENCY_KEY", "At most 255 characters.")])
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            # Serialise requests with one key (a retry racing the original waits for it, then replays it).
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"{request.user.pk}:{key}"]
                )
            record = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
            if record is not None:
                if record.fingerprint != fingerprint:
                    raise ValidationFailed(
                        [
                            FieldError(
                                "",
                                "IDEMPOTENCY_KEY_REUSED",
                                "This Idempotency-Key was used with another request.",
                            )
                        ]
                    )
                return Response(record.body, status=record.status_code)
            status, body = self._hold(request)
            IdempotencyRecord.objects.create(
                user=request.user,
                key=key,
                fingerprint=fingerprint,
                status_code=status,
                body=json.loads(json.dumps(body, default=str)),
            )
        return Response(body, status=status)

    def _hold(self, request: Request) -> tuple[int, dict[str, Any]]:
        """(status, body) of one hold: business failures are answers too, so a retry can replay them."""
        r = body_reader(request.data)
        doctor_id = r.required("doctorId", r.uuid("doctorId"))
        type_id = r.required("appointmentTypeId", r.uuid("appointmentTypeId"))
        starts_at = r.required("startsAt", r.instant("startsAt"))
        location_id, room_id = r.uuid("doctorLocationId"), r.uuid("locationRoomId")
        mode = r.choice("consultationMode", MODES)
        patient_id = r.uuid("patientId")
        r.done()
        doctor = Doctor.objects.select_related("clinic").filter(pk=doctor_id, is_active=True).first()
        if doctor is None:
            raise ValidationFailed([FieldError("doctorId", "UNKNOWN_REFERENCE", "No such doctor.")])
        actor = actor_for(request.user, doctor)
        if actor is not None:
            patient = (
                Patient.objects.filter(
                    Q(clinic=doctor.clinic) | Q(clinic__isnull=True), pk=patient_id
                ).first()
                if patient_id
                else None
            )
            if patient is None:
                code = "UNKNOWN_REFERENCE" if patient_id else "REQUIRED"
                raise ValidationFailed([FieldError("patientId", code, "Choose the patient to book for.")])
        else:
            patient = _own_patient(request.user)
            if patient is None:
                raise Http404("Only patients, and the doctor's clinic, may book.")
            if patient_id is not None and patient_id != patient.pk:
                raise ValidationFailed(
                    [FieldError("patientId", "UNKNOWN_REFERENCE", "You may only book for yourself.")]
                )
            actor = services.Actor("patient", patient.pk)
        appointment_type = AppointmentType.objects.filter(pk=type_id, doctor=doctor, is_active=True).first()
        location = Location.objects.filter(pk=location_id).first() if location_id else None
        room = Room.objects.filter(pk=room_id).first() if room_id else None
        missing = [
            FieldError(path, "UNKNOWN_REFERENCE", message)
            for path, wanted, found, message in (
                ("appointmentTypeId", type_id, appointment_type, "Not a service this doctor offers."),
                ("doctorLocationId", location_id, location, "No such location."),
                ("locationRoomId", room_id, room, "No such room."),
            )
            if wanted and found is None
        ]
        if missing:
            raise ValidationFailed(missing)
        req = services.HoldRequest(
            doctor=doctor,
            appointment_type=appointment_type,
            starts_at=starts_at,
            patient=patient,
            location=location,
            room=room,
            consultation_mode=mode,
        )
        try:
            appointment = services.hold(req, actor=actor)
        except ValidationFailed as exc:
            return exc.status_code, error_body(exc.errors)
        return 201, appointment_json(appointment)

    def _change(self, request: Request, pk: str, fn: Any, **kwargs: Any) -> Response:
        a = self._get(request, pk)
        return Response(appointment_json(fn(a, actor=self._actor(request, a), **kwargs)))

    @extend_schema(request=None, responses={200: APPOINTMENT, 410: None}, tags=["booking"])
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        """held → confirmed (410 HOLD_EXPIRED when the hold ran out)."""
        return self._change(request, pk, services.confirm)

    @extend_schema(
        request=inline_serializer("CancelRequest", {"reason": serializers.CharField(required=False)}),
        responses={200: APPOINTMENT},
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
        request=inline_serializer("RescheduleRequest", {"startsAt": serializers.DateTimeField()}),
        responses={200: APPOINTMENT, 409: None, 422: None},
        tags=["booking"],
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, pk: str) -> Response:
        """Move to another bookable slot atomically (409 SLOT_TAKEN leaves the old time as it was)."""
        r = body_reader(request.data)
        starts_at = r.required("startsAt", r.instant("startsAt"))
        r.done()
        return self._change(request, pk, services.reschedule, starts_at=starts_at)

    @extend_schema(request=None, responses={200: APPOINTMENT}, tags=["booking"])
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        """confirmed → completed (doctor or staff, once it has started)."""
        a = self._get(request, pk)
        return Response(
            appointment_json(
                services.finish(
                    a, actor=self._actor(request, a, patients_may=False), outcome=Status.COMPLETED
                )
            )
        )

    @extend_schema(request=None, responses={200: APPOINTMENT}, tags=["booking"])
    @action(detail=True, methods=["post"], url_path="no_show")
    def no_show(self, request: Request, pk: str) -> Response:
        """confirmed → no_show (doctor or staff, once it has started)."""
        a = self._get(request, pk)
        return Response(
            appointment_json(
                services.finish(a, actor=self._actor(request, a, patients_may=False), outcome=Status.NO_SHOW)
            )
        )

    @extend_schema(
        responses={
            200: inline_serializer(
                "AuditTrail",
                {
                    "events": inline_serializer(
                        "AppointmentEvent",
                        {
                            "id": serializers.UUIDField(),
                            "kind": serializers.CharField(),
                            "actor": serializers.DictField(),
                            "before": serializers.DictField(allow_null=True),
                            "after": serializers.DictField(allow_null=True),
                            "at": serializers.DateTimeField(),
                        },
                        many=True,
                    )
                },
            )
        },
        tags=["booking"],
    )
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk: str) -> Response:
        """The appointment's audit trail, oldest first."""
        a = self._get(request, pk)
        return Response(
            {
                "events": [
                    {
                        "id": e.pk,
                        "kind": e.kind,
                        "actor": {"type": e.actor_type, "id": e.actor_id},
                        "before": e.before,
                        "after": e.after,
                        "at": iso_instant_or_none(e.created_at),
                    }
                    for e in a.events.all()
                ]
            }
        )
