"""/me/appointments: a patient's own bookings, upcoming and past; cancel or move one until the service's
cancellation notice (the services refuse later changes with TOO_LATE_TO_CHANGE)."""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from appointments import selectors, services
from appointments.models import ACTIVE_STATUSES, MOVABLE_STATUSES, Appointment, Status
from appointments.patient import access, times
from appointments.patient.forms import CancelForm, RescheduleForm
from appointments.patient.views import when, when_both
from appointments.services import Actor
from medic.clinic.models import ConsultationMode
from medic.errors import ValidationFailed
from medic.typing import AuthenticatedRequest
from scheduling.scope import Scope

PAST_SHOWN = 50


def _row(a: Appointment, zone: zoneinfo.ZoneInfo) -> dict[str, Any]:
    clinic_zone = zoneinfo.ZoneInfo(a.doctor.clinic.timezone)
    return {
        "a": a,
        "when": when_both(a.starts_at, zone, clinic_zone),
        "place": " · ".join(
            x
            for x in (
                a.location.name if a.location else "",
                ConsultationMode(a.consultation_mode).label if a.consultation_mode else "",
            )
            if x
        ),
    }


@login_required
@require_GET
def appointments(request: AuthenticatedRequest) -> HttpResponse:
    patient = selectors.own_patient(request.user)
    zone = access.zone(request, None)
    now = selectors.utcnow()
    upcoming: list[dict[str, Any]] = []
    past: list[dict[str, Any]] = []
    if patient is not None:
        rows = selectors.appointment_list(request.user, patient_id=patient.pk).select_related("location")
        for a in rows:
            live = a.status in ACTIVE_STATUSES and a.ends_at > now and not a.hold_ran_out(now)
            (upcoming if live else past).append(_row(a, zone))
    past.reverse()
    return render(
        request,
        "me/appointments.html",
        {
            "patient": patient,
            "upcoming": upcoming,
            "past": past[:PAST_SHOWN],
            "zone_name": zone.key,
            "nav": "me",
        },
    )


def _messages(request: AuthenticatedRequest, a: Appointment, exc: ValidationFailed, action: str) -> list[str]:
    """The services' messages, with the change deadline in the patient's own clock."""
    zone = access.zone(request, a.doctor.clinic)
    late = (
        f"This booking could be {action} online until {when(_deadline(a), zone)}; "
        f"please call {a.doctor.clinic.name}."
    )
    return [late if e.code == "TOO_LATE_TO_CHANGE" else e.message for e in exc.errors]


def _deadline(a: Appointment) -> datetime:
    return a.starts_at - timedelta(minutes=a.appointment_type.cancellation_notice_minutes)


def _detail_context(request: AuthenticatedRequest, a: Appointment) -> dict[str, Any]:
    zone = access.zone(request, a.doctor.clinic)
    now = selectors.utcnow()
    deadline = _deadline(a)
    movable = a.status in MOVABLE_STATUSES and not a.hold_ran_out(now) and a.starts_at > now
    return {
        **_row(a, zone),
        "deadline": when(deadline, zone),
        "may_change": movable and (a.status == Status.HELD or now <= deadline),
        "too_late": movable and a.status != Status.HELD and now > deadline,
        "nav": "me",
    }


@login_required
@require_GET
def appointment(request: AuthenticatedRequest, appointment_id: uuid.UUID) -> HttpResponse:
    a, _actor = access.own_appointment(request.user, appointment_id)
    return render(request, "me/appointment.html", _detail_context(request, a))


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: AuthenticatedRequest, appointment_id: uuid.UUID) -> HttpResponse:
    """Cancel after a confirmation step (the reason is optional for a patient)."""
    a, actor = access.own_appointment(request.user, appointment_id)
    form = CancelForm(request.POST if request.method == "POST" else None)
    errors: list[str] = []
    status = 200
    if form.is_bound and form.is_valid():
        try:
            services.cancel(a, actor=actor, reason=form.cleaned_data["reason"] or "Cancelled by the patient")
        except ValidationFailed as exc:
            errors, status = _messages(request, a, exc, "cancelled"), exc.status_code
        else:
            messages.success(request, "Your appointment is cancelled.")
            return HttpResponseRedirect(reverse("me-appointment", args=[a.pk]))
    context = {**_detail_context(request, a), "form": form, "errors": errors}
    return render(request, "me/cancel.html", context, status=status)


def _week_start(value: str | None, today: date) -> date:
    try:
        return max(date.fromisoformat(value), today) if value else today
    except ValueError:
        return today


@login_required
@require_http_methods(["GET", "POST"])
def reschedule(request: AuthenticatedRequest, appointment_id: uuid.UUID) -> HttpResponse:
    """Move to another free time of the same service with the same doctor, place and mode."""
    a, actor = access.own_appointment(request.user, appointment_id)
    form = RescheduleForm(request.POST if request.method == "POST" else None)
    errors: list[str] = []
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                services.reschedule(a, actor=actor, starts_at=form.cleaned_data["starts_at"])
            except ValidationFailed as exc:
                errors, status = _messages(request, a, exc, "moved"), exc.status_code
                if {e.code for e in exc.errors} & {"SLOT_TAKEN", "SLOT_NOT_AVAILABLE"}:
                    errors = ["Sorry, that time has just been taken. Here are the free times now."]
            else:
                messages.success(request, "Your appointment is moved.")
                return HttpResponseRedirect(reverse("me-appointment", args=[a.pk]))
        else:
            errors, status = ["Choose a new time."], 422
    return _reschedule_page(request, a, actor, errors, status)


def _reschedule_page(
    request: AuthenticatedRequest, a: Appointment, actor: Actor, errors: list[str], status: int
) -> HttpResponse:
    context = _detail_context(request, a)
    zone = access.zone(request, a.doctor.clinic)
    today = times.today_in(zone)
    first = _week_start(request.GET.get("date") or request.POST.get("date"), today)
    by_day = times.week_times(
        a.appointment_type,
        a.doctor,
        Scope(
            appointment_type_id=a.appointment_type_id,
            location_id=a.location_id,
            consultation_mode=a.consultation_mode,
        ),
        zone,
        first,
    )
    days = [
        {
            "label": f"{d:%A} {d.day} {d:%B}",
            "times": [{"iso": t.isoformat(), "label": f"{t:%H:%M}"} for t in ts],
        }
        for d, ts in sorted(by_day.items())
    ]
    context.update(
        errors=errors,
        days=days,
        first=first,
        prev_date=(first - timedelta(days=7)).isoformat() if first > today else "",
        next_date=(first + timedelta(days=7)).isoformat(),
        zone_name=zone.key,
    )
    return render(request, "me/reschedule.html", context, status=status)
