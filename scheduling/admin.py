"""Django admin for weekly hours, time off and schedule versions, scoped to the staff member's clinics.

Rules and exceptions are checked by the rules the API runs (`validation.check_*` on the forms' typed cleaned
data, and `services.stored_overlaps`), so the admin accepts exactly what the API accepts and shows the
API's messages on the matching fields. For a rule and its breaks:

- the rule form checks its scope, timezone and window (times, interval, priority, dates) and whether it
  overlaps one of the doctor's stored rules;
- each break form checks itself against the window (times, end after start, inside the window);
- the breaks formset checks what needs every break at once (overlaps, how many).

Django's fields accept finer values than the contract (a time with seconds, a year past 2200); those get
the API's format errors first (`check_local_time`, `check_date`, `check_instant`) and then count as unknown.

Every save or delete of rules bumps the doctor's schedule version under the schedule lock, so an Add Slot
modal opened before the edit gets 409 SCHEDULE_CHANGED instead of overwriting it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import time
from typing import Any, TypeVar
from uuid import UUID

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminTimeWidget
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models, transaction
from django.http import HttpRequest

from medic.clinic.admin_scoping import (
    ADMIN,
    RECEPTIONIST,
    ClinicScopedAdmin,
    ClinicScopedInline,
    register_clinic_path,
)
from medic.clinic.models import AppointmentType, Doctor
from medic.errors import FieldError
from scheduling.models import AvailabilityException, DoctorSchedule, ScheduleRule, ScheduleRuleBreak
from scheduling.scope import Scope
from scheduling.selectors import references_for
from scheduling.services import bump_version, lock_schedule, stored_overlaps
from scheduling.validation import (
    BreakForm,
    DayForm,
    WindowForm,
    check_breaks,
    check_date,
    check_exception,
    check_instant,
    check_local_time,
    check_scope,
    check_timezone,
    check_window,
)

# Service choices in these forms are narrowed to the staff member's clinics like doctors, locations and rooms.
register_clinic_path(AppointmentType, "doctor__clinic")

WEEKDAYS: tuple[tuple[int, str], ...] = (
    (1, "Monday"),
    (2, "Tuesday"),
    (3, "Wednesday"),
    (4, "Thursday"),
    (5, "Friday"),
    (6, "Saturday"),
    (7, "Sunday"),
)
_WEEKDAY_NAMES = dict(WEEKDAYS)

# The rule form is one window of one day: the API's paths for it, and where each error belongs.
_DAY = "days.0"
_WINDOW = f"{_DAY}.windows.0"
_BREAKS = f"{_WINDOW}.breaks"
_RULE_FIELDS: dict[str, str] = {
    "scope.appointmentTypeId": "appointment_type",
    "scope.doctorLocationId": "location",
    "scope.locationRoomId": "room",
    "scope.consultationMode": "consultation_mode",
    "scope.timezone": "timezone",
    "days.0.dayOfWeek": "day_of_week",
    f"{_WINDOW}.workStartLocal": "work_start_local",
    f"{_WINDOW}.workEndLocal": "work_end_local",
    f"{_WINDOW}.slotIntervalMinutes": "slot_interval_minutes",
    f"{_WINDOW}.priority": "priority",
    f"{_WINDOW}.effectiveFrom": "effective_from",
    f"{_WINDOW}.effectiveTo": "effective_to",
    f"{_WINDOW}.repeatEveryWeeks": "repeat_every_weeks",
    f"{_WINDOW}.repeatAnchor": "repeat_anchor",
}
_BREAK_FIELDS: dict[str, str] = {
    "breakStartLocal": "break_start_local",
    "breakEndLocal": "break_end_local",
    "label": "label",
}
_EXCEPTION_FIELDS: dict[str, str] = {
    "kind": "kind",
    "startsAt": "starts_at",
    "endsAt": "ends_at",
    "slotIntervalMinutes": "slot_interval_minutes",
    "reason": "reason",
    "scope.appointmentTypeId": "appointment_type",
    "scope.doctorLocationId": "location",
    "scope.locationRoomId": "room",
    "scope.consultationMode": "consultation_mode",
}
# The admin form attribute a rule form leaves on its instance, where the breaks formset finds it.
_RULE_FORM_ATTR = "_admin_rule_form"


_T = TypeVar("_T")


def _in_format(
    value: _T | None, check: Callable[[_T, str], list[FieldError]], path: str, errors: list[FieldError]
) -> _T | None:
    """`value` if it is in the contract's format; else None (not known), with its error added to `errors`."""
    if value is None:
        return None
    found = check(value, path)
    errors.extend(found)
    return None if found else value


