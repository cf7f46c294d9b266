"""The front desk's pages: thin views over the booking services and the desk's selectors. Every page renders
whole on a plain request and as a fragment (a django-template-partials partial) for htmx."""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from appointments import selectors, services
from appointments.desk import booking, notices
from appointments.desk.access import Desk, appointment_for, desk_for, parse_uuid
from appointments.desk.forms import (
    HOLD_FIELDS,
    WALK_IN_FIELDS,
    CancelForm,
    FindTimesForm,
    HoldForm,
    PatientForm,
    RescheduleForm,
    WalkInForm,
    add_service_errors,
)
from appointments.desk.render import column_body
from appointments.desk.selectors import Filters, grid, week_of
from appointments.desk.timefmt import from_epoch, hhmm, iso_utc, when, when_for_patient, zone_of
from appointments.models import ActorType, Appointment, AppointmentEvent, Status
from medic.clinic.models import ConsultationMode, Doctor, Location, Patient, Room, User
from medic.errors import ValidationFailed
from medic.typing import AuthenticatedRequest
from scheduling.slots import day_bounds


class DeskRequest(AuthenticatedRequest):
    htmx: HtmxDetails  # set by django-htmx's middleware


CHANGED = "desk-changed"  # an htmx event: the day grid refreshes when an action succeeds


def _day(value: str | None, desk: Desk) -> date:
    try:
        return date.fromisoformat(value) if value else _today(desk)
    except ValueError:
        return _today(desk)


def _today(desk: Desk) -> date:
    return selectors.utcnow().astimezone(zone_of(desk.clinic.timezone)).date()


def _url(name: str, params: Mapping[str, object], *args: object) -> str:
    query = urlencode({k: str(v) for k, v in params.items() if v not in (None, "")})
    return reverse(name, args=args) + (f"?{query}" if query else "")


def _partial(request: DeskRequest, template: str, partial: str) -> str:
    """The whole page, or only `partial` when htmx asks for it (by its target's id)."""
    if request.htmx and request.htmx.target == partial:
        return f"{template}#{partial}"
    return template


# --- the day and the week -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayFilters:
    location: Location | None
    room: Room | None
    service: str


def _filters(request: DeskRequest, desk: Desk) -> tuple[DayFilters, list[Location], list[Room]]:
    locations = list(Location.objects.filter(clinic=desk.clinic).order_by("name"))
    rooms = list(Room.objects.filter(location__clinic=desk.clinic).select_related("location"))
    location = next((x for x in locations if x.pk == parse_uuid(request.GET.get("location"))), None)
    room = next((r for r in rooms if r.pk == parse_uuid(request.GET.get("room"))), None)
    if room is not None:
        location = next(x for x in locations if x.pk == room.location_id)
    return DayFilters(location, room, request.GET.get("service", "")), locations, rooms


@login_required
@require_GET
def day(request: DeskRequest) -> HttpResponse:
    """A column per doctor of the clinic for one day: appointments, free times, time off, and now."""
    desk = desk_for(request)
    zone = zone_of(desk.clinic.timezone)
    shown = _day(request.GET.get("date"), desk)
    chosen, locations, rooms = _filters(request, desk)
    doctors = desk.doctors(location_id=chosen.location.pk if chosen.location else None)
    types = booking.services_for(desk)
    type_ids: tuple[uuid.UUID, ...] | None = None
    if chosen.service:
        type_ids = tuple(t.pk for t in types if t.name == chosen.service)
        doctors = [d for d in doctors if any(t.doctor_id == d.pk for t in types if t.pk in type_ids)]
    the_grid = grid(
        doctors,
        [shown],
        zone,
        Filters(
            location_id=chosen.location.pk if chosen.location else None,
            room_id=chosen.room.pk if chosen.room else None,
            appointment_type_ids=type_ids,
        ),
    )
    for column in the_grid.columns:
        column.html = column_body(column, location=str(chosen.location.pk) if chosen.location else "")
    keep = {
        "clinic": desk.clinic.pk if len(desk.clinics) > 1 else None,
        "location": chosen.location.pk if chosen.location and not chosen.room else None,
        "room": chosen.room.pk if chosen.room else None,
        "service": chosen.service,
    }
    return render(
        request,
        _partial(request, "desk/day.html", "grid"),
        {
            "desk": desk,
            "day": shown,
            "day_label": shown.strftime("%A %d %B %Y"),
            "is_today": shown == _today(desk),
            "grid": the_grid,
            "filters": chosen,
            "locations": locations,
            "rooms": rooms,
            "service_names": booking.service_choices(types),
            "prev_url": _url("desk-day", {**keep, "date": shown - timedelta(days=1)}),
            "next_url": _url("desk-day", {**keep, "date": shown + timedelta(days=1)}),
            "today_url": _url("desk-day", keep),
            "refresh_url": _url("desk-day", {**keep, "date": shown}),
            "keep": keep,
            "nav": "day",
        },
    )


