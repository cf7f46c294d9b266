"""Django admin for bookings and resources, scoped to the staff member's clinics.

Appointments are read-only here: every change goes through `services` (the admin actions call them), so the
audit log, the claims on resources and the database's constraints stay right. Resources are edited like the
rest of the clinic's directory; their claims are shown, never edited.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone as dj_timezone
from django.utils.html import format_html, format_html_join

from appointments import services
from appointments.models import (
    ActorType,
    Appointment,
    AppointmentEvent,
    BookableResource,
    ResourceClaim,
    Status,
)
from medic.clinic.admin_scoping import ADMIN, RECEPTIONIST, ClinicScopedAdmin, ClinicScopedInline
from medic.clinic.models import AppointmentType
from medic.errors import ValidationFailed


class CancelReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Recorded with each cancellation in the audit log.",
    )


_ACTOR_LABELS = dict(ActorType.choices)
# The order an audit event's keys are listed in (JSONB keeps its own order): what changes most comes first.
_KEY_ORDER = ("status", "startsAt", "endsAt", "holdExpiresAt", "consultationMode", "cancelReason")


def _zone(name: str) -> zoneinfo.ZoneInfo:
    """The stored zone name, or UTC for a name this machine does not know (a listing must still render)."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _local(value: datetime | None, zone_name: str) -> str:
    if value is None:
        return "—"
    return f"{value.astimezone(_zone(zone_name)):%Y-%m-%d %H:%M} {zone_name}"


def _utc(value: datetime | None) -> str:
    return "—" if value is None else f"{value.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _actor(kind: str, pk: Any) -> str:
    if not kind:
        return "—"
    label = _ACTOR_LABELS.get(kind, kind)
    return f"{label} · {pk}" if pk else label


def _compact(value: Any) -> str:
    """An audit value for a table cell: instants in UTC to the minute, so equal instants read equal."""
    if value is None:
        return "—"
    if isinstance(value, str):
        try:
            instant = datetime.fromisoformat(value)
        except ValueError:
            return value
        if instant.tzinfo is not None:
            return _utc(instant)
    return str(value)


# -- appointments ------------------------------------------------------------------------------------------


class ReadOnlyInline(ClinicScopedInline):
    """Shown to whoever may view the parent; never added to, changed or deleted here."""

    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


_EVENT_COLUMNS = ("created_at", "kind", "actor", "changes")


class AppointmentEventInline(ReadOnlyInline):
    """The audit trail, oldest first. Append-only in the database; nothing here may add, change or delete."""

    model = AppointmentEvent
    fields = list(_EVENT_COLUMNS)
    readonly_fields = list(_EVENT_COLUMNS)
    ordering = ["created_at", "id"]
    verbose_name_plural = "audit trail"

    @admin.display(description="Actor")
    def actor(self, event: AppointmentEvent) -> str:
        return _actor(event.actor_type, event.actor_id)

    @admin.display(description="Changes")
    def changes(self, event: AppointmentEvent) -> str:
        """Only what differs between before and after, one `key: old → new` line each. A first event has
        no before: its ids are left out, the page above names the doctor, patient and service already."""
        before, after = event.before or {}, event.after or {}
        keys = [k for k in dict.fromkeys([*_KEY_ORDER, *before, *after]) if k in before or k in after]
        if event.before is None:
            keys = [k for k in keys if not k.endswith("Id")]
        lines = [
            (key, old, new)
            for key in keys
            if (old := _compact(before.get(key))) != (new := _compact(after.get(key)))
        ]
        if not lines:
            return "—"
        return format_html_join("", "<div>{}: {} → {}</div>", lines)


