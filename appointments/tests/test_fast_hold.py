"""The hold's and the confirm's fast paths: the common case (a patient holding a plain service for themself,
then confirming it) in a few statements, every other case handed to the full path, and the same answers as
the full path either way (`MEDIC_FAST_BOOKING=False` is the full path alone)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.utils import timezone
from procrastinate import sql
from rest_framework.test import APIClient

from appointments import notifications, services
from appointments.models import (
    ACTIVE_STATUSES,
    ActorType,
    Appointment,
    AppointmentEvent,
    BookableResource,
    Status,
)
from appointments.tests.conftest import first_location, hold_body, iso, local
from appointments.tests.factories import AppointmentFactory
from medic.clinic.models import AppointmentType
from medic.clinic.tests.factories import PatientFactory, StaffMembershipFactory
from medic.testing import outcomes, run_at_once
from scheduling.models import AvailabilityException, ScheduleRule, bump_version, lock_schedule

URL = "/api/appointments/holds"
pytestmark = pytest.mark.usefixtures("hours")

# Statements of a fast hold: one read outside any transaction (the service, its doctor and clinic, the
# patient, the day's time off, openings and closures), then the patient locked and one write (the appointment
# with its audit event, while the patient is under the hold limit), sent as one transaction (a savepoint
# here, inside the test's transaction, not counted) in one round trip. Of a fast confirm, with no
# transaction: one read (the appointment with what confirming needs) and one write (the update, its audit
# event and the notice jobs). The full path took 16 and 7; earlier fast paths 6 + 2 and 3 + 2, then 2 + 2.
FAST_HOLD_QUERIES = 1 + 2
FAST_CONFIRM_QUERIES = 2


def _fast_hold(demo, service: AppointmentType, starts_at: datetime, **extra: Any) -> Appointment | None:
    fields: dict[str, Any] = {
        "doctor_id": demo.doctor.pk,
        "appointment_type_id": service.pk,
        "starts_at": starts_at,
        "consultation_mode": "in_person",
        **extra,
    }
    if "location_id" not in fields:
        fields["location_id"] = first_location(demo.doctor).pk
    return services.fast_hold(demo.patient.user, **fields)


# -- the common case takes it --------------------------------------------------------------------------------


def test_a_patients_plain_hold_takes_the_fast_path(demo, consult, day) -> None:
    a = _fast_hold(demo, consult, local(day, "10:00"))
    assert a is not None and a.status == Status.HELD
    stored = Appointment.objects.get()
    assert (stored.pk, stored.patient, stored.location_id, stored.consultation_mode) == (
        a.pk,
        demo.patient,
        first_location(demo.doctor).pk,
        "in_person",
    )
    assert stored.ends_at - stored.starts_at == timedelta(minutes=30)
    [event] = AppointmentEvent.objects.all()
    assert (event.kind, event.actor_type, event.actor_id, event.before) == (
        "held",
        "patient",
        demo.patient.pk,
        None,
    )
    assert event.after == services.snapshot(stored)


def test_the_fast_hold_costs_a_fixed_number_of_queries(demo, consult, day, django_assert_num_queries) -> None:
    _fast_hold(demo, consult, local(day, "09:00"))  # the doctor's rules are now cached
    where = first_location(demo.doctor).pk
    with django_assert_num_queries(FAST_HOLD_QUERIES):
        assert _fast_hold(demo, consult, local(day, "10:00"), location_id=where) is not None


def test_the_fast_confirm_costs_a_fixed_number_of_queries(
    demo, consult, day, django_assert_num_queries
) -> None:
    a = _fast_hold(demo, consult, local(day, "10:00"))
    assert a is not None
    with django_assert_num_queries(FAST_CONFIRM_QUERIES):
        confirmed = services.confirm_own_hold(demo.patient.user, a.pk)
    assert confirmed is not None and confirmed.status == Status.CONFIRMED


def test_the_fast_path_can_be_turned_off(demo, consult, day) -> None:
    with override_settings(MEDIC_FAST_BOOKING=False):
        assert _fast_hold(demo, consult, local(day, "10:00")) is None
        a = AppointmentFactory.create(appointment_type=consult, patient=demo.patient, status=Status.HELD)
        assert services.confirm_own_hold(demo.patient.user, a.pk) is None
    assert Appointment.objects.filter(status=Status.HELD).count() == 1


# -- every other case goes to the full path, writing nothing -------------------------------------------------


def _needs_resource(demo, consult: AppointmentType) -> None:
    room = BookableResource.objects.create(clinic=demo.clinic, name="Scanner", kind="device", seats=1)
    room.appointment_types.add(consult)


def _capped(demo, consult: AppointmentType) -> None:
    consult.daily_cap = 5
    consult.save()


def _staff_too(demo, consult: AppointmentType) -> None:
    StaffMembershipFactory.create(user=demo.patient.user, clinic=demo.clinic)


def _at_the_hold_limit(demo, consult: AppointmentType) -> None:
    demo.clinic.max_holds_per_patient = 1
    demo.clinic.save()
    AppointmentFactory.create(appointment_type=consult, patient=demo.patient, status=Status.HELD)


@pytest.mark.parametrize(
    ("setup", "extra", "when"),
    [
        pytest.param(_needs_resource, {}, "10:00", id="service needs a resource"),
        pytest.param(_capped, {}, "10:00", id="service has a daily cap"),
        pytest.param(_staff_too, {}, "10:00", id="caller is also staff"),
        pytest.param(_at_the_hold_limit, {}, "10:00", id="patient at the hold limit"),
        pytest.param(None, {"consultation_mode": "phone"}, "10:00", id="mode the service is not offered in"),
        pytest.param(None, {"location_id": None}, "10:00", id="place left ambiguous"),
        pytest.param(None, {}, "10:10", id="not a slot start"),
        pytest.param(None, {}, "17:00", id="after hours"),
    ],
)
def test_other_cases_are_handed_to_the_full_path_unwritten(
    demo, consult, day, setup: Callable[..., None] | None, extra: dict, when: str
) -> None:
    if setup is not None:
        setup(demo, consult)
    before = Appointment.objects.count(), AppointmentEvent.objects.count()
    assert _fast_hold(demo, consult, local(day, when), **extra) is None
    assert (Appointment.objects.count(), AppointmentEvent.objects.count()) == before


def test_a_stale_hold_in_the_way_is_left_to_the_full_path_which_expires_it(
    patient_api: APIClient, demo, consult
) -> None:
    day = timezone.localdate() + timedelta(days=5)
    stale = AppointmentFactory.create(
        appointment_type=consult,
        starts_at=local(day, "10:00"),
        status=Status.HELD,
        hold_expires_at=timezone.now() - timedelta(seconds=1),
    )
    with transaction.atomic():
        assert _fast_hold(demo, consult, local(day, "10:00")) is None  # it saw the stale hold in the way
    response = patient_api.post(URL, hold_body(demo, consult, local(day, "10:00")), format="json")
    assert response.status_code == 201, response.content
    stale.refresh_from_db()
    assert stale.status == Status.EXPIRED


def test_a_time_already_booked_is_refused_after_the_one_read(
    demo, consult, day, django_assert_num_queries
) -> None:
    _fast_hold(demo, consult, local(day, "09:00"))  # the doctor's rules are now cached
    AppointmentFactory.create(appointment_type=consult, starts_at=local(day, "10:00"))  # someone else's
    where = first_location(demo.doctor).pk
    # The read alone: no transaction, no lock, no insert tried.
    with django_assert_num_queries(1), pytest.raises(services.Conflict) as refused:
        _fast_hold(demo, consult, local(day, "10:00"), location_id=where)
    assert [(e.path, e.code) for e in refused.value.errors] == [("startsAt", "SLOT_TAKEN")]
    assert Appointment.objects.count() == 2


def _prepared_statements() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def test_a_refused_or_handed_off_fast_hold_keeps_the_prepared_statements(demo, consult, day) -> None:
    """Only a refused insert rolls the fast hold back: psycopg drops every prepared statement of the
    connection on a rollback, and each would be prepared (and planned) again by the next request."""
    _fast_hold(demo, consult, local(day, "09:00"))
    prepared = _prepared_statements()
    assert prepared
    AppointmentFactory.create(appointment_type=consult, starts_at=local(day, "10:00"))
    with pytest.raises(services.Conflict):
        _fast_hold(demo, consult, local(day, "10:00"))  # taken
    assert _fast_hold(demo, consult, local(day, "10:10")) is None  # not a slot: the full path's
    assert _prepared_statements() >= prepared


def test_a_booking_made_after_the_read_is_skipped_by_the_constraints_and_answered_409(
    demo, consult, day, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The insert after the read meets a booking the read could not see: the exclusion constraints skip the
    row (no error, so nothing is rolled back) and the answer is the same 409."""
    _fast_hold(demo, consult, local(day, "09:00"))
    read = services.selectors.hold_facts

    def before_the_booking(*args: Any) -> Any:
        facts = read(*args)
        AppointmentFactory.create(appointment_type=consult, starts_at=local(day, "10:00"))  # meanwhile
        return facts

    monkeypatch.setattr(services.selectors, "hold_facts", before_the_booking)
    prepared = _prepared_statements()
    with pytest.raises(services.Conflict) as refused:
        _fast_hold(demo, consult, local(day, "10:00"))
    assert [(e.path, e.code) for e in refused.value.errors] == [("startsAt", "SLOT_TAKEN")]
    assert Appointment.objects.filter(starts_at=local(day, "10:00")).count() == 1
    assert _prepared_statements() >= prepared


