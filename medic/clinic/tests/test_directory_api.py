"""GET /api/clinics, /api/doctors, /api/services: the directory to book from, public clinics for anyone."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta

import pytest
from rest_framework.test import APIClient

from appointments.models import Appointment, Status
from appointments.tests.factories import AppointmentFactory
from medic.clinic.models import Clinic
from medic.clinic.tests.factories import (
    AppointmentTypeFactory,
    DoctorFactory,
    LocationFactory,
    PatientFactory,
    UserFactory,
)
from scheduling.models import ScheduleRule


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _ids(body: dict) -> set[str]:
    return {row["id"] for row in body["results"]}


# --- who sees which clinic ----------------------------------------------------------------------------------


def test_seed_makes_the_demo_clinic_public_and_the_other_private(demo) -> None:
    assert demo.clinic.is_public and not demo.other_clinic.is_public


def test_anonymous_callers_see_public_clinics_only(demo) -> None:
    body = _client().get("/api/clinics").json()
    assert _ids(body) == {str(demo.clinic.pk)} and body["count"] == 1


def test_a_clinic_comes_with_its_locations_and_rooms(demo) -> None:
    body = _client().get(f"/api/clinics/{demo.clinic.pk}").json()
    assert body["name"] == "Demo Clinic" and body["timezone"] == "Europe/Athens" and body["isPublic"] is True
    central = next(loc for loc in body["locations"] if loc["name"] == "Central (Syntagma)")
    assert sorted(room["name"] for room in central["rooms"]) == ["Room 1", "Room 2"]
    assert all(set(room) == {"id", "name"} for room in central["rooms"])


def test_a_private_clinic_is_404_to_anonymous_callers(demo) -> None:
    response = _client().get(f"/api/clinics/{demo.other_clinic.pk}")
    assert response.status_code == 404
    assert response.json() == {
        "ok": False,
        "errors": [{"path": "", "code": "NOT_FOUND", "message": response.json()["errors"][0]["message"]}],
    }


def test_a_private_clinic_is_404_to_a_patient_without_a_tie_to_it(demo) -> None:
    client = _client(demo.patient.user)  # registered by the demo clinic only
    assert _ids(client.get("/api/clinics").json()) == {str(demo.clinic.pk)}
    assert client.get(f"/api/clinics/{demo.other_clinic.pk}").status_code == 404


def test_a_private_clinic_is_404_to_another_clinics_staff(demo) -> None:
    hidden = Clinic.objects.create(name="Hidden Clinic", timezone="Europe/Athens")
    client = _client(demo.staff)
    assert _ids(client.get("/api/clinics").json()) == {str(demo.clinic.pk)}
    assert client.get(f"/api/clinics/{demo.other_clinic.pk}").status_code == 404
    assert client.get(f"/api/clinics/{hidden.pk}").status_code == 404


def test_a_private_clinic_is_visible_to_its_own_staff_and_doctors(demo) -> None:
    for user in (demo.other_staff, demo.other_doctor.user):
        client = _client(user)
        assert _ids(client.get("/api/clinics").json()) == {str(demo.clinic.pk), str(demo.other_clinic.pk)}
        assert client.get(f"/api/clinics/{demo.other_clinic.pk}").status_code == 200


def test_a_private_clinic_is_visible_to_its_registered_patients(demo) -> None:
    patient = PatientFactory.create(clinic=demo.other_clinic)
    assert _client(patient.user).get(f"/api/clinics/{demo.other_clinic.pk}").status_code == 200


def test_a_private_clinic_is_visible_to_a_patient_who_booked_there(demo) -> None:
    theirs = demo.other_doctor.appointment_types.get()
    AppointmentFactory.create(appointment_type=theirs, patient=demo.patient)
    client = _client(demo.patient.user)
    assert client.get(f"/api/clinics/{demo.other_clinic.pk}").status_code == 200
    assert str(demo.other_doctor.pk) in _ids(client.get("/api/doctors").json())


def test_superusers_see_every_clinic(demo) -> None:
    admin = UserFactory.create(is_superuser=True, is_staff=True)
    assert _client(admin).get("/api/clinics").json()["count"] == 2


def test_an_unknown_clinic_is_404(demo) -> None:
    response = _client().get("/api/clinics/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404 and response.json()["ok"] is False


# --- doctors ------------------------------------------------------------------------------------------------


def test_doctors_come_with_clinic_locations_and_services(demo) -> None:
    body = _client().get("/api/doctors").json()
    assert [row["name"] for row in body["results"]] == ["Dr. Eleni Papadopoulou", "Dr. Nikos Georgiou"]
    eleni = body["results"][0]
    assert eleni["id"] == str(demo.doctor.pk) and eleni["specialty"] == "General practice"
    assert eleni["timezone"] == "Europe/Athens"
    assert eleni["clinic"] == {"id": str(demo.clinic.pk), "name": "Demo Clinic", "timezone": "Europe/Athens"}
    assert {loc["name"] for loc in eleni["locations"]} == {"Central (Syntagma)", "North (Kifisia)"}
    consult = next(s for s in eleni["services"] if s["name"] == "Consultation")
    assert consult == {
        "id": str(demo.doctor.appointment_types.get(name="Consultation").pk),
        "name": "Consultation",
        "durationMinutes": 30,
        "consultationModes": ["in_person", "video"],
    }


def test_retired_services_and_inactive_doctors_are_not_listed(demo) -> None:
    demo.doctor.appointment_types.filter(name="Follow-up").update(is_active=False)
    demo.doctor2.is_active = False
    demo.doctor2.save()
    body = _client().get("/api/doctors").json()
    assert _ids(body) == {str(demo.doctor.pk)}
    assert "Follow-up" not in {s["name"] for s in body["results"][0]["services"]}
    assert _client().get(f"/api/doctors/{demo.doctor2.pk}").status_code == 404


def test_a_private_clinics_doctor_is_404_to_outsiders(demo) -> None:
    assert _client().get(f"/api/doctors/{demo.other_doctor.pk}").status_code == 404
    assert _client(demo.staff).get(f"/api/doctors/{demo.other_doctor.pk}").status_code == 404
    assert _client(demo.other_staff).get(f"/api/doctors/{demo.other_doctor.pk}").status_code == 200
    assert _ids(_client().get("/api/doctors", {"clinicId": str(demo.other_clinic.pk)}).json()) == set()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"clinicId": "demo"}, {"doctor", "doctor2"}),
        ({"locationId": "north"}, {"doctor"}),
        ({"service": "skin CHECK"}, {"doctor2"}),
        ({"service": "Consultation"}, {"doctor"}),
        ({"q": "derma"}, {"doctor2"}),
        ({"q": "eleni"}, {"doctor"}),
        ({"service": "Skin check", "q": "eleni"}, set()),
    ],
)
def test_doctor_filters(demo, params: dict, expected: set[str]) -> None:
    names = {
        "demo": str(demo.clinic.pk),
        "north": str(demo.clinic.locations.get(name="North (Kifisia)").pk),
    }
    query = {k: names.get(v, v) for k, v in params.items()}
    body = _client().get("/api/doctors", query).json()
    assert _ids(body) == {str(getattr(demo, who).pk) for who in expected}


def test_doctor_list_queries_do_not_grow_with_the_doctors(demo, django_assert_max_num_queries) -> None:
    for _ in range(5):
        doctor = DoctorFactory.create(clinic=demo.clinic)
        doctor.locations.add(LocationFactory.create(clinic=demo.clinic))
        AppointmentTypeFactory.create(doctor=doctor)
    with django_assert_max_num_queries(6):
        body = _client().get("/api/doctors").json()
    assert body["count"] == 7


# --- services -----------------------------------------------------------------------------------------------


def test_services_carry_the_booking_rules_a_patient_must_know(demo) -> None:
    skin = demo.doctor2.appointment_types.get(name="Skin check")
    skin.cancellation_notice_minutes, skin.min_notice_minutes, skin.max_advance_days = 720, 120, 30
    skin.save()
    body = _client().get("/api/services", {"doctorId": str(demo.doctor2.pk), "name": "skin check"}).json()
    assert body["results"] == [
        {
            "id": str(skin.pk),
            "name": "Skin check",
            "durationMinutes": 20,
            "consultationModes": ["in_person"],
            "doctor": {"id": str(demo.doctor2.pk), "name": "Dr. Nikos Georgiou"},
            "clinicId": str(demo.clinic.pk),
            "minNoticeMinutes": 120,
            "maxAdvanceDays": 30,
            "cancellationNoticeMinutes": 720,
        }
    ]


def test_a_service_offered_in_any_mode_lists_every_mode(demo) -> None:
    demo.doctor2.appointment_types.filter(name="Skin check").update(consultation_modes=[])
    body = _client().get("/api/services", {"name": "Skin check"}).json()
    assert body["results"][0]["consultationModes"] == ["in_person", "video", "phone"]


def test_services_of_private_clinics_are_hidden_from_outsiders(demo) -> None:
    theirs = str(demo.other_doctor.appointment_types.get().pk)
    assert theirs not in _ids(_client().get("/api/services").json())
    assert theirs not in _ids(_client(demo.patient.user).get("/api/services").json())
    assert theirs in _ids(_client(demo.other_doctor.user).get("/api/services").json())


def test_services_filter_by_clinic(demo) -> None:
    body = _client(demo.other_staff).get("/api/services", {"clinicId": str(demo.other_clinic.pk)}).json()
    assert [row["doctor"]["id"] for row in body["results"]] == [str(demo.other_doctor.pk)]


# --- pagination and bad input -------------------------------------------------------------------------------


def test_pages_link_to_each_other(demo) -> None:
    first = _client().get("/api/services", {"pageSize": "2", "clinicId": str(demo.clinic.pk)}).json()
    assert first["count"] == 5 and first["page"] == 1 and first["pageSize"] == 2
    assert len(first["results"]) == 2 and first["previous"] is None
    assert first["next"].startswith("http://testserver/api/services?") and "page=2" in first["next"]
    assert "clinicId=" in first["next"]
    second = _client().get(first["next"]).json()
    assert second["page"] == 2 and _ids(_client().get(second["previous"]).json()) == _ids(first)
    third = _client().get(second["next"]).json()
    assert len(third["results"]) == 1 and third["next"] is None
    seen = _ids(first) | _ids(second) | _ids(third)
    assert len(seen) == 5


def test_the_first_pages_previous_link_drops_the_page(demo) -> None:
    second = _client().get("/api/services", {"pageSize": 2, "page": 2}).json()
    assert "page=" not in second["previous"] and "pageSize=2" in second["previous"]


def test_a_page_past_the_end_is_empty(demo) -> None:
    body = _client().get("/api/doctors", {"page": 9}).json()
    assert body["results"] == [] and body["count"] == 2 and body["next"] is None
    assert "page=" not in body["previous"]


def test_default_page_size_is_20(demo) -> None:
    assert _client().get("/api/clinics").json()["pageSize"] == 20


@pytest.mark.parametrize(
    ("params", "status", "path", "code"),
    [
        ({"pageSize": "101"}, 422, "pageSize", "OUT_OF_RANGE"),
        ({"pageSize": "0"}, 422, "pageSize", "OUT_OF_RANGE"),
        ({"page": "0"}, 422, "page", "OUT_OF_RANGE"),
        ({"page": "two"}, 400, "page", "INVALID_TYPE"),
        ({"page": "99999999999999999999999"}, 422, "page", "OUT_OF_RANGE"),
        ({"clinicId": "nope"}, 422, "clinicId", "UNKNOWN_REFERENCE"),
        ({"locationId": "1"}, 422, "locationId", "UNKNOWN_REFERENCE"),
        ({"q": "x" * 201}, 422, "q", "TOO_LONG"),
    ],
)
def test_bad_directory_queries(demo, params: dict, status: int, path: str, code: str) -> None:
    response = _client().get("/api/doctors", params)
    assert response.status_code == status, response.content
    assert response.json()["errors"][0]["path"] == path and response.json()["errors"][0]["code"] == code


# --- the directory is enough to book ------------------------------------------------------------------------


def test_a_patient_books_with_nothing_but_the_directorys_ids(demo) -> None:
    """Directory → availability → hold → confirm, every id taken from an answer before it."""
    athens = zoneinfo.ZoneInfo("Europe/Athens")
    ScheduleRule.objects.bulk_create(
        ScheduleRule(
            doctor=demo.doctor,
            timezone="Europe/Athens",
            day_of_week=d,
            work_start_local=time(9),
            work_end_local=time(12),
            slot_interval_minutes=30,
        )
        for d in range(1, 8)
    )
    client = _client(demo.patient.user)
    clinic = client.get("/api/clinics").json()["results"][0]
    doctors = client.get("/api/doctors", {"clinicId": clinic["id"], "service": "Consultation"}).json()
    doctor = doctors["results"][0]
    service = next(s for s in doctor["services"] if s["name"] == "Consultation")
    location = doctor["locations"][0]
    day = (datetime.now(athens) + timedelta(days=3)).date()
    slots = client.get(
        f"/api/doctors/{doctor['id']}/availability",
        {
            "appointmentTypeId": service["id"],
            "doctorLocationId": location["id"],
            "consultationMode": service["consultationModes"][0],
            "start": day.isoformat(),
            "end": day.isoformat(),
        },
    ).json()["slots"]
    assert slots
    held = client.post(
        "/api/appointments/holds",
        {
            "doctorId": doctor["id"],
            "appointmentTypeId": service["id"],
            "startsAt": slots[0]["startUtc"],
            "doctorLocationId": location["id"],
            "locationRoomId": location["rooms"][0]["id"],
            "consultationMode": service["consultationModes"][0],
        },
        format="json",
    )
    assert held.status_code == 201, held.content
    confirmed = client.post(f"/api/appointments/{held.json()['id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    a = Appointment.objects.get()
    assert a.status == Status.CONFIRMED and a.patient == demo.patient
    assert str(a.room_id) == location["rooms"][0]["id"]


# --- /api/me ------------------------------------------------------------------------------------------------


def test_me_lists_the_clinics_a_patient_is_registered_with_or_booked_at(demo) -> None:
    client = _client(demo.patient.user)
    assert client.get("/api/me").json()["clinicIds"] == [str(demo.clinic.pk)]
    AppointmentFactory.create(
        appointment_type=demo.other_doctor.appointment_types.get(), patient=demo.patient
    )
    body = client.get("/api/me").json()
    assert body["clinicIds"] == sorted([str(demo.clinic.pk), str(demo.other_clinic.pk)])
    assert body["roles"] == ["patient"] and body["patientId"] == str(demo.patient.pk)
