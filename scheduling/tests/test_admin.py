"""The scheduling admin: clinic scoping, the Add Slot API's validation on the right fields, version bumps."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from medic.clinic.models import AppointmentType, Location, Room, StaffMembership
from medic.clinic.tests.factories import StaffMembershipFactory, UserFactory
from scheduling.models import AvailabilityException, ScheduleRule, ScheduleRuleBreak
from scheduling.selectors import schedule_version
from scheduling.tests.factories import (
    AvailabilityExceptionFactory,
    ScheduleRuleBreakFactory,
    ScheduleRuleFactory,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

RULES = "/admin/scheduling/schedulerule/"
EXCEPTIONS = "/admin/scheduling/availabilityexception/"
SCHEDULES = "/admin/scheduling/doctorschedule/"


@pytest.fixture
def staff_client(demo) -> Client:
    client = Client()
    client.force_login(demo.staff)
    return client


def rule_data(doctor: Any, breaks: Sequence[tuple[str, str]] = (), **fields: Any) -> dict[str, Any]:
    """The add form's POST; a field given as None is left out (an unticked checkbox)."""
    data: dict[str, Any] = {
        "doctor": str(doctor.pk),
        "timezone": "Europe/Athens",
        "day_of_week": "1",
        "work_start_local": "09:00",
        "work_end_local": "17:00",
        "slot_interval_minutes": "30",
        "priority": "0",
        "is_active": "on",
        "appointment_type": "",
        "location": "",
        "room": "",
        "consultation_mode": "",
        "effective_from": "",
        "effective_to": "",
        "breaks-TOTAL_FORMS": str(len(breaks)),
        "breaks-INITIAL_FORMS": "0",
        "breaks-MIN_NUM_FORMS": "0",
        "breaks-MAX_NUM_FORMS": "10",
    }
    for index, (start, end) in enumerate(breaks):
        data[f"breaks-{index}-break_start_local"] = start
        data[f"breaks-{index}-break_end_local"] = end
        data[f"breaks-{index}-label"] = ""
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def exception_data(doctor: Any, **fields: Any) -> dict[str, Any]:
    return {
        "doctor": str(doctor.pk),
        "kind": "blocked",
        "starts_at_0": "2026-03-02",
        "starts_at_1": "09:00",
        "ends_at_0": "2026-03-02",
        "ends_at_1": "12:00",
        "slot_interval_minutes": "",
        "reason": "Conference",
        "appointment_type": "",
        "location": "",
        "room": "",
        "consultation_mode": "",
    } | fields


def codes(response: TestResponse) -> dict[str, list[str]]:
    """Error codes by field of the page's main form ("__all__": the form as a whole)."""
    errors = response.context["adminform"].form.errors.as_data()
    return {field: [e.code for e in errs] for field, errs in errors.items()}


def break_codes(response: TestResponse, index: int) -> dict[str, list[str]]:
    formset = response.context["inline_admin_formsets"][0].formset
    return {field: [e.code for e in errs] for field, errs in formset.forms[index].errors.as_data().items()}


def location(name: str) -> Location:
    return Location.objects.get(clinic__name="Demo Clinic", name=name)


# -- who sees what -----------------------------------------------------------------------------------------


def test_staff_see_only_their_clinics_rules(staff_client: Client, demo) -> None:
    ScheduleRuleFactory.create(doctor=demo.doctor)
    ScheduleRuleFactory.create(doctor=demo.other_doctor)
    text = staff_client.get(RULES).content.decode()
    assert demo.doctor.display_name in text
    assert "Dr. Sam Other" not in text


def test_staff_see_only_their_clinics_exceptions(staff_client: Client, demo) -> None:
    AvailabilityExceptionFactory.create(doctor=demo.doctor, reason="Our congress")
    AvailabilityExceptionFactory.create(doctor=demo.other_doctor, reason="Their holiday")
    text = staff_client.get(EXCEPTIONS).content.decode()
    assert "Our congress" in text
    assert "Their holiday" not in text and "Dr. Sam Other" not in text