def _one_doctor(request: DeskRequest) -> tuple[Desk, zoneinfo.ZoneInfo, list[Doctor], Doctor, date]:
    """What the one-doctor pages (week, day sheet) show: the desk, its zone, the doctors the caller may pick
    from, the one picked (`?doctor=`, else the first) and the date (`?date=`, else today)."""
    desk = desk_for(request)
    doctors = desk.doctors()
    if not doctors:
        raise Http404("No doctors.")
    doctor = desk.doctor(request.GET["doctor"]) if request.GET.get("doctor") else doctors[0]
    return desk, zone_of(desk.clinic.timezone), doctors, doctor, _day(request.GET.get("date"), desk)


@login_required
@require_GET
def week(request: DeskRequest) -> HttpResponse:
    """One doctor's week, Monday to Sunday."""
    desk, zone, doctors, doctor, shown = _one_doctor(request)
    days = week_of(shown)
    the_grid = grid([doctor], days, zone)
    for column in the_grid.columns:
        column.html = column_body(column)
    keep = {"clinic": desk.clinic.pk if len(desk.clinics) > 1 else None, "doctor": doctor.pk}
    return render(
        request,
        _partial(request, "desk/week.html", "grid"),
        {
            "desk": desk,
            "doctor": doctor,
            "doctors": doctors,
            "days": days,
            "day": shown,
            "week_label": f"{days[0]:%d %b} – {days[-1]:%d %b %Y}",
            "grid": the_grid,
            "today": _today(desk),
            "nav": "week",
            "prev_url": _url("desk-week", {**keep, "date": days[0] - timedelta(days=7)}),
            "next_url": _url("desk-week", {**keep, "date": days[0] + timedelta(days=7)}),
            "today_url": _url("desk-week", keep),
            "refresh_url": _url("desk-week", {**keep, "date": shown}),
        },
    )


@login_required
@require_GET
def sheet(request: DeskRequest) -> HttpResponse:
    """A doctor's day as a printable list: time, patient, service, phone, notes."""
    desk, zone, doctors, doctor, shown = _one_doctor(request)
    lo, hi = day_bounds(zone, shown, shown)
    rows = (
        Appointment.objects.filter(
            doctor=doctor,
            status__in=(Status.CONFIRMED, Status.CHECKED_IN, Status.COMPLETED, Status.NO_SHOW, Status.HELD),
            starts_at__gte=from_epoch(lo),
            starts_at__lt=from_epoch(hi),
        )
        .exclude(status=Status.HELD, hold_expires_at__lte=selectors.utcnow())
        .select_related("patient", "appointment_type", "location", "room")
        .order_by("starts_at")
    )
    lines = [
        {
            "a": a,
            "time": f"{hhmm(a.starts_at, zone)}–{hhmm(a.ends_at, zone)}",
            "mode": dict(ConsultationMode.choices).get(a.consultation_mode or "", ""),
        }
        for a in rows
    ]
    return render(
        request,
        "desk/sheet.html",
        {
            "desk": desk,
            "doctor": doctor,
            "doctors": doctors,
            "day": shown,
            "day_label": shown.strftime("%A %d %B %Y"),
            "lines": lines,
            "nav": "sheet",
        },
    )


# --- booking ------------------------------------------------------------------------------------------------


