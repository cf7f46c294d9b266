"""Writes and computed reads of the schedule: preview (no writes), the transactional bulk upsert, time off.

They take parsed, typed forms (`scheduling.validation`); reading JSON into them is the caller's job.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone as dj_timezone

from appointments import services as booking
from appointments.affected import Affected, ScheduleChange, affected_by
from appointments.models import Appointment
from appointments.services import Actor
from medic.api import iso_instant
from medic.clinic.closures import Closure
from medic.clinic.models import AppointmentType, Doctor
from medic.errors import Conflict, FieldError, ValidationFailed
from scheduling import slots
from scheduling.models import (
    AvailabilityException,
    ScheduleRule,
    ScheduleRuleBreak,
    bump_version,
    lock_schedule,
)
from scheduling.scope import Scope
from scheduling.selectors import schedule_inputs
from scheduling.validation import (
    DEFAULT_RANGE_DAYS,
    DayForm,
    ExceptionForm,
    OnAffected,
    Result,
    ScheduleForm,
    WindowForm,
    windows_meet,
)


@dataclass(frozen=True, slots=True)
class PreviewWarning:
    path: str
    code: str
    message: str
    severity: str  # "error" (would block a save) or "warning"
    extra: Mapping[str, object] | None = None  # more keys for its JSON (BOOKINGS_AFFECTED: `appointments`)


@dataclass(frozen=True, slots=True)
class ServiceFit:
    """For a preview scoped to one service: per date, how many starts that service can be booked at (its
    whole duration inside slot time) and how many of its appointments fit one after another."""

    service: AppointmentType
    starts_by_date: dict[date, int]
    back_to_back_by_date: dict[date, int]

    @property
    def starts(self) -> int:
        return sum(self.starts_by_date.values())

    @property
    def back_to_back(self) -> int:
        return sum(self.back_to_back_by_date.values())


@dataclass(frozen=True, slots=True)
class Preview:
    days: list[slots.DaySlots]
    total_slots: int
    days_enabled: int
    warnings: list[PreviewWarning]
    zone: zoneinfo.ZoneInfo
    service_fit: ServiceFit | None = None


@dataclass(frozen=True, slots=True)
class UpsertResult:
    inserted_rules: int
    deleted_rules: int
    version: str


def _windows_of(days: Iterable[DayForm]) -> list[slots.Window]:
    return [
        slots.Window(
            day_of_week=day.day_of_week,
            work_start=w.work_start,
            work_end=w.work_end,
            slot_interval_minutes=w.slot_interval_minutes,
            breaks=tuple(slots.Break(b.start, b.end, b.label or None) for b in w.breaks),
            priority=w.priority,
            effective_from=w.effective_from,
            effective_to=w.effective_to,
            key=w.path,
            repeat_every_weeks=w.repeat_every_weeks,
            repeat_anchor=w.repeat_anchor,
        )
        for day in days
        if day.enabled
        for w in day.windows
    ]


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _remainder_minutes(window: WindowForm) -> int:
    """Minutes of the window, outside its breaks, that fit no whole slot (on a day without a DST change)."""
    cursor, left = _minutes(window.work_start), 0
    for brk in sorted(window.breaks, key=lambda b: b.start):
        left += (_minutes(brk.start) - cursor) % window.slot_interval_minutes
        cursor = _minutes(brk.end)
    return left + (_minutes(window.work_end) - cursor) % window.slot_interval_minutes


def _rule_warnings(form: ScheduleForm, days: Sequence[slots.DaySlots]) -> list[PreviewWarning]:
    warnings: list[PreviewWarning] = []
    for day in form.days:
        if not day.enabled:
            continue
        for window in day.windows:
            left = _remainder_minutes(window)
            if left:
                warnings.append(
                    PreviewWarning(
                        f"{window.path}.workEndLocal",
                        "WINDOW_REMAINDER",
                        f"{left} minute(s) of this window fit no whole {window.slot_interval_minutes}-minute "
                        "slot and stay unbookable.",
                        "warning",
                    )
                )
    shifted: dict[str, list[date]] = {}
    for day_slots in days:
        for ws in day_slots.windows:
            if ws.dst_shifted and ws.kind == "rule":
                shifted.setdefault(str(ws.key), []).append(day_slots.date)  # a rule's key is its path
    for path, dates in shifted.items():
        listed = ", ".join(d.isoformat() for d in dates[:3]) + (" …" if len(dates) > 3 else "")
        warnings.append(
            PreviewWarning(
                f"{path}.workStartLocal",
                "DST_SHIFTED",
                f"The clocks change during this window on {listed}: "
                "that day has more or fewer slots than usual.",
                "warning",
            )
        )
    return warnings


def slot_bound(
    windows: Sequence[slots.Window],
    openings: Sequence[slots.Opening],
    zone: zoneinfo.ZoneInfo,
    first: date,
    last: date,
) -> int:
    """About the most slots a preview of `first`..`last` can hold, found without cutting them: per date,
    each window that works that day at its whole length over its interval (no day holds more than a day of
    the shortest interval), plus each opening's time inside the range over its interval. Breaks, priorities
    and the DST hour are ignored: only the order of magnitude matters."""
    by_weekday: dict[int, list[slots.Window]] = {}
    for w in windows:
        by_weekday.setdefault(w.day_of_week, []).append(w)
    total, d = 0, first
    while d <= last:
        todays = [w for w in by_weekday.get(d.isoweekday(), ()) if w.applies_on(d)]
        if todays:
            fits = sum(
                (_minutes(w.work_end) - _minutes(w.work_start)) // w.slot_interval_minutes for w in todays
            )
            total += min(fits, 24 * 60 // min(w.slot_interval_minutes for w in todays))
        d += timedelta(days=1)
    lo, hi = slots.day_bounds(zone, first, last)
    for o in openings:
        total += max(0, min(o.end_utc, hi) - max(o.start_utc, lo)) // (o.slot_interval_minutes * 60)
    return total


def preview(*, doctor: Doctor, result: Result) -> Preview:
    """Slots the Add Slot form would create, with every problem as a warning; writes nothing.

    `result` is the whole parse, errors included: the valid parts still preview next to them. Stored
    exceptions that apply to the form's scope are applied (time off removes slots, openings add).
    A range that would hold more than MEDIC_PREVIEW_MAX_SLOTS slots is refused like a range over 366 days
    (an error at `dateRange`) and the default week is previewed instead: the work and the answer stay bounded.
    """
    form = result.form
    warnings = [PreviewWarning(e.path, e.code, e.message, "error") for e in result.errors]
    try:
        zone = zoneinfo.ZoneInfo(form.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(doctor.effective_timezone)  # errors already say why nothing previews
    start, end = form.date_range
    windows = _windows_of(form.days)
    stored = slots.ScheduleInputs({}, [], [])

    def load(first: date, last: date) -> tuple[datetime, datetime, slots.ScheduleInputs]:
        lo, hi = (datetime.fromtimestamp(t, UTC) for t in slots.day_bounds(zone, first, last))
        return (
            lo,
            hi,
            schedule_inputs([doctor.pk], form.scope.covering_filter(), lo, hi, rules=False)[doctor.pk],
        )

    if form.days:
        lo, hi, stored = load(start, end)
        cap = settings.MEDIC_PREVIEW_MAX_SLOTS
        if slot_bound(windows, stored.openings, zone, start, end) > cap:
            warnings.append(
                PreviewWarning(
                    "dateRange",
                    "TOO_MANY_ITEMS",
                    f"This range would hold more than {cap:,} slots: preview fewer days at a time "
                    f"(showing {DEFAULT_RANGE_DAYS} days from today instead).",
                    "error",
                )
            )
            start = today_for(doctor)
            end = start + timedelta(days=DEFAULT_RANGE_DAYS - 1)
            lo, hi, stored = load(start, end)
    days = slots.expand(
        windows, zone, start, end, blocked=stored.blocked, openings=stored.openings, closed=stored.closed
    )
    warnings.extend(_rule_warnings(form, days))
    warnings.extend(_closure_warnings(form, stored, zone, start, end))
    if form.days:
        if form.replace_mode == "append":
            warnings.extend(
                PreviewWarning(e.path, e.code, e.message, "error")
                for e in stored_overlap_errors(doctor, form)
            )
        warnings.extend(_affected_warnings(doctor, form, lo, hi))
    service = (
        AppointmentType.objects.filter(pk=form.scope.appointment_type_id, doctor=doctor).first()
        if form.scope.appointment_type_id
        else None
    )
    if service is not None:
        warnings.extend(_shorter_than_service(form, service))
    return Preview(
        days=days,
        total_slots=slots.total_slots(days),
        days_enabled=sum(1 for d in form.days if d.enabled and d.windows),
        warnings=warnings,
        zone=zone,
        service_fit=_service_fit(days, service) if service is not None else None,
    )


def _closure_warnings(
    form: ScheduleForm, stored: slots.ScheduleInputs, zone: zoneinfo.ZoneInfo, start: date, end: date
) -> list[PreviewWarning]:
    """CLINIC_CLOSED at `days.N`: each clinic closure on a previewed date of a day the form works (its
    weekly hours give no slots there; the doctor's own opening that day still would)."""
    paths = {d.day_of_week: d.path for d in form.days if d.enabled and d.windows}
    out: list[PreviewWarning] = []
    for closure in stored.closed_keys:
        if not isinstance(closure, Closure) or not start <= closure.date <= end:
            continue
        path = paths.get(closure.date.isoweekday())
        if path is None:
            continue
        out.append(
            PreviewWarning(
                path,
                "CLINIC_CLOSED",
                f"{closure.label} on {closure.date:%A} {closure.date.isoformat()}: the clinic is closed, so "
                "these hours give no slots that day (an opening of your own that day still does).",
                "warning",
                {"date": closure.date.isoformat(), "name": closure.name, "source": closure.source},
            )
        )
    return out


def _shorter_than_service(form: ScheduleForm, service: AppointmentType) -> list[PreviewWarning]:
    return [
        PreviewWarning(
            f"{w.path}.slotIntervalMinutes",
            "SLOT_SHORTER_THAN_SERVICE",
            f"{service.name} lasts {service.duration_minutes} minutes: each booking takes "
            f"{-(-service.duration_minutes // w.slot_interval_minutes)} slots of {w.slot_interval_minutes} "
            "minutes, so fewer appointments fit than there are slots.",
            "warning",
        )
        for d in form.days
        if d.enabled
        for w in d.windows
        if w.slot_interval_minutes < service.duration_minutes
    ]


def _service_fit(days: Sequence[slots.DaySlots], service: AppointmentType) -> ServiceFit:
    """Starts where the service's whole duration lies in slot time (adjacent slots join), and how many fit
    back to back (each taking its duration and buffers), per date; other bookings are not counted."""
    duration = service.duration_minutes * 60
    gap_after = (service.buffer_after_minutes + service.buffer_before_minutes) * 60
    starts_by_date: dict[date, int] = {}
    chained_by_date: dict[date, int] = {}
    for day in days:
        spans = [(s.start_utc, s.end_utc) for ws in day.windows for s in ws.slots]
        free = slots.merge(spans)
        starts = sorted({s for s, _ in spans if slots.covered(*free, s, s + duration)})
        chained, free_from = 0, None
        for s in starts:
            if free_from is None or s >= free_from:
                chained += 1
                free_from = s + duration + gap_after
        starts_by_date[day.date] = len(starts)
        chained_by_date[day.date] = chained
    return ServiceFit(service, starts_by_date, chained_by_date)


def today_for(doctor: Doctor) -> date:
    """The doctor's date now, in their zone: a preview's default range starts there."""
    return dj_timezone.now().astimezone(zoneinfo.ZoneInfo(doctor.effective_timezone)).date()


# --- bookings a change would strand ------------------------------------------------------------------------

CANCEL_REASON = "The doctor's hours changed: this time is no longer available."


@dataclass(frozen=True, slots=True)
class AffectedPolicy:
    """What a save does with live bookings it would leave outside bookable time: None refuses (409
    BOOKINGS_AFFECTED, nothing written), "keep" keeps them (marked outside hours), "cancel" cancels them in
    the same transaction; `actor` is who saves, as the audit log records it."""

    choice: OnAffected | None
    actor: Actor


def affected_json(a: Appointment) -> dict[str, object]:
    return {
        "id": str(a.pk),
        "startsAt": iso_instant(a.starts_at),
        "patientName": a.patient.full_name,
        "service": a.appointment_type.name,
    }


def _affected_message(found: Sequence[Affected]) -> str:
    n = len(found)
    return (
        f"{n} booked appointment{'s' if n != 1 else ''} would be left outside working hours: keep "
        f"{'them' if n != 1 else 'it'} anyway, or cancel {'them' if n != 1 else 'it'}."
    )


def _settle(
    found: Sequence[Affected],
    policy: AffectedPolicy | None,
    path_of: Callable[[Affected], str],
    now: datetime,
) -> None:
    """Refuse, keep or cancel the appointments a change strands (inside the caller's transaction)."""
    if not found:
        return
    if policy is None or policy.choice is None:
        by_path: dict[str, list[Affected]] = {}
        for f in found:
            by_path.setdefault(path_of(f), []).append(f)
        raise Conflict(
            [
                FieldError(
                    path,
                    "BOOKINGS_AFFECTED",
                    _affected_message(group),
                    {"appointments": [affected_json(f.appointment) for f in group]},
                )
                for path, group in by_path.items()
            ]
        )
    if policy.choice == "keep":
        booking.keep_outside_hours([f.appointment for f in found], actor=policy.actor)
    else:
        for f in found:
            booking.cancel(f.appointment, actor=policy.actor, reason=CANCEL_REASON, now=now)


def _day_path(form: ScheduleForm) -> Callable[[Affected], str]:
    zone = zoneinfo.ZoneInfo(form.timezone)
    paths = {d.day_of_week: d.path for d in form.days}

    def path_of(f: Affected) -> str:
        return paths.get(f.appointment.starts_at.astimezone(zone).isoweekday(), "days")

    return path_of


def _schedule_change(form: ScheduleForm) -> ScheduleChange:
    replace = form.replace_mode == "replace_selected_days"
    return ScheduleChange(
        scope=form.scope,
        timezone=form.timezone,
        replace_days=frozenset(d.day_of_week for d in form.days) if replace else frozenset(),
        windows=_windows_of(form.days),
    )


def _exception_change(form: ExceptionForm, replacing: AvailabilityException | None = None) -> ScheduleChange:
    start, end = int(form.starts_at.timestamp()), int(form.ends_at.timestamp())
    return ScheduleChange(
        scope=form.scope,
        blocked=[(start, end)] if form.kind == AvailabilityException.Kind.BLOCKED else [],
        openings=[slots.Opening(start, end, form.slot_interval_minutes)]
        if form.kind == AvailabilityException.Kind.AVAILABLE and form.slot_interval_minutes
        else [],
        removed_exceptions=frozenset({replacing.pk}) if replacing is not None else frozenset(),
    )


def _affected_warnings(
    doctor: Doctor, form: ScheduleForm, lo: datetime, hi: datetime
) -> list[PreviewWarning]:
    """BOOKINGS_AFFECTED per day: live bookings in the previewed range that saving the form (replacing the
    days it sends, as a save does by default) would leave outside bookable time."""
    found = affected_by(doctor, _schedule_change(form), now=dj_timezone.now(), start=lo, end=hi)
    path_of = _day_path(form)
    by_path: dict[str, list[Affected]] = {}
    for f in found:
        by_path.setdefault(path_of(f), []).append(f)
    return [
        PreviewWarning(
            path,
            "BOOKINGS_AFFECTED",
            _affected_message(group),
            "warning",
            {"appointments": [affected_json(f.appointment) for f in group]},
        )
        for path, group in by_path.items()
    ]


def bulk_upsert(
    *, doctor: Doctor, form: ScheduleForm, on_affected: AffectedPolicy | None = None
) -> UpsertResult:
    """Save the Add Slot form in one transaction, all or nothing.

    `replace_selected_days`: for this doctor and exactly this scope (the timezone is not part of it), every
    day present replaces what it had (a disabled day becomes empty); absent days are untouched.
    `append`: only inserts. Concurrent saves for one doctor serialise on the schedule row's lock, and a stale
    `expectedVersion` is refused (409 SCHEDULE_CHANGED) so nobody overwrites an edit they have not seen.
    Live bookings the save would leave outside bookable time follow `on_affected` (see AffectedPolicy).
    """
    scope = form.scope
    with transaction.atomic():
        schedule = lock_schedule(doctor)
        if form.expected_version is not None and form.expected_version != str(schedule.version):
            raise Conflict(
                [
                    FieldError(
                        "expectedVersion",
                        "SCHEDULE_CHANGED",
                        "This schedule was changed since you loaded it. Reload it, then save again.",
                    )
                ]
            )
        deleted = 0
        if form.replace_mode == "append":
            _refuse_overlaps_with_stored(doctor, form)
        now = dj_timezone.now()
        _settle(affected_by(doctor, _schedule_change(form), now=now), on_affected, _day_path(form), now)
        if form.replace_mode == "replace_selected_days":
            doomed = ScheduleRule.objects.filter(
                scope.exact_filter(), doctor=doctor, day_of_week__in=[d.day_of_week for d in form.days]
            )
            # One DELETE however many rules: the database cascades to their breaks.
            deleted = doomed.delete()[1].get(ScheduleRule._meta.label, 0)
        rules, breaks = _rows_for(doctor, form, scope)
        ScheduleRule.objects.bulk_create(rules)
        ScheduleRuleBreak.objects.bulk_create(breaks)
        version = bump_version(schedule)
    return UpsertResult(inserted_rules=len(rules), deleted_rules=deleted, version=version)


def stored_overlaps(
    *, doctor: Doctor, scope: Scope, days: Sequence[DayForm], exclude_rule: UUID | None = None
) -> list[tuple[WindowForm, list[ScheduleRule]]]:
    """Each new window of an enabled day that overlaps stored active rules of this doctor, exact scope,
    weekday and priority, with every such rule in start order: times overlap (touching is fine) and both
    can work on one date (`windows_meet`: effective dates and rota weeks), the rule `validation` applies
    within one form. `exclude_rule` is the rule
    being edited, which cannot clash with itself."""
    stored = ScheduleRule.objects.filter(
        scope.exact_filter(),
        doctor=doctor,
        is_active=True,
        day_of_week__in=[d.day_of_week for d in days],
    ).order_by("day_of_week", "work_start_local")
    if exclude_rule is not None:
        stored = stored.exclude(pk=exclude_rule)
    rules = list(stored)
    overlaps: list[tuple[WindowForm, list[ScheduleRule]]] = []
    for day in days:
        if not day.enabled:
            continue
        for w in day.windows:
            clashes = [
                r
                for r in rules
                if r.day_of_week == day.day_of_week
                and r.priority == w.priority
                and r.work_start_local < w.work_end
                and w.work_start < r.work_end_local
                and windows_meet(
                    r.effective_from,
                    r.effective_to,
                    (r.repeat_every_weeks, r.repeat_anchor),
                    w.effective_from,
                    w.effective_to,
                    (w.repeat_every_weeks, w.repeat_anchor),
                )
            ]
            if clashes:
                overlaps.append((w, clashes))
    return overlaps


def stored_overlap_errors(doctor: Doctor, form: ScheduleForm) -> list[FieldError]:
    """WINDOWS_OVERLAP for each appended window that meets stored windows, naming every one it meets: what
    an "add to existing" save refuses and its preview warns about."""
    errors = []
    for w, clashes in stored_overlaps(doctor=doctor, scope=form.scope, days=form.days):
        named = ", ".join(f"{r.work_start_local:%H:%M}–{r.work_end_local:%H:%M}" for r in clashes)
        plural = "s" if len(clashes) > 1 else ""
        errors.append(
            FieldError(
                f"{w.path}.workStartLocal",
                "WINDOWS_OVERLAP",
                f"Overlaps the saved window{plural} {named} of the same priority; change the times or the "
                "priority, or replace the day instead.",
            )
        )
    return errors


def _refuse_overlaps_with_stored(doctor: Doctor, form: ScheduleForm) -> None:
    """Append adds to what is stored, so a new window may not overlap a stored one of the same priority
    (the same rule validation applies within one payload). Runs under the schedule lock."""
    errors = stored_overlap_errors(doctor, form)
    if errors:
        raise ValidationFailed(errors)


def _rows_for(
    doctor: Doctor, form: ScheduleForm, scope: Scope
) -> tuple[list[ScheduleRule], list[ScheduleRuleBreak]]:
    rules: list[ScheduleRule] = []
    breaks: list[ScheduleRuleBreak] = []
    for day in form.days:
        if not day.enabled:
            continue
        for w in day.windows:
            rule = ScheduleRule(
                doctor=doctor,
                timezone=form.timezone,
                **scope.values(),
                day_of_week=day.day_of_week,
                work_start_local=w.work_start,
                work_end_local=w.work_end,
                slot_interval_minutes=w.slot_interval_minutes,
                priority=w.priority,
                effective_from=w.effective_from,
                effective_to=w.effective_to,
                repeat_every_weeks=w.repeat_every_weeks,
                repeat_anchor=w.repeat_anchor,
            )
            rules.append(rule)
            breaks.extend(
                ScheduleRuleBreak(rule=rule, break_start_local=b.start, break_end_local=b.end, label=b.label)
                for b in w.breaks
            )
    return rules, breaks


# --- time off and openings ------------------------------------------------------------------------------


def _apply_exception_form(exc: AvailabilityException, form: ExceptionForm) -> None:
    exc.kind = form.kind
    exc.starts_at = form.starts_at
    exc.ends_at = form.ends_at
    exc.slot_interval_minutes = form.slot_interval_minutes
    exc.reason = form.reason
    for field, value in form.scope.values().items():
        setattr(exc, field, value)


def stored_exception_form(exc: AvailabilityException) -> ExceptionForm:
    """The stored row as a form: what a PATCH (`validation.parse_exception_patch`) fills in from."""
    return ExceptionForm(
        kind=exc.kind,
        starts_at=exc.starts_at,
        ends_at=exc.ends_at,
        slot_interval_minutes=exc.slot_interval_minutes,
        reason=exc.reason,
        scope=exc.scope,
    )


def create_exception(
    *, doctor: Doctor, form: ExceptionForm, source: str, on_affected: AffectedPolicy | None = None
) -> AvailabilityException:
    """Add time off or an opening for `doctor`; bookings the time off strands follow `on_affected`."""
    with transaction.atomic():
        lock_schedule(doctor)
        now = dj_timezone.now()
        _settle(affected_by(doctor, _exception_change(form), now=now), on_affected, _whole_request, now)
        exc = AvailabilityException(doctor=doctor, source=source)
        _apply_exception_form(exc, form)
        exc.save()
    return exc


def update_exception(
    *, exc: AvailabilityException, form: ExceptionForm, on_affected: AffectedPolicy | None = None
) -> AvailabilityException:
    """Replace the row's values with `form` (for a PATCH: `validation.parse_exception_patch`, which fills in
    from `stored_exception_form`); bookings the change strands follow `on_affected`."""
    with transaction.atomic():
        lock_schedule(exc.doctor)
        now = dj_timezone.now()
        change = _exception_change(form, replacing=exc)
        _settle(affected_by(exc.doctor, change, now=now), on_affected, _whole_request, now)
        _apply_exception_form(exc, form)
        exc.save()
    return exc


def delete_exception(*, exc: AvailabilityException, on_affected: AffectedPolicy | None = None) -> None:
    """Remove time off or an opening; removing an opening strands its bookings, which follow `on_affected`."""
    with transaction.atomic():
        lock_schedule(exc.doctor)
        now = dj_timezone.now()
        change = ScheduleChange(scope=exc.scope, removed_exceptions=frozenset({exc.pk}))
        _settle(affected_by(exc.doctor, change, now=now), on_affected, _whole_request, now)
        exc.delete()


def _whole_request(_: Affected) -> str:
    return ""