def _pk(value: models.Model | None) -> UUID | None:
    return None if value is None else value.pk


def _scope_of(data: Mapping[str, Any]) -> Scope:
    return Scope(
        appointment_type_id=_pk(data.get("appointment_type")),
        location_id=_pk(data.get("location")),
        room_id=_pk(data.get("room")),
        consultation_mode=data.get("consultation_mode") or None,
    )


def _break_of(data: Mapping[str, Any], path: str, errors: list[FieldError]) -> BreakForm | None:
    """A break form's cleaned data as the API's break, None when a time is not known."""
    start = _in_format(data.get("break_start_local"), check_local_time, f"{path}.breakStartLocal", errors)
    end = _in_format(data.get("break_end_local"), check_local_time, f"{path}.breakEndLocal", errors)
    if start is None or end is None:
        return None
    return BreakForm(start=start, end=end, label=data.get("label") or "")


def _put_error(form: forms.BaseForm, field: str | None, error: FieldError) -> None:
    """Add `error` to `field` (None: the whole form) unless Django already rejected that field."""
    if field is not None and field not in form.fields:
        field = None
    if field is not None and field in form.errors:
        return  # e.g. an empty required field: Django's own message already says so
    form.add_error(field, ValidationError(error.message, code=error.code))


def _window_label(rule: ScheduleRule) -> str:
    return (
        f"{_WEEKDAY_NAMES.get(rule.day_of_week, rule.day_of_week)} "
        f"{rule.work_start_local:%H:%M}–{rule.work_end_local:%H:%M}"
    )


def _bump_versions(doctor_ids: Iterable[UUID]) -> None:
    """Lock and bump each doctor's schedule before rules are written, as bulk_upsert does (lock first, so
    the two never deadlock; in pk order, so two admin saves never do either)."""
    with transaction.atomic():
        for doctor in Doctor.objects.filter(pk__in=set(doctor_ids)).order_by("pk"):
            bump_version(lock_schedule(doctor))


# -- weekly hours ------------------------------------------------------------------------------------------


