"""Who the patient pages act for: the signed-in patient, their own appointments, their zone, and whether
their address still needs verifying."""

from __future__ import annotations

import uuid
import zoneinfo
from urllib.parse import unquote

from django.http import Http404, HttpRequest

from appointments import selectors, services
from appointments.models import ActorType, Appointment
from appointments.patient.times import zone_or_none
from appointments.services import Actor
from medic.clinic.models import Clinic, Patient, User
from medic.clinic.permissions import AnyUser

TZ_COOKIE = "tz"


def own_appointment(user: User, appointment_id: uuid.UUID) -> tuple[Appointment, Actor]:
    """One of the signed-in patient's own appointments, acted on as that patient; anything else is 404
    (even for the clinic's staff: they use the desk)."""
    a = (
        selectors.visible_appointments(user)
        .select_related("location", "room", "doctor__user")
        .filter(pk=appointment_id, patient__user=user)
        .first()
    )
    if a is None:
        raise Http404("No such appointment.")
    return a, Actor(ActorType.PATIENT, a.patient_id)


def zone_name(request: HttpRequest, clinic: Clinic | None) -> str:
    """The patient's zone: their record's, else the browser's (`tz` parameter or cookie, set by a tiny
    script), else the clinic's."""
    patient = selectors.own_patient(request.user)
    candidates = [
        patient.timezone if patient else None,
        request.GET.get("tz") or request.POST.get("tz"),
        unquote(request.COOKIES.get(TZ_COOKIE, "")),
        clinic.timezone if clinic else None,
    ]
    return next((c for c in candidates if c and zone_or_none(c) is not None), "UTC")


def zone(request: HttpRequest, clinic: Clinic | None) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(zone_name(request, clinic))


def needs_verification(user: AnyUser) -> bool:
    """A patient who signed up themselves confirms a booking only once their address is verified. Logins
    made by staff, the seed or before verification existed are unaffected: the migration marked the older
    ones verified, and a patient a clinic registered (`Patient.clinic` set) is vouched for by that clinic."""
    if not user.is_authenticated or user.email_verified_at is not None:
        return False
    patient = Patient.objects.filter(user_id=user.pk).first()
    return patient is not None and services.patient_needs_verification(patient)