def test_a_time_kept_free_by_a_buffer_alone_is_left_to_the_full_path(demo, consult, day) -> None:
    consult.buffer_after_minutes = 30
    consult.save()
    AppointmentFactory.create(appointment_type=consult, starts_at=local(day, "10:00"))  # buffered to 11:00
    assert _fast_hold(demo, consult, local(day, "10:30")) is None  # the full path's 422 SLOT_NOT_AVAILABLE
    assert Appointment.objects.count() == 1


def test_a_private_clinics_doctor_is_left_to_the_full_path(demo, day) -> None:
    service = demo.other_doctor.appointment_types.first()
    outsider = PatientFactory.create()
    assert outsider.user is not None
    held = services.fast_hold(
        outsider.user,
        doctor_id=demo.other_doctor.pk,
        appointment_type_id=service.pk,
        starts_at=local(day, "10:00"),
    )
    assert held is None
    assert not Appointment.objects.exists()


# -- same answers as the full path ---------------------------------------------------------------------------


def _answer(client: APIClient, body: dict, *, fast: bool) -> tuple[int, dict]:
    """The hold's answer with the fast path on or off, rolled back (so both see the same data)."""
    with override_settings(MEDIC_FAST_BOOKING=fast):
        sid = transaction.savepoint()
        response = client.post(URL, body, format="json")
        transaction.savepoint_rollback(sid)
    data = response.json()
    for volatile in ("id", "createdAt", "holdExpiresAt"):
        data.pop(volatile, None)
    return response.status_code, data


