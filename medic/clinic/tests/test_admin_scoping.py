"""Clinic staff see and edit only their own clinic's rows in the admin; superusers see everything."""

from __future__ import annotations

import pytest
from django.test import Client

from medic.clinic.models import Location, StaffMembership
from medic.clinic.tests.factories import StaffMembershipFactory, UserFactory


@pytest.fixture
def staff_client(demo) -> Client:
    client = Client()
    client.force_login(demo.staff)
    return client


def test_staff_reach_the_admin_index(staff_client: Client) -> None:
    assert staff_client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    "model", ["clinic", "location", "room", "doctor", "appointmenttype", "staffmembership"]
)
def test_changelists_show_only_the_staff_members_clinic(staff_client: Client, demo, model: str) -> None:
    response = staff_client.get(f"/admin/clinic/{model}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Other Clinic" not in text
    assert "Camden" not in text and "Dr. Sam Other" not in text


def test_another_clinics_object_is_not_reachable(staff_client: Client, demo) -> None:
    response = staff_client.get(f"/admin/clinic/doctor/{demo.other_doctor.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist" redirect: no existence leak
    assert staff_client.get(f"/admin/clinic/clinic/{demo.other_clinic.pk}/change/").status_code == 302


def test_own_clinics_doctor_is_editable(staff_client: Client, demo) -> None:
    response = staff_client.get(f"/admin/clinic/doctor/{demo.doctor.pk}/change/")
    assert response.status_code == 200
    assert b"Other Clinic" not in response.content  # choices are narrowed too


def test_staff_cannot_link_a_location_to_another_clinic(staff_client: Client, demo) -> None:
    response = staff_client.post(
        "/admin/clinic/location/add/",
        {
            "clinic": str(demo.other_clinic.pk),
            "name": "Sneaky",
            "address": "",
            "rooms-TOTAL_FORMS": "0",
            "rooms-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form comes back with an error
    assert not Location.objects.filter(name="Sneaky").exists()


def test_staff_add_a_location_to_their_clinic(staff_client: Client, demo) -> None:
    response = staff_client.post(
        "/admin/clinic/location/add/",
        {
            "clinic": str(demo.clinic.pk),
            "name": "South",
            "address": "",
            "rooms-TOTAL_FORMS": "0",
            "rooms-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert Location.objects.get(name="South").clinic == demo.clinic


def test_receptionist_views_but_does_not_edit_the_directory(demo) -> None:
    receptionist = StaffMembershipFactory.create(
        clinic=demo.clinic, role=StaffMembership.Role.RECEPTIONIST
    ).user
    client = Client()
    client.force_login(receptionist)
    location = demo.clinic.locations.first()
    page = client.get(f"/admin/clinic/location/{location.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.post(f"/admin/clinic/location/{location.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/clinic/patient/add/").status_code == 200


def test_staff_without_membership_sees_nothing(demo) -> None:
    client = Client()
    client.force_login(UserFactory.create(is_staff=True))
    assert client.get("/admin/clinic/doctor/").status_code == 403


def test_login_accounts_are_for_superusers_only(staff_client: Client) -> None:
    assert staff_client.get("/admin/clinic/user/").status_code == 403


def test_superuser_sees_every_clinic(demo) -> None:
    client = Client()
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    text = client.get("/admin/clinic/doctor/").content.decode()
    assert "Dr. Sam Other" in text and demo.doctor.display_name in text


def test_autocomplete_is_scoped(staff_client: Client, demo) -> None:
    response = staff_client.get(
        "/admin/autocomplete/",
        {"app_label": "clinic", "model_name": "room", "field_name": "location", "term": ""},
    )
    assert response.status_code == 200
    names = {r["text"] for r in response.json()["results"]}
    assert names and not any("Camden" in n for n in names)


def test_staff_edit_rooms_inline_on_their_location(staff_client: Client, demo) -> None:
    location = demo.clinic.locations.get(name="North (Kifisia)")
    page = staff_client.get(f"/admin/clinic/location/{location.pk}/change/")
    assert b"rooms-TOTAL_FORMS" in page.content
    room = location.rooms.get()
    response = staff_client.post(
        f"/admin/clinic/location/{location.pk}/change/",
        {
            "clinic": str(demo.clinic.pk),
            "name": location.name,
            "address": "",
            "rooms-TOTAL_FORMS": "2",
            "rooms-INITIAL_FORMS": "1",
            "rooms-MIN_NUM_FORMS": "0",
            "rooms-MAX_NUM_FORMS": "1000",
            "rooms-0-id": str(room.pk),
            "rooms-0-location": str(location.pk),
            "rooms-0-name": room.name,
            "rooms-1-location": str(location.pk),
            "rooms-1-name": "Room B",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert set(location.rooms.values_list("name", flat=True)) == {"Room A", "Room B"}
