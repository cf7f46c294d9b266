"""The JSON edge of scheduling: camelCase shapes out, and the request/response schemas for OpenAPI.

Request bodies are read by `scheduling.validation` (one set of rules for the API and the admin), called by
the views; the serializer classes here only describe the shapes for drf-spectacular.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from rest_framework import serializers

from medic.api import iso_instant, iso_utc
from medic.clinic.models import ConsultationMode
from medic.schema import OptionalIdField
from scheduling.models import SLOT_INTERVALS, AvailabilityException, ScheduleRule
from scheduling.scope import Scope
from scheduling.selectors import RefData
from scheduling.services import Preview, UpsertResult

# --- out: plain functions from domain values to JSON-ready dicts -------------------------------------------


def hhmm(value: Any) -> str:
    return value.strftime("%H:%M")


def scope_json(scope: Scope, timezone: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "appointmentTypeId": scope.appointment_type_id,
        "doctorLocationId": scope.location_id,
        "locationRoomId": scope.room_id,
        "consultationMode": scope.consultation_mode,
    }
    if timezone is not None:
        out["timezone"] = timezone
    return out


def refdata_json(data: RefData) -> dict[str, Any]:
    return {
        "appointmentTypes": [
            {
                "id": t.pk,
                "name": t.name,
                "durationMinutes": t.duration_minutes,
                "consultationModes": t.consultation_modes or ConsultationMode.values,
            }
            for t in data.appointment_types
        ],
        "locations": [{"id": pk, "name": name} for pk, name in data.locations],
        "rooms": [{"id": pk, "name": name, "locationId": loc} for pk, name, loc in data.rooms],
        "consultationModes": data.consultation_modes,
        "slotIntervals": data.slot_intervals,
        "timezoneDefault": data.timezone_default,
    }


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def rule_json(rule: ScheduleRule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "dayOfWeek": rule.day_of_week,
        "workStartLocal": hhmm(rule.work_start_local),
        "workEndLocal": hhmm(rule.work_end_local),
        "slotIntervalMinutes": rule.slot_interval_minutes,
        "priority": rule.priority,
        "effectiveFrom": _date(rule.effective_from),
        "effectiveTo": _date(rule.effective_to),
        "repeatEveryWeeks": rule.repeat_every_weeks,
        "repeatAnchor": _date(rule.repeat_anchor),
        "isActive": rule.is_active,
        "timezone": rule.timezone,
        "breaks": [
            {
                "id": b.pk,
                "breakStartLocal": hhmm(b.break_start_local),
                "breakEndLocal": hhmm(b.break_end_local),
                "label": b.label,
            }
            for b in rule.breaks.all()
        ],
    }


def form_days_json(rules: Iterable[ScheduleRule]) -> list[dict[str, Any]]:
    """The rules in the Add Slot form's shape: all seven days, a day without active rules disabled."""
    by_day: dict[int, list[ScheduleRule]] = {d: [] for d in range(1, 8)}
    for rule in rules:
        if rule.is_active:
            by_day[rule.day_of_week].append(rule)
    return [
        {
            "dayOfWeek": day,
            "enabled": bool(day_rules),
            "windows": [
                {
                    "workStartLocal": hhmm(r.work_start_local),
                    "workEndLocal": hhmm(r.work_end_local),
                    "slotIntervalMinutes": r.slot_interval_minutes,
                    "breaks": [
                        {
                            "breakStartLocal": hhmm(b.break_start_local),
                            "breakEndLocal": hhmm(b.break_end_local),
                            "label": b.label,
                        }
                        for b in r.breaks.all()
                    ],
                    "priority": r.priority,
                    "effectiveFrom": _date(r.effective_from),
                    "effectiveTo": _date(r.effective_to),
                    "repeatEveryWeeks": r.repeat_every_weeks,
                    "repeatAnchor": _date(r.repeat_anchor),
                }
                for r in sorted(day_rules, key=lambda r: (r.work_start_local, r.priority))
            ],
        }
        for day, day_rules in by_day.items()
    ]