def _setup_rich_schedule(demo, consult: AppointmentType, day) -> None:
    """Buffers, notice, an advance limit, a booking, time off and an opening: every rule a hold checks."""
    consult.buffer_before_minutes, consult.buffer_after_minutes = 10, 15
    consult.min_notice_minutes, consult.max_advance_days = 60, 30
    consult.save()
    AppointmentFactory.create(appointment_type=consult, starts_at=local(day, "11:00"))  # confirmed
    AvailabilityException.objects.create(
        doctor=demo.doctor, kind="blocked", starts_at=local(day, "14:00"), ends_at=local(day, "15:00")
    )
    AvailabilityException.objects.create(
        doctor=demo.doctor,
        kind="available",
        starts_at=local(day, "18:00"),
        ends_at=local(day, "19:00"),
        slot_interval_minutes=30,
    )


def test_the_fast_and_full_paths_answer_every_start_of_a_day_alike(
    patient_api: APIClient, demo, consult, day
) -> None:
    _setup_rich_schedule(demo, consult, day)
    starts = [local(day, f"{h:02d}:{m:02d}") for h in range(8, 20) for m in (0, 15, 30, 45)]
    differences = []
    taken = 0
    for starts_at in starts:
        body = hold_body(demo, consult, starts_at)
        fast, full = _answer(patient_api, body, fast=True), _answer(patient_api, body, fast=False)
        taken += fast[0] == 201
        if fast != full:
            differences.append((iso(starts_at), fast, full))
    assert not differences
    assert 0 < taken < len(starts)  # both kinds of answer were compared