def _booking_context(
    request: DeskRequest,
    desk: Desk,
    params: Mapping[str, Any],
    *,
    hold_form: HoldForm | None = None,
    patient_form: PatientForm | None = None,
    walk_in_form: WalkInForm | None = None,
) -> dict[str, Any]:
    zone = zone_of(desk.clinic.timezone)
    types = booking.services_for(desk)
    doctors = desk.doctors()
    locations = {x.pk: x for x in Location.objects.filter(clinic=desk.clinic).order_by("name")}
    doctor_choices = [(str(d.pk), d.display_name) for d in doctors]
    location_choices = [(str(pk), x.name) for pk, x in locations.items()]
    service_names = booking.service_choices(types)
    find = FindTimesForm(
        params if params.get("service") else None,
        services=service_names,
        doctors=doctor_choices,
        locations=location_choices,
    )
    patient = None
    patient_id = parse_uuid(params.get("patient"))
    if patient_id:
        patient = selectors.patients_of_clinics([desk.clinic.pk]).filter(pk=patient_id).first()
    query = str(params.get("q", "")).strip()
    found = selectors.search_patients([desk.clinic.pk], query) if query and patient is None else []
    rows: list[booking.OfferRow] = []
    clicked = None
    clicked_misfit = False
    if find.is_bound and find.is_valid():
        data = find.cleaned_data
        wanted = [
            t
            for t in types
            if t.name == data["service"] and (not data["doctor"] or str(t.doctor_id) == data["doctor"])
        ]
        location_id = parse_uuid(data["location"])
        mode = data["mode"] or None
        first = max(data["date"] or _today(desk), _today(desk))
        start = _parse_instant(params.get("start"))
        if start is not None and data["doctor"] and wanted:
            clicked = booking.at_time(
                wanted[0].doctor,
                wanted[0],
                start,
                zone=zone,
                location_id=location_id,
                mode=mode,
                locations=locations,
            )
            clicked_misfit = clicked is None
            first = max(start.astimezone(zone).date(), _today(desk))
        rows = booking.offers(
            wanted, zone=zone, first=first, location_id=location_id, mode=mode, locations=locations
        )
    start = _parse_instant(params.get("start"))
    start_doctor = next((d for d in doctors if str(d.pk) == params.get("doctor")), None)
    walk_in = walk_in_form or WalkInForm(
        None,
        services=service_names,
        doctors=doctor_choices,
        locations=location_choices,
        initial={k: params.get(k) for k in ("doctor", "service", "location", "mode")},
    )
    return {
        "desk": desk,
        "nav": "book",
        "params": {k: v for k, v in params.items() if k not in ("csrfmiddlewaretoken",)},
        "find": find,
        "patient": patient,
        "query": query,
        "found": found,
        "searched": bool(query) and patient is None,
        "offers": rows,
        "clicked": clicked,
        "clicked_misfit": clicked_misfit,
        "start_label": when(start, zone) if start else "",
        "start_doctor": start_doctor,
        "locations": location_choices,
        "modes": ConsultationMode.choices,
        "hold_form": hold_form,
        "patient_form": patient_form or PatientForm(),
        "walk_in": walk_in,
        "clear_patient_url": _url(
            "desk-book", {k: v for k, v in params.items() if k not in ("patient", "q")}
        ),
        "keep_without_q": {k: v for k, v in params.items() if k not in ("q", "patient")},
    }


def _parse_instant(value: object) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


@login_required
@require_GET
def book(request: DeskRequest) -> HttpResponse:
    """Book for a patient: find or create them, choose what and with whom, hold a time, confirm."""
    desk = desk_for(request)
    context = _booking_context(request, desk, request.GET.dict())
    template = "desk/book.html"
    if request.htmx and request.htmx.target in ("patient-results", "offers"):
        template = f"desk/book.html#{request.htmx.target}"
    return render(request, template, context)


