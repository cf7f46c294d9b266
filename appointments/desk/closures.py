"""The desk's Closures page: the clinic's coming public holidays (each switchable off and on), its own closure
days (added and removed) and, for its admins, its holiday calendar. Plain forms (POST + CSRF) that work with a
full page reload; a change over live bookings lists them first and is confirmed with keep or cancel."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from appointments import closures as closure_services
from appointments.desk.access import Desk, desk_for
from appointments.desk.timefmt import when, zone_of
from appointments.services import Actor, ActorType
from medic.clinic.closures import holiday_calendar
from medic.clinic.models import ClinicClosure, StaffMembership, holiday_countries, holiday_subdivisions
from medic.clinic.permissions import staff_clinic_ids
from medic.errors import Conflict, ValidationFailed
from medic.typing import AuthenticatedRequest
from scheduling.services import AffectedPolicy

AHEAD_DAYS = 365  # the page lists the coming year
ON_AFFECTED = [("", "Ask first"), ("keep", "Keep them"), ("cancel", "Cancel them")]


class AddClosureForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(
        max_length=closure_services.NAME_MAX,
        widget=forms.TextInput(attrs={"placeholder": "Clinic training day"}),
    )
    on_affected = forms.ChoiceField(choices=ON_AFFECTED, required=False, widget=forms.HiddenInput)


class HolidayForm(forms.Form):
    date = forms.DateField(widget=forms.HiddenInput)
    closed = forms.TypedChoiceField(choices=[("on", "Closed"), ("off", "Open")], coerce=lambda v: v == "on")
    on_affected = forms.ChoiceField(choices=ON_AFFECTED, required=False, widget=forms.HiddenInput)


class CalendarForm(forms.Form):
    country = forms.ChoiceField(label="Public holidays of", required=False)
    subdivision = forms.CharField(
        label="Region (subdivision code)",
        max_length=10,
        required=False,
        help_text="Optional: a region whose own holidays apply too, e.g. BY (Bavaria) for Germany.",
    )
    on_affected = forms.ChoiceField(choices=ON_AFFECTED, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["country"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "None (no public holidays)"),
            *sorted(
                ((code, f"{name} ({code})") for code, name in holiday_countries().items()), key=lambda c: c[1]
            ),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        country, subdivision = data.get("country") or "", (data.get("subdivision") or "").strip()
        if subdivision and subdivision not in holiday_subdivisions(country):
            known = ", ".join(holiday_subdivisions(country))
            self.add_error(
                "subdivision",
                f"{country or 'No country'} has no region {subdivision}"
                + (f" (known: {known})." if known else "."),
            )
        data["subdivision"] = subdivision
        return data


FIELDS = {"date": "date", "name": "name", "holidayCountry": "country", "holidaySubdivision": "subdivision"}


# --- access -------------------------------------------------------------------------------------------------


def _staff(request: AuthenticatedRequest) -> Desk:
    desk = desk_for(request)
    if not desk.is_staff:
        raise Http404("Closures are for the clinic's staff.")
    return desk


def _is_admin(request: AuthenticatedRequest, desk: Desk) -> bool:
    user = request.user
    return bool(user.is_superuser) or desk.clinic.pk in staff_clinic_ids(
        user, roles=(StaffMembership.Role.ADMIN,)
    )


def _actor(request: AuthenticatedRequest) -> Actor:
    return Actor(ActorType.STAFF, request.user.pk)


def _policy(request: AuthenticatedRequest, choice: str | None) -> AffectedPolicy:
    if choice == "keep":
        return AffectedPolicy("keep", _actor(request))
    if choice == "cancel":
        return AffectedPolicy("cancel", _actor(request))
    return AffectedPolicy(None, _actor(request))


def _page_url(desk: Desk) -> str:
    url = reverse("desk-closures")
    return f"{url}?clinic={desk.clinic.pk}" if len(desk.clinics) > 1 else url


# --- the page -----------------------------------------------------------------------------------------------


def _context(request: AuthenticatedRequest, desk: Desk, **extra: Any) -> dict[str, Any]:
    clinic = desk.clinic
    today = closure_services.today_at(clinic)
    last = today + timedelta(days=AHEAD_DAYS)
    country = clinic.holiday_country
    return {
        "desk": desk,
        "nav": "closures",
        "today": today,
        "until": last,
        "country_name": holiday_countries().get(country, "") if country else "",
        "holidays": holiday_calendar(clinic, today, last),
        "custom": list(
            ClinicClosure.objects.filter(
                clinic=clinic, kind=ClinicClosure.Kind.CUSTOM, date__gte=today
            ).order_by("date")
        ),
        "is_admin": _is_admin(request, desk),
        "add_form": extra.pop("add_form", None) or AddClosureForm(),
        "calendar_form": extra.pop("calendar_form", None)
        or CalendarForm(initial={"country": country, "subdivision": clinic.holiday_subdivision}),
        "clinic_param": clinic.pk if len(desk.clinics) > 1 else None,
        **extra,
    }


@login_required
@require_GET
def closures_page(request: AuthenticatedRequest) -> HttpResponse:
    """The coming holidays and closures of the clinic, with their switches and forms."""
    desk = _staff(request)
    return render(request, "desk/closures.html", _context(request, desk))


def _confirm(exc: Conflict, desk: Desk, action: str, fields: dict[str, str], what: str) -> dict[str, Any]:
    """The confirmation panel of a change that would strand bookings: the bookings, and the same form again
    with keep or cancel."""
    zone = zone_of(desk.clinic.timezone)
    rows = []
    for error in exc.errors:
        for a in (error.extra or {}).get("appointments", []):
            starts = datetime.fromisoformat(str(a["startsAt"]).replace("Z", "+00:00"))
            rows.append({"when": when(starts, zone), "patient": a["patientName"], "service": a["service"]})
    return {
        "confirm": {
            "action": action,
            "fields": fields,
            "what": what,
            "message": exc.errors[0].message,
            "appointments": rows,
        }
    }


def _done(
    request: AuthenticatedRequest, desk: Desk, text: str, result: closure_services.ClosureResult
) -> HttpResponse:
    if result.kept:
        text += f" {result.kept} booking{'s' if result.kept != 1 else ''} kept outside hours."
    if result.cancelled:
        text += f" {result.cancelled} booking{'s' if result.cancelled != 1 else ''} cancelled."
    messages.success(request, text)
    return HttpResponseRedirect(_page_url(desk), status=303)


@login_required
@require_POST
def closure_add(request: AuthenticatedRequest) -> HttpResponse:
    """Add a closure of the clinic's own."""
    desk = _staff(request)
    form = AddClosureForm(request.POST)
    if not form.is_valid():
        return render(request, "desk/closures.html", _context(request, desk, add_form=form), status=422)
    day, name = form.cleaned_data["date"], form.cleaned_data["name"]
    try:
        result = closure_services.add_closure(
            clinic=desk.clinic,
            day=day,
            name=name,
            on_affected=_policy(request, form.cleaned_data["on_affected"]),
        )
    except Conflict as exc:
        fields = {"date": day.isoformat(), "name": name}
        what = f"Close the clinic on {day:%A %d %B %Y} ({name})"
        extra = _confirm(exc, desk, reverse("desk-closure-add"), fields, what)
        return render(request, "desk/closures.html", _context(request, desk, **extra), status=409)
    except ValidationFailed as exc:
        _errors(form, exc)
        return render(request, "desk/closures.html", _context(request, desk, add_form=form), status=422)
    return _done(request, desk, f"The clinic is closed on {day:%A %d %B %Y}: {name}.", result)


