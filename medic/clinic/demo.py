"""The demo clinic the contract lists, built idempotently (used by `seed_demo` and the tests)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from medic.clinic.models import (
    AppointmentType,
    Clinic,
    ConsultationMode,
    Doctor,
    Location,
    Patient,
    Room,
    StaffMembership,
    User,
)

DEMO_PASSWORD = "medic-demo"

IN_PERSON, VIDEO, PHONE = ConsultationMode.IN_PERSON, ConsultationMode.VIDEO, ConsultationMode.PHONE


@dataclass(frozen=True, slots=True)
class DemoLogin:
    email: str
    role: str


def _user(email: str, full_name: str, *, is_staff: bool = False) -> User:
    user, _ = User.objects.get_or_create(email=email, defaults={"full_name": full_name, "is_staff": is_staff})
    changed = (
        user.full_name != full_name
        or user.is_staff != is_staff
        or not user.is_active
        or user.email_verified_at is None
    )
    user.full_name, user.is_staff, user.is_active = full_name, is_staff, True
    user.email_verified_at = user.email_verified_at or timezone.now()  # the demo addresses count as verified
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        changed = True
    if changed:
        user.save()
    return user


def _clinic(
    name: str, tz: str, locations: dict[str, list[str]], *, is_public: bool, holidays: str = ""
) -> tuple[Clinic, list[Location]]:
    clinic, _ = Clinic.objects.update_or_create(
        name=name, defaults={"timezone": tz, "is_public": is_public, "holiday_country": holidays}
    )
    made = []
    for loc_name, rooms in locations.items():
        location, _ = Location.objects.get_or_create(clinic=clinic, name=loc_name)
        for room in rooms:
            Room.objects.get_or_create(location=location, name=room)
        made.append(location)
    return clinic, made


def _doctor(
    email: str,
    name: str,
    specialty: str,
    clinic: Clinic,
    locations: list[Location],
    types: list[tuple[str, int, list[str]]],
) -> Doctor:
    user = _user(email, name)
    doctor, _ = Doctor.objects.update_or_create(
        user=user,
        defaults={"clinic": clinic, "display_name": name, "specialty": specialty, "is_active": True},
    )
    doctor.locations.set(locations)
    for type_name, minutes, modes in types:
        AppointmentType.objects.update_or_create(
            doctor=doctor,
            name=type_name,
            defaults={"duration_minutes": minutes, "consultation_modes": list(modes), "is_active": True},
        )
    return doctor


def _staff(email: str, name: str, clinic: Clinic, role: str) -> User:
    user = _user(email, name, is_staff=True)
    StaffMembership.objects.update_or_create(user=user, clinic=clinic, defaults={"role": role})
    return user


@transaction.atomic
def seed_demo() -> list[DemoLogin]:
    """Create or refresh the demo data; running it again changes nothing."""
    demo, (central, north) = _clinic(
        "Demo Clinic",
        "Europe/Athens",
        {"Central (Syntagma)": ["Room 1", "Room 2"], "North (Kifisia)": ["Room A"]},
        is_public=True,  # in the public directory: patients find it and book online
        holidays="GR",  # Greek public holidays close it (Epiphany, Easter Monday, …)
    )
    _doctor(
        "doctor@example.com",
        "Dr. Eleni Papadopoulou",
        "General practice",
        demo,
        [central, north],
        [
            ("Consultation", 30, [IN_PERSON, VIDEO]),
            ("Follow-up", 15, [IN_PERSON, VIDEO, PHONE]),
            ("Annual check-up", 60, [IN_PERSON]),
        ],
    )
    _doctor(
        "doctor2@example.com",
        "Dr. Nikos Georgiou",
        "Dermatology",
        demo,
        [central],
        [("Skin check", 20, [IN_PERSON]), ("Video follow-up", 15, [VIDEO])],
    )
    _staff("staff@example.com", "Maria Staff", demo, StaffMembership.Role.ADMIN)
    patient_user = _user("patient@example.com", "Alex Patient")
    Patient.objects.update_or_create(
        user=patient_user,
        defaults={
            "full_name": "Alex Patient",
            "email": patient_user.email,
            "timezone": "Europe/Athens",
            "clinic": demo,
        },
    )

    # Private: only its own staff, doctors and patients see it (the directory's 404 case).
    other, (other_loc,) = _clinic("Other Clinic", "Europe/London", {"Camden": ["Room 1"]}, is_public=False)
    _doctor(
        "other.doctor@example.com",
        "Dr. Sam Other",
        "Family medicine",
        other,
        [other_loc],
        [("Consultation", 30, [IN_PERSON, PHONE])],
    )
    _staff("other.staff@example.com", "Olivia Staff", other, StaffMembership.Role.ADMIN)

    return [
        DemoLogin("doctor@example.com", "doctor, Demo Clinic"),
        DemoLogin("doctor2@example.com", "doctor, Demo Clinic"),
        DemoLogin("staff@example.com", "clinic admin, Demo Clinic (Django admin)"),
        DemoLogin("patient@example.com", "patient"),
        DemoLogin("other.doctor@example.com", "doctor, Other Clinic"),
        DemoLogin("other.staff@example.com", "clinic admin, Other Clinic (Django admin)"),
    ]