@pytest.mark.parametrize(
    "when",
    [
        pytest.param(lambda day: timezone.now() + timedelta(minutes=30), id="inside the notice"),
        pytest.param(lambda day: local(day + timedelta(days=40), "10:00"), id="beyond the advance limit"),
    ],
)
def test_the_paths_agree_on_notice_and_window(
    patient_api: APIClient, demo, consult, day, when: Callable[..., datetime]
) -> None:
    _setup_rich_schedule(demo, consult, day)
    starts_at = when(day).replace(second=0, microsecond=0)
    body = hold_body(demo, consult, starts_at)
    assert _answer(patient_api, body, fast=True) == _answer(patient_api, body, fast=False)


def test_a_schedule_saved_after_a_hold_is_seen_by_the_next_one(demo, consult, day) -> None:
    assert _fast_hold(demo, consult, local(day, "10:00")) is not None
    ScheduleRule.objects.filter(doctor=demo.doctor).update(work_start_local=time(12))
    bump_version(lock_schedule(demo.doctor))  # what every save of the schedule does
    assert _fast_hold(demo, consult, local(day, "11:00")) is None  # no longer a slot: the full path's 422
    assert _fast_hold(demo, consult, local(day, "12:00")) is not None


def test_an_idempotent_retry_replays_the_fast_holds_answer(
    patient_api: APIClient, demo, consult, day
) -> None:
    body = hold_body(demo, consult, local(day, "10:00"))
    first = patient_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = patient_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Appointment.objects.count() == 1


# -- the confirm ---------------------------------------------------------------------------------------------


def test_the_patient_confirms_their_hold_on_the_fast_path(demo, consult, day) -> None:
    a = _fast_hold(demo, consult, local(day, "10:00"))
    assert a is not None
    confirmed = services.confirm_own_hold(demo.patient.user, a.pk)
    assert confirmed is not None
    stored = Appointment.objects.get()
    assert (stored.status, stored.confirmed_at) == (Status.CONFIRMED, confirmed.confirmed_at)
    event = AppointmentEvent.objects.get(kind="confirmed")
    assert (event.actor_type, event.actor_id) == (ActorType.PATIENT, demo.patient.pk)
    assert event.before is not None and event.before["status"] == "held"
    assert event.after == services.snapshot(stored)


def test_an_expired_hold_goes_to_the_full_path_which_answers_410_and_records_it(
    patient_api: APIClient, demo, consult, day
) -> None:
    a = AppointmentFactory.create(
        appointment_type=consult,
        patient=demo.patient,
        status=Status.HELD,
        hold_expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert services.confirm_own_hold(demo.patient.user, a.pk) is None
    assert not AppointmentEvent.objects.exists()
    response = patient_api.post(f"/api/appointments/{a.pk}/confirm")
    assert response.status_code == 410 and response.json()["errors"][0]["code"] == "HOLD_EXPIRED"
    a.refresh_from_db()
    assert a.status == Status.EXPIRED
    assert list(AppointmentEvent.objects.values_list("kind", flat=True)) == ["expired"]


def test_a_hold_changed_since_it_was_read_is_not_confirmed_by_the_fast_path(demo, consult, day) -> None:
    a = _fast_hold(demo, consult, local(day, "10:00"))
    assert a is not None
    stale = a.updated_at - timedelta(seconds=1)
    assert not services._confirm_as_read(a, stale, timezone.now(), services.snapshot(a), 0)
    a.refresh_from_db()
    assert a.status == Status.HELD
    assert list(AppointmentEvent.objects.values_list("kind", flat=True)) == ["held"]


def test_the_fast_confirm_queues_both_notices_with_the_change(demo, consult, day) -> None:
    a = _fast_hold(demo, consult, local(day, "10:00"))
    assert a is not None
    assert services.confirm_own_hold(demo.patient.user, a.pk) is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT task_name, args, queue_name, priority, lock, queueing_lock, scheduled_at, status"
            " FROM procrastinate_jobs WHERE args->>'appointment_id' = %s ORDER BY id",
            [str(a.pk)],
        )
        found = cursor.fetchall()
    jobs = [(name, json.loads(args) if isinstance(args, str) else args, *rest) for name, args, *rest in found]
    # Each field as procrastinate's own defer would queue the task (queue "emails", no lock, due now).
    assert [(name, args["kind"], args["version"], *rest) for name, args, *rest in jobs] == [
        ("appointments.tasks.send_notice", "confirmed", 0, "emails", 0, None, None, None, "todo"),
        ("appointments.tasks.send_notice", "staff_booked", 0, "emails", 0, None, None, None, "todo"),
    ]


