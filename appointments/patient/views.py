"""/book/: clinic → service → doctor or any doctor → a month of days with free times → the day's times →
hold (signing in or up on the way) → confirm. Every page renders whole on a plain request; htmx swaps only
the calendar and times (`#picker`) when it asks for them."""

from __future__ import annotations

import calendar
import uuid
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from appointments import selectors, services
from appointments.desk.access import parse_uuid
from appointments.models import Status
from appointments.patient import access, times
from appointments.patient.forms import PickForm
from medic.clinic import directory
from medic.clinic.models import AppointmentType, Clinic, ConsultationMode, Doctor, Location
from medic.errors import ValidationFailed
from medic.typing import AuthenticatedRequest

PENDING = "book_pending"  # the time an anonymous visitor chose, held once they are signed in
TAKEN = ("SLOT_TAKEN", "SLOT_NOT_AVAILABLE")
KEEP = ("clinic", "service", "doctor", "month", "date")


def book_url(params: dict[str, Any]) -> str:
    query = urlencode({k: str(v) for k, v in params.items() if v not in (None, "")})
    return reverse("book") + (f"?{query}" if query else "")


def when(value: datetime, zone: zoneinfo.ZoneInfo) -> str:
    local = value.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M}"


def when_both(value: datetime, zone: zoneinfo.ZoneInfo, clinic_zone: zoneinfo.ZoneInfo) -> str:
    """The patient's time, and the clinic's beside it when its clock differs."""
    text = when(value, zone)
    if value.astimezone(zone).utcoffset() != value.astimezone(clinic_zone).utcoffset():
        text += f" ({value.astimezone(clinic_zone):%H:%M} at the clinic, {clinic_zone.key})"
    return text


# --- the choice so far, read from the query -----------------------------------------------------------------


@dataclass
class Choice:
    """What the visitor has chosen so far; each step only when the one before is made."""

    clinics: list[Clinic]
    clinic: Clinic | None = None
    services: dict[str, list[AppointmentType]] = field(default_factory=dict)
    service: str = ""
    doctors: list[Doctor] = field(default_factory=list)
    doctor: Doctor | None = None
    any_doctor: bool = False
    types: list[AppointmentType] = field(default_factory=list)

    @property
    def who(self) -> str:
        return "any" if self.any_doctor else (str(self.doctor.pk) if self.doctor else "")

    def params(self, **more: object) -> dict[str, Any]:
        return {
            "clinic": self.clinic.pk if self.clinic else None,
            "service": self.service,
            "doctor": self.who,
            **more,
        }


def read_choice(request: HttpRequest, params: dict[str, str]) -> Choice:
    """The steps chosen in `params`; a clinic the visitor may not see is 404 (private clinics)."""
    user = request.user
    clinics = list(directory.clinics(user))
    choice = Choice(clinics=clinics)
    clinic_id = parse_uuid(params.get("clinic"))
    if params.get("clinic") and clinic_id is None:
        raise Http404("No such clinic.")
    if clinic_id is not None:
        choice.clinic = directory.clinics(user).filter(pk=clinic_id).first()
        if choice.clinic is None:
            raise Http404("No such clinic.")
    elif len(clinics) == 1:
        choice.clinic = clinics[0]
    if choice.clinic is None:
        return choice
    for t in directory.services(user, clinic_id=choice.clinic.pk).select_related("doctor__clinic"):
        choice.services.setdefault(t.name, []).append(t)
    wanted = next((n for n in choice.services if n.lower() == params.get("service", "").lower()), "")
    if not wanted:
        return choice
    choice.service = wanted
    offered = choice.services[wanted]
    choice.doctors = sorted({t.doctor for t in offered}, key=lambda d: d.display_name)
    who = params.get("doctor", "")
    if who == "any" or (len(choice.doctors) == 1 and who):
        choice.any_doctor = who == "any"
        choice.doctor = choice.doctors[0] if who != "any" else None
    else:
        doctor_id = parse_uuid(who)
        choice.doctor = next((d for d in choice.doctors if d.pk == doctor_id), None)
    if choice.any_doctor:
        choice.types = offered
    elif choice.doctor is not None:
        choice.types = [t for t in offered if t.doctor_id == choice.doctor.pk]
    return choice


def _month(value: str | None, fallback: date) -> date:
    try:
        return datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return fallback.replace(day=1)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Cell:
    day: date
    in_month: bool
    free: bool
    chosen: bool
    past: bool
    url: str


