"""Rooms, devices and group seats: a booking claims a free seat of each resource its service needs, or 409."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from appointments import services
from appointments.models import (
    ACTIVE_STATUSES,
    ActorType,
    Appointment,
    AppointmentEvent,
    BookableResource,
    ResourceClaim,
)
from appointments.tests.conftest import iso, local
from appointments.tests.factories import doctor_offering
from medic.clinic.models import AppointmentType, Doctor
from medic.clinic.tests.factories import AppointmentTypeFactory, DoctorFactory, PatientFactory
from medic.errors import Conflict, Gone
from medic.testing import outcomes, run_at_once
from scheduling.models import ScheduleRule

HOLDS = "/api/appointments/holds"


def hold(doctor: Doctor, service: AppointmentType, starts_at: datetime) -> Appointment:
    patient = PatientFactory.create()
    req = services.HoldRequest(doctor, service, starts_at, patient, consultation_mode="in_person")
    return services.hold(req, actor=services.Actor(ActorType.PATIENT, patient.pk))


def active_claims(resource: BookableResource) -> list[ResourceClaim]:
    return list(resource.claims.filter(released_at__isnull=True).order_by("seat"))


@pytest.fixture
def room(demo) -> BookableResource:
    return BookableResource.objects.create(clinic=demo.clinic, name="Procedure room", kind="room", seats=1)


@pytest.fixture
def group(demo) -> BookableResource:
    return BookableResource.objects.create(clinic=demo.clinic, name="Back-pain class", kind="group", seats=3)


# -- one seat ----------------------------------------------------------------------------------------------


def test_a_booking_claims_the_room_its_service_needs(demo, room, day) -> None:
    doctor, service = doctor_offering(demo.clinic, room)
    a = hold(doctor, service, local(day, "10:00"))
    [claim] = active_claims(room)
    assert (claim.appointment, claim.seat) == (a, 1)
    assert (claim.starts_at, claim.ends_at) == (a.starts_at, a.ends_at)


def test_another_doctor_needing_the_taken_room_gets_409_and_nothing_is_written(
    demo, room, day, staff_api: APIClient
) -> None:
    first, first_service = doctor_offering(demo.clinic, room)
    second, second_service = doctor_offering(demo.clinic, room)
    hold(first, first_service, local(day, "10:00"))
    response = staff_api.post(
        HOLDS,
        {
            "doctorId": str(second.pk),
            "appointmentTypeId": str(second_service.pk),
            "startsAt": iso(local(day, "10:00")),
            "patientId": str(demo.patient.pk),
        },
        format="json",
    )
    assert response.status_code == 409, response.content
    assert response.json()["errors"][0]["code"] == "RESOURCE_UNAVAILABLE"
    assert response.json()["errors"][0]["path"] == "startsAt"
    # The hold was rolled back whole: no appointment, no claim, no audit event of the second doctor.
    assert not Appointment.objects.filter(doctor=second).exists()
    assert ResourceClaim.objects.count() == 1
    assert AppointmentEvent.objects.count() == 1


def test_a_partly_overlapping_booking_is_refused_too(demo, room, day) -> None:
    first, first_service = doctor_offering(demo.clinic, room)
    second, _ = doctor_offering(demo.clinic, room)
    long_service = AppointmentTypeFactory.create(doctor=second, duration_minutes=60)
    room.appointment_types.add(long_service)
    hold(first, first_service, local(day, "10:30"))
    with pytest.raises(Conflict) as refused:
        hold(second, long_service, local(day, "10:00"))  # 10:00–11:00 meets 10:30–11:00
    assert refused.value.errors[0].code == "RESOURCE_UNAVAILABLE"


def test_back_to_back_bookings_share_the_room(demo, room, day) -> None:
    first, first_service = doctor_offering(demo.clinic, room)
    second, second_service = doctor_offering(demo.clinic, room)
    hold(first, first_service, local(day, "10:00"))
    hold(second, second_service, local(day, "10:30"))  # [10:00, 10:30) and [10:30, 11:00) do not meet
    assert [c.seat for c in active_claims(room)] == [1, 1]


def test_services_that_do_not_need_the_room_ignore_it(demo, room, day) -> None:
    doctor, service = doctor_offering(demo.clinic, room)
    other_service = AppointmentTypeFactory.create(doctor=DoctorFactory.create(clinic=demo.clinic))
    hold(doctor, service, local(day, "10:00"))
    room.appointment_types.remove(service)
    ScheduleRule.objects.create(
        doctor=other_service.doctor,
        timezone="Europe/Athens",
        day_of_week=day.isoweekday(),
        work_start_local=time(9),
        work_end_local=time(17),
        slot_interval_minutes=30,
    )
    hold(other_service.doctor, other_service, local(day, "10:00"))
    assert ResourceClaim.objects.count() == 1


def test_an_inactive_resource_is_not_claimed(demo, room, day) -> None:
    room.is_active = False
    room.save()
    first, first_service = doctor_offering(demo.clinic, room)
    second, second_service = doctor_offering(demo.clinic, room)
    hold(first, first_service, local(day, "10:00"))
    hold(second, second_service, local(day, "10:00"))
    assert not ResourceClaim.objects.exists()


# -- group seats -------------------------------------------------------------------------------------------


def test_a_group_session_takes_exactly_as_many_bookings_as_it_has_seats(demo, group, day) -> None:
    # One doctor's appointments never overlap, so the class's seats are shared by several doctors.
    doctors = [doctor_offering(demo.clinic, group) for _ in range(group.seats + 1)]
    for doctor, service in doctors[:-1]:
        hold(doctor, service, local(day, "10:00"))
    assert [c.seat for c in active_claims(group)] == [1, 2, 3]
    last_doctor, last_service = doctors[-1]
    with pytest.raises(Conflict) as refused:
        hold(last_doctor, last_service, local(day, "10:00"))
    assert refused.value.errors[0].code == "RESOURCE_UNAVAILABLE"
    assert not Appointment.objects.filter(doctor=last_doctor).exists()
    assert len(active_claims(group)) == 3


def test_the_group_full_at_one_time_is_free_at_another(demo, group, day) -> None:
    doctors = [doctor_offering(demo.clinic, group) for _ in range(group.seats + 1)]
    for doctor, service in doctors[:-1]:
        hold(doctor, service, local(day, "10:00"))
    last_doctor, last_service = doctors[-1]
    a = hold(last_doctor, last_service, local(day, "11:00"))
    assert a.claims.get().seat == 1


# -- releasing and moving ----------------------------------------------------------------------------------


def test_cancelling_releases_the_seat_for_another_booking(demo, room, day) -> None:
    first, first_service = doctor_offering(demo.clinic, room)
    second, second_service = doctor_offering(demo.clinic, room)
    a = hold(first, first_service, local(day, "10:00"))
    with pytest.raises(Conflict):
        hold(second, second_service, local(day, "10:00"))
    services.cancel(a, actor=services.SYSTEM)
    claim = a.claims.get()
    assert claim.released_at is not None
    b = hold(second, second_service, local(day, "10:00"))
    assert [c.appointment for c in active_claims(room)] == [b]


def test_cancelling_through_the_api_releases_the_seat(demo, group, day, staff_api: APIClient) -> None:
    doctor, service = doctor_offering(demo.clinic, group)
    a = hold(doctor, service, local(day, "10:00"))
    assert staff_api.post(f"/api/appointments/{a.pk}/cancel", {}, format="json").status_code == 200
    assert active_claims(group) == []


def test_rescheduling_moves_the_claim(demo, room, day) -> None:
    first, first_service = doctor_offering(demo.clinic, room)
    second, second_service = doctor_offering(demo.clinic, room)
    a = hold(first, first_service, local(day, "10:00"))
    services.reschedule(a, actor=services.SYSTEM, starts_at=local(day, "11:00"))
    old, new = a.claims.order_by("starts_at")
    assert old.starts_at == local(day, "10:00") and old.released_at is not None
    assert (new.starts_at, new.ends_at, new.released_at) == (local(day, "11:00"), local(day, "11:30"), None)
    hold(second, second_service, local(day, "10:00"))  # the old time's seat is free again
    with pytest.raises(Conflict):
        hold(second, second_service, local(day, "11:00"))  # the new one's is not


def test_rescheduling_into_a_full_room_is_409_and_keeps_the_old_time_and_seat(demo, room, day) -> None:
    first, first_service = doctor_offering(demo.clinic, room)
    second, second_service = doctor_offering(demo.clinic, room)
    a = hold(first, first_service, local(day, "10:00"))
    hold(second, second_service, local(day, "11:00"))
    with pytest.raises(Conflict) as refused:
        services.reschedule(a, actor=services.SYSTEM, starts_at=local(day, "11:00"))
    assert refused.value.errors[0].code == "RESOURCE_UNAVAILABLE"
    a.refresh_from_db()
    assert a.starts_at == local(day, "10:00")
    assert a.claims.get().released_at is None
    assert not AppointmentEvent.objects.filter(appointment=a, kind="rescheduled").exists()


def test_an_expired_hold_releases_its_claim(demo, room, day) -> None:
    doctor, service = doctor_offering(demo.clinic, room)
    a = hold(doctor, service, local(day, "10:00"))
    Appointment.objects.filter(pk=a.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    assert services.expire_stale_holds() == 1
    assert a.claims.get().released_at is not None
    assert active_claims(room) == []


def test_confirming_an_expired_hold_releases_its_claim(demo, room, day) -> None:
    doctor, service = doctor_offering(demo.clinic, room)
    a = hold(doctor, service, local(day, "10:00"))
    Appointment.objects.filter(pk=a.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Gone):
        services.confirm(a, actor=services.SYSTEM)
    assert active_claims(room) == []


def test_the_same_doctor_taking_the_slot_of_their_expired_hold_gets_the_seat(demo, room, day) -> None:
    doctor, service = doctor_offering(demo.clinic, room)
    a = hold(doctor, service, local(day, "10:00"))
    Appointment.objects.filter(pk=a.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    b = hold(doctor, service, local(day, "10:00"))  # the new hold expires the stale one in its way
    assert [c.appointment for c in active_claims(room)] == [b]


def test_another_doctors_expired_hold_does_not_keep_the_seat(demo, room, day) -> None:
    first, first_service = doctor_offering(demo.clinic, room)
    second, second_service = doctor_offering(demo.clinic, room)
    a = hold(first, first_service, local(day, "10:00"))
    Appointment.objects.filter(pk=a.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    b = hold(second, second_service, local(day, "10:00"))
    assert [c.appointment for c in active_claims(room)] == [b]


# -- races -------------------------------------------------------------------------------------------------


def _hold_job(doctor: Doctor, service: AppointmentType, starts_at: datetime) -> Callable[[], Appointment]:
    patient = PatientFactory.create()

    def job() -> Appointment:
        req = services.HoldRequest(doctor, service, starts_at, patient, consultation_mode="in_person")
        return services.hold(req, actor=services.Actor(ActorType.PATIENT, patient.pk))

    return job


@pytest.mark.django_db(transaction=True)
def test_racing_for_the_last_seat_has_exactly_one_winner(demo, group, day) -> None:
    for _ in range(group.seats - 1):
        hold(*doctor_offering(demo.clinic, group), local(day, "10:00"))
    racers = [doctor_offering(demo.clinic, group) for _ in range(12)]
    counts = outcomes(run_at_once([_hold_job(d, s, local(day, "10:00")) for d, s in racers]), Appointment)
    assert counts == Counter(ok=1, RESOURCE_UNAVAILABLE=11), counts
    assert [c.seat for c in active_claims(group)] == [1, 2, 3]
    assert Appointment.objects.filter(status__in=ACTIVE_STATUSES).count() == 3


@pytest.mark.django_db(transaction=True)
def test_racing_for_a_free_group_fills_every_seat_once(demo, group, day) -> None:
    racers = [doctor_offering(demo.clinic, group) for _ in range(3 * group.seats)]
    counts = outcomes(run_at_once([_hold_job(d, s, local(day, "10:00")) for d, s in racers]), Appointment)
    assert counts == Counter(ok=group.seats, RESOURCE_UNAVAILABLE=2 * group.seats), counts
    claims = active_claims(group)
    assert [c.seat for c in claims] == [1, 2, 3]
    assert {c.appointment.status for c in claims} == {"held"}
    assert Appointment.objects.count() == group.seats  # the losers left no appointment behind


def test_availability_leaves_out_times_when_a_needed_resource_is_full(demo, room, day) -> None:
    first, first_service = doctor_offering(demo.clinic, room)
    second, second_service = doctor_offering(demo.clinic, room)
    hold(first, first_service, local(day, "10:00"))
    client = APIClient()
    client.force_authenticate(demo.patient.user)
    response = client.get(
        f"/api/doctors/{second.pk}/availability",
        {"appointmentTypeId": str(second_service.pk), "start": day.isoformat(), "end": day.isoformat()},
    )
    starts = [s["startLocal"] for s in response.json()["slots"]]
    assert "10:00" not in starts and "09:30" in starts and "10:30" in starts