def test_another_clinics_rule_is_not_reachable(staff_client: Client, demo) -> None:
    rule = ScheduleRuleFactory.create(doctor=demo.other_doctor)
    assert staff_client.get(f"{RULES}{rule.pk}/change/").status_code == 302  # "does not exist" redirect


def test_staff_cannot_give_a_rule_to_another_clinics_doctor(staff_client: Client, demo) -> None:
    response = staff_client.post(f"{RULES}add/", rule_data(demo.other_doctor))
    assert codes(response) == {"doctor": ["invalid_choice"]}
    assert not ScheduleRule.objects.exists()


def test_service_autocomplete_offers_only_the_clinics_services(staff_client: Client, demo) -> None:
    response = staff_client.get(
        "/admin/autocomplete/",
        {"app_label": "scheduling", "model_name": "schedulerule", "field_name": "appointment_type"},
    )
    offered = {result["id"] for result in response.json()["results"]}
    theirs = {
        str(pk)
        for pk in AppointmentType.objects.filter(doctor=demo.other_doctor).values_list("pk", flat=True)
    }
    assert offered and not offered & theirs


def test_superuser_sees_every_clinics_rules(demo) -> None:
    ScheduleRuleFactory.create(doctor=demo.doctor)
    ScheduleRuleFactory.create(doctor=demo.other_doctor)
    client = Client()
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    text = client.get(RULES).content.decode()
    assert demo.doctor.display_name in text and "Dr. Sam Other" in text


def test_receptionist_may_add_a_rule(demo) -> None:
    receptionist = StaffMembershipFactory.create(
        clinic=demo.clinic, role=StaffMembership.Role.RECEPTIONIST
    ).user
    client = Client()
    client.force_login(receptionist)
    assert client.post(f"{RULES}add/", rule_data(demo.doctor)).status_code == 302
    assert ScheduleRule.objects.filter(doctor=demo.doctor).count() == 1


# -- saving rules ------------------------------------------------------------------------------------------


def test_adding_a_rule_with_a_break_saves_both_and_bumps_the_version(staff_client: Client, demo) -> None:
    before = schedule_version(demo.doctor)
    response = staff_client.post(f"{RULES}add/", rule_data(demo.doctor, breaks=[("13:00", "14:00")]))
    assert response.status_code == 302
    rule = ScheduleRule.objects.get(doctor=demo.doctor)
    assert (rule.day_of_week, rule.work_start_local, rule.work_end_local) == (1, time(9), time(17))
    assert [(b.break_start_local, b.break_end_local) for b in rule.breaks.all()] == [(time(13), time(14))]
    assert int(schedule_version(demo.doctor)) == int(before) + 1


def test_changing_a_rules_break_bumps_the_version(staff_client: Client, demo) -> None:
    brk = ScheduleRuleBreakFactory.create(rule=ScheduleRuleFactory.create(doctor=demo.doctor))
    data = rule_data(
        demo.doctor,
        breaks=[("12:30", "13:30")],
        **{"breaks-INITIAL_FORMS": "1", "breaks-0-id": str(brk.pk), "breaks-0-rule": str(brk.rule_id)},
    )
    assert staff_client.post(f"{RULES}{brk.rule_id}/change/", data).status_code == 302
    assert ScheduleRuleBreak.objects.get(pk=brk.pk).break_start_local == time(12, 30)
    assert schedule_version(demo.doctor) == "1"


def test_empty_timezone_means_the_doctors(staff_client: Client, demo) -> None:
    assert staff_client.post(f"{RULES}add/", rule_data(demo.doctor, timezone="")).status_code == 302
    assert ScheduleRule.objects.get(doctor=demo.doctor).timezone == "Europe/Athens"


