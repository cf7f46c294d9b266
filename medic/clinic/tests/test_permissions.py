"""The permission helper: who may act for which doctor and see which clinic."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from medic.clinic.models import StaffMembership
from medic.clinic.permissions import can_act_for_doctor, can_see_clinic, resolve_doctor
from medic.clinic.tests.factories import StaffMembershipFactory, UserFactory


@pytest.mark.parametrize(
    ("who", "doctor", "allowed"),
    [
        ("doctor", "doctor", True),
        ("doctor", "doctor2", False),
        ("doctor2", "doctor", False),
        ("staff", "doctor", True),
        ("staff", "doctor2", True),
        ("staff", "other_doctor", False),
        ("other_staff", "doctor", False),
        ("other_staff", "other_doctor", True),
        ("patient", "doctor", False),
        ("superuser", "doctor", True),
        ("superuser", "other_doctor", True),
        ("anonymous", "doctor", False),
    ],
)
def test_may_act_for_doctor(demo, who: str, doctor: str, allowed: bool) -> None:
    users = {
        "doctor": demo.doctor.user,
        "doctor2": demo.doctor2.user,
        "staff": demo.staff,
        "other_staff": demo.other_staff,
        "patient": demo.patient.user,
        "superuser": UserFactory.create(is_superuser=True, is_staff=True),
        "anonymous": AnonymousUser(),
    }
    assert can_act_for_doctor(users[who], getattr(demo, doctor)) is allowed


@pytest.mark.parametrize(
    ("who", "clinic", "allowed"),
    [
        ("doctor", "clinic", True),
        ("doctor", "other_clinic", False),
        ("staff", "clinic", True),
        ("staff", "other_clinic", False),
        ("other_staff", "other_clinic", True),
        ("patient", "clinic", False),
        ("superuser", "other_clinic", True),
        ("anonymous", "clinic", False),
    ],
)
def test_may_see_clinic(demo, who: str, clinic: str, allowed: bool) -> None:
    users = {
        "doctor": demo.doctor.user,
        "staff": demo.staff,
        "other_staff": demo.other_staff,
        "patient": demo.patient.user,
        "superuser": UserFactory.create(is_superuser=True),
        "anonymous": AnonymousUser(),
    }
    assert can_see_clinic(users[who], getattr(demo, clinic)) is allowed


def test_receptionist_may_act_for_doctors_of_their_clinic(demo) -> None:
    receptionist = StaffMembershipFactory.create(
        clinic=demo.clinic, role=StaffMembership.Role.RECEPTIONIST
    ).user
    assert can_act_for_doctor(receptionist, demo.doctor)


def test_inactive_staff_may_not_act(demo) -> None:
    demo.staff.is_active = False
    assert not can_act_for_doctor(demo.staff, demo.doctor)


def test_resolve_doctor_defaults_to_the_callers_own(demo) -> None:
    assert resolve_doctor(demo.doctor.user) == demo.doctor


def test_resolve_doctor_lets_staff_pick_a_doctor_of_their_clinic(demo) -> None:
    assert resolve_doctor(demo.staff, str(demo.doctor2.pk)) == demo.doctor2


@pytest.mark.parametrize("doctor_id", ["other", "missing", "garbage"])
def test_resolve_doctor_hides_what_the_caller_may_not_see_as_404(demo, doctor_id: str) -> None:
    ids = {"other": demo.other_doctor.pk, "missing": uuid.uuid4(), "garbage": "not-a-uuid"}
    with pytest.raises(Http404):
        resolve_doctor(demo.staff, ids[doctor_id])


def test_resolve_doctor_for_non_doctor_without_id_is_404(demo) -> None:
    with pytest.raises(Http404):
        resolve_doctor(demo.staff)
