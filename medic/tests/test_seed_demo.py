"""`seed_demo` makes exactly the contract's demo data, and running it again changes nothing."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.db.models import Model

from medic.clinic.models import (
    AppointmentType,
    Clinic,
    Doctor,
    Location,
    Patient,
    Room,
    StaffMembership,
    User,
)


def _counts() -> dict[str, int]:
    models: list[type[Model]] = [
        User,
        Clinic,
        Location,
        Room,
        Doctor,
        AppointmentType,
        Patient,
        StaffMembership,
    ]
    return {m.__name__: m._default_manager.count() for m in models}


def test_seed_demo_is_idempotent(db: None) -> None:
    call_command("seed_demo", stdout=StringIO())
    first = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first


def test_seed_demo_prints_every_login(db: None) -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    for email in [
        "doctor@example.com",
        "doctor2@example.com",
        "staff@example.com",
        "patient@example.com",
        "other.staff@example.com",
        "other.doctor@example.com",
    ]:
        assert email in out.getvalue()
    assert "medic-demo" in out.getvalue()


def test_demo_clinic_matches_the_contract(demo) -> None:
    assert demo.clinic.timezone == "Europe/Athens"
    assert demo.clinic.locations.count() == 2
    assert Room.objects.filter(location__clinic=demo.clinic).count() >= 2
    assert demo.doctor.clinic == demo.clinic and demo.doctor2.clinic == demo.clinic
    assert demo.doctor.appointment_types.exists() and demo.doctor2.appointment_types.exists()
    assert StaffMembership.objects.filter(user=demo.staff, clinic=demo.clinic).exists()
    assert demo.other_doctor.clinic == demo.other_clinic
    assert StaffMembership.objects.filter(user=demo.other_staff, clinic=demo.other_clinic).exists()


def test_every_demo_login_uses_the_demo_password(demo) -> None:
    for user in User.objects.all():
        assert user.check_password("medic-demo"), user.email


def test_reseeding_restores_a_changed_password(demo) -> None:
    demo.staff.set_password("changed")
    demo.staff.save()
    call_command("seed_demo", stdout=StringIO())
    demo.staff.refresh_from_db()
    assert demo.staff.check_password("medic-demo")


def test_seed_demo_gives_the_demo_doctors_hours_and_a_working_diary(db: None) -> None:
    from appointments.models import Appointment
    from scheduling.models import ScheduleRule

    call_command("seed_demo", stdout=StringIO())
    doctors = Doctor.objects.filter(user__email__in=["doctor@example.com", "doctor2@example.com"])
    for doctor in doctors:
        days = set(ScheduleRule.objects.filter(doctor=doctor).values_list("day_of_week", flat=True))
        assert 6 in days and len(days) >= 4  # weekdays and a Saturday
        assert Appointment.objects.filter(doctor=doctor).count() >= 10
    statuses = set(Appointment.objects.values_list("status", flat=True))
    assert {"held", "confirmed", "cancelled", "completed"} <= statuses
    before = Appointment.objects.count(), ScheduleRule.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert (Appointment.objects.count(), ScheduleRule.objects.count()) == before


def test_seed_demo_can_leave_the_diary_out(db: None) -> None:
    from appointments.models import Appointment

    call_command("seed_demo", "--no-diary", stdout=StringIO())
    assert not Appointment.objects.exists()