def test_deleting_a_rule_bumps_the_version(staff_client: Client, demo) -> None:
    rule = ScheduleRuleFactory.create(doctor=demo.doctor)
    response = staff_client.post(f"{RULES}{rule.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ScheduleRule.objects.filter(pk=rule.pk).exists()
    assert schedule_version(demo.doctor) == "1"


def test_bulk_delete_action_bumps_every_doctors_version(staff_client: Client, demo) -> None:
    rules = [ScheduleRuleFactory.create(doctor=demo.doctor), ScheduleRuleFactory.create(doctor=demo.doctor2)]
    response = staff_client.post(
        RULES, {"action": "delete_selected", "_selected_action": [str(r.pk) for r in rules], "post": "yes"}
    )
    assert response.status_code == 302
    assert not ScheduleRule.objects.exists()
    assert (schedule_version(demo.doctor), schedule_version(demo.doctor2)) == ("1", "1")


# -- the API's validation, on the admin's fields -----------------------------------------------------------


def test_end_before_start_shows_on_work_end_local(staff_client: Client, demo) -> None:
    response = staff_client.post(
        f"{RULES}add/", rule_data(demo.doctor, work_start_local="17:00", work_end_local="09:00")
    )
    assert codes(response) == {"work_end_local": ["END_BEFORE_START"]}  # not also "constraint violated"
    assert "End after the start; a window cannot cross midnight." in response.content.decode()
    assert not ScheduleRule.objects.exists()


def test_a_time_with_seconds_is_refused(staff_client: Client, demo) -> None:
    response = staff_client.post(f"{RULES}add/", rule_data(demo.doctor, work_start_local="09:00:30"))
    assert codes(response) == {"work_start_local": ["INVALID_TIME"]}


def test_a_version_is_not_bumped_by_a_refused_rule(staff_client: Client, demo) -> None:
    staff_client.post(f"{RULES}add/", rule_data(demo.doctor, slot_interval_minutes="7"))
    assert schedule_version(demo.doctor) == "0"


def test_break_outside_its_window_shows_on_that_breaks_start(staff_client: Client, demo) -> None:
    response = staff_client.post(
        f"{RULES}add/", rule_data(demo.doctor, breaks=[("13:00", "14:00"), ("08:30", "09:30")])
    )
    assert codes(response) == {}
    assert break_codes(response, 0) == {}
    assert break_codes(response, 1) == {"break_start_local": ["BREAK_OUTSIDE_WINDOW"]}
    assert not ScheduleRule.objects.exists()


def test_break_ending_before_it_starts_shows_on_its_end(staff_client: Client, demo) -> None:
    response = staff_client.post(f"{RULES}add/", rule_data(demo.doctor, breaks=[("14:00", "13:00")]))
    assert break_codes(response, 0) == {"break_end_local": ["BREAK_END_BEFORE_START"]}


def test_overlapping_breaks_show_on_the_later_break(staff_client: Client, demo) -> None:
    response = staff_client.post(
        f"{RULES}add/", rule_data(demo.doctor, breaks=[("12:30", "13:30"), ("12:00", "13:00")])
    )
    assert break_codes(response, 0) == {"break_start_local": ["BREAKS_OVERLAP"]}
    assert break_codes(response, 1) == {}
    assert not ScheduleRule.objects.exists()


def test_a_deleted_break_is_not_checked(staff_client: Client, demo) -> None:
    data = rule_data(
        demo.doctor, breaks=[("12:00", "13:00"), ("12:30", "13:30")], **{"breaks-1-DELETE": "on"}
    )
    assert staff_client.post(f"{RULES}add/", data).status_code == 302
    assert ScheduleRuleBreak.objects.count() == 1


def test_room_of_another_location_shows_on_room(staff_client: Client, demo) -> None:
    north_room = Room.objects.get(location=location("North (Kifisia)"), name="Room A")
    data = rule_data(demo.doctor, location=str(location("Central (Syntagma)").pk), room=str(north_room.pk))
    assert codes(staff_client.post(f"{RULES}add/", data)) == {"room": ["UNKNOWN_REFERENCE"]}


def test_another_doctors_appointment_type_shows_on_appointment_type(staff_client: Client, demo) -> None:
    skin_check = AppointmentType.objects.get(doctor=demo.doctor2, name="Skin check")
    response = staff_client.post(f"{RULES}add/", rule_data(demo.doctor, appointment_type=str(skin_check.pk)))
    assert codes(response) == {"appointment_type": ["UNKNOWN_REFERENCE"]}


def test_overlapping_a_stored_rule_of_the_same_scope_day_and_priority_is_refused(
    staff_client: Client, demo
) -> None:
    ScheduleRuleFactory.create(doctor=demo.doctor, work_start_local=time(9), work_end_local=time(13))
    response = staff_client.post(
        f"{RULES}add/", rule_data(demo.doctor, work_start_local="12:00", work_end_local="17:00")
    )
    assert codes(response) == {"work_start_local": ["WINDOWS_OVERLAP"]}
    assert ScheduleRule.objects.count() == 1


@pytest.mark.parametrize(
    "stored",
    [
        {"work_end_local": time(12)},  # touching
        {"priority": 1},
        {"consultation_mode": "video"},
        {"day_of_week": 2},
        {"effective_to": date(2026, 1, 31)},
        {"is_active": False},
    ],
    ids=["touching", "other-priority", "other-scope", "other-day", "dates-apart", "inactive"],
)
def test_a_stored_rule_that_does_not_clash_allows_the_save(staff_client: Client, demo, stored: dict) -> None:
    ScheduleRuleFactory.create(
        doctor=demo.doctor, **({"work_start_local": time(9), "work_end_local": time(13)} | stored)
    )
    data = rule_data(demo.doctor, work_start_local="12:00", effective_from="2026-02-01")
    assert staff_client.post(f"{RULES}add/", data).status_code == 302


def test_editing_a_rule_does_not_clash_with_itself(staff_client: Client, demo) -> None:
    rule = ScheduleRuleFactory.create(doctor=demo.doctor)
    response = staff_client.post(f"{RULES}{rule.pk}/change/", rule_data(demo.doctor, work_end_local="16:00"))
    assert response.status_code == 302


# -- exceptions --------------------------------------------------------------------------------------------


def test_an_exception_added_in_the_admin_has_source_admin(staff_client: Client, demo) -> None:
    assert staff_client.post(f"{EXCEPTIONS}add/", exception_data(demo.doctor)).status_code == 302
    assert AvailabilityException.objects.get(doctor=demo.doctor).source == "admin"


def test_blocked_exception_with_an_interval_is_refused_on_slot_interval(staff_client: Client, demo) -> None:
    response = staff_client.post(f"{EXCEPTIONS}add/", exception_data(demo.doctor, slot_interval_minutes="30"))
    assert codes(response) == {"slot_interval_minutes": ["INVALID_INTERVAL"]}
    assert not AvailabilityException.objects.exists()


def test_opening_without_an_interval_is_refused_on_slot_interval(staff_client: Client, demo) -> None:
    response = staff_client.post(f"{EXCEPTIONS}add/", exception_data(demo.doctor, kind="available"))
    assert codes(response) == {"slot_interval_minutes": ["REQUIRED"]}


def test_exception_ending_before_it_starts_is_refused_on_ends_at(staff_client: Client, demo) -> None:
    response = staff_client.post(f"{EXCEPTIONS}add/", exception_data(demo.doctor, ends_at_1="08:00"))
    assert codes(response) == {"ends_at": ["END_BEFORE_START"]}


def test_exception_at_a_location_the_doctor_does_not_work_at_is_refused(staff_client: Client, demo) -> None:
    data = exception_data(demo.doctor2, location=str(location("North (Kifisia)").pk))
    assert codes(staff_client.post(f"{EXCEPTIONS}add/", data)) == {"location": ["UNKNOWN_REFERENCE"]}


# -- schedule versions -------------------------------------------------------------------------------------


def test_schedule_versions_are_read_only(staff_client: Client, demo) -> None:
    staff_client.post(f"{RULES}add/", rule_data(demo.doctor))
    assert staff_client.get(f"{SCHEDULES}add/").status_code == 403
    page = staff_client.get(f"{SCHEDULES}{demo.doctor.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
