"""Django admin for the clinic directory, scoped to the staff member's clinics."""

from __future__ import annotations

import zoneinfo
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone as dj_timezone
from django.utils.html import format_html, format_html_join

from medic.clinic.admin_scoping import ADMIN, RECEPTIONIST, ClinicScopedAdmin, ClinicScopedInline
from medic.clinic.closures import Calendar, calendars, holiday_calendar
from medic.clinic.models import (
    ApiToken,
    AppointmentType,
    Clinic,
    ClinicClosure,
    ConsultationMode,
    Doctor,
    Location,
    Patient,
    Room,
    StaffMembership,
    User,
    holiday_countries,
    validate_holiday_subdivision,
)

admin.site.site_header = "Medic administration"
admin.site.site_title = "Medic admin"
admin.site.index_title = "Clinic administration"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Login accounts: superusers only (staff manage people through Doctor, Patient and memberships)."""

    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_superuser", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal info", {"fields": ["full_name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Important dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


class LinksLoginAdmin(ClinicScopedAdmin):
    """Rows tied to a login account. Accounts are a superuser's to create and link (a staff member can't
    browse logins outside their clinic), so staff see the account read-only and can't add such rows."""

    login_field = "user"
    staff_may_add = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else [*fields, self.login_field]

    def get_autocomplete_fields(self, request: HttpRequest) -> list[str]:
        fields = list(super().get_autocomplete_fields(request))
        return fields if request.user.is_superuser else [f for f in fields if f != self.login_field]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        if not (request.user.is_superuser or self.staff_may_add):
            return False
        return super().has_add_permission(request, *args)


class LocationInline(ClinicScopedInline):
    model = Location
    extra = 0
    fields = ["name", "address"]
    show_change_link = True


# --- clinic closures ----------------------------------------------------------------------------------------


def _refuse_stranding(clinic: Clinic, before: Calendar, after: Calendar, first: date, last: date) -> None:
    """The affected-bookings rule in the admin: a change of closures over live bookings is refused with the
    bookings listed; the desk's Closures page is where staff keep or cancel them."""
    from appointments.closures import affected_by_closures  # the booking side: loaded once the apps are

    found = affected_by_closures(clinic, before, after, now=dj_timezone.now(), first=first, last=last)
    if found:
        zone = zoneinfo.ZoneInfo(clinic.timezone)
        listed = "; ".join(
            f"{f.appointment.starts_at.astimezone(zone):%a %d %b %Y %H:%M} {f.appointment.patient.full_name}"
            for f in found[:10]
        )
        more = f" and {len(found) - 10} more" if len(found) > 10 else ""
        raise forms.ValidationError(
            f"{len(found)} booked appointment(s) fall on a day this closes: {listed}{more}. Keep or cancel "
            "them on the front desk's Closures page (/desk/closures/), or choose another day.",
            code="BOOKINGS_AFFECTED",
        )