def picker_context(request: HttpRequest, choice: Choice, params: dict[str, str]) -> dict[str, Any]:
    """The month of days with free times and, for the chosen (or first free) day, its times."""
    assert choice.clinic is not None
    zone = access.zone(request, choice.clinic)
    clinic_zone = zoneinfo.ZoneInfo(choice.clinic.timezone)
    today = times.today_in(zone)
    chosen_day = _date(params.get("date"))
    month = _month(params.get("month"), chosen_day or today)
    this_month = today.replace(day=1)
    horizon = today + timedelta(days=max(t.max_advance_days for t in choice.types))
    month = min(max(month, this_month), horizon.replace(day=1))
    free = times.bookable_days(choice.types, zone, month)
    if not free and not params.get("month") and not chosen_day and month < horizon.replace(day=1):
        month = (month + timedelta(days=32)).replace(day=1)  # late in a month: show the next one's days
        free = times.bookable_days(choice.types, zone, month)
    if chosen_day is None or chosen_day.replace(day=1) != month:
        chosen_day = min(free) if free else None
    day_times = times.day_times(choice.types, zone, clinic_zone, chosen_day) if chosen_day else []
    weeks = [
        [
            Cell(
                day=d,
                in_month=d.month == month.month,
                free=d in free,
                chosen=d == chosen_day,
                past=d < today,
                url=book_url(choice.params(month=f"{month:%Y-%m}", date=d.isoformat())),
            )
            for d in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    ]
    prev_month = (month - timedelta(days=1)).replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    modes = sorted({m for t in choice.types for m in (t.consultation_modes or ConsultationMode.values)})
    return {
        "zone_name": zone.key,
        "clinic_zone_name": clinic_zone.key,
        "zones_differ": today != times.today_in(clinic_zone) or _offset(zone) != _offset(clinic_zone),
        "month_label": f"{month:%B %Y}",
        "month_value": f"{month:%Y-%m}",
        "weeks": weeks,
        "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        "prev_url": book_url(choice.params(month=f"{prev_month:%Y-%m}")) if prev_month >= this_month else "",
        "next_url": book_url(choice.params(month=f"{next_month:%Y-%m}")) if next_month <= horizon else "",
        "free_days": len(free),
        "day": chosen_day,
        "day_label": f"{chosen_day:%A} {chosen_day.day} {chosen_day:%B}" if chosen_day else "",
        "times": day_times,
        "needs_mode": any(t.needs_mode for t in day_times),
        "needs_location": any(t.needs_location for t in day_times),
        "mode_choices": [(m, dict(ConsultationMode.choices)[m]) for m in modes],
        "location_choices": _locations(choice),
        "hold_minutes": services.hold_minutes(),
    }


def _offset(zone: zoneinfo.ZoneInfo) -> timedelta | None:
    return selectors.utcnow().astimezone(zone).utcoffset()


def _locations(choice: Choice) -> list[Location]:
    assert choice.clinic is not None
    return list(Location.objects.filter(clinic=choice.clinic).order_by("name"))


@require_GET
def book(request: HttpRequest) -> HttpResponse:
    """The booking page: each step appears once the one before is chosen."""
    params = request.GET.dict()
    choice = read_choice(request, params)
    context: dict[str, Any] = {"choice": choice, "nav": "book", "params": choice.params()}
    if choice.types:
        context.update(picker_context(request, choice, params))
    template = "book/book.html"
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == "picker" and choice.types:
        template = "book/book.html#picker"
    return render(request, template, context)


# --- holding ------------------------------------------------------------------------------------------------


def _pending_from(form: PickForm, post: dict[str, str]) -> dict[str, str]:
    doctor_id, type_id, starts_at = form.cleaned_data["pick"]
    return {
        "doctor": str(doctor_id),
        "appointment_type": str(type_id),
        "starts_at": starts_at.isoformat(),
        "location": str(form.cleaned_data["location"] or ""),
        "mode": form.cleaned_data["mode"] or "",
        "back": book_url({k: post.get(k) for k in KEEP}),
    }


@require_POST
def hold(request: HttpRequest) -> HttpResponse:
    """Hold the picked time: at once for a signed-in patient; after signing in or up for a visitor."""
    form = PickForm(request.POST)
    back = book_url({k: request.POST.get(k) for k in KEEP})
    if not form.is_valid():
        messages.error(request, "Choose one of the free times.")
        return HttpResponseRedirect(back)
    pending = _pending_from(form, request.POST.dict())
    if not request.user.is_authenticated:
        request.session[PENDING] = pending
        return HttpResponseRedirect(reverse("signup") + "?" + urlencode({"next": reverse("book-resume")}))
    return hold_pending(request, pending)  # type: ignore[arg-type]  # signed in: checked just above


@login_required
@require_GET
def resume(request: AuthenticatedRequest) -> HttpResponse:
    """Back from signing in or up: hold the time chosen before (once)."""
    pending = request.session.pop(PENDING, None)
    if not pending:
        return HttpResponseRedirect(reverse("me-appointments"))
    return hold_pending(request, pending)


def hold_pending(request: AuthenticatedRequest, pending: dict[str, str]) -> HttpResponse:
    back = pending.get("back") or reverse("book")
    if selectors.own_patient(request.user) is None:
        messages.error(
            request,
            "This login is not a patient's: staff and doctors book for patients at the front desk.",
        )
        return HttpResponseRedirect(back)
    try:
        req, actor = services.hold_request_for(
            request.user,
            doctor_id=uuid.UUID(pending["doctor"]),
            appointment_type_id=uuid.UUID(pending["appointment_type"]),
            starts_at=datetime.fromisoformat(pending["starts_at"]),
            location_id=parse_uuid(pending.get("location")),
            consultation_mode=pending.get("mode") or None,
        )
        a = services.hold(req, actor=actor)
    except ValidationFailed as exc:
        codes = {e.code for e in exc.errors}
        if codes & set(TAKEN):
            messages.warning(request, "Sorry, that time has just been taken. Here are the free times now.")
        else:
            for e in exc.errors:
                messages.error(request, e.message)
        return HttpResponseRedirect(back)
    return HttpResponseRedirect(reverse("book-held", args=[a.pk]))


# --- the hold: countdown, confirm, release ------------------------------------------------------------------


def _held_context(request: AuthenticatedRequest, appointment_id: uuid.UUID) -> dict[str, Any]:
    a, _actor = access.own_appointment(request.user, appointment_id)
    zone = access.zone(request, a.doctor.clinic)
    clinic_zone = zoneinfo.ZoneInfo(a.doctor.clinic.timezone)
    params = {
        "clinic": a.doctor.clinic_id,
        "service": a.appointment_type.name,
        "doctor": a.doctor_id,
        "date": a.starts_at.astimezone(zone).date().isoformat(),
    }
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
        "expires_iso": a.hold_expires_at.isoformat() if a.hold_expires_at else "",
        "live": a.status == Status.HELD and not a.hold_ran_out(selectors.utcnow()),
        "needs_verification": access.needs_verification(request.user),
        "times_url": book_url(params),
        "nav": "book",
    }


