"""Delivery failures: a send that fails is retried without repeating the emails that already went out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core import mail
from procrastinate.jobs import Job

from appointments import notifications, tasks
from appointments.models import Appointment, Notice, NoticeKind
from appointments.tests.email_backends import FailOnceFor
from appointments.tests.factories import AppointmentFactory
from medic.clinic.models import StaffMembership, User


@pytest.fixture(autouse=True)
def flaky_email(settings) -> Iterator[None]:
    settings.EMAIL_BACKEND = "appointments.tests.email_backends.FailOnceFor"
    yield
    FailOnceFor.fail_next.clear()


@pytest.fixture
def booked(demo, consult) -> Appointment:
    return AppointmentFactory.create(appointment_type=consult, patient=demo.patient)


@pytest.fixture
def colleague(demo) -> User:
    user = User.objects.create_user(email="reception2@example.com", password="x")
    StaffMembership.objects.create(user=user, clinic=demo.clinic, role="receptionist")
    return user


def test_a_failed_send_to_one_staff_member_is_retried_without_repeating_the_others(
    demo, booked, colleague
) -> None:
    to = notifications.recipients(booked, NoticeKind.STAFF_BOOKED)
    assert to == sorted([demo.staff.email, colleague.email])
    FailOnceFor.fail_next.add(to[1])
    with pytest.raises(OSError):
        notifications.send_notice(booked.pk, NoticeKind.STAFF_BOOKED, 0)
    assert [m.to for m in mail.outbox] == [[to[0]]]
    assert notifications.send_notice(booked.pk, NoticeKind.STAFF_BOOKED, 0) == 1  # the retry
    assert sorted(m.to[0] for m in mail.outbox) == to
    assert Notice.objects.filter(appointment=booked, kind=NoticeKind.STAFF_BOOKED).count() == 2


def test_a_failed_send_leaves_no_record_so_the_retry_sends_it(demo, booked) -> None:
    FailOnceFor.fail_next.add(demo.patient.email)
    with pytest.raises(OSError):
        notifications.send_notice(booked.pk, NoticeKind.CONFIRMED, 0)
    assert not Notice.objects.exists() and mail.outbox == []
    assert notifications.send_notice(booked.pk, NoticeKind.CONFIRMED, 0) == 1
    assert notifications.send_notice(booked.pk, NoticeKind.CONFIRMED, 0) == 0
    assert [m.to for m in mail.outbox] == [[demo.patient.email]]


def test_the_notice_job_is_retried_when_a_send_fails() -> None:
    strategy = tasks.send_notice.retry_strategy
    assert strategy is not None
    decision = strategy.get_retry_decision(exception=OSError("lost"), job=_job(attempts=0))
    assert decision is not None and decision.retry_at is not None


def _job(attempts: int) -> Job:
    return Job(id=1, queue="emails", lock=None, queueing_lock=None, task_name="t", attempts=attempts)