class ClinicForm(forms.ModelForm):
    holiday_country = forms.TypedChoiceField(
        label="Public holidays of",
        required=False,
        empty_value="",
        help_text="Its public holidays close the clinic (unless switched off); empty: none.",
    )

    class Meta:
        model = Clinic
        fields = [
            "name",
            "timezone",
            "is_public",
            "max_holds_per_patient",
            "reminder_hours",
            "holiday_country",
            "holiday_subdivision",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["holiday_country"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "None"),
            *sorted(((c, f"{n} ({c})") for c, n in holiday_countries().items()), key=lambda x: x[1]),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clinic = self.instance
        try:  # before the closures below are computed with it (the model's own clean comes later)
            validate_holiday_subdivision(
                data.get("holiday_country") or "", data.get("holiday_subdivision") or ""
            )
        except forms.ValidationError as exc:
            self.add_error(None, exc)
        if (
            clinic.pk
            and not self.errors
            and {"holiday_country", "holiday_subdivision"} & set(self.changed_data)
        ):
            first = dj_timezone.now().astimezone(zoneinfo.ZoneInfo(clinic.timezone)).date()
            last = first + timedelta(days=2 * 366)
            before = calendars([clinic.pk], first, last)[clinic.pk]
            after = replace(
                before,
                country=data.get("holiday_country") or "",
                subdivision=data.get("holiday_subdivision") or "",
            )
            _refuse_stranding(clinic, before, after, first, last)
        return data


class ClinicClosureFormSet(forms.BaseInlineFormSet):
    """Closure rows of one clinic, checked together against its live bookings before any is saved."""

    def clean(self) -> None:
        super().clean()
        clinic = self.instance
        if any(self.errors) or not clinic.pk:
            return
        removed: list[tuple[str, date, str]] = []
        added: list[tuple[str, date, str]] = []
        for form in self.forms:
            deleting = bool(form.cleaned_data.get("DELETE"))
            if not form.has_changed() and not deleting:
                continue
            if form.instance.pk:
                removed.append((form.initial["kind"], form.initial["date"], form.initial.get("name") or ""))
            if not deleting and form.cleaned_data:
                data = form.cleaned_data
                added.append((data["kind"], data["date"], data.get("name") or ""))
        days = [d for _, d, _ in removed + added]
        if not days:
            return
        first, last = min(days), max(days)
        before = calendars([clinic.pk], first, last)[clinic.pk]
        kept = tuple(r for r in before.rows if (r[0], r[1]) not in {(k, d) for k, d, _ in removed})
        after = replace(before, rows=(*kept, *added))
        _refuse_stranding(clinic, before, after, first, last)


class ClinicClosureInline(ClinicScopedInline):
    model = ClinicClosure
    formset = ClinicClosureFormSet
    extra = 0
    fields = ["date", "kind", "name"]
    verbose_name = "closure or holiday switched off"
    verbose_name_plural = "Closures (the clinic's own) and public holidays switched off"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ClinicClosure]:
        today = dj_timezone.now().date() - timedelta(days=1)
        return super().get_queryset(request).filter(date__gte=today)


@admin.register(Clinic)
class ClinicAdmin(ClinicScopedAdmin):
    clinic_path = "pk"
    form = ClinicForm
    list_display = [
        "name",
        "timezone",
        "holiday_country",
        "is_public",
        "max_holds_per_patient",
        "reminder_hours",
        "created_at",
    ]
    search_fields = ["name"]
    list_filter = ["timezone", "is_public"]
    inlines = [LocationInline, ClinicClosureInline]
    readonly_fields = ["coming_holidays"]

    @admin.display(description="Coming public holidays")
    def coming_holidays(self, obj: Clinic | None) -> str:
        """The next year's holidays of the calendar, each closed or switched off, and where to switch them."""
        if obj is None or not obj.pk or not obj.holiday_country:
            return "No public-holiday calendar chosen."
        first = dj_timezone.now().astimezone(zoneinfo.ZoneInfo(obj.timezone)).date()
        rows = holiday_calendar(obj, first, first + timedelta(days=365))
        return format_html(
            "<ul>{}</ul><p>Switch holidays off or on at the front desk's <a href='{}'>Closures</a> page "
            "(or add a row below: “Open on a public holiday” with its date).</p>",
            format_html_join(
                "",
                "<li>{} · {} · {}</li>",
                (
                    (f"{h.date:%a %d %b %Y}", h.name, "closed" if h.is_closed else "open (switched off)")
                    for h in rows
                ),
            ),
            reverse("desk-closures") + f"?clinic={obj.pk}",
        )

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


class RoomInline(ClinicScopedInline):
    model = Room
    extra = 0


@admin.register(Location)
class LocationAdmin(ClinicScopedAdmin):
    list_display = ["name", "clinic", "address"]
    list_filter = ["clinic"]
    search_fields = ["name", "address", "clinic__name"]
    autocomplete_fields = ["clinic"]
    list_select_related = ["clinic"]
    inlines = [RoomInline]


