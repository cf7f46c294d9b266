"""The OpenAPI schema at /api/schema/ tells the truth: summaries and tags, the error shape, typed lists."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def openapi(django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in openapi["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def resolve(openapi: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_every_operation_has_a_summary_and_a_tag(openapi: dict[str, Any]) -> None:
    missing = [f"{m} {p}" for m, p, op in operations(openapi) if not op.get("summary") or not op.get("tags")]
    assert missing == []


def test_every_error_response_has_the_contract_shape(openapi: dict[str, Any]) -> None:
    error = openapi["components"]["schemas"]["Error"]
    assert error["required"] == ["errors", "ok"]
    assert resolve(openapi, error["properties"]["ok"])["enum"] == [False]
    detail = resolve(openapi, error["properties"]["errors"]["items"])
    assert set(detail["required"]) == {"path", "code", "message"}
    wrong = [
        f"{m} {p} {status}"
        for m, p, op in operations(openapi)
        for status, response in op["responses"].items()
        if int(status) >= 400
        and response.get("content", {}).get("application/json", {}).get("schema")
        != {"$ref": "#/components/schemas/Error"}
    ]
    assert wrong == []


def test_every_request_can_meet_authentication_and_an_unreadable_query(openapi: dict[str, Any]) -> None:
    # Authentication runs on every request (a bad token is a 401 on public endpoints too), and the edge
    # refuses unstorable text anywhere with a 400.
    missing = [f"{m} {p}" for m, p, op in operations(openapi) if not {"400", "401"} <= set(op["responses"])]
    assert missing == []


def test_writes_document_csrf_and_body_size(openapi: dict[str, Any]) -> None:
    missing = [
        f"{m} {p}"
        for m, p, op in operations(openapi)
        if m != "GET" and not {"403", "413"} <= set(op["responses"])
    ]
    assert missing == []


def test_the_expensive_endpoints_document_throttling(openapi: dict[str, Any]) -> None:
    paths = openapi["paths"]
    for method, path in [
        ("post", "/api/doctor/schedule/preview"),
        ("get", "/api/doctors/{doctor_id}/availability"),
        ("get", "/api/availability"),
        ("post", "/api/appointments/holds"),
    ]:
        assert "429" in paths[path][method]["responses"], path


def test_lists_are_typed_as_the_objects_they_hold(openapi: dict[str, Any]) -> None:
    """No success body is a bare array, and no array in one holds free-form objects."""
    untyped: list[str] = []

    def walk(schema: dict[str, Any], where: str, seen: frozenset[str]) -> None:
        ref = schema.get("$ref")
        if ref:
            if ref in seen:
                return
            seen = seen | {ref}
        schema = resolve(openapi, schema)
        if schema.get("type") == "array":
            items = resolve(openapi, schema.get("items", {}))
            if items.get("type") == "object" and not items.get("properties"):
                untyped.append(where)
            walk(schema.get("items", {}), where + "[]", seen)
        for name, sub in schema.get("properties", {}).items():
            walk(sub, f"{where}.{name}", seen)

    for method, path, op in operations(openapi):
        for status, response in op["responses"].items():
            body = response.get("content", {}).get("application/json", {}).get("schema")
            if body is None or not status.startswith("2"):
                continue
            assert resolve(openapi, body).get("type") != "array", f"{method} {path}"
            walk(body, f"{method} {path} {status}", frozenset())
    assert untyped == []


def test_an_empty_query_parameter_is_documented_as_absent(openapi: dict[str, Any]) -> None:
    params = openapi["paths"]["/api/appointments"]["get"]["parameters"]
    doctor_id = next(p for p in params if p["name"] == "doctorId")
    assert doctor_id["allowEmptyValue"] is True
    assert doctor_id["schema"]["format"] == "uuid"


def test_the_appointment_shape_lists_every_field_the_api_sends(openapi: dict[str, Any]) -> None:
    from appointments.api.serializers import appointment_json
    from appointments.models import Appointment

    documented = set(openapi["components"]["schemas"]["Appointment"]["properties"])
    sent = set(appointment_json(Appointment()))
    assert sent == documented
