"""Weekly hours (rules and their breaks), time off and openings, and each doctor's schedule version."""

from __future__ import annotations

import uuid

import pgtrigger
from django.db import models
from django.db.models import F, Q

from medic.clinic.models import AppointmentType, ConsultationMode, Doctor, Location, Room, validate_timezone
from scheduling.scope import Scope

SLOT_INTERVALS = (5, 10, 15, 20, 30, 60)
MIN_REPEAT_WEEKS = 1
MAX_REPEAT_WEEKS = 8
_MODES = list(ConsultationMode.values)


_BREAK_CHECK = """
    IF NOT EXISTS (SELECT 1 FROM scheduling_schedulerulebreak WHERE id = NEW.id) THEN
        RETURN NULL;  -- deleted again before commit
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM scheduling_schedulerule r WHERE r.id = NEW.rule_id
        AND r.work_start_local <= NEW.break_start_local AND NEW.break_end_local <= r.work_end_local
    ) THEN
        RAISE EXCEPTION 'break % lies outside its window', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'break_inside_window';
    END IF;
    IF EXISTS (
        SELECT 1 FROM scheduling_schedulerulebreak b WHERE b.rule_id = NEW.rule_id AND b.id <> NEW.id
        AND b.break_start_local < NEW.break_end_local AND NEW.break_start_local < b.break_end_local
    ) THEN
        RAISE EXCEPTION 'break % overlaps another break of its window', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'breaks_do_not_overlap';
    END IF;
    RETURN NULL;
"""

_RULE_CHECK = """
    IF EXISTS (
        SELECT 1 FROM scheduling_schedulerulebreak b WHERE b.rule_id = NEW.id
        AND (b.break_start_local < NEW.work_start_local OR b.break_end_local > NEW.work_end_local)
    ) THEN
        RAISE EXCEPTION 'rule % would leave a break outside its window', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'break_inside_window';
    END IF;
    RETURN NULL;
"""


class DoctorSchedule(models.Model):
    """One row per doctor: its `version` changes on every successful save of the doctor's rules, and
    the row is what concurrent saves lock (SELECT … FOR UPDATE) so they run one after the other."""

    doctor = models.OneToOneField(Doctor, on_delete=models.CASCADE, primary_key=True, related_name="schedule")
    version = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.doctor} v{self.version}"


class ScopedModel(models.Model):
    """The scope a rule or exception applies to; null means "any"."""

    appointment_type = models.ForeignKey(AppointmentType, on_delete=models.CASCADE, null=True, blank=True)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True)
    room = models.ForeignKey(Room, on_delete=models.CASCADE, null=True, blank=True)
    # NULL, not "", means "any mode", so a scope compares null with null.
    consultation_mode = models.CharField(  # noqa: DJ001
        max_length=16, choices=ConsultationMode.choices, null=True, blank=True
    )

    class Meta:
        abstract = True

    @property
    def scope(self) -> Scope:
        return Scope(self.appointment_type_id, self.location_id, self.room_id, self.consultation_mode)


