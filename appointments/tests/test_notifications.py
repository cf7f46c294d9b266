"""Booking emails: the confirmation's calendar file, moves, cancellations, reminders, each sent once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from django.core import mail
from procrastinate.contrib.django import app
from procrastinate.testing import InMemoryConnector

from appointments import notifications, services, tasks
from appointments.models import ActorType, Appointment, Notice, Status
from appointments.services import Actor
from appointments.tests.conftest import first_location, local
from appointments.tests.factories import AppointmentFactory
from medic.clinic.tests.factories import PatientFactory

pytestmark = pytest.mark.usefixtures("hours")

DST_DAY = date(2027, 3, 28)  # Europe/Athens moves from +02:00 to +03:00 at 03:00 that morning


@pytest.fixture(autouse=True)
def locmem_email(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def queue() -> Iterator[InMemoryConnector]:
    connector = InMemoryConnector()
    with app.replace_connector(connector):
        yield connector


@pytest.fixture
def run_jobs(queue: InMemoryConnector) -> Callable[[], None]:
    """Run the queued notice jobs the way the worker would, each once."""

    def run() -> None:
        for job in list(queue.jobs.values()):
            if job["status"] == "todo" and job["task_name"].endswith("send_notice"):
                job["status"] = "succeeded"
                tasks.send_notice(**job["args"])

    return run


@pytest.fixture
def far_ahead(consult):
    consult.max_advance_days = 730
    consult.save(update_fields=["max_advance_days"])
    return consult


@pytest.fixture
def book(demo, far_ahead, django_capture_on_commit_callbacks, run_jobs) -> Callable[..., Appointment]:
    """The demo patient books `far_ahead` at a local time themself (hold, confirm); the jobs run."""

    def _book(starts: datetime) -> Appointment:
        actor = Actor(ActorType.PATIENT, demo.patient.pk)
        req = services.HoldRequest(
            demo.doctor, far_ahead, starts, demo.patient, first_location(demo.doctor), None, "in_person"
        )
        with django_capture_on_commit_callbacks(execute=True):
            a = services.confirm(services.hold(req, actor=actor), actor=actor)
        run_jobs()
        return a

    return _book


def patient_mail(demo) -> list[mail.EmailMultiAlternatives]:
    return [
        m for m in mail.outbox if isinstance(m, mail.EmailMultiAlternatives) and m.to == [demo.patient.email]
    ]


def ics(message: mail.EmailMessage) -> icalendar.Calendar:
    (attachment,) = [a for a in message.attachments if a[0] == "appointment.ics"]
    return icalendar.Calendar.from_ical(attachment[1])


def event(message: mail.EmailMessage) -> icalendar.Event:
    (e,) = ics(message).walk("VEVENT")
    assert isinstance(e, icalendar.Event)
    return e


def test_confirmation_carries_an_ics_with_utc_times_across_the_dst_change(demo, book) -> None:
    a = book(local(DST_DAY, "10:00"))
    (message,) = patient_mail(demo)
    e = event(message)
    assert ics(message)["METHOD"] == "REQUEST"
    assert e["UID"] == f"{a.pk}@medic"
    assert e["SEQUENCE"] == 0
    assert e.decoded("DTSTART") == datetime(2027, 3, 28, 7, 0, tzinfo=UTC)  # 10:00 at +03:00, not +02:00
    assert e.decoded("DTEND") == datetime(2027, 3, 28, 7, 30, tzinfo=UTC)


def test_confirmation_has_text_and_html_with_clinic_and_local_time(demo, book) -> None:
    book(local(DST_DAY, "10:00"))
    (message,) = patient_mail(demo)
    html = str(message.alternatives[0][0])
    for body in (message.body, html):
        assert "Demo Clinic" in body
        assert "10:00" in body
        assert "Europe/Athens" in body


def test_reschedule_sends_the_same_uid_with_sequence_one(
    demo, book, django_capture_on_commit_callbacks, run_jobs
):
    a = book(local(DST_DAY, "10:00"))
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule(a, actor=Actor(ActorType.STAFF, demo.staff.pk), starts_at=local(DST_DAY, "12:00"))
    run_jobs()
    first, moved = patient_mail(demo)
    assert event(moved)["UID"] == event(first)["UID"]
    assert event(moved)["SEQUENCE"] == 1
    assert event(moved).decoded("DTSTART") == datetime(2027, 3, 28, 9, 0, tzinfo=UTC)


def test_cancel_sends_method_cancel(demo, book, django_capture_on_commit_callbacks, run_jobs) -> None:
    a = book(local(DST_DAY, "10:00"))
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(a, actor=Actor(ActorType.STAFF, demo.staff.pk), reason="Doctor ill")
    run_jobs()
    _, cancelled = patient_mail(demo)
    assert ics(cancelled)["METHOD"] == "CANCEL"
    assert event(cancelled)["UID"] == f"{a.pk}@medic"
    assert "Doctor ill" in cancelled.body


def test_staff_hear_of_a_booking_and_a_cancellation_by_the_patient(
    demo, book, django_capture_on_commit_callbacks, run_jobs
) -> None:
    a = book(local(DST_DAY, "10:00"))
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(a, actor=Actor(ActorType.PATIENT, demo.patient.pk))
    run_jobs()
    to_staff = [m for m in mail.outbox if m.to == [demo.staff.email]]
    assert [m.subject.split(":")[0] for m in to_staff] == [
        "A patient booked an appointment",
        "A patient cancelled an appointment",
    ]
    assert not any(m.attachments for m in to_staff)


def test_staff_are_not_told_of_what_staff_did(
    demo, book, django_capture_on_commit_callbacks, run_jobs
) -> None:
    a = book(local(DST_DAY, "10:00"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(a, actor=Actor(ActorType.STAFF, demo.staff.pk))
    run_jobs()
    assert [m.to for m in mail.outbox] == [[demo.patient.email]]


def test_the_same_notice_job_run_twice_sends_one_email(demo, book) -> None:
    a = book(local(DST_DAY, "10:00"))
    assert tasks.send_notice(appointment_id=str(a.pk), kind="confirmed", version=0) == 0
    assert len(patient_mail(demo)) == 1
    assert Notice.objects.filter(appointment=a, kind="confirmed").count() == 1


def test_a_stale_job_sends_nothing(demo, book, django_capture_on_commit_callbacks) -> None:
    a = book(local(DST_DAY, "10:00"))
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule(a, actor=Actor(ActorType.STAFF, demo.staff.pk), starts_at=local(DST_DAY, "12:00"))
    mail.outbox.clear()
    Notice.objects.all().delete()
    assert notifications.send_notice(a.pk, "confirmed", 0) == 0  # written for the old time
    assert mail.outbox == []


def test_a_patient_without_email_gets_nothing() -> None:
    a = AppointmentFactory.create(patient=PatientFactory.create(email="", user=None))
    assert notifications.send_notice(a.pk, "confirmed", 0) == 0
    assert mail.outbox == []


def test_reminder_job_run_twice_sends_one_email(demo, book) -> None:
    a = book(local(DST_DAY, "10:00"))
    mail.outbox.clear()
    soon = a.starts_at - timedelta(hours=23)
    assert notifications.send_due_reminders(soon) == 1
    assert notifications.send_due_reminders(soon) == 0
    (reminder,) = mail.outbox
    assert reminder.subject.startswith("Reminder of your appointment")


def test_reminder_waits_for_the_clinics_reminder_hours(demo, book) -> None:
    demo.clinic.reminder_hours = 2
    demo.clinic.save(update_fields=["reminder_hours"])
    a = book(local(DST_DAY, "10:00"))
    mail.outbox.clear()
    assert notifications.send_due_reminders(a.starts_at - timedelta(hours=3)) == 0
    assert notifications.send_due_reminders(a.starts_at - timedelta(hours=1)) == 1


def test_no_reminder_for_a_cancelled_appointment(demo, book, django_capture_on_commit_callbacks) -> None:
    a = book(local(DST_DAY, "10:00"))
    version = notifications.notice_version(a.pk)
    services.cancel(a, actor=Actor(ActorType.STAFF, demo.staff.pk))
    mail.outbox.clear()
    assert notifications.send_due_reminders(a.starts_at - timedelta(hours=1)) == 0
    assert notifications.send_notice(a.pk, "reminder", version) == 0  # a job decided before the cancellation
    assert mail.outbox == []


def test_no_reminder_for_the_old_time_of_a_moved_appointment(demo, book) -> None:
    a = book(local(DST_DAY, "10:00"))
    old_version = notifications.notice_version(a.pk)
    moved = services.reschedule(
        a, actor=Actor(ActorType.STAFF, demo.staff.pk), starts_at=local(DST_DAY + timedelta(days=2), "10:00")
    )
    mail.outbox.clear()
    assert notifications.send_notice(a.pk, "reminder", old_version) == 0
    assert notifications.send_due_reminders(a.starts_at - timedelta(hours=1)) == 0
    assert notifications.send_due_reminders(moved.starts_at - timedelta(hours=1)) == 1
    assert event(mail.outbox[0]).decoded("DTSTART") == moved.starts_at


def test_reminders_run_every_five_minutes() -> None:
    periodic = {p.periodic_id: p for p in app.periodic_registry.periodic_tasks.values()}
    assert periodic["send_due_reminders"].cron == "*/5 * * * *"


def test_a_held_appointment_cancelled_sends_nothing(
    demo, far_ahead, django_capture_on_commit_callbacks, run_jobs
):
    actor = Actor(ActorType.PATIENT, demo.patient.pk)
    req = services.HoldRequest(
        demo.doctor,
        far_ahead,
        local(DST_DAY, "10:00"),
        demo.patient,
        first_location(demo.doctor),
        None,
        "in_person",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(services.hold(req, actor=actor), actor=actor)
    run_jobs()
    assert mail.outbox == []
    assert Appointment.objects.get().status == Status.CANCELLED


def test_the_demo_seed_tells_nobody_of_the_bookings_it_makes(db, django_capture_on_commit_callbacks) -> None:
    from io import StringIO

    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command("seed_demo", stdout=StringIO())
    assert Appointment.objects.exists()
    assert callbacks == []  # no notice job queued
