"""The iCalendar feeds: what a doctor's subscription holds, and that calendar apps can read it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from django.test import Client
from icalendar import Calendar, Timezone

from appointments.feeds import services
from appointments.models import CalendarFeed, Status
from appointments.tests.conftest import first_location, hold_body, iso, local
from appointments.tests.factories import AppointmentFactory
from medic.clinic.tests.factories import AppointmentTypeFactory


def _url(feed: CalendarFeed, freebusy: bool = False) -> str:
    secret = services.secret_for(feed)
    return f"/ical/doctors/{secret}/freebusy.ics" if freebusy else f"/ical/doctors/{secret}.ics"


def _calendar(feed: CalendarFeed, freebusy: bool = False) -> Calendar:
    response = Client().get(_url(feed, freebusy))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _events(cal: Calendar) -> dict[str, dict]:
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def _booked(demo, consult, starts: datetime, **extra: object):
    return AppointmentFactory(
        appointment_type=consult,
        patient=demo.patient,
        location=first_location(demo.doctor),
        starts_at=starts,
        **extra,
    )


def test_the_feed_is_a_calendar_clients_accept(demo, consult, day) -> None:
    _booked(demo, consult, local(day, "10:00"))
    cal = _calendar(services.feed_for(demo.doctor))
    assert str(cal["version"]) == "2.0"
    assert str(cal["calscale"]) == "GREGORIAN"
    assert str(cal["method"]) == "PUBLISH"
    assert cal["prodid"] and cal["x-wr-calname"]
    assert b"X-PUBLISHED-TTL:PT1H" in cal.to_ical()
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == [demo.doctor.effective_timezone]
    (event,) = cal.walk("VEVENT")
    for prop in ("dtstamp", "dtstart", "dtend", "summary", "location", "sequence"):
        assert prop in event
    assert str(event["status"]) == "CONFIRMED"


def test_the_feed_has_only_the_doctors_live_appointments(demo, consult, day) -> None:
    confirmed = _booked(demo, consult, local(day, "09:00"))
    checked_in = _booked(demo, consult, local(day, "10:00"), status=Status.CHECKED_IN)
    _booked(demo, consult, local(day, "11:00"), status=Status.CANCELLED, cancelled_at=datetime.now(UTC))
    _booked(demo, consult, local(day, "12:00"), status=Status.HELD)
    other_type = AppointmentTypeFactory(doctor=demo.doctor2)
    AppointmentFactory(appointment_type=other_type, starts_at=local(day, "13:00"))
    events = _events(_calendar(services.feed_for(demo.doctor)))
    assert set(events) == {f"{confirmed.pk}@medic", f"{checked_in.pk}@medic"}


def test_event_times_survive_the_spring_dst_change(demo, consult) -> None:
    """Athens moves from +02:00 to +03:00 at 04:00 on 2027-03-28; 10:00 that day is 07:00 UTC."""
    before = _booked(demo, consult, local(date(2027, 3, 27), "10:00"))
    after = _booked(demo, consult, local(date(2027, 3, 28), "10:00"))
    cal = _calendar(services.feed_for(demo.doctor))
    (vtimezone,) = cal.walk("VTIMEZONE")
    assert isinstance(vtimezone, Timezone)
    tz = vtimezone.to_tz()
    events = _events(cal)
    for appointment, utc_hour in ((before, 8), (after, 7)):
        start = events[f"{appointment.pk}@medic"]["dtstart"]
        assert start.params["TZID"] == "Europe/Athens"
        wall = start.dt.replace(tzinfo=None)
        assert wall == datetime(wall.year, wall.month, wall.day, 10, 0)
        # Read through the feed's own VTIMEZONE, as a client without a tz database would.
        expected = datetime.combine(wall.date(), time(utc_hour), tzinfo=UTC)
        assert wall.replace(tzinfo=tz).astimezone(UTC) == expected
        assert start.dt.astimezone(UTC).hour == utc_hour


def test_patient_names_are_off_by_default(demo, consult, day) -> None:
    _booked(demo, consult, local(day, "10:00"))
    (event,) = _calendar(services.feed_for(demo.doctor)).walk("VEVENT")
    assert str(event["summary"]) == f"Appointment · {consult.name}"
    assert demo.patient.full_name not in Client().get(_url(services.feed_for(demo.doctor))).content.decode()


def test_patient_names_show_with_the_switch_on(demo, consult, day) -> None:
    _booked(demo, consult, local(day, "10:00"))
    feed = services.set_include_patient_names(demo.doctor, include=True)
    (event,) = _calendar(feed).walk("VEVENT")
    assert str(event["summary"]) == f"{demo.patient.full_name} · {consult.name}"
    assert str(event["location"]) == first_location(demo.doctor).name


@pytest.mark.usefixtures("hours")
def test_sequence_rises_after_a_reschedule(patient_api, demo, consult, day) -> None:
    held = patient_api.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "10:00")), format="json"
    )
    assert held.status_code == 201, held.content
    pk = held.json()["id"]
    assert patient_api.post(f"/api/appointments/{pk}/confirm").status_code == 200
    feed = services.feed_for(demo.doctor)
    assert int(_events(_calendar(feed))[f"{pk}@medic"]["sequence"]) == 0
    moved = patient_api.post(
        f"/api/appointments/{pk}/reschedule", {"startsAt": iso(local(day, "15:00"))}, format="json"
    )
    assert moved.status_code == 200, moved.content
    event = _events(_calendar(feed))[f"{pk}@medic"]
    assert int(event["sequence"]) == 1
    assert event["dtstart"].dt == local(day, "15:00")


def test_freebusy_lists_busy_periods_in_utc_without_names(demo, consult, day) -> None:
    services.set_include_patient_names(demo.doctor, include=True)
    a = _booked(demo, consult, local(day, "10:00"))
    _booked(demo, consult, local(day, "11:00"), status=Status.CANCELLED, cancelled_at=datetime.now(UTC))
    feed = services.feed_for(demo.doctor)
    cal = _calendar(feed, freebusy=True)
    (fb,) = cal.walk("VFREEBUSY")
    periods: list[Any] = fb["freebusy"] if isinstance(fb["freebusy"], list) else [fb["freebusy"]]
    assert [p.dt for p in periods] == [(a.starts_at.astimezone(UTC), a.ends_at.astimezone(UTC))]
    assert b"Z/" in fb.to_ical()
    assert demo.patient.full_name.encode() not in Client().get(_url(feed, freebusy=True)).content


def test_an_unknown_secret_is_a_plain_404(db) -> None:
    for url in ("/ical/doctors/nope.ics", "/ical/doctors/nope/freebusy.ics"):
        response = Client().get(url)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/plain")


def test_the_old_url_is_404_after_rotation_and_the_new_one_works(demo) -> None:
    old = _url(services.feed_for(demo.doctor))
    old_fb = _url(services.feed_for(demo.doctor), freebusy=True)
    new_feed = services.rotate(demo.doctor)
    assert Client().get(old).status_code == 404
    assert Client().get(old_fb).status_code == 404
    assert Client().get(_url(new_feed)).status_code == 200
    assert Client().get(_url(new_feed, freebusy=True)).status_code == 200


def test_only_the_digest_is_stored(demo) -> None:
    feed = services.feed_for(demo.doctor)
    secret = services.secret_for(feed)
    row = CalendarFeed.objects.values().get(pk=feed.pk)
    assert secret not in {str(v) for v in row.values()}
    assert row["digest"] == services.digest_of(secret)