class ScheduleRule(ScopedModel):
    """One work window on one ISO weekday, in local wall-clock time of `timezone`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    doctor = models.ForeignKey(Doctor, on_delete=models.CASCADE, related_name="schedule_rules")
    timezone = models.CharField(max_length=64, validators=[validate_timezone])
    day_of_week = models.PositiveSmallIntegerField(help_text="ISO weekday: 1 = Monday … 7 = Sunday.")
    work_start_local = models.TimeField()
    work_end_local = models.TimeField()
    slot_interval_minutes = models.PositiveSmallIntegerField(
        choices=[(m, f"{m} min") for m in SLOT_INTERVALS]
    )
    priority = models.IntegerField(default=0, help_text="Where windows overlap, the higher priority wins.")
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)
    # A rota: the window works every N weeks (RFC 5545 FREQ=WEEKLY;INTERVAL=N), counted in Monday-based
    # weeks from the week of `repeat_anchor` (DTSTART's week; none before it). 1 is every week, no anchor.
    repeat_every_weeks = models.PositiveSmallIntegerField(
        default=1,
        db_default=1,  # rows written by SQL that predates rotas are weekly too
        help_text=f"Works every N weeks ({MIN_REPEAT_WEEKS}–{MAX_REPEAT_WEEKS}); 1 is every week.",
    )
    repeat_anchor = models.DateField(
        null=True,
        blank=True,
        help_text="Every N > 1 weeks: counted from the week (Monday–Sunday) of this date.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["doctor", "day_of_week", "work_start_local"]
        triggers = [
            pgtrigger.Trigger(
                name="rule_window_keeps_its_breaks",
                operation=pgtrigger.UpdateOf("work_start_local", "work_end_local"),
                when=pgtrigger.After,
                timing=pgtrigger.Deferred,
                func=_RULE_CHECK,
            ),
        ]
        indexes = [
            models.Index(fields=["doctor", "day_of_week"], name="rule_doctor_day_idx"),
            models.Index(
                fields=["doctor", "appointment_type", "location", "room", "consultation_mode"],
                name="rule_doctor_scope_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(day_of_week__gte=1, day_of_week__lte=7), name="rule_day_of_week_iso"
            ),
            models.CheckConstraint(
                condition=Q(work_end_local__gt=F("work_start_local")), name="rule_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(slot_interval_minutes__in=SLOT_INTERVALS), name="rule_interval_allowed"
            ),
            models.CheckConstraint(
                condition=Q(effective_from__isnull=True)
                | Q(effective_to__isnull=True)
                | Q(effective_to__gte=F("effective_from")),
                name="rule_effective_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(
                    repeat_every_weeks__gte=MIN_REPEAT_WEEKS, repeat_every_weeks__lte=MAX_REPEAT_WEEKS
                ),
                name="rule_repeat_every_weeks_range",
            ),
            models.CheckConstraint(
                # An anchor exactly when the window skips weeks: a weekly window has nothing to count from.
                condition=Q(repeat_every_weeks=1, repeat_anchor__isnull=True)
                | Q(repeat_every_weeks__gt=1, repeat_anchor__isnull=False),
                name="rule_repeat_anchor_iff_rota",
            ),
            models.CheckConstraint(
                condition=Q(consultation_mode__isnull=True) | Q(consultation_mode__in=_MODES),
                name="rule_consultation_mode_known",
            ),
        ]

    def __str__(self) -> str:
        hours = f"{self.work_start_local:%H:%M}–{self.work_end_local:%H:%M}"
        rota = f" every {self.repeat_every_weeks} weeks" if self.repeat_every_weeks > 1 else ""
        return f"{self.doctor} · day {self.day_of_week} {hours}{rota}"


class ScheduleRuleBreak(models.Model):
    """A pause inside a rule's window (lunch); breaks of one window never overlap."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The database cascades (ON DELETE CASCADE, migration 0002), so Django need not: deleting any number of
    # rules is then one DELETE statement instead of a SELECT and batches of DELETEs.
    rule = models.ForeignKey(ScheduleRule, on_delete=models.DO_NOTHING, related_name="breaks")
    break_start_local = models.TimeField()
    break_end_local = models.TimeField()
    label = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["rule", "break_start_local"]
        constraints = [
            models.CheckConstraint(
                condition=Q(break_end_local__gt=F("break_start_local")), name="break_end_after_start"
            ),
        ]
        triggers = [
            # A CHECK cannot look at another row, so a trigger guards "inside its window" and "no overlap".
            # Deferred to commit, so a transaction may write a rule and its breaks in any order.
            pgtrigger.Trigger(
                name="break_inside_window_no_overlap",
                operation=pgtrigger.Insert | pgtrigger.Update,
                when=pgtrigger.After,
                timing=pgtrigger.Deferred,
                func=_BREAK_CHECK,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label or 'Break'} {self.break_start_local:%H:%M}–{self.break_end_local:%H:%M}"


class AvailabilityException(ScopedModel):
    """Time off (`blocked`) or an ad-hoc opening (`available`, cut at its own slot interval), in UTC."""

    class Kind(models.TextChoices):
        BLOCKED = "blocked", "Blocked (time off)"
        AVAILABLE = "available", "Available (extra opening)"

    class Source(models.TextChoices):
        DOCTOR = "doctor", "Doctor"
        STAFF = "staff", "Clinic staff"
        API = "api", "API"
        ADMIN = "admin", "Admin"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    doctor = models.ForeignKey(Doctor, on_delete=models.CASCADE, related_name="availability_exceptions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    slot_interval_minutes = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=[(m, f"{m} min") for m in SLOT_INTERVALS],
        help_text="Openings only: the length of the slots they add.",
    )
    reason = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.DOCTOR)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["doctor", "starts_at"]
        indexes = [models.Index(fields=["doctor", "starts_at", "ends_at"], name="exception_doctor_time_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="exception_end_after_start"),
            models.CheckConstraint(
                condition=Q(kind__in=["blocked", "available"]), name="exception_kind_known"
            ),
            models.CheckConstraint(
                # isnull=False spelled out: in SQL, NULL IN (…) is unknown and a CHECK lets unknown pass.
                condition=(
                    Q(kind="available")
                    & Q(slot_interval_minutes__isnull=False)
                    & Q(slot_interval_minutes__in=SLOT_INTERVALS)
                )
                | (Q(kind="blocked") & Q(slot_interval_minutes__isnull=True)),
                name="exception_interval_iff_available",
            ),
            models.CheckConstraint(
                condition=Q(consultation_mode__isnull=True) | Q(consultation_mode__in=_MODES),
                name="exception_consultation_mode_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M} UTC"


def lock_schedule(doctor: Doctor) -> DoctorSchedule:
    """The doctor's schedule row, locked until the transaction ends (created on first use): every write
    that must see the doctor's whole schedule (a save, a capped booking) serialises on it."""
    return DoctorSchedule.objects.select_for_update().get_or_create(doctor=doctor)[0]


def bump_version(schedule: DoctorSchedule) -> str:
    schedule.version += 1
    schedule.save(update_fields=["version", "updated_at"])
    return str(schedule.version)
