"""What a doctor previews is what a patient can book: both read the stored schedule through one selector."""

from __future__ import annotations

from datetime import time

from rest_framework.test import APIClient

from appointments.tests.conftest import hold_body, local
from scheduling.models import AvailabilityException, ScheduleRule


def test_opening_slots_overlapping_rule_slots_are_dropped_in_preview_and_availability(
    demo, consult, day
) -> None:
    # Monday-style hour 09:00–10:00 at 30 minutes, and an opening 09:10–09:40 at 10 minutes on the same day.
    ScheduleRule.objects.create(
        doctor=demo.doctor,
        timezone="Europe/Athens",
        day_of_week=day.isoweekday(),
        work_start_local=time(9),
        work_end_local=time(10),
        slot_interval_minutes=30,
    )
    AvailabilityException.objects.create(
        doctor=demo.doctor,
        kind="available",
        slot_interval_minutes=10,
        starts_at=local(day, "09:10"),
        ends_at=local(day, "09:40"),
    )
    doctor_api = APIClient()
    doctor_api.force_authenticate(demo.doctor.user)
    window = {"workStartLocal": "09:00", "workEndLocal": "10:00", "slotIntervalMinutes": 30}
    preview = doctor_api.post(
        "/api/doctor/schedule/preview",
        {
            "scope": {"timezone": "Europe/Athens"},
            "days": [{"dayOfWeek": day.isoweekday(), "enabled": True, "windows": [window]}],
            "dateRange": {"start": day.isoformat(), "end": day.isoformat()},
        },
        format="json",
    )
    assert preview.status_code == 200, preview.content
    previewed = [s["startLocal"] for w in preview.json()["days"][0]["windows"] for s in w["slots"]]
    assert previewed == ["09:00", "09:30"]

    patient_api = APIClient()
    patient_api.force_authenticate(demo.patient.user)
    query = {"appointmentTypeId": str(consult.pk), "start": day.isoformat(), "end": day.isoformat()}
    available = patient_api.get(f"/api/doctors/{demo.doctor.pk}/availability", query).json()["slots"]
    assert [s["startLocal"] for s in available] == previewed

    # 09:10–09:40 would leave the hour with no bookable start: it is not a slot to hold.
    held = patient_api.post(
        "/api/appointments/holds", hold_body(demo, consult, local(day, "09:10")), format="json"
    )
    assert held.status_code == 422
    assert held.json()["errors"][0]["code"] == "SLOT_NOT_AVAILABLE"