@login_required
@require_POST
def patient_new(request: DeskRequest) -> HttpResponse:
    """Register a patient with the clinic, then carry on booking for them."""
    desk = desk_for(request)
    if not desk.is_staff:
        raise Http404("Only the clinic's staff register patients.")
    form = PatientForm(request.POST)
    params = {k: v for k, v in request.POST.items() if k.startswith("keep_")}
    keep = {k.removeprefix("keep_"): v for k, v in params.items()}
    if not form.is_valid():
        context = _booking_context(request, desk, keep, patient_form=form)
        context["show_new_patient"] = True
        return render(request, "desk/book.html", context, status=422)
    patient: Patient = form.save(commit=False)
    patient.clinic = desk.clinic
    patient.timezone = desk.clinic.timezone
    patient.save()
    return HttpResponseRedirect(_url("desk-book", {**keep, "patient": patient.pk, "q": ""}))


@login_required
@require_POST
def hold(request: DeskRequest) -> HttpResponse:
    """Hold the chosen time for the patient (the services decide whether it may be held)."""
    desk = desk_for(request)
    form = HoldForm(request.POST)
    status = 422
    keep = {k.removeprefix("keep_"): v for k, v in request.POST.items() if k.startswith("keep_")}
    if form.is_valid():
        data = form.cleaned_data
        try:
            doctor = desk.doctor(data["doctor"])
            req, actor = services.hold_request_for(
                request.user,
                doctor_id=doctor.pk,
                appointment_type_id=data["appointment_type"],
                starts_at=data["starts_at"],
                location_id=data["location"],
                consultation_mode=data["mode"] or None,
                patient_id=data["patient"],
            )
            a = services.hold(req, actor=actor)
        except ValidationFailed as exc:
            add_service_errors(form, exc, HOLD_FIELDS)
            status = exc.status_code
        else:
            return HttpResponseRedirect(reverse("desk-appointment", args=[a.pk]))
    context = _booking_context(request, desk, keep, hold_form=form)
    return render(request, "desk/book.html", context, status=status)


@login_required
@require_POST
def walk_in(request: DeskRequest) -> HttpResponse:
    """A patient at the desk: the doctor's current or next free time today, held and confirmed at once."""
    desk = desk_for(request)
    zone = zone_of(desk.clinic.timezone)
    types = booking.services_for(desk)
    keep = {k.removeprefix("keep_"): v for k, v in request.POST.items() if k.startswith("keep_")}
    form = WalkInForm(
        request.POST,
        services=booking.service_choices(types),
        doctors=[(str(d.pk), d.display_name) for d in desk.doctors()],
        locations=[(str(x.pk), x.name) for x in Location.objects.filter(clinic=desk.clinic)],
    )
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        doctor = desk.doctor(data["doctor"])
        service = next((t for t in types if t.doctor_id == doctor.pk and t.name == data["service"]), None)
        location_id, mode = parse_uuid(data["location"]), data["mode"] or None
        if service is None:
            form.add_error("service", f"{doctor.display_name} does not offer {data['service']}.")
        else:
            start = booking.next_today(doctor, service, zone=zone, location_id=location_id, mode=mode)
            if start is None:
                form.add_error("doctor", f"{doctor.display_name} has no free time left today for this.")
            else:
                try:
                    req, actor = services.hold_request_for(
                        request.user,
                        doctor_id=doctor.pk,
                        appointment_type_id=service.pk,
                        starts_at=from_epoch(start.start_utc).astimezone(zone),
                        location_id=location_id,
                        consultation_mode=mode,
                        patient_id=data["patient"],
                    )
                    a = services.confirm(services.hold(req, actor=actor), actor=actor)
                except ValidationFailed as exc:
                    add_service_errors(form, exc, WALK_IN_FIELDS)
                    status = exc.status_code
                else:
                    return HttpResponseRedirect(reverse("desk-appointment", args=[a.pk]))
    context = _booking_context(request, desk, keep, walk_in_form=form)
    return render(request, "desk/book.html", context, status=status)


# --- one appointment ----------------------------------------------------------------------------------------