def preview_json(result: Preview) -> dict[str, Any]:
    fit = result.service_fit
    summary: dict[str, Any] = {"totalSlots": result.total_slots, "daysEnabled": result.days_enabled}
    if fit is not None:
        summary["service"] = {
            "id": fit.service.pk,
            "name": fit.service.name,
            "durationMinutes": fit.service.duration_minutes,
        }
        summary["bookableStarts"] = fit.starts
        summary["backToBack"] = fit.back_to_back
    return {
        "summary": summary,
        "days": [
            {
                "date": day.date.isoformat(),
                "dayOfWeek": day.day_of_week,
                **(
                    {
                        "bookableStarts": fit.starts_by_date.get(day.date, 0),
                        "backToBack": fit.back_to_back_by_date.get(day.date, 0),
                    }
                    if fit is not None
                    else {}
                ),
                "windows": [
                    {
                        "kind": ws.kind,
                        "path": ws.key if ws.kind == "rule" else None,
                        "workStartLocal": ws.work_start_local,
                        "workEndLocal": ws.work_end_local,
                        "slotIntervalMinutes": ws.slot_interval_minutes,
                        "slots": [
                            {
                                "startLocal": s.start_local,
                                "endLocal": s.end_local,
                                "startUtc": iso_utc(s.start_utc),
                                "endUtc": iso_utc(s.end_utc),
                            }
                            for s in ws.slots
                        ],
                    }
                    for ws in day.windows
                ],
            }
            for day in result.days
        ],
        "warnings": [
            {"path": w.path, "code": w.code, "message": w.message, "severity": w.severity, **(w.extra or {})}
            for w in result.warnings
        ],
    }


def upsert_json(result: UpsertResult) -> dict[str, Any]:
    return {
        "ok": True,
        "insertedRules": result.inserted_rules,
        "deletedRules": result.deleted_rules,
        "version": result.version,
    }


def exception_json(exc: AvailabilityException) -> dict[str, Any]:
    return {
        "id": exc.pk,
        "kind": exc.kind,
        "startsAt": iso_instant(exc.starts_at),
        "endsAt": iso_instant(exc.ends_at),
        "slotIntervalMinutes": exc.slot_interval_minutes,
        "reason": exc.reason,
        "source": exc.source,
        "scope": scope_json(exc.scope),
    }


# --- documentation-only serializers (drf-spectacular) -------------------------------------------------------


class ScopeSchema(serializers.Serializer):
    appointmentTypeId = serializers.UUIDField(allow_null=True, required=False)
    doctorLocationId = serializers.UUIDField(allow_null=True, required=False)
    locationRoomId = serializers.UUIDField(allow_null=True, required=False)
    consultationMode = serializers.ChoiceField(ConsultationMode.values, allow_null=True, required=False)


class FormScopeSchema(ScopeSchema):
    timezone = serializers.CharField(help_text="IANA time zone, e.g. Europe/Athens.")


class BreakSchema(serializers.Serializer):
    breakStartLocal = serializers.CharField(help_text="HH:MM")
    breakEndLocal = serializers.CharField(help_text="HH:MM")
    # DRF collects declared fields into _declared_fields; the stubs see only Field.label.
    label = serializers.CharField(required=False, allow_blank=True)  # type: ignore[assignment]


class WindowSchema(serializers.Serializer):
    workStartLocal = serializers.CharField(help_text="HH:MM")
    workEndLocal = serializers.CharField(help_text="HH:MM")
    slotIntervalMinutes = serializers.ChoiceField(list(SLOT_INTERVALS))
    breaks = BreakSchema(many=True, required=False)
    priority = serializers.IntegerField(required=False, default=0)
    effectiveFrom = serializers.DateField(allow_null=True, required=False)
    effectiveTo = serializers.DateField(allow_null=True, required=False)
    repeatEveryWeeks = serializers.IntegerField(
        min_value=1, max_value=8, required=False, default=1, help_text="Works every N weeks; 1 is every week."
    )
    repeatAnchor = serializers.DateField(
        allow_null=True,
        required=False,
        help_text="Required when repeatEveryWeeks > 1: the rota counts weeks (Monday-based) from this date's "
        "week, as RFC 5545 FREQ=WEEKLY;INTERVAL=N with DTSTART in that week (no weeks before it).",
    )


class DaySchema(serializers.Serializer):
    dayOfWeek = serializers.IntegerField(min_value=1, max_value=7, help_text="ISO weekday, Monday = 1.")
    enabled = serializers.BooleanField()
    windows = WindowSchema(many=True)


