"""Hostile input never reaches a 500: NUL, lone surrogates, deep nesting, oversize and non-object bodies.

PostgreSQL refuses NUL in text and UTF-8 cannot encode a lone surrogate, so both are refused at the edge (the
JSON parser for bodies, the middleware for query strings, form posts and headers) with the field's path,
before any view runs: nothing is written.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from appointments.models import Appointment, AppointmentEvent, Status
from appointments.tests.conftest import ATHENS, hold_body, local
from appointments.tests.factories import AppointmentFactory
from scheduling.models import AvailabilityException, ScheduleRule
from scheduling.tests.payloads import brk, day, form, window

NUL, SURROGATE = "\x00", "\ud800"
BAD_TEXT = [pytest.param(f"Lunch{NUL}", id="nul"), pytest.param(f"Lunch{SURROGATE}", id="lone-surrogate")]


def _post_json(client: Client, url: str, body: object, **extra: Any) -> Any:
    # json.dumps escapes a lone surrogate as "\ud800" (ASCII), exactly what a hostile client sends.
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def _assert_refused(response: Any, path: str) -> None:
    assert response.status_code in (400, 422), response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["ok"] is False
    assert [(e["path"], e["code"]) for e in body["errors"]] == [(path, "INVALID_CHARACTERS")]


@pytest.fixture
def doctor_api(demo) -> APIClient:
    client = APIClient()
    client.force_authenticate(demo.doctor.user)
    return client


@pytest.fixture
def patient_api(demo) -> APIClient:
    client = APIClient()
    client.force_authenticate(demo.patient.user)
    return client


@pytest.fixture
def staff_api(demo) -> APIClient:
    client = APIClient()
    client.force_authenticate(demo.staff)
    return client


@pytest.fixture
def soon() -> date:
    return datetime.now(ATHENS).date() + timedelta(days=5)


@pytest.fixture
def hours(demo) -> None:
    for d in range(1, 8):
        ScheduleRule.objects.create(
            doctor=demo.doctor,
            timezone="Europe/Athens",
            day_of_week=d,
            work_start_local=time(9),
            work_end_local=time(17),
            slot_interval_minutes=30,
        )


def _confirmed(demo) -> Appointment:
    """A confirmed booking of the demo patient six days ahead (outside any cancellation notice)."""
    return AppointmentFactory.create(
        doctor=demo.doctor,
        patient=demo.patient,
        status=Status.CONFIRMED,
        starts_at=datetime.now(ATHENS) + timedelta(days=6),
    )


def _lunch_form(label: str) -> dict[str, Any]:
    return form(day(1, window("09:00", "17:00", 30, brk("13:00", "14:00", label))))


# --- JSON bodies: every string is checked, whatever the endpoint ------------------------------------------


@pytest.mark.parametrize("label", BAD_TEXT)
def test_bad_text_in_a_preview_is_refused_with_its_path(doctor_api: APIClient, label: str) -> None:
    response = _post_json(doctor_api, "/api/doctor/schedule/preview", _lunch_form(label))
    _assert_refused(response, "days.0.windows.0.breaks.0.label")


@pytest.mark.parametrize("label", BAD_TEXT)
def test_bad_text_in_a_save_is_refused_and_writes_nothing(doctor_api: APIClient, demo, label: str) -> None:
    before = ScheduleRule.objects.count()
    response = _post_json(doctor_api, "/api/doctor/schedule/rules/bulk_upsert", _lunch_form(label))
    _assert_refused(response, "days.0.windows.0.breaks.0.label")
    assert ScheduleRule.objects.count() == before


@pytest.mark.parametrize("reason", BAD_TEXT)
def test_bad_text_in_a_time_off_reason_is_refused(doctor_api: APIClient, soon: date, reason: str) -> None:
    body = {
        "kind": "blocked",
        "startsAt": f"{soon}T08:00:00Z",
        "endsAt": f"{soon}T10:00:00Z",
        "reason": reason,
    }
    response = _post_json(doctor_api, "/api/doctor/schedule/exceptions", body)
    _assert_refused(response, "reason")
    assert not AvailabilityException.objects.exists()


@pytest.mark.parametrize("reason", BAD_TEXT)
def test_bad_text_in_a_time_off_patch_is_refused(
    doctor_api: APIClient, demo, soon: date, reason: str
) -> None:
    created = _post_json(
        doctor_api,
        "/api/doctor/schedule/exceptions",
        {"kind": "blocked", "startsAt": f"{soon}T08:00:00Z", "endsAt": f"{soon}T10:00:00Z", "reason": "ok"},
    )
    assert created.status_code == 201, created.content
    url = f"/api/doctor/schedule/exceptions/{created.json()['id']}"
    response = doctor_api.patch(url, json.dumps({"reason": reason}), content_type="application/json")
    _assert_refused(response, "reason")
    assert AvailabilityException.objects.get().reason == "ok"


@pytest.mark.usefixtures("hours")
@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "lone-surrogate"])
def test_bad_text_in_a_hold_is_refused_even_with_an_idempotency_key(
    patient_api: APIClient, demo, soon: date, bad: str
) -> None:
    consult = demo.doctor.appointment_types.get(name="Consultation")
    body = hold_body(demo, consult, local(soon, "10:00"), note=f"x{bad}")
    response = _post_json(patient_api, "/api/appointments/holds", body, HTTP_IDEMPOTENCY_KEY="k1")
    _assert_refused(response, "note")
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("reason", BAD_TEXT)
def test_bad_text_in_a_cancel_reason_is_refused(patient_api: APIClient, demo, reason: str) -> None:
    appointment = _confirmed(demo)
    events = AppointmentEvent.objects.count()
    response = _post_json(patient_api, f"/api/appointments/{appointment.pk}/cancel", {"reason": reason})
    _assert_refused(response, "reason")
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED
    assert AppointmentEvent.objects.count() == events


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "lone-surrogate"])
def test_bad_text_in_a_reschedule_is_refused(patient_api: APIClient, demo, bad: str) -> None:
    appointment = _confirmed(demo)
    url = f"/api/appointments/{appointment.pk}/reschedule"
    response = _post_json(patient_api, url, {"startsAt": f"2026-01-01T10:00Z{bad}"})
    _assert_refused(response, "startsAt")


def test_a_bad_key_is_refused_at_its_parent(doctor_api: APIClient) -> None:
    body = _lunch_form("Lunch")
    body["days"][0][f"x{NUL}"] = 1
    response = _post_json(doctor_api, "/api/doctor/schedule/preview", body)
    _assert_refused(response, "days.0")


# --- JSON bodies: shape and size -------------------------------------------------------------------------


def test_deeply_nested_json_is_400_not_a_recursion_error(doctor_api: APIClient) -> None:
    deep = "[" * 1_000 + "]" * 1_000
    response = doctor_api.post("/api/doctor/schedule/preview", deep, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "TOO_DEEP"


def test_json_nested_past_the_limit_is_400(doctor_api: APIClient) -> None:
    body: Any = {"scope": {"timezone": "UTC"}}
    for _ in range(40):
        body = {"days": [body]}
    response = _post_json(doctor_api, "/api/doctor/schedule/preview", body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "TOO_DEEP"


@pytest.mark.parametrize("raw", ["null", "[]", "1", '"text"', "true"])
@pytest.mark.parametrize(
    "url",
    [
        "/api/doctor/schedule/preview",
        "/api/doctor/schedule/rules/bulk_upsert",
        "/api/doctor/schedule/exceptions",
        "/api/appointments/holds",
    ],
)
def test_a_body_that_is_not_an_object_is_400(doctor_api: APIClient, url: str, raw: str) -> None:
    response = doctor_api.post(url, raw, content_type="application/json")
    assert response.status_code == 400, response.content
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [("", "INVALID_TYPE")]


@pytest.mark.parametrize("raw", ["null", "[]", '"no"'])
def test_a_cancel_with_a_non_object_body_is_400_and_cancels_nothing(
    patient_api: APIClient, demo, raw: str
) -> None:
    appointment = _confirmed(demo)
    response = patient_api.post(
        f"/api/appointments/{appointment.pk}/cancel", raw, content_type="application/json"
    )
    assert response.status_code == 400
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED


def test_a_cancel_without_a_body_still_works(patient_api: APIClient, demo) -> None:
    appointment = _confirmed(demo)
    response = patient_api.post(f"/api/appointments/{appointment.pk}/cancel")
    assert response.status_code == 200, response.content


def test_an_oversize_body_is_a_json_413(doctor_api: APIClient, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = _lunch_form("x" * 20_000)
    response = _post_json(doctor_api, "/api/doctor/schedule/preview", body)
    assert response.status_code == 413
    assert response.json() == {
        "ok": False,
        "errors": [
            {"path": "", "code": "PAYLOAD_TOO_LARGE", "message": response.json()["errors"][0]["message"]}
        ],
    }


def test_a_body_inside_the_limit_is_read(doctor_api: APIClient) -> None:
    response = _post_json(doctor_api, "/api/doctor/schedule/preview", _lunch_form("Lunch"))
    assert response.status_code == 200


def test_a_body_that_is_not_utf8_is_400(doctor_api: APIClient) -> None:
    raw = b'{"scope": {"timezone": "\xed\xa0\x80"}}'  # a surrogate encoded as UTF-8 bytes: not UTF-8
    response = doctor_api.post("/api/doctor/schedule/preview", raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "PARSE_ERROR"


# --- query strings and headers -------------------------------------------------------------------------


@pytest.mark.usefixtures("hours")
@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/clinics", "q"),
        ("/api/doctors", "q"),
        ("/api/doctors", "service"),
        ("/api/services", "name"),
        ("/api/availability", "service"),
        ("/api/appointments", "status"),
        ("/api/doctor/schedule/exceptions", "start"),
        ("/api/doctor/schedule/rules", "consultationMode"),
    ],
)
def test_nul_in_a_query_parameter_is_400_with_its_name(
    staff_api: APIClient, demo, url: str, name: str
) -> None:
    response = staff_api.get(url, {name: f"derm{NUL}", "clinicId": str(demo.clinic.pk)})
    _assert_refused(response, name)


@pytest.mark.usefixtures("hours")
def test_nul_in_availability_parameters_is_400(patient_api: APIClient, demo) -> None:
    consult = demo.doctor.appointment_types.get(name="Consultation")
    url = f"/api/doctors/{demo.doctor.pk}/availability"
    response = patient_api.get(url, {"appointmentTypeId": str(consult.pk), "timezone": f"Europe/Athens{NUL}"})
    _assert_refused(response, "timezone")


def test_broken_utf8_in_a_query_string_is_not_a_500(staff_api: APIClient) -> None:
    response = staff_api.get("/api/clinics?q=%ED%A0%80")
    assert response.status_code == 200


def test_nul_in_the_idempotency_key_is_400(patient_api: APIClient, demo) -> None:
    response = _post_json(patient_api, "/api/appointments/holds", {}, HTTP_IDEMPOTENCY_KEY=f"k{NUL}")
    _assert_refused(response, "")


# --- server-rendered pages: a 400 page, never a 500 -------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/desk/?service=x%00", "/desk/book/?q=ann%00", "/desk/week/?doctor=%00", "/book/?service=x%00"],
)
def test_nul_in_a_page_query_is_a_400_page(client: Client, demo, url: str) -> None:
    client.force_login(demo.staff)
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_nul_in_a_form_post_is_a_400_page(client: Client, demo) -> None:
    client.force_login(demo.staff)
    response = client.post("/desk/patients/new", {"first_name": f"Ann{NUL}", "last_name": "Lee"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_nul_in_the_sign_in_form_is_a_400_page(client: Client, demo) -> None:
    response = client.post("/accounts/login/", {"username": f"a{NUL}@example.com", "password": "x"})
    assert response.status_code == 400


# --- every /api/ answer is JSON, HTML pages keep HTML ------------------------------------------------------


def test_an_unknown_api_path_is_json_404(api: APIClient) -> None:
    response = api.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "NOT_FOUND"


def test_a_crash_under_api_is_a_json_500(demo, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("medic.views.describe_user", boom)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(demo.staff)
    response = client.get("/api/me")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["errors"] == [
        {"path": "", "code": "SERVER_ERROR", "message": response.json()["errors"][0]["message"]}
    ]


def test_a_crash_on_a_page_is_an_html_500(demo, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("medic.views.describe_user", boom)
    client = Client(raise_request_exception=False)
    client.force_login(demo.staff)
    response = client.get("/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


def test_a_bad_request_under_api_is_json(api: APIClient) -> None:
    response = api.get("/api/me", HTTP_HOST="evil.example.com")  # DisallowedHost: Django's 400
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["ok"] is False


def test_a_csrf_failure_under_api_is_json(demo) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.staff)
    response = client.post("/api/no-such-endpoint", {"x": "1"})
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "PERMISSION_DENIED"


def test_a_csrf_failure_on_a_page_stays_html(demo) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.staff)
    response = client.post("/desk/patients/new", {"full_name": "Ann"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