def _actor_names(rows: list[tuple[str, uuid.UUID | None]]) -> dict[tuple[str, uuid.UUID | None], str]:
    """Names for (actor type, id) pairs: one query per kind of actor."""
    ids: dict[str, set[uuid.UUID]] = {}
    for kind, pk in rows:
        if pk is not None:
            ids.setdefault(kind, set()).add(pk)
    names: dict[tuple[str, uuid.UUID | None], str] = {}
    if ids.get(ActorType.PATIENT):
        for pk, name in Patient.objects.filter(pk__in=ids[ActorType.PATIENT]).values_list("pk", "full_name"):
            names[(ActorType.PATIENT, pk)] = f"{name} (patient)"
    if ids.get(ActorType.DOCTOR):
        for pk, name in Doctor.objects.filter(pk__in=ids[ActorType.DOCTOR]).values_list("pk", "display_name"):
            names[(ActorType.DOCTOR, pk)] = f"{name} (doctor)"
    if ids.get(ActorType.STAFF):
        for u in User.objects.filter(pk__in=ids[ActorType.STAFF]):
            names[(ActorType.STAFF, u.pk)] = f"{u.get_full_name()} (clinic staff)"
    for kind, pk in rows:
        names.setdefault((kind, pk), "The system" if kind == ActorType.SYSTEM else ActorType(kind).label)
    return names


EVENT_WORDS = {
    "held": "Held",
    "confirmed": "Confirmed",
    "cancelled": "Cancelled",
    "rescheduled": "Moved",
    "checked_in": "Checked in",
    "completed": "Completed",
    "no_show": "Marked no-show",
    "expired": "Hold expired",
    "kept_outside_hours": "Kept outside the new hours",
}


def _panel_context(a: Appointment, actor: services.Actor) -> dict[str, Any]:
    zone = zone_of(a.doctor.clinic.timezone)
    events = list(AppointmentEvent.objects.filter(appointment=a).order_by("created_at", "id"))
    pairs: list[tuple[str, uuid.UUID | None]] = [(e.actor_type, e.actor_id) for e in events]
    pairs.append((a.created_by_type, a.created_by_id))
    names = _actor_names(pairs)
    timeline = []
    for e in events:
        detail = ""
        if e.kind == "rescheduled" and e.before and e.before.get("startsAt"):
            before = datetime.fromisoformat(e.before["startsAt"])
            after = datetime.fromisoformat(e.after["startsAt"]) if e.after else a.starts_at
            detail = f"from {when(before, zone)} to {when(after, zone)}"
        elif e.kind == "cancelled" and e.after and e.after.get("cancelReason"):
            detail = f"“{e.after['cancelReason']}”"
        timeline.append(
            {
                "what": EVENT_WORDS.get(e.kind, e.kind.replace("_", " ").capitalize()),
                "who": names[(e.actor_type, e.actor_id)],
                "at": when(e.created_at, zone),
                "detail": detail,
            }
        )
    now = selectors.utcnow()
    live_hold = a.status == Status.HELD and not a.hold_ran_out(now)
    return {
        "a": a,
        "when": when_for_patient(a.starts_at, zone, a.patient_timezone),
        "ends": hhmm(a.ends_at, zone),
        "mode": dict(ConsultationMode.choices).get(a.consultation_mode or "", "Not set"),
        "booked_by": names[(a.created_by_type, a.created_by_id)],
        "booked_at": when(a.created_at, zone),
        "timeline": timeline,
        "live_hold": live_hold,
        "hold_expires_iso": iso_utc(a.hold_expires_at) if live_hold and a.hold_expires_at else "",
        "hold_expires": hhmm(a.hold_expires_at, zone) if a.hold_expires_at else "",
        "can_confirm": live_hold,
        "can_check_in": a.status == Status.CONFIRMED,
        "can_complete": a.status == Status.CHECKED_IN,
        "can_no_show": a.status == Status.CONFIRMED and a.starts_at <= now,
        "can_cancel": a.status in (Status.HELD, Status.CONFIRMED)
        and not (a.status == Status.HELD and not live_hold),
        "can_reschedule": a.status == Status.CONFIRMED or live_hold,
        "day_url": _url("desk-day", {"date": a.starts_at.astimezone(zone).date()}),
    }