@login_required
@require_GET
def held(request: AuthenticatedRequest, appointment_id: uuid.UUID) -> HttpResponse:
    """The held time with its countdown; confirm it (once the address is verified) or let it go."""
    context = _held_context(request, appointment_id)
    a = context["a"]
    if a.status != Status.HELD:
        return HttpResponseRedirect(reverse("me-appointment", args=[a.pk]))
    return render(request, "book/held.html", context)


@login_required
@require_POST
def confirm(request: AuthenticatedRequest, appointment_id: uuid.UUID) -> HttpResponse:
    a, actor = access.own_appointment(request.user, appointment_id)
    if access.needs_verification(request.user):
        messages.warning(
            request,
            f"Check your email: open the link we sent to {request.user.email} to verify your address, "
            "then confirm.",
        )
        context = _held_context(request, appointment_id)
        return render(request, "book/held.html", context, status=422)
    try:
        services.confirm(a, actor=actor)
    except ValidationFailed as exc:
        for e in exc.errors:
            messages.error(request, e.message)
        context = _held_context(request, appointment_id)
        return render(request, "book/held.html", context, status=exc.status_code)
    messages.success(request, "Booked. We look forward to seeing you.")
    return HttpResponseRedirect(reverse("me-appointment", args=[a.pk]))


@login_required
@require_POST
def release(request: AuthenticatedRequest, appointment_id: uuid.UUID) -> HttpResponse:
    """Give the held time back (and free a place under the hold limit)."""
    context = _held_context(request, appointment_id)
    a, actor = access.own_appointment(request.user, appointment_id)
    try:
        services.cancel(a, actor=actor, reason="Released by the patient")
    except ValidationFailed as exc:
        for e in exc.errors:
            messages.error(request, e.message)
    else:
        messages.info(request, "The time is released. Choose another.")
    return HttpResponseRedirect(context["times_url"])
