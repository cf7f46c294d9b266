"""factory-boy factories for weekly hours, breaks and exceptions."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import factory

from medic.clinic.tests.factories import DoctorFactory
from scheduling.models import AvailabilityException, ScheduleRule, ScheduleRuleBreak


class ScheduleRuleFactory(factory.django.DjangoModelFactory[ScheduleRule]):
    class Meta:
        model = ScheduleRule

    doctor = factory.SubFactory(DoctorFactory)
    timezone = "Europe/Athens"
    day_of_week = 1
    work_start_local = time(9, 0)
    work_end_local = time(17, 0)
    slot_interval_minutes = 30


class ScheduleRuleBreakFactory(factory.django.DjangoModelFactory[ScheduleRuleBreak]):
    class Meta:
        model = ScheduleRuleBreak

    rule = factory.SubFactory(ScheduleRuleFactory)
    break_start_local = time(13, 0)
    break_end_local = time(14, 0)
    label = "Lunch"


class AvailabilityExceptionFactory(factory.django.DjangoModelFactory[AvailabilityException]):
    class Meta:
        model = AvailabilityException

    doctor = factory.SubFactory(DoctorFactory)
    kind = AvailabilityException.Kind.BLOCKED
    starts_at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    ends_at = factory.LazyAttribute(lambda exc: exc.starts_at + timedelta(hours=1))
    reason = "Conference"