def test_someone_elses_appointment_and_staff_go_to_the_full_path(demo, consult) -> None:
    a = AppointmentFactory.create(appointment_type=consult, status=Status.HELD)  # another patient's
    assert services.confirm_own_hold(demo.patient.user, a.pk) is None
    assert services.confirm_own_hold(demo.staff, a.pk) is None
    assert Appointment.objects.get().status == Status.HELD


def test_confirm_over_http_answers_alike_on_both_paths(patient_api: APIClient, demo, consult, day) -> None:
    a = _fast_hold(demo, consult, local(day, "10:00"))
    assert a is not None
    answers = []
    for fast in (True, False):
        with override_settings(MEDIC_FAST_BOOKING=fast):
            sid = transaction.savepoint()
            response = patient_api.post(f"/api/appointments/{a.pk}/confirm")
            transaction.savepoint_rollback(sid)
        body = response.json()
        answers.append((response.status_code, {k: v for k, v in body.items() if k != "confirmedAt"}))
    assert answers[0] == answers[1] and answers[0][0] == 200


# -- races ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_32_patients_racing_on_the_fast_path_get_exactly_one_hold(demo, consult, day) -> None:
    patients = [PatientFactory.create(clinic=demo.clinic) for _ in range(32)]

    def job_for(patient) -> Callable[[], object]:
        def job() -> object:
            client = APIClient()
            client.force_authenticate(patient.user)
            response = client.post(URL, hold_body(demo, consult, local(day, "10:00")), format="json")
            return response.status_code, (response.json().get("errors") or [{}])[0].get("code")

        return job

    results = run_at_once([job_for(p) for p in patients])
    counts = outcomes(results, tuple)
    assert counts["ok"] == 32, counts  # every request answered (no exception)
    statuses = {r for r in results if isinstance(r, tuple)}
    assert statuses <= {(201, None), (409, "SLOT_TAKEN"), (422, "SLOT_NOT_AVAILABLE")}, statuses
    assert sum(1 for r in results if r == (201, None)) == 1
    assert Appointment.objects.filter(status__in=ACTIVE_STATUSES).count() == 1


def test_the_confirm_queues_notices_through_the_installed_procrastinates_own_function() -> None:
    function = notifications.QUEUE_JOBS_SQL.split("(", 1)[0]
    assert f"{function}(" in sql.queries["defer_jobs"]  # an upgrade that renames it fails here, not in use


def test_a_row_gone_between_the_read_and_the_write_hands_over_to_the_full_path(
    demo, consult, day, monkeypatch
) -> None:
    """The read locks nothing, so the write can find the patient or service gone; nothing is written and the
    full path, which reads again, answers."""

    def gone(*args: Any, **kwargs: Any) -> str:
        raise IntegrityError("insert or update violates foreign key constraint")

    monkeypatch.setattr(services, "_insert_hold_if_free", gone)
    assert _fast_hold(demo, consult, local(day, "10:00")) is None
    assert not Appointment.objects.exists()