def _panel(
    request: DeskRequest,
    a: Appointment,
    actor: services.Actor,
    *,
    errors: list[str] | None = None,
    status: int = 200,
    changed: bool = False,
) -> HttpResponse:
    context = {**_panel_context(a, actor), "errors": errors or [], "desk": desk_for(request)}
    response = render(request, _partial(request, "desk/appointment.html", "panel"), context, status=status)
    if changed:
        response["HX-Trigger"] = CHANGED
    return response


@login_required
@require_GET
def appointment(request: DeskRequest, appointment_id: uuid.UUID) -> HttpResponse:
    a, actor = appointment_for(request, appointment_id)
    return _panel(request, a, actor)


ACTIONS = {
    "confirm": lambda a, actor: services.confirm(a, actor=actor),
    "check-in": lambda a, actor: services.check_in(a, actor=actor),
    "complete": lambda a, actor: services.finish(a, actor=actor, outcome=Status.COMPLETED),
    "no-show": lambda a, actor: services.finish(a, actor=actor, outcome=Status.NO_SHOW),
}


@login_required
@require_POST
def act(request: DeskRequest, appointment_id: uuid.UUID, action: str) -> HttpResponse:
    """Confirm, check in, complete or mark a no-show; a refusal is shown in the panel, never a 500."""
    a, actor = appointment_for(request, appointment_id)
    if action not in ACTIONS:
        raise Http404("No such action.")
    try:
        ACTIONS[action](a, actor)
    except ValidationFailed as exc:
        a, actor = appointment_for(request, appointment_id)  # e.g. an expired hold is recorded as such
        return _panel(request, a, actor, errors=[e.message for e in exc.errors], status=exc.status_code)
    return _after_change(request, appointment_id)