@admin.register(Room)
class RoomAdmin(ClinicScopedAdmin):
    clinic_path = "location__clinic"
    list_display = ["name", "location", "clinic_name"]
    list_filter = ["location__clinic", "location"]
    search_fields = ["name", "location__name"]
    autocomplete_fields = ["location"]
    list_select_related = ["location__clinic"]

    @admin.display(description="Clinic", ordering="location__clinic__name")
    def clinic_name(self, obj: Room) -> str:
        return obj.location.clinic.name


class DoctorForm(forms.ModelForm):
    class Meta:
        model = Doctor
        fields = ["user", "clinic", "display_name", "specialty", "timezone", "locations", "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clinic, locations = data.get("clinic"), data.get("locations")
        if clinic is not None and locations:
            foreign = [loc.name for loc in locations if loc.clinic_id != clinic.pk]
            if foreign:
                self.add_error("locations", f"Not locations of {clinic.name}: {', '.join(foreign)}.")
        return data


class AppointmentTypeInline(ClinicScopedInline):
    model = AppointmentType
    extra = 0
    fields = ["name", "duration_minutes", "consultation_modes", "is_active"]


@admin.register(Doctor)
class DoctorAdmin(LinksLoginAdmin):
    form = DoctorForm
    list_display = ["display_name", "user", "clinic", "specialty", "timezone", "is_active"]
    list_filter = ["clinic", "is_active", "locations"]
    search_fields = ["display_name", "user__email", "specialty"]
    autocomplete_fields = ["user", "clinic", "locations"]
    list_select_related = ["user", "clinic"]
    inlines = [AppointmentTypeInline]


class AppointmentTypeForm(forms.ModelForm):
    consultation_modes = forms.MultipleChoiceField(
        choices=ConsultationMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: any mode.",
    )

    class Meta:
        model = AppointmentType
        fields = [
            "doctor",
            "name",
            "duration_minutes",
            "consultation_modes",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "min_notice_minutes",
            "max_advance_days",
            "daily_cap",
            "cancellation_notice_minutes",
            "is_active",
        ]


@admin.register(AppointmentType)
class AppointmentTypeAdmin(ClinicScopedAdmin):
    form = AppointmentTypeForm
    clinic_path = "doctor__clinic"
    list_display = [
        "name",
        "doctor",
        "duration_minutes",
        "modes",
        "min_notice_minutes",
        "daily_cap",
        "is_active",
    ]
    list_filter = ["doctor__clinic", "doctor", "is_active"]
    fieldsets = [
        (None, {"fields": ["doctor", "name", "duration_minutes", "consultation_modes", "is_active"]}),
        (
            "Booking rules",
            {
                "fields": [
                    ("buffer_before_minutes", "buffer_after_minutes"),
                    ("min_notice_minutes", "max_advance_days"),
                    "daily_cap",
                    "cancellation_notice_minutes",
                ],
                "description": "What availability and every hold enforce for this service.",
            },
        ),
    ]
    search_fields = ["name", "doctor__display_name"]
    autocomplete_fields = ["doctor"]
    list_select_related = ["doctor"]

    @admin.display(description="Modes")
    def modes(self, obj: AppointmentType) -> str:
        return ", ".join(obj.consultation_modes) or "any"


@admin.register(Patient)
class PatientAdmin(LinksLoginAdmin):
    staff_may_add = True
    edit_roles = (ADMIN, RECEPTIONIST)
    list_display = ["full_name", "email", "phone", "date_of_birth", "clinic"]
    list_filter = ["clinic"]
    search_fields = ["full_name", "email", "phone"]
    autocomplete_fields = ["user", "clinic"]
    list_select_related = ["clinic"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(LinksLoginAdmin):
    list_display = ["user", "clinic", "role"]
    list_filter = ["clinic", "role"]
    search_fields = ["user__email", "user__full_name", "clinic__name"]
    autocomplete_fields = ["user", "clinic"]
    list_select_related = ["user", "clinic"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `manage.py issue_token`; here a superuser can see and revoke them."""

    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__email", "name", "prefix"]
    readonly_fields = ["user", "prefix", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
