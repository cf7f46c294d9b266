"""The bookings admin: clinic scoping, read-only appointments, actions that go through the services."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appointments import services
from appointments.models import (
    ActorType,
    Appointment,
    AppointmentEvent,
    BookableResource,
    ResourceClaim,
    Status,
)
from appointments.tests.conftest import ATHENS, local
from medic.clinic.models import Doctor, Location, Patient, StaffMembership
from medic.clinic.tests.factories import (
    AppointmentTypeFactory,
    PatientFactory,
    StaffMembershipFactory,
    UserFactory,
)
from scheduling.models import ScheduleRule

if TYPE_CHECKING:
    # What the test client returns (an HttpResponse with `wsgi_request`, `context`, …); only in the stubs.
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

APPOINTMENTS = "/admin/appointments/appointment/"
RESOURCES = "/admin/appointments/bookableresource/"


@pytest.fixture
def staff_client(demo) -> Client:
    client = Client()
    client.force_login(demo.staff)
    return client


def book(
    doctor: Doctor, starts_at: datetime, *, service: str = "Consultation", patient: Patient | None = None
) -> Appointment:
    """A hold made through the service, on hours added for that weekday if the doctor has none."""
    weekday = starts_at.astimezone(ATHENS).isoweekday()
    if not ScheduleRule.objects.filter(doctor=doctor, day_of_week=weekday).exists():
        ScheduleRule.objects.create(
            doctor=doctor,
            timezone="Europe/Athens",
            day_of_week=weekday,
            work_start_local=time(9),
            work_end_local=time(17),
            slot_interval_minutes=30,
        )
    patient = patient or PatientFactory.create()
    req = services.HoldRequest(
        doctor,
        doctor.appointment_types.get(name=service),
        starts_at,
        patient,
        location=doctor.locations.order_by("name").first(),
        consultation_mode="in_person",
    )
    return services.hold(req, actor=services.Actor(ActorType.PATIENT, patient.pk))


@pytest.fixture
def ours(demo, day) -> Appointment:
    return book(demo.doctor, local(day, "10:00"), patient=demo.patient)


@pytest.fixture
def theirs(demo, day) -> Appointment:
    patient = PatientFactory.create(clinic=demo.other_clinic, full_name="Pat Elsewhere")
    return book(demo.other_doctor, local(day, "12:00"), patient=patient)


def act(client: Client, action: str, *appointments: Appointment, **extra: str) -> TestResponse:
    return client.post(
        APPOINTMENTS,
        {"action": action, "index": "0", "_selected_action": [str(a.pk) for a in appointments], **extra},
    )


def cancel(client: Client, *appointments: Appointment, reason: str = "Doctor ill") -> TestResponse:
    """The cancel action's second step: the reason page, answered."""
    return act(client, "cancel_selected", *appointments, reason=reason, confirm_cancel="yes")


def notes(response: TestResponse) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def last_event(appointment: Appointment) -> AppointmentEvent:
    event = AppointmentEvent.objects.filter(appointment=appointment).last()
    assert event is not None
    return event


def editable_inputs(html: str) -> list[str]:
    """Names of the form controls a user could change (hidden inputs and the CSRF token are not)."""
    names = []
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if name and 'type="hidden"' not in tag:
            names.append(name.group(1))
    return names


# -- who sees what -----------------------------------------------------------------------------------------


def test_staff_see_only_their_clinics_appointments(
    staff_client: Client, ours: Appointment, theirs: Appointment
) -> None:
    response = staff_client.get(APPOINTMENTS)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [ours]
    text = response.content.decode()
    assert "Dr. Eleni Papadopoulou" in text
    assert "Dr. Sam Other" not in text and "Pat Elsewhere" not in text


def test_the_list_shows_the_start_in_the_doctors_zone_and_in_utc(
    staff_client: Client, ours: Appointment, day: date
) -> None:
    text = staff_client.get(APPOINTMENTS).content.decode()
    athens = local(day, "10:00")
    assert f"{athens:%Y-%m-%d %H:%M} Europe/Athens" in text
    assert f"{athens.astimezone(UTC):%Y-%m-%d %H:%M} UTC" in text


