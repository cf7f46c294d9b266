"""The booking API's fast lane (`appointments/api/fastlane.py`): it answers a plain hold and confirm exactly
as Django would (status, body, every header), and hands everything else to Django, having written nothing
but the sign-in's throttle count, which goes with it."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

from appointments import services
from appointments.api.fastlane import FastLane
from appointments.models import Appointment, Status
from appointments.tests.conftest import hold_body, iso, local
from appointments.tests.factories import AppointmentFactory
from medic.clinic.models import ApiToken

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hours")]

# Headers whose value differs between any two answers, whoever makes them (the ids' and times' lengths).
VARYING = {"Content-Length"}


class Spy:
    """Django's WSGI application, counting the requests it was handed."""

    def __init__(self) -> None:
        self.app = WSGIHandler()
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.calls += 1
        return self.app(environ, start_response)


@pytest.fixture
def django_app() -> Spy:
    return Spy()


@pytest.fixture
def lane(django_app: Spy) -> FastLane:
    return FastLane(django_app)


@pytest.fixture
def key(demo) -> str:
    return ApiToken.issue(demo.patient.user, name="test")[1]


def call(
    app: Any,
    path: str,
    body: Any = None,
    *,
    key: str | None = None,
    raw: bytes | None = None,
    query: str = "",
    **headers: str,
) -> tuple[int, dict[str, str], Any]:
    """POST `path` through the WSGI application `app`: (status, headers, parsed JSON body)."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(data),
        "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if data:
        environ["CONTENT_LENGTH"] = str(len(data))
        environ["CONTENT_TYPE"] = "application/json"
    if key is not None:
        environ["HTTP_AUTHORIZATION"] = f"Token {key}"
    for name, value in headers.items():
        environ[name] = value
    answer: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        answer["status"] = int(status.split(" ", 1)[0])
        answer["headers"] = dict(response_headers)

    content = b"".join(app(environ, start_response))
    return answer["status"], answer["headers"], json.loads(content) if content else None


def _same_headers(a: dict[str, str], b: dict[str, str]) -> None:
    assert "Content-Length" in a and "Content-Length" in b
    assert {k: v for k, v in a.items() if k not in VARYING} == {
        k: v for k, v in b.items() if k not in VARYING
    }


def _same_shape(a: Any, b: Any) -> None:
    assert isinstance(a, dict) and isinstance(b, dict)
    assert set(a) == set(b)
    assert {k: type(v) for k, v in a.items()} == {k: type(v) for k, v in b.items()}


def test_a_hold_and_its_confirm_are_answered_by_the_lane_as_django_answers(
    demo, consult, day, key, lane, django_app
) -> None:
    status, headers, held = call(
        lane, "/api/appointments/holds", hold_body(demo, consult, local(day, "10:00")), key=key
    )
    assert (status, django_app.calls) == (201, 0)  # the lane's own answer
    d_status, d_headers, d_held = call(
        django_app.app, "/api/appointments/holds", hold_body(demo, consult, local(day, "11:00")), key=key
    )
    assert d_status == 201
    _same_headers(headers, d_headers)
    _same_shape(held, d_held)
    assert held["status"] == "held" and held["startsAt"] == iso(local(day, "10:00"))
    assert Appointment.objects.get(pk=held["id"]).status == Status.HELD

    status, headers, confirmed = call(lane, f"/api/appointments/{held['id']}/confirm", key=key)
    assert (status, django_app.calls) == (200, 0)
    d_status, d_headers, d_confirmed = call(
        django_app.app, f"/api/appointments/{d_held['id']}/confirm", key=key
    )
    assert d_status == 200
    _same_headers(headers, d_headers)
    _same_shape(confirmed, d_confirmed)
    assert confirmed["status"] == "confirmed"
    assert Appointment.objects.get(pk=held["id"]).status == Status.CONFIRMED


def test_a_lost_hold_is_the_lanes_409_as_djangos(demo, consult, day, key, lane, django_app) -> None:
    AppointmentFactory.create(appointment_type=consult, starts_at=local(day, "10:00"))
    AppointmentFactory.create(appointment_type=consult, starts_at=local(day, "11:00"))
    status, headers, body = call(
        lane, "/api/appointments/holds", hold_body(demo, consult, local(day, "10:00")), key=key
    )
    assert (status, django_app.calls) == (409, 0)
    d_status, d_headers, d_body = call(
        django_app.app, "/api/appointments/holds", hold_body(demo, consult, local(day, "11:00")), key=key
    )
    assert (d_status, d_body) == (status, body)
    assert body["errors"][0]["code"] == "SLOT_TAKEN"
    _same_headers(headers, d_headers)


def test_the_headers_kept_between_answers_follow_the_settings_and_the_scheme(
    demo, consult, day, key, settings
) -> None:
    demo.clinic.max_holds_per_patient = 20
    demo.clinic.save(update_fields=["max_holds_per_patient"])
    times = iter(f"{hour:02d}:{minute:02d}" for hour in range(9, 17) for minute in (0, 30))

    def both(**extra: Any) -> dict[str, str]:
        # Built afresh, as a restarted server's: Django's middleware reads some settings once.
        django_app = Spy()
        lane = FastLane(django_app)
        status, headers, _ = call(
            lane,
            "/api/appointments/holds",
            hold_body(demo, consult, local(day, next(times))),
            key=key,
            **extra,
        )
        d_status, d_headers, _ = call(
            django_app.app,
            "/api/appointments/holds",
            hold_body(demo, consult, local(day, next(times))),
            key=key,
            **extra,
        )
        assert (status, d_status, django_app.calls) == (201, 201, 0)
        _same_headers(headers, d_headers)
        return headers

    first = both()
    again = both()  # the kept headers
    assert again == {**first, "Content-Length": again["Content-Length"]}

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert both()["Content-Security-Policy"] == "default-src 'none'"

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    assert both(HTTP_X_FORWARDED_PROTO="https")["Strict-Transport-Security"] == "max-age=3600"
    assert "Strict-Transport-Security" not in both()


def test_a_second_lost_hold_has_the_same_headers_and_log_line(
    demo, consult, day, key, lane, django_app, caplog
) -> None:
    for hhmm in ("10:00", "11:00", "12:00"):
        AppointmentFactory.create(appointment_type=consult, starts_at=local(day, hhmm))
    answers = []
    for hhmm in ("10:00", "11:00"):  # the second with the headers kept from the first
        with caplog.at_level("WARNING", logger="django.request"):
            caplog.clear()
            status, headers, body = call(
                lane, "/api/appointments/holds", hold_body(demo, consult, local(day, hhmm)), key=key
            )
            answers.append((status, headers, body, [r.getMessage() for r in caplog.records]))
    d_status, d_headers, d_body = call(
        django_app.app, "/api/appointments/holds", hold_body(demo, consult, local(day, "12:00")), key=key
    )
    assert django_app.calls == 0
    for status, headers, body, logged in answers:
        assert (status, body) == (d_status, d_body) == (409, body)
        _same_headers(headers, d_headers)
        assert logged == ["Conflict: /api/appointments/holds"]


def test_the_sign_in_statement_also_reads_what_the_hold_and_confirm_decide_on(
    demo, consult, day, key, lane, django_app, django_assert_num_queries
) -> None:
    """A lost hold is one statement (sign-in and read together), a won one three (that, then the patient's
    lock and the insert, sent at once), a confirm two (sign-in and read, then the write)."""
    demo.clinic.max_holds_per_patient = 20
    demo.clinic.save(update_fields=["max_holds_per_patient"])
    call(lane, "/api/appointments/holds", hold_body(demo, consult, local(day, "09:00")), key=key)  # first use
    AppointmentFactory.create(appointment_type=consult, starts_at=local(day, "11:00"))
    lost, won = (hold_body(demo, consult, local(day, hhmm)) for hhmm in ("11:00", "10:00"))
    with django_assert_num_queries(1):
        status, _, _ = call(lane, "/api/appointments/holds", lost, key=key)
    assert status == 409
    with django_assert_num_queries(3):
        status, _, held = call(lane, "/api/appointments/holds", won, key=key)
    assert status == 201
    with django_assert_num_queries(2):
        status, _, _ = call(lane, f"/api/appointments/{held['id']}/confirm", key=key)
    assert (status, django_app.calls) == (200, 0)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"HTTP_IDEMPOTENCY_KEY": "k-1"}, 201),  # replayed answers are the view's
        ({"HTTP_COOKIE": "sessionid=x"}, 201),  # a browser's session: CSRF and session rules apply
        ({"query": "x=1"}, 201),
        ({"HTTP_ACCEPT": "text/html"}, 406),
        ({"key": "not-a-token"}, 401),
        ({"body": {"startsAt": "soon"}}, 422),
        ({"body": {"surprise": "field"}}, 422),
        ({"raw": b'{"doctorId": "\\u0000"}'}, 400),
        ({"raw": b"[1, 2]"}, 400),
        ({"raw": b"{not json"}, 400),
        ({"HTTP_HOST": "evil.example"}, 400),
    ],
)
def test_anything_but_a_plain_request_is_djangos(
    demo, consult, day, key, lane, django_app, change, expected
) -> None:
    kwargs: dict[str, Any] = {"key": key}
    body = hold_body(demo, consult, local(day, "10:00"))
    for name, value in change.items():
        if name == "body":
            body = value
        else:
            kwargs[name] = value
    status, _, answer = call(lane, "/api/appointments/holds", body, **kwargs)
    assert django_app.calls == 1
    assert status == expected, answer


def test_what_the_fast_path_hands_over_is_djangos_full_path(
    demo, consult, day, key, lane, django_app
) -> None:
    room = demo.doctor.locations.first().rooms.first()
    body = hold_body(demo, consult, local(day, "10:00"), locationRoomId=str(room.pk)) if room else None
    other = AppointmentFactory.create(
        appointment_type=consult, starts_at=local(day, "12:00"), status=Status.HELD
    )
    status, _, _ = call(lane, f"/api/appointments/{other.pk}/confirm", key=key)  # someone else's
    assert (status, django_app.calls) == (404, 1)
    if body is not None:
        call(lane, "/api/appointments/holds", body, key=key)
        assert django_app.calls == 2


def test_a_handed_over_request_is_counted_once(demo, consult, day, key, lane, django_app, settings) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"holds": "2/min"}}
    statuses = [
        call(lane, "/api/appointments/holds", {"startsAt": "soon"}, key=key)[0] for _ in range(3)
    ]  # each handed to Django, which answers 422, then 429 once over the rate
    assert statuses == [422, 422, 429]
    assert django_app.calls == 3
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT hits FROM medic_request_throttle WHERE key = %s", [f"holds:user:{demo.patient.user.pk}"]
        )
        assert cursor.fetchone() == (3,)


def test_a_crash_in_the_lane_is_the_apis_json_500(demo, consult, day, key, lane, monkeypatch) -> None:
    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "fast_hold", crash)
    status, headers, body = call(
        lane, "/api/appointments/holds", hold_body(demo, consult, local(day, "10:00")), key=key
    )
    assert status == 500
    assert headers["Content-Type"].startswith("application/json")
    assert body["ok"] is False and body["errors"][0]["code"] == "SERVER_ERROR"


def test_it_can_be_turned_off(demo, consult, day, key, lane, django_app, settings) -> None:
    settings.MEDIC_FAST_LANE = False
    status, _, _ = call(
        lane, "/api/appointments/holds", hold_body(demo, consult, local(day, "10:00")), key=key
    )
    assert (status, django_app.calls) == (201, 1)


def test_the_application_served_is_the_lane() -> None:
    from medic.wsgi import application

    assert isinstance(application, FastLane)


def test_a_hold_of_no_such_service_or_a_confirm_of_no_such_hold_is_djangos(
    demo, consult, day, key, lane, django_app
) -> None:
    body = hold_body(demo, consult, local(day, "10:00"), appointmentTypeId=str(uuid.uuid4()))
    status, _, answer = call(lane, "/api/appointments/holds", body, key=key)
    assert django_app.calls == 1
    assert status == 422 and answer["errors"][0]["path"] == "appointmentTypeId"
    status, _, _ = call(lane, f"/api/appointments/{uuid.uuid4()}/confirm", key=key)
    assert (status, django_app.calls) == (404, 2)