class ScheduleRuleForm(forms.ModelForm):
    day_of_week = forms.TypedChoiceField(
        label="Weekday", choices=[("", "---------"), *WEEKDAYS], coerce=int, empty_value=None
    )
    timezone = forms.CharField(
        max_length=64,
        required=False,
        help_text="IANA name, e.g. Europe/Athens. Empty: the doctor's time zone.",
    )
    # Not required: empty is every week, as the API reads a missing repeatEveryWeeks.
    repeat_every_weeks = forms.IntegerField(
        label="Every N weeks",
        required=False,
        initial=1,
        help_text="1 (or empty) is every week; 2–8 make a rota (e.g. 2: every other week).",
    )

    class Meta:
        model = ScheduleRule
        fields = [
            "doctor",
            "timezone",
            "day_of_week",
            "work_start_local",
            "work_end_local",
            "slot_interval_minutes",
            "priority",
            "is_active",
            "appointment_type",
            "location",
            "room",
            "consultation_mode",
            "effective_from",
            "effective_to",
            "repeat_every_weeks",
            "repeat_anchor",
        ]
        widgets = {
            "work_start_local": AdminTimeWidget(format="%H:%M"),
            "work_end_local": AdminTimeWidget(format="%H:%M"),
        }
        labels = {"appointment_type": "Service"}
        help_texts = {
            "work_start_local": "Local time, HH:MM.",
            "work_end_local": "Local time, HH:MM, after the start (a window cannot cross midnight).",
            "effective_from": "Empty: no first day.",
            "effective_to": "Inclusive. Empty: no last day.",
            "repeat_anchor": "Every 2–8 weeks: the rota's first week is this date's week (Monday–Sunday); "
            "it works in that week and every N weeks after it, never before.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The admin builds the breaks formset on this same instance before validating either
        # (ModelAdmin._changeform_view); the instance is how the formset finds the window it belongs to.
        setattr(self.instance, _RULE_FORM_ATTR, self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # ModelForm.clean() returns cleaned_data
        doctor = data.get("doctor")
        if not data.get("timezone") and doctor is not None and "timezone" not in self.errors:
            data["timezone"] = doctor.effective_timezone
        errors = check_timezone(data.get("timezone") or None)
        if doctor is not None:  # no doctor: its field already has an error
            errors += check_scope(_scope_of(data), references_for(doctor))
        start, end = self._hours(errors)
        if data.get("repeat_every_weeks") is None and "repeat_every_weeks" not in self.errors:
            data["repeat_every_weeks"] = 1
        if data.get("repeat_every_weeks") == 1:
            data["repeat_anchor"] = None  # a weekly window counts from nothing, as the API drops it
        anchor_format: list[FieldError] = []
        anchor = _in_format(data.get("repeat_anchor"), check_date, f"{_WINDOW}.repeatAnchor", anchor_format)
        errors += anchor_format
        errors += check_window(
            _WINDOW,
            work_start=start,
            work_end=end,
            slot_interval_minutes=data.get("slot_interval_minutes"),
            priority=data.get("priority"),
            effective_from=_in_format(
                data.get("effective_from"), check_date, f"{_WINDOW}.effectiveFrom", errors
            ),
            effective_to=_in_format(data.get("effective_to"), check_date, f"{_WINDOW}.effectiveTo", errors),
            repeat_every_weeks=data.get("repeat_every_weeks"),
            repeat_anchor=anchor,
            anchor_reported=bool(anchor_format) or "repeat_anchor" in self.errors,
        )
        for error in errors:
            _put_error(self, _RULE_FIELDS.get(error.path), error)
        if not self.errors and data.get("is_active"):  # an inactive rule makes no slots, so it cannot clash
            clash = self._stored_overlap(data)
            if clash is not None:
                self.add_error(
                    "work_start_local",
                    ValidationError(
                        f"Overlaps this doctor's {_window_label(clash)} window with the same scope and "
                        "priority; windows may touch but not overlap.",
                        code="WINDOWS_OVERLAP",
                    ),
                )
        return data

    def work_hours(self) -> tuple[time | None, time | None]:
        """The window's start and end as its breaks are checked against (None: not known)."""
        self.errors  # noqa: B018 (validates this form first when a break form asks before the admin did)
        return self._hours([])

    def _hours(self, errors: list[FieldError]) -> tuple[time | None, time | None]:
        data = self.cleaned_data
        return (
            _in_format(data.get("work_start_local"), check_local_time, f"{_WINDOW}.workStartLocal", errors),
            _in_format(data.get("work_end_local"), check_local_time, f"{_WINDOW}.workEndLocal", errors),
        )

    def _stored_overlap(self, data: Mapping[str, Any]) -> ScheduleRule | None:
        """Another stored active rule of this doctor, weekday, exact scope and priority whose window meets
        this one's on some date (effective dates and rota weeks; the checks above see only this window)."""
        window = WindowForm(
            work_start=data["work_start_local"],
            work_end=data["work_end_local"],
            slot_interval_minutes=data["slot_interval_minutes"],
            breaks=(),
            priority=data["priority"],
            effective_from=data.get("effective_from"),
            effective_to=data.get("effective_to"),
            path=_WINDOW,
            repeat_every_weeks=data["repeat_every_weeks"],
            repeat_anchor=data.get("repeat_anchor"),
        )
        day = DayForm(day_of_week=data["day_of_week"], enabled=True, windows=(window,), path=_DAY)
        overlaps = stored_overlaps(
            doctor=data["doctor"], scope=_scope_of(data), days=[day], exclude_rule=self.instance.pk
        )
        return overlaps[0][1][0] if overlaps else None


class ScheduleRuleBreakForm(forms.ModelForm):
    class Meta:
        model = ScheduleRuleBreak
        fields = ["break_start_local", "break_end_local", "label"]
        widgets = {
            "break_start_local": AdminTimeWidget(format="%H:%M"),
            "break_end_local": AdminTimeWidget(format="%H:%M"),
        }

    def __init__(self, *args: Any, rule_form: ScheduleRuleForm | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rule_form = rule_form

    def clean(self) -> dict[str, Any]:
        # Checked here, before Django validates the model's CHECK constraint, so an end before the start
        # shows the API's message on its field instead of a generic "constraint violated".
        data = super().clean()
        assert data is not None  # ModelForm.clean() returns cleaned_data
        if self.rule_form is None or data.get("DELETE"):
            return data
        errors: list[FieldError] = []
        brk = _break_of(data, f"{_BREAKS}.0", errors)
        start, end = self.rule_form.work_hours()
        errors += check_breaks([brk], path=_BREAKS, work_start=start, work_end=end)
        for error in errors:
            _put_error(self, _BREAK_FIELDS.get(error.path.rsplit(".", 1)[1]), error)
        return data


class ScheduleRuleBreakFormSet(forms.BaseInlineFormSet):
    """The breaks of one rule, checked together against the rule form's window."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rule_form: ScheduleRuleForm | None = getattr(self.instance, _RULE_FORM_ATTR, None)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "rule_form": self.rule_form}

    def clean(self) -> None:
        super().clean()
        if self.rule_form is None:
            raise ImproperlyConfigured("The breaks formset needs a ScheduleRuleForm on the same instance.")
        kept = [
            form
            for index, form in enumerate(self.forms)
            # _should_delete_form is BaseFormSet API that django-stubs does not declare.
            if not (self.can_delete and self._should_delete_form(form))  # type: ignore[attr-defined]
            and (index < self.initial_form_count() or form.has_changed())
        ]
        reported = {index for index, form in enumerate(kept) if form.errors}
        errors: list[FieldError] = []
        breaks = [
            _break_of(form.cleaned_data, f"{_BREAKS}.{index}", errors) for index, form in enumerate(kept)
        ]
        start, end = self.rule_form.work_hours()
        errors += check_breaks(breaks, path=_BREAKS, work_start=start, work_end=end)
        whole: list[ValidationError] = []
        for error in errors:
            if error.path == _BREAKS:
                whole.append(ValidationError(error.message, code=error.code))
            elif error.path.startswith(f"{_BREAKS}."):
                index, field = error.path.removeprefix(f"{_BREAKS}.").split(".", 1)
                if int(index) not in reported:  # a break with its own errors is left out of the overlaps
                    _put_error(kept[int(index)], _BREAK_FIELDS.get(field), error)
        if whole:
            raise ValidationError(whole)


class ScheduleRuleBreakInline(ClinicScopedInline):
    model = ScheduleRuleBreak
    form = ScheduleRuleBreakForm
    formset = ScheduleRuleBreakFormSet
    fields = ["break_start_local", "break_end_local", "label"]
    extra = 0
    max_num = 10  # validation.MAX_BREAKS_PER_WINDOW; more are refused as TOO_MANY_ITEMS anyway


class WeekdayFilter(admin.SimpleListFilter):
    title = "weekday"
    parameter_name = "day_of_week"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> Sequence[tuple[str, str]]:
        return [(str(day), name) for day, name in WEEKDAYS]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        value = self.value()
        return queryset.filter(day_of_week=int(value)) if value and value.isdigit() else queryset


@admin.register(ScheduleRule)
class ScheduleRuleAdmin(ClinicScopedAdmin):
    """One work window per row; any staff member of the clinic may act for its doctors."""

    form = ScheduleRuleForm
    clinic_path = "doctor__clinic"
    edit_roles = (ADMIN, RECEPTIONIST)
    inlines = [ScheduleRuleBreakInline]
    list_display = [
        "doctor",
        "weekday",
        "hours",
        "slot_interval_minutes",
        "scope",
        "priority",
        "effective",
        "repeats",
        "is_active",
    ]
    list_filter = [
        "doctor",
        WeekdayFilter,
        "appointment_type",
        "location",
        "room",
        "consultation_mode",
        "is_active",
    ]
    search_fields = ["doctor__display_name", "doctor__user__email"]
    list_select_related = ["doctor", "appointment_type", "location", "room"]
    autocomplete_fields = ["doctor", "appointment_type", "location", "room"]
    fieldsets = [
        (None, {"fields": ["doctor", "timezone"]}),
        (
            "Window",
            {
                "fields": [
                    "day_of_week",
                    ("work_start_local", "work_end_local"),
                    "slot_interval_minutes",
                    "priority",
                    "is_active",
                ]
            },
        ),
        (
            "Scope",
            {
                "description": "Which bookings these hours are for; empty means any.",
                "fields": ["appointment_type", "location", "room", "consultation_mode"],
            },
        ),
        ("Effective dates", {"fields": [("effective_from", "effective_to")]}),
        (
            "Rota",
            {
                "description": "Alternating weeks: the window works every N weeks, counted from a week.",
                "fields": [("repeat_every_weeks", "repeat_anchor")],
            },
        ),
    ]

    @admin.display(description="Weekday", ordering="day_of_week")
    def weekday(self, obj: ScheduleRule) -> str:
        return _WEEKDAY_NAMES.get(obj.day_of_week, str(obj.day_of_week))

    @admin.display(description="Hours", ordering="work_start_local")
    def hours(self, obj: ScheduleRule) -> str:
        return f"{obj.work_start_local:%H:%M}–{obj.work_end_local:%H:%M}"

    @admin.display(description="Scope")
    def scope(self, obj: ScheduleRule) -> str:
        parts = [
            obj.appointment_type.name if obj.appointment_type else None,
            obj.location.name if obj.location else None,
            obj.room.name if obj.room else None,
            obj.get_consultation_mode_display() if obj.consultation_mode else None,
        ]
        return " · ".join(p for p in parts if p) or "any"

    @admin.display(description="Effective")
    def effective(self, obj: ScheduleRule) -> str:
        start, end = obj.effective_from, obj.effective_to
        if start and end:
            return f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"
        if start:
            return f"from {start:%Y-%m-%d}"
        if end:
            return f"until {end:%Y-%m-%d}"
        return "always"

    @admin.display(description="Repeats")
    def repeats(self, obj: ScheduleRule) -> str:
        if obj.repeat_every_weeks > 1 and obj.repeat_anchor is not None:
            return f"every {obj.repeat_every_weeks} weeks from the week of {obj.repeat_anchor:%Y-%m-%d}"
        return "every week"

    def save_model(self, request: HttpRequest, obj: ScheduleRule, form: Any, change: bool) -> None:
        doctor_ids = {obj.doctor_id}
        if change and "doctor" in form.changed_data:
            doctor_ids.add(form.initial["doctor"])  # moved to another doctor: both schedules changed
        with transaction.atomic():
            _bump_versions(doctor_ids)
            super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: ScheduleRule) -> None:
        with transaction.atomic():
            _bump_versions([obj.doctor_id])
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        with transaction.atomic():  # the changelist's delete action is not wrapped in one
            _bump_versions(queryset.order_by().values_list("doctor_id", flat=True).distinct())
            super().delete_queryset(request, queryset)


# -- time off and openings ---------------------------------------------------------------------------------


class AvailabilityExceptionForm(forms.ModelForm):
    class Meta:
        model = AvailabilityException
        fields = [
            "doctor",
            "kind",
            "starts_at",
            "ends_at",
            "slot_interval_minutes",
            "reason",
            "appointment_type",
            "location",
            "room",
            "consultation_mode",
        ]
        labels = {"appointment_type": "Service"}
        help_texts = {"starts_at": "UTC.", "ends_at": "UTC, after the start."}

    def clean(self) -> dict[str, Any]:
        # validation.check_exception is what the time-off API runs; it also covers every case the table's
        # CHECK constraints refuse, each with a message on its field, so no IntegrityError.
        data = super().clean()
        assert data is not None  # ModelForm.clean() returns cleaned_data
        doctor = data.get("doctor")
        errors: list[FieldError] = []
        starts_at = _in_format(data.get("starts_at"), check_instant, "startsAt", errors)
        ends_at = _in_format(data.get("ends_at"), check_instant, "endsAt", errors)
        errors += check_exception(
            kind=data.get("kind") or None,
            starts_at=starts_at,
            ends_at=ends_at,
            slot_interval_minutes=data.get("slot_interval_minutes"),
            reason=data.get("reason") or "",
            scope=_scope_of(data),
            refs=None if doctor is None else references_for(doctor),  # no doctor: its field has an error
        )
        for error in errors:
            _put_error(self, _EXCEPTION_FIELDS.get(error.path), error)
        return data


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(ClinicScopedAdmin):
    form = AvailabilityExceptionForm
    clinic_path = "doctor__clinic"
    edit_roles = (ADMIN, RECEPTIONIST)
    list_display = ["doctor", "kind", "starts_at", "ends_at", "slot_interval_minutes", "reason", "source"]
    list_filter = ["doctor", "kind", "source"]
    date_hierarchy = "starts_at"
    search_fields = ["doctor__display_name", "doctor__user__email", "reason"]
    list_select_related = ["doctor"]
    autocomplete_fields = ["doctor", "appointment_type", "location", "room"]
    readonly_fields = ["source"]
    fieldsets = [
        (None, {"fields": ["doctor", "kind", ("starts_at", "ends_at"), "slot_interval_minutes", "reason"]}),
        (
            "Scope",
            {
                "description": "Which bookings this applies to; empty means any.",
                "fields": ["appointment_type", "location", "room", "consultation_mode"],
            },
        ),
        (None, {"fields": ["source"]}),
    ]

    def save_model(self, request: HttpRequest, obj: AvailabilityException, form: Any, change: bool) -> None:
        if not change:
            obj.source = AvailabilityException.Source.ADMIN
        super().save_model(request, obj, form, change)


# -- schedule versions -------------------------------------------------------------------------------------


@admin.register(DoctorSchedule)
class DoctorScheduleAdmin(ClinicScopedAdmin):
    """Read-only: the version only ever changes by saving rules."""

    clinic_path = "doctor__clinic"
    list_display = ["doctor", "version", "updated_at"]
    search_fields = ["doctor__display_name", "doctor__user__email"]
    list_select_related = ["doctor"]
    fields = ["doctor", "version", "updated_at"]
    readonly_fields = ["doctor", "version", "updated_at"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
