"""What the clinic search hands back (`Offer`), and a service's booking rules in the engine's units."""

from __future__ import annotations

from dataclasses import dataclass

from appointments.availability.engine import BookingRules, Start
from medic.clinic.models import AppointmentType, Doctor


def booking_rules(appointment_type: AppointmentType) -> BookingRules:
    return BookingRules(
        duration=appointment_type.duration_minutes * 60,
        buffer_before=appointment_type.buffer_before_minutes * 60,
        buffer_after=appointment_type.buffer_after_minutes * 60,
        min_notice=appointment_type.min_notice_minutes * 60,
        max_advance=appointment_type.max_advance_days * 86_400,
        daily_cap=appointment_type.daily_cap,
    )


@dataclass(frozen=True, slots=True)
class Offer:
    doctor: Doctor
    appointment_type: AppointmentType
    start: Start