@admin.register(Appointment)
class AppointmentAdmin(ClinicScopedAdmin):
    """Bookings of the staff member's clinics, read-only; the actions change them through the services."""

    clinic_path = "doctor__clinic"
    edit_roles = (ADMIN, RECEPTIONIST)
    list_display = [
        "starts_local",
        "starts_utc",
        "doctor",
        "patient",
        "service",
        "status",
        "outside_hours",
        "hold_expiry",
        "desk_link",
    ]
    list_filter = ["status", "outside_hours", "doctor", "appointment_type", "consultation_mode"]
    date_hierarchy = "starts_at"
    search_fields = ["patient__full_name", "patient__email", "doctor__display_name"]
    list_select_related = ["doctor", "patient", "appointment_type"]
    ordering = ["-starts_at"]
    actions = ["cancel_selected", "confirm_selected", "check_in_selected"]
    inlines = [AppointmentEventInline]
    fieldsets = [
        (None, {"fields": ["status", "doctor", "patient", "appointment_type"]}),
        (
            "When",
            {
                "fields": [
                    ("starts_local", "starts_utc"),
                    ("ends_local", "ends_utc"),
                    "hold_expiry",
                    ("doctor_timezone", "patient_timezone"),
                ]
            },
        ),
        ("Where", {"fields": ["location", "room", "consultation_mode", "resource_claims"]}),
        (
            "History",
            {
                "fields": [
                    ("created_at", "created_by"),
                    "confirmed_at",
                    ("cancelled_at", "cancelled_by"),
                    "cancel_reason",
                    ("rescheduled_at", "rescheduled_by"),
                    "updated_at",
                    "notes",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Never a form: has_change_permission is False already, and this keeps it so if that ever changes.
        return [name for fieldset in self.fieldsets for row in fieldset[1]["fields"] for name in _names(row)]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related("doctor", "patient", "appointment_type")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_book_permission(self, request: HttpRequest) -> bool:
        """Whether the booking actions are offered: staff of a clinic in either role, or a superuser."""
        return self._may_edit(request, None)

    # -- columns and read-only fields

    @admin.display(description="Front desk")
    def desk_link(self, a: Appointment) -> str:
        return format_html('<a href="{}">Open at the desk</a>', reverse("desk-appointment", args=[a.pk]))

    @admin.display(description="Starts (doctor's time)", ordering="starts_at")
    def starts_local(self, a: Appointment) -> str:
        return _local(a.starts_at, a.doctor_timezone)

    @admin.display(description="Starts (UTC)", ordering="starts_at")
    def starts_utc(self, a: Appointment) -> str:
        return _utc(a.starts_at)

    @admin.display(description="Ends (doctor's time)")
    def ends_local(self, a: Appointment) -> str:
        return _local(a.ends_at, a.doctor_timezone)

    @admin.display(description="Ends (UTC)")
    def ends_utc(self, a: Appointment) -> str:
        return _utc(a.ends_at)

    @admin.display(description="Service", ordering="appointment_type__name")
    def service(self, a: Appointment) -> str:
        return a.appointment_type.name

    @admin.display(description="Hold expires", ordering="hold_expires_at")
    def hold_expiry(self, a: Appointment) -> str:
        if a.status != Status.HELD or a.hold_expires_at is None:
            return "—"
        text = _local(a.hold_expires_at, a.doctor_timezone)
        return f"{text} (ran out)" if a.hold_ran_out(dj_timezone.now()) else text

    @admin.display(description="Created by")
    def created_by(self, a: Appointment) -> str:
        return _actor(a.created_by_type, a.created_by_id)

    @admin.display(description="Cancelled by")
    def cancelled_by(self, a: Appointment) -> str:
        return _actor(a.cancelled_by_type, a.cancelled_by_id)

    @admin.display(description="Rescheduled by")
    def rescheduled_by(self, a: Appointment) -> str:
        return _actor(a.rescheduled_by_type, a.rescheduled_by_id)

    @admin.display(description="Resources")
    def resource_claims(self, a: Appointment) -> str:
        claims = a.claims.select_related("resource").order_by("starts_at", "resource__name")
        rows = [
            (c.resource.name, c.seat, "released " + _utc(c.released_at) if c.released_at else "held")
            for c in claims
        ]
        if not rows:
            return "—"
        return format_html_join("", "<div>{} · seat {} · {}</div>", rows)

    # -- actions

    @admin.action(description="Cancel selected appointments…", permissions=["book"])
    def cancel_selected(self, request: HttpRequest, queryset: models.QuerySet) -> TemplateResponse | None:
        """Asks for the reason on an intermediate page first (the patient is told it), then cancels."""
        form = CancelReasonForm(request.POST if "confirm_cancel" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._apply(
                request,
                queryset,
                done=Status.CANCELLED,
                verb="Cancelled",
                change=lambda a, actor: services.cancel(a, actor=actor, reason=reason),
            )
            return None
        return TemplateResponse(
            request,
            "admin/appointments/appointment/cancel_reason.html",
            {
                **self.admin_site.each_context(request),
                "title": "Cancel appointments",
                "opts": self.model._meta,
                "form": form,
                "appointments": queryset.select_related("doctor", "patient", "appointment_type").order_by(
                    "starts_at"
                ),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description="Check in selected patients", permissions=["book"])
    def check_in_selected(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._apply(
            request,
            queryset,
            done=Status.CHECKED_IN,
            verb="Checked in",
            change=lambda a, actor: services.check_in(a, actor=actor),
        )

    @admin.action(description="Confirm selected holds", permissions=["book"])
    def confirm_selected(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._apply(
            request,
            queryset,
            done=Status.CONFIRMED,
            verb="Confirmed",
            change=lambda a, actor: services.confirm(a, actor=actor),
        )

    def _apply(
        self,
        request: HttpRequest,
        queryset: models.QuerySet,
        *,
        done: str,
        verb: str,
        change: Callable[[Appointment, services.Actor], Appointment],
    ) -> None:
        """Run `change` on each appointment in its own transaction (one failure leaves the others done) and
        report what happened: a service's refusal is a message, never an error page."""
        actor = services.Actor(ActorType.STAFF, request.user.pk)
        changed, unchanged, failed = 0, 0, []
        for a in queryset.select_related("doctor", "patient").order_by("starts_at", "pk"):
            was = a.status
            try:
                change(a, actor)
            except ValidationFailed as exc:
                failed.append((a, " ".join(e.message for e in exc.errors)))
                continue
            if was == done:
                unchanged += 1
            else:
                changed += 1
        if changed:
            self.message_user(request, f"{verb} {_count(changed)}.", messages.SUCCESS)
        if unchanged:
            self.message_user(request, f"{_count(unchanged)} already {done}, left as is.", messages.INFO)
        for a, reason in failed:
            label = f"{a.patient} with {a.doctor} at {_local(a.starts_at, a.doctor_timezone)}"
            self.message_user(request, f"Not {verb.lower()}: {label}: {reason}", messages.ERROR)


def _names(row: str | Sequence[str]) -> tuple[str, ...]:
    return (row,) if isinstance(row, str) else tuple(row)


def _count(n: int) -> str:
    return f"{n} appointment{'s' if n != 1 else ''}"


# -- resources ---------------------------------------------------------------------------------------------


_CLAIM_COLUMNS = ("seat", "booking", "starts_utc", "ends_utc")


class ResourceClaimInline(ReadOnlyInline):
    """Seats taken now or later (released claims and past ones are history, not shown)."""

    model = ResourceClaim
    fields = list(_CLAIM_COLUMNS)
    readonly_fields = list(_CLAIM_COLUMNS)
    verbose_name = "active claim"
    verbose_name_plural = "active claims"

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return (
            super()
            .get_queryset(request)
            .filter(released_at__isnull=True, ends_at__gt=dj_timezone.now())
            .select_related("appointment__doctor", "appointment__patient")
            .order_by("starts_at", "seat")
        )

    @admin.display(description="Appointment")
    def booking(self, claim: ResourceClaim) -> str:
        a = claim.appointment
        url = reverse("admin:appointments_appointment_change", args=[a.pk])
        return format_html(
            '<a href="{}">{} with {} ({})</a>', url, a.patient, a.doctor, a.get_status_display()
        )

    @admin.display(description="Starts")
    def starts_utc(self, claim: ResourceClaim) -> str:
        return _utc(claim.starts_at)

    @admin.display(description="Ends")
    def ends_utc(self, claim: ResourceClaim) -> str:
        return _utc(claim.ends_at)


class BookableResourceForm(forms.ModelForm):
    class Meta:
        model = BookableResource
        fields = ["clinic", "name", "kind", "seats", "location", "room", "appointment_types", "is_active"]
        labels = {"appointment_types": "Services that need it"}

    def clean(self) -> dict[str, Any]:
        # The choices are already the staff member's clinics; this keeps one resource inside one clinic
        # (a staff member of two clinics, or a superuser, could otherwise mix them).
        data = super().clean()
        assert data is not None  # ModelForm.clean returns cleaned_data, never None
        clinic, location, room = data.get("clinic"), data.get("location"), data.get("room")
        if clinic is None:
            return data
        if location is not None and location.clinic_id != clinic.pk:
            self.add_error("location", f"Not a location of {clinic.name}.")
        if room is not None:
            if room.location.clinic_id != clinic.pk:
                self.add_error("room", f"Not a room of {clinic.name}.")
            elif location is None:
                self.add_error("location", "Choose the room's location too.")
            elif room.location_id != location.pk:
                self.add_error("room", f"Not a room at {location.name}.")
        foreign = [t for t in data.get("appointment_types") or [] if t.doctor.clinic_id != clinic.pk]
        if foreign:
            names = ", ".join(f"{t.name} ({t.doctor.display_name})" for t in foreign)
            self.add_error("appointment_types", f"Not services of {clinic.name}: {names}.")
        return data


@admin.register(BookableResource)
class BookableResourceAdmin(ClinicScopedAdmin):
    """Rooms, devices and group sessions that bookings of some services must claim a seat of."""

    form = BookableResourceForm
    clinic_path = "clinic"
    list_display = ["name", "kind", "seats", "clinic", "location", "room", "is_active"]
    list_filter = ["kind", "is_active", "clinic", "location"]
    search_fields = ["name", "location__name", "room__name"]
    list_select_related = ["clinic", "location", "room__location"]
    filter_horizontal = ["appointment_types"]
    inlines = [ResourceClaimInline]
    fieldsets = [
        (None, {"fields": ["clinic", "name", "kind", "seats", "is_active"]}),
        ("Where", {"fields": ["location", "room"]}),
        (
            "Services",
            {
                "description": "A booking of any of these services holds one seat for its whole time.",
                "fields": ["appointment_types"],
            },
        ),
    ]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "room" and field is not None:
            field.queryset = field.queryset.select_related("location")  # a room's label names its location
        return field

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # scoped to the clinics
        if db_field.related_model is AppointmentType and field is not None:
            # Services are per doctor, so "Consultation" alone is ambiguous: name the doctor too.
            field.queryset = field.queryset.select_related("doctor").order_by("doctor__display_name", "name")
            field.label_from_instance = _service_label
        return field


def _service_label(t: AppointmentType) -> str:
    return f"{t.doctor.display_name} · {t.name} ({t.duration_minutes} min)"