def _after_change(request: DeskRequest, appointment_id: uuid.UUID) -> HttpResponse:
    if request.htmx:
        a, actor = appointment_for(request, appointment_id)
        return _panel(request, a, actor, changed=True)
    return HttpResponseRedirect(reverse("desk-appointment", args=[appointment_id]))


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: DeskRequest, appointment_id: uuid.UUID) -> HttpResponse:
    """Cancel, after a confirmation step that asks for the reason."""
    a, actor = appointment_for(request, appointment_id)
    form = CancelForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                services.cancel(a, actor=actor, reason=form.cleaned_data["reason"])
            except ValidationFailed as exc:
                add_service_errors(form, exc, {"": None})
                status = exc.status_code
            else:
                return _after_change(request, appointment_id)
        else:
            status = 422
    context = {**_panel_context(a, actor), "form": form, "desk": desk_for(request)}
    return render(request, _partial(request, "desk/cancel.html", "panel"), context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def reschedule(request: DeskRequest, appointment_id: uuid.UUID) -> HttpResponse:
    """Move to another free time of the same service and doctor (one atomic change in the services)."""
    a, actor = appointment_for(request, appointment_id)
    desk = desk_for(request)
    zone = zone_of(a.doctor.clinic.timezone)
    form = RescheduleForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                services.reschedule(a, actor=actor, starts_at=form.cleaned_data["starts_at"])
            except ValidationFailed as exc:
                add_service_errors(form, exc, {"startsAt": None, "": None})
                status = exc.status_code
            else:
                return _after_change(request, appointment_id)
        else:
            status = 422
    shown = _day(request.GET.get("date") or request.POST.get("date"), desk)
    shown = max(shown, _today(desk))
    from appointments import availability
    from scheduling.scope import Scope

    starts = availability.for_doctor(
        doctor=a.doctor,
        appointment_type=a.appointment_type,
        scope=Scope(
            appointment_type_id=a.appointment_type_id,
            location_id=a.location_id,
            consultation_mode=a.consultation_mode,
        ),
        zone=zone,
        first=shown,
        last=shown + timedelta(days=6),
    )
    by_day: dict[str, list[dict[str, str]]] = {}
    for s in starts:
        at = from_epoch(s.start_utc).astimezone(zone)
        by_day.setdefault(at.strftime("%a %d %b"), []).append({"iso": iso_utc(at), "label": hhmm(at, zone)})
    context = {
        **_panel_context(a, actor),
        "form": form,
        "desk": desk,
        "by_day": by_day,
        "shown": shown,
        "prev_date": max(shown - timedelta(days=7), _today(desk)),
        "next_date": shown + timedelta(days=7),
        "is_first_week": shown <= _today(desk),
    }
    return render(request, _partial(request, "desk/reschedule.html", "panel"), context, status=status)


@login_required
@require_GET
def patient_search(request: DeskRequest) -> HttpResponse:
    """The booking page's patient search, as a fragment for htmx (the page renders it too)."""
    return book(request)


# --- notices ------------------------------------------------------------------------------------------------

NOTICES_PER_PAGE = 25
NOTICES_SEEN = "desk-notices-seen"  # an htmx event: the navigation's count refreshes


def _staff_desk(request: DeskRequest) -> Desk:
    desk = desk_for(request)
    if not desk.is_staff:
        raise Http404("Notices are for the clinic's staff.")
    return desk


def _notices_context(desk: Desk, page_number: str | None) -> dict[str, Any]:
    assert desk.user_id is not None
    zone = zone_of(desk.clinic.timezone)
    marker = notices.seen_until(desk.user_id, desk.clinic.pk)
    paginator = Paginator(notices.notices_of(desk.clinic), NOTICES_PER_PAGE)
    page = paginator.get_page(page_number)
    rows = notices.lines(list(page.object_list), marker)
    keep = {"clinic": desk.clinic.pk if len(desk.clinics) > 1 else None}
    newest = rows[0].event.created_at if rows and page.number == 1 else None
    return {
        "desk": desk,
        "nav": "notices",
        "zone": zone.key,
        "page": page,
        "lines": [
            {
                "line": line,
                "starts": when(line.starts_at, zone) if line.starts_at else "",
                "moved_from": when(line.moved_from, zone) if line.moved_from else "",
                "at": when(line.event.created_at, zone),
                "at_iso": iso_utc(line.event.created_at),
                "url": reverse("desk-appointment", args=[line.event.appointment_id]),
            }
            for line in rows
        ],
        "unread_here": sum(1 for line in rows if line.unread),
        # Exact to the microsecond: the marker is compared with the events' own instants.
        "newest_iso": newest.astimezone(UTC).isoformat() if newest else "",
        "keep": keep,
        "prev_url": _url("desk-notices", {**keep, "page": page.previous_page_number()})
        if page.has_previous()
        else "",
        "next_url": _url("desk-notices", {**keep, "page": page.next_page_number()})
        if page.has_next()
        else "",
        "refresh_url": _url("desk-notices", {**keep, "page": page.number}),
    }


@login_required
@require_GET
def notices_page(request: DeskRequest) -> HttpResponse:
    """What patients booked, moved and cancelled themselves at this clinic, newest first, unread marked."""
    desk = _staff_desk(request)
    context = _notices_context(desk, request.GET.get("page"))
    return render(request, _partial(request, "desk/notices.html", "notices"), context)


@login_required
@require_POST
def notices_seen(request: DeskRequest) -> HttpResponse:
    """Mark the notices seen up to the newest one the page showed (a notice that came later stays unread)."""
    desk = _staff_desk(request)
    assert desk.user_id is not None
    until = _parse_instant(request.POST.get("until"))
    status = 200
    if until is None:
        status = 422
    else:
        notices.mark_seen(user_id=desk.user_id, clinic_id=desk.clinic.pk, until=until)
    if not request.htmx and status == 200:
        keep = {"clinic": desk.clinic.pk if len(desk.clinics) > 1 else None, "page": request.POST.get("page")}
        return HttpResponseRedirect(_url("desk-notices", keep), status=303)
    context = _notices_context(desk, request.POST.get("page"))
    if status != 200:
        context["error"] = "Nothing was marked: reload the page and try again."
    template = "desk/notices.html#notices" if request.htmx else "desk/notices.html"
    response = render(request, template, context, status=status)
    if status == 200:
        response["HX-Trigger"] = NOTICES_SEEN
    return response


@login_required
@require_GET
def notices_badge(request: DeskRequest) -> HttpResponse:
    """The navigation's unread count alone, for htmx to refresh it."""
    return render(request, "desk/_notice_badge.html", {"desk": _staff_desk(request)})
