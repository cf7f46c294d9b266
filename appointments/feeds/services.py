"""Calendar feeds: issue, rotate and look up a doctor's feed secret, and render the feeds as iCalendar."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import zoneinfo
from datetime import UTC, date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.crypto import salted_hmac
from icalendar import Calendar, Event, FreeBusy, Timezone, vDuration, vPeriod

from appointments.models import Appointment, CalendarFeed, Status
from medic.clinic.models import Doctor

PRODID = "-//Medic//Calendar feed//EN"
# Appointments a doctor still cares about: the feed keeps a month of history for calendars that look back.
HISTORY = timedelta(days=30)
FEED_STATUSES = (Status.CONFIRMED, Status.CHECKED_IN)
_SALT = "appointments.feeds.secret"


def secret_for(feed: CalendarFeed) -> str:
    """The URL secret: an HMAC of the doctor and the row's nonce under SECRET_KEY (never stored)."""
    return salted_hmac(_SALT, f"{feed.doctor_id}:{feed.nonce}", algorithm="sha256").hexdigest()


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_nonce() -> str:
    return secrets.token_hex(16)


def feed_for(doctor: Doctor) -> CalendarFeed:
    """The doctor's feed, created on first use."""
    feed = CalendarFeed.objects.filter(doctor=doctor).first()
    if feed is None:
        with transaction.atomic():
            feed = CalendarFeed(doctor=doctor, nonce=_new_nonce())
            feed.digest = digest_of(secret_for(feed))
            # Two first GETs at once: the loser reads the winner's row.
            feed, _ = CalendarFeed.objects.get_or_create(
                doctor=doctor, defaults={"nonce": feed.nonce, "digest": feed.digest}
            )
    expected = digest_of(secret_for(feed))
    if feed.digest != expected:
        # SECRET_KEY changed, and with it the URL: keep the stored digest in step with the URL shown.
        feed.digest = expected
        feed.save(update_fields=["digest"])
    return feed


def rotate(doctor: Doctor) -> CalendarFeed:
    """A new secret: the old URLs stop working at once."""
    with transaction.atomic():
        feed = feed_for(doctor)
        feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
        feed.nonce = _new_nonce()
        feed.digest = digest_of(secret_for(feed))
        feed.rotated_at = datetime.now(UTC)
        feed.save(update_fields=["nonce", "digest", "rotated_at"])
    return feed


def set_include_patient_names(doctor: Doctor, *, include: bool) -> CalendarFeed:
    feed = feed_for(doctor)
    feed.include_patient_names = include
    feed.save(update_fields=["include_patient_names"])
    return feed


def feed_by_secret(secret: str) -> CalendarFeed | None:
    """The feed this secret opens, or None for an unknown or rotated one."""
    feed = CalendarFeed.objects.select_related("doctor__clinic").filter(digest=digest_of(secret)).first()
    if feed is None or not hmac.compare_digest(secret_for(feed), secret):
        return None
    return feed


# --- reads and rendering -----------------------------------------------------------------------------------


def feed_appointments(doctor: Doctor, *, now: datetime) -> QuerySet[Appointment]:
    """The doctor's live appointments from a month ago on, each with `reschedules` (its SEQUENCE)."""
    return (
        Appointment.objects.filter(doctor=doctor, status__in=FEED_STATUSES, ends_at__gte=now - HISTORY)
        .select_related("appointment_type", "location", "patient")
        .annotate(reschedules=Count("events", filter=Q(events__kind="rescheduled")))
        .order_by("starts_at")
    )


def _calendar(doctor: Doctor, name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", doctor.effective_timezone)
    # Clients poll at their own pace; this asks for hourly where they listen (Apple, Outlook).
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(timedelta(hours=1)))
    return cal


def _summary(a: Appointment, *, include_patient_names: bool) -> str:
    who = a.patient.full_name if include_patient_names else "Appointment"
    return f"{who} · {a.appointment_type.name}"


def calendar_ics(feed: CalendarFeed, *, now: datetime | None = None) -> bytes:
    """The doctor's appointments as a VCALENDAR with a VTIMEZONE for the doctor's zone."""
    now = now or datetime.now(UTC)
    doctor = feed.doctor
    tz = zoneinfo.ZoneInfo(doctor.effective_timezone)
    cal = _calendar(doctor, f"{doctor.display_name} · appointments")
    appointments = list(feed_appointments(doctor, now=now))
    for a in appointments:
        event = Event()
        event.add("uid", f"{a.pk}@medic")
        event.add("dtstamp", now)
        event.add("dtstart", a.starts_at.astimezone(tz))
        event.add("dtend", a.ends_at.astimezone(tz))
        event.add("summary", _summary(a, include_patient_names=feed.include_patient_names))
        if a.location is not None:
            event.add("location", a.location.name)
        event.add("sequence", a.reschedules)  # type: ignore[attr-defined]
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        event.add("last-modified", a.updated_at)
        cal.add_component(event)
    first = min((a.starts_at.date() for a in appointments), default=now.date()) - timedelta(days=1)
    last = max((a.ends_at.date() for a in appointments), default=now.date()) + timedelta(days=366)
    cal.add_component(_vtimezone(tz, first, last))
    cal.subcomponents.sort(key=lambda c: c.name != "VTIMEZONE")  # VTIMEZONE first, as clients expect
    return cal.to_ical()


def _vtimezone(tz: zoneinfo.ZoneInfo, first: date, last: date) -> Timezone:
    return Timezone.from_tzinfo(tz, tzid=tz.key, first_date=first, last_date=last)


def freebusy_ics(feed: CalendarFeed, *, now: datetime | None = None) -> bytes:
    """The doctor's busy times as one VFREEBUSY, in UTC and without names."""
    now = now or datetime.now(UTC)
    doctor = feed.doctor
    cal = _calendar(doctor, f"{doctor.display_name} · busy")
    periods = list(
        Appointment.objects.filter(doctor=doctor, status__in=FEED_STATUSES, ends_at__gte=now - HISTORY)
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    )
    busy = FreeBusy()
    busy.add("uid", f"freebusy-{doctor.pk}@medic")
    busy.add("dtstamp", now)
    start = min((s for s, _ in periods), default=now - HISTORY)
    end = max((e for _, e in periods), default=now)
    busy.add("dtstart", start.astimezone(UTC))
    busy.add("dtend", end.astimezone(UTC))
    for s, e in periods:
        busy.add("freebusy", vPeriod((s.astimezone(UTC), e.astimezone(UTC))), parameters={"FBTYPE": "BUSY"})
    cal.add_component(busy)
    return cal.to_ical()