class DateRangeSchema(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class PreviewRequestSchema(serializers.Serializer):
    doctorId = OptionalIdField(help_text="Staff only: a doctor of their clinic.")
    scope = FormScopeSchema()
    days = DaySchema(many=True)
    dateRange = DateRangeSchema(required=False, help_text="Default: the next 7 days; at most 366 days.")


class BulkUpsertRequestSchema(serializers.Serializer):
    doctorId = OptionalIdField(help_text="Staff only: a doctor of their clinic.")
    scope = FormScopeSchema()
    days = DaySchema(many=True)
    replaceMode = serializers.ChoiceField(["replace_selected_days", "append"], required=False)
    expectedVersion = serializers.CharField(required=False, help_text="The `version` you loaded.")


class SlotSchema(serializers.Serializer):
    startLocal = serializers.CharField()
    endLocal = serializers.CharField()
    startUtc = serializers.DateTimeField()
    endUtc = serializers.DateTimeField()


class PreviewWindowSchema(serializers.Serializer):
    kind = serializers.ChoiceField(["rule", "opening"])
    path = serializers.CharField(allow_null=True, help_text="The form window it comes from (rules only).")
    workStartLocal = serializers.CharField()
    workEndLocal = serializers.CharField()
    slotIntervalMinutes = serializers.IntegerField()
    slots = SlotSchema(many=True)


class PreviewDaySchema(serializers.Serializer):
    date = serializers.DateField()
    dayOfWeek = serializers.IntegerField()
    windows = PreviewWindowSchema(many=True)


class WarningSchema(serializers.Serializer):
    path = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()
    severity = serializers.ChoiceField(["error", "warning"])


class SummarySchema(serializers.Serializer):
    totalSlots = serializers.IntegerField()
    daysEnabled = serializers.IntegerField()


class PreviewResponseSchema(serializers.Serializer):
    summary = SummarySchema()
    days = PreviewDaySchema(many=True)
    warnings = WarningSchema(many=True)


class UpsertResponseSchema(serializers.Serializer):
    ok = serializers.BooleanField()
    insertedRules = serializers.IntegerField()
    deletedRules = serializers.IntegerField()
    version = serializers.CharField()


class StoredBreakSchema(BreakSchema):
    id = serializers.UUIDField()


class RuleSchema(serializers.Serializer):
    id = serializers.UUIDField()
    dayOfWeek = serializers.IntegerField()
    workStartLocal = serializers.CharField()
    workEndLocal = serializers.CharField()
    slotIntervalMinutes = serializers.IntegerField()
    priority = serializers.IntegerField()
    effectiveFrom = serializers.DateField(allow_null=True)
    effectiveTo = serializers.DateField(allow_null=True)
    repeatEveryWeeks = serializers.IntegerField()
    repeatAnchor = serializers.DateField(allow_null=True)
    isActive = serializers.BooleanField()
    timezone = serializers.CharField()
    breaks = StoredBreakSchema(many=True)


class RulesResponseSchema(serializers.Serializer):
    version = serializers.CharField()
    scope = FormScopeSchema()
    rules = RuleSchema(many=True)
    days = DaySchema(many=True)


class ScopedRuleSchema(RuleSchema):
    scope = ScopeSchema()


class AllRulesResponseSchema(serializers.Serializer):
    version = serializers.CharField()
    rules = ScopedRuleSchema(many=True)


class AppointmentTypeRefSchema(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    durationMinutes = serializers.IntegerField()
    consultationModes = serializers.ListField(child=serializers.ChoiceField(ConsultationMode.values))


class NamedSchema(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class RoomRefSchema(NamedSchema):
    locationId = serializers.UUIDField()


class RefDataSchema(serializers.Serializer):
    appointmentTypes = AppointmentTypeRefSchema(many=True)
    locations = NamedSchema(many=True)
    rooms = RoomRefSchema(many=True)
    consultationModes = serializers.ListField(child=serializers.CharField())
    slotIntervals = serializers.ListField(child=serializers.IntegerField())
    timezoneDefault = serializers.CharField()


class ExceptionRequestSchema(serializers.Serializer):
    doctorId = OptionalIdField(help_text="Staff only: a doctor of their clinic.")
    kind = serializers.ChoiceField(["blocked", "available"])
    startsAt = serializers.DateTimeField(help_text="ISO 8601 instant with offset.")
    endsAt = serializers.DateTimeField(help_text="ISO 8601 instant with offset.")
    slotIntervalMinutes = serializers.ChoiceField(list(SLOT_INTERVALS), required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True)
    scope = ScopeSchema(required=False)


class ExceptionSchema(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(["blocked", "available"])
    startsAt = serializers.DateTimeField()
    endsAt = serializers.DateTimeField()
    slotIntervalMinutes = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()
    # DRF collects declared fields into _declared_fields; the stubs see only Field.source.
    source = serializers.CharField()  # type: ignore[assignment]
    scope = ScopeSchema()


class ExceptionListSchema(serializers.Serializer):
    exceptions = ExceptionSchema(many=True)