def test_the_list_filters_and_searches(staff_client: Client, demo, ours: Appointment, day: date) -> None:
    other = book(demo.doctor2, local(day, "11:00"), service="Skin check", patient=demo.patient)
    services.confirm(other, actor=services.SYSTEM)
    held = staff_client.get(APPOINTMENTS, {"status__exact": "held"})
    assert list(held.context["cl"].result_list) == [ours]
    found = staff_client.get(APPOINTMENTS, {"q": "Georgiou"})
    assert list(found.context["cl"].result_list) == [other]
    by_email = staff_client.get(APPOINTMENTS, {"q": demo.patient.email})
    assert set(by_email.context["cl"].result_list) == {ours, other}
    by_day = staff_client.get(
        APPOINTMENTS, {"starts_at__year": day.year, "starts_at__month": day.month, "starts_at__day": day.day}
    )
    assert by_day.status_code == 200


def test_another_clinics_appointment_is_not_reachable(staff_client: Client, theirs: Appointment) -> None:
    response = staff_client.get(f"{APPOINTMENTS}{theirs.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist" redirect: no existence leak
    assert any("exist" in text for _, text in notes(response))


def test_staff_without_membership_get_403(ours: Appointment) -> None:
    client = Client()
    client.force_login(UserFactory.create(is_staff=True))
    assert client.get(APPOINTMENTS).status_code == 403
    assert client.get(f"{APPOINTMENTS}{ours.pk}/change/").status_code == 403
    assert client.get(RESOURCES).status_code == 403


def test_the_list_does_not_query_per_row(staff_client: Client, demo, ours: Appointment, day: date) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(APPOINTMENTS).status_code == 200
        return len(captured)

    one = queries()
    for hhmm in ("11:00", "12:00", "13:00"):
        book(demo.doctor, local(day, hhmm))
    assert queries() == one


def test_superuser_sees_every_clinics_appointments(ours: Appointment, theirs: Appointment) -> None:
    client = Client()
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    assert set(client.get(APPOINTMENTS).context["cl"].result_list) == {ours, theirs}


# -- read-only detail --------------------------------------------------------------------------------------


def test_the_detail_page_shows_the_audit_trail_and_nothing_editable(
    staff_client: Client, demo, ours: Appointment
) -> None:
    services.confirm(ours, actor=services.Actor(ActorType.STAFF, demo.staff.pk))
    response = staff_client.get(f"{APPOINTMENTS}{ours.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    events = response.context["inline_admin_formsets"][0].formset.queryset
    assert [e.kind for e in events] == ["held", "confirmed"]
    assert "status: held → confirmed" in html
    assert f"Clinic staff · {demo.staff.pk}" in html
    assert editable_inputs(html) == []
    assert 'name="_save"' not in html and "/delete/" not in html


def test_appointments_cannot_be_added_changed_or_deleted_in_the_admin(
    staff_client: Client, ours: Appointment
) -> None:
    assert staff_client.get(f"{APPOINTMENTS}add/").status_code == 403
    assert staff_client.post(f"{APPOINTMENTS}{ours.pk}/delete/", {"post": "yes"}).status_code == 403
    response = staff_client.post(f"{APPOINTMENTS}{ours.pk}/change/", {"status": "confirmed"})
    assert response.status_code == 403
    assert Appointment.objects.get(pk=ours.pk).status == Status.HELD


def test_only_the_booking_actions_are_offered(staff_client: Client, ours: Appointment) -> None:
    actions = {
        name for name, _ in staff_client.get(APPOINTMENTS).context["action_form"].fields["action"].choices
    }
    assert actions == {"", "cancel_selected", "confirm_selected", "check_in_selected"}


# -- actions -----------------------------------------------------------------------------------------------


def test_the_cancel_action_first_asks_for_a_reason(staff_client: Client, ours: Appointment) -> None:
    page = act(staff_client, "cancel_selected", ours)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    assert Appointment.objects.get(pk=ours.pk).status == Status.HELD
    empty = cancel(staff_client, ours, reason="")
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()
    assert Appointment.objects.get(pk=ours.pk).status == Status.HELD


def test_the_cancel_action_cancels_through_the_service(staff_client: Client, demo, ours: Appointment) -> None:
    response = cancel(staff_client, ours)
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.status == Status.CANCELLED and ours.cancel_reason == "Doctor ill"
    assert (ours.cancelled_by_type, ours.cancelled_by_id) == ("staff", demo.staff.pk)
    event = last_event(ours)
    assert (event.kind, event.actor_type, event.actor_id) == ("cancelled", "staff", demo.staff.pk)
    assert event.before is not None and event.after is not None
    assert (event.before["status"], event.after["status"]) == ("held", "cancelled")
    assert notes(response) == [("success", "Cancelled 1 appointment.")]


def test_the_confirm_action_confirms_holds(staff_client: Client, demo, ours: Appointment, day: date) -> None:
    second = book(demo.doctor, local(day, "11:00"))
    response = act(staff_client, "confirm_selected", ours, second)
    assert notes(response) == [("success", "Confirmed 2 appointments.")]
    assert set(Appointment.objects.values_list("status", flat=True)) == {Status.CONFIRMED}
    assert AppointmentEvent.objects.filter(kind="confirmed", actor_type="staff").count() == 2


def test_confirming_an_expired_hold_reports_a_failure_and_marks_it_expired(
    staff_client: Client, demo, ours: Appointment, day: date
) -> None:
    fresh = book(demo.doctor, local(day, "11:00"))
    Appointment.objects.filter(pk=ours.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    response = act(staff_client, "confirm_selected", ours, fresh)
    assert response.status_code == 302
    levels = [level for level, _ in notes(response)]
    assert levels == ["success", "error"]
    assert "hold ran out" in notes(response)[1][1]
    assert Appointment.objects.get(pk=ours.pk).status == Status.EXPIRED
    assert Appointment.objects.get(pk=fresh.pk).status == Status.CONFIRMED  # the others still go through
    assert last_event(ours).kind == "expired"


def test_cancelling_what_cannot_be_cancelled_is_a_message_not_an_error_page(
    staff_client: Client, ours: Appointment
) -> None:
    Appointment.objects.filter(pk=ours.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    services.expire_stale_holds()
    response = cancel(staff_client, ours)
    assert response.status_code == 302
    [(level, text)] = notes(response)
    assert level == "error" and "is expired: it cannot be cancelled" in text


def test_confirming_a_confirmed_appointment_changes_nothing(staff_client: Client, ours: Appointment) -> None:
    services.confirm(ours, actor=services.SYSTEM)
    response = act(staff_client, "confirm_selected", ours)
    assert notes(response) == [("info", "1 appointment already confirmed, left as is.")]
    assert AppointmentEvent.objects.filter(appointment=ours).count() == 2


def test_a_receptionist_can_use_the_actions(demo, ours: Appointment) -> None:
    receptionist = StaffMembershipFactory.create(
        clinic=demo.clinic, role=StaffMembership.Role.RECEPTIONIST
    ).user
    client = Client()
    client.force_login(receptionist)
    assert act(client, "confirm_selected", ours).status_code == 302
    ours.refresh_from_db()
    assert ours.status == Status.CONFIRMED
    event = last_event(ours)
    assert (event.actor_type, event.actor_id) == ("staff", receptionist.pk)


def test_the_actions_never_reach_another_clinics_appointment(
    staff_client: Client, theirs: Appointment
) -> None:
    cancel(staff_client, theirs)
    assert Appointment.objects.get(pk=theirs.pk).status == Status.HELD


# -- resources ---------------------------------------------------------------------------------------------


@pytest.fixture
def ultrasound(demo) -> BookableResource:
    resource = BookableResource.objects.create(clinic=demo.clinic, name="Ultrasound", kind="device", seats=1)
    resource.appointment_types.add(demo.doctor.appointment_types.get(name="Consultation"))
    return resource


def resource_data(demo, **fields: object) -> dict[str, object]:
    return {
        "clinic": str(demo.clinic.pk),
        "name": "Group room",
        "kind": "group",
        "seats": "6",
        "location": "",
        "room": "",
        "appointment_types": [],
        "is_active": "on",
        "claims-TOTAL_FORMS": "0",
        "claims-INITIAL_FORMS": "0",
        "claims-MIN_NUM_FORMS": "0",
        "claims-MAX_NUM_FORMS": "0",
    } | fields


def test_staff_see_only_their_clinics_resources(staff_client: Client, demo, ultrasound) -> None:
    BookableResource.objects.create(clinic=demo.other_clinic, name="Their scanner")
    response = staff_client.get(RESOURCES)
    assert list(response.context["cl"].result_list) == [ultrasound]
    assert "Their scanner" not in response.content.decode()
    theirs = BookableResource.objects.get(name="Their scanner")
    assert staff_client.get(f"{RESOURCES}{theirs.pk}/change/").status_code == 302


def test_resource_choices_are_the_clinics_only(staff_client: Client, demo) -> None:
    form = staff_client.get(f"{RESOURCES}add/").context["adminform"].form
    offered = {t.doctor.clinic_id for t in form.fields["appointment_types"].queryset}
    locations = {loc.clinic_id for loc in form.fields["location"].queryset}
    rooms = {room.location.clinic_id for room in form.fields["room"].queryset}
    assert offered == locations == rooms == {demo.clinic.pk}
    assert "Dr. Eleni Papadopoulou · Consultation" in form.fields["appointment_types"].label_from_instance(
        demo.doctor.appointment_types.get(name="Consultation")
    )


def test_staff_add_a_resource_for_their_clinics_services(staff_client: Client, demo) -> None:
    service = demo.doctor.appointment_types.get(name="Consultation")
    central = Location.objects.get(clinic=demo.clinic, name="Central (Syntagma)")
    room = central.rooms.get(name="Room 1")
    response = staff_client.post(
        f"{RESOURCES}add/",
        resource_data(demo, location=str(central.pk), room=str(room.pk), appointment_types=[str(service.pk)]),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    resource = BookableResource.objects.get(name="Group room")
    assert (resource.seats, resource.room) == (6, room)
    assert list(resource.appointment_types.all()) == [service]


def test_staff_cannot_link_another_clinics_service(staff_client: Client, demo) -> None:
    theirs = demo.other_doctor.appointment_types.get()
    response = staff_client.post(f"{RESOURCES}add/", resource_data(demo, appointment_types=[str(theirs.pk)]))
    assert response.status_code == 200
    assert "appointment_types" in response.context["adminform"].form.errors
    assert not BookableResource.objects.exists()


def test_a_room_must_be_at_the_resources_location(staff_client: Client, demo) -> None:
    north = Location.objects.get(clinic=demo.clinic, name="North (Kifisia)")
    central_room = Location.objects.get(clinic=demo.clinic, name="Central (Syntagma)").rooms.first()
    assert central_room is not None
    response = staff_client.post(
        f"{RESOURCES}add/", resource_data(demo, location=str(north.pk), room=str(central_room.pk))
    )
    assert response.status_code == 200
    assert "room" in response.context["adminform"].form.errors


def test_a_superuser_cannot_mix_clinics_in_one_resource(demo) -> None:
    client = Client()
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    camden = Location.objects.get(name="Camden")
    response = client.post(f"{RESOURCES}add/", resource_data(demo, location=str(camden.pk)))
    assert response.status_code == 200
    assert "location" in response.context["adminform"].form.errors


def test_the_resource_page_lists_its_active_claims_read_only(
    staff_client: Client, demo, ultrasound, ours: Appointment, day: date
) -> None:
    gone = book(demo.doctor, local(day, "11:00"))
    services.cancel(gone, actor=services.SYSTEM)
    response = staff_client.get(f"{RESOURCES}{ultrasound.pk}/change/")
    claims = response.context["inline_admin_formsets"][0].formset.queryset
    assert [c.appointment_id for c in claims] == [ours.pk]  # the released claim is history, not shown
    html = response.content.decode()
    assert f"{APPOINTMENTS}{ours.pk}/change/" in html
    assert not any(name.startswith("claims-") for name in editable_inputs(html))
    assert ResourceClaim.objects.count() == 2


def test_a_receptionist_views_resources_but_does_not_edit_them(demo, ultrasound) -> None:
    receptionist = StaffMembershipFactory.create(
        clinic=demo.clinic, role=StaffMembership.Role.RECEPTIONIST
    ).user
    client = Client()
    client.force_login(receptionist)
    page = client.get(f"{RESOURCES}{ultrasound.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get(f"{RESOURCES}add/").status_code == 403


def test_services_of_a_new_doctor_are_offered_with_the_doctors_name(staff_client: Client, demo) -> None:
    AppointmentTypeFactory.create(doctor=demo.doctor2, name="Consultation")
    field = staff_client.get(f"{RESOURCES}add/").context["adminform"].form.fields["appointment_types"]
    labels = [label for _, label in field.choices]
    assert (
        sum(label.startswith(("Dr. Eleni", "Dr. Nikos")) and "Consultation" in label for label in labels) == 2
    )