@login_required
@require_POST
def closure_remove(request: AuthenticatedRequest, closure_id: uuid.UUID) -> HttpResponse:
    """Remove a closure of the clinic's own (another clinic's is 404)."""
    desk = _staff(request)
    try:
        closure_services.remove_closure(clinic=desk.clinic, closure_id=closure_id)
    except ValidationFailed as exc:
        raise Http404("No such closure.") from exc
    messages.success(request, "The closure was removed: the day is open again.")
    return HttpResponseRedirect(_page_url(desk), status=303)


@login_required
@require_POST
def holiday_switch(request: AuthenticatedRequest) -> HttpResponse:
    """Switch one public holiday off (open as usual) or back on (closed)."""
    desk = _staff(request)
    form = HolidayForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "desk/closures.html",
            _context(request, desk, error="Choose a holiday from the list."),
            status=422,
        )
    day: date = form.cleaned_data["date"]
    closed: bool = form.cleaned_data["closed"]
    try:
        result = closure_services.switch_holiday(
            clinic=desk.clinic,
            day=day,
            closed=closed,
            on_affected=_policy(request, form.cleaned_data["on_affected"]),
        )
    except Conflict as exc:
        fields = {"date": day.isoformat(), "closed": "on"}
        what = f"Close the clinic for the public holiday on {day:%A %d %B %Y}"
        extra = _confirm(exc, desk, reverse("desk-holiday-switch"), fields, what)
        return render(request, "desk/closures.html", _context(request, desk, **extra), status=409)
    except ValidationFailed as exc:
        return render(
            request, "desk/closures.html", _context(request, desk, error=exc.errors[0].message), status=422
        )
    text = (
        f"The clinic is closed on {day:%A %d %B %Y} (public holiday)."
        if closed
        else f"The clinic opens as usual on {day:%A %d %B %Y} despite the public holiday."
    )
    return _done(request, desk, text, result)


@login_required
@require_POST
def calendar_set(request: AuthenticatedRequest) -> HttpResponse:
    """Choose the clinic's public-holiday calendar (the clinic's admins)."""
    desk = _staff(request)
    if not _is_admin(request, desk):
        raise Http404("Only the clinic's admins choose its holiday calendar.")
    form = CalendarForm(request.POST)
    if not form.is_valid():
        return render(request, "desk/closures.html", _context(request, desk, calendar_form=form), status=422)
    country, subdivision = form.cleaned_data["country"] or "", form.cleaned_data["subdivision"]
    try:
        result = closure_services.set_calendar(
            clinic=desk.clinic,
            country=country,
            subdivision=subdivision,
            on_affected=_policy(request, form.cleaned_data["on_affected"]),
        )
    except Conflict as exc:
        fields = {"country": country, "subdivision": subdivision}
        name = holiday_countries().get(country, "no country")
        what = f"Use the public holidays of {name}" + (f" ({subdivision})" if subdivision else "")
        extra = _confirm(exc, desk, reverse("desk-calendar-set"), fields, what)
        return render(request, "desk/closures.html", _context(request, desk, **extra), status=409)
    except ValidationFailed as exc:
        _errors(form, exc)
        return render(request, "desk/closures.html", _context(request, desk, calendar_form=form), status=422)
    chosen = holiday_countries().get(country)
    text = (
        f"Public holidays of {chosen} close the clinic."
        if chosen
        else "No public holidays close the clinic now."
    )
    return _done(request, desk, text, result)


def _errors(form: forms.Form, exc: ValidationFailed) -> None:
    for error in exc.errors:
        name = FIELDS.get(error.path)
        form.add_error(name if name in form.fields else None, error.message)
