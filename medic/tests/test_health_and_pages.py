"""Server pages: health check, login by email, the home page, the admin login, the API schema."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_healthz_answers_when_the_database_does(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "database": "ok"}


def test_home_sends_a_visitor_to_login(client: Client, db: None) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_page_renders(client: Client, db: None) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_doctor_logs_in_with_email_in_any_case(client: Client, demo) -> None:
    response = client.post("/accounts/login/", {"username": "Doctor@Example.com", "password": "medic-demo"})
    assert response.status_code == 302
    home = client.get("/")
    assert b"My schedule" in home.content
    assert demo.doctor.display_name.encode() in home.content


def test_wrong_password_shows_an_error(client: Client, demo) -> None:
    response = client.post("/accounts/login/", {"username": "doctor@example.com", "password": "nope"})
    assert response.status_code == 200
    assert b"alert" in response.content


def test_logout_ends_the_session(client: Client, demo) -> None:
    client.force_login(demo.doctor.user)
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_admin_login_page_renders(client: Client, db: None) -> None:
    assert client.get("/admin/login/").status_code == 200


def test_openapi_schema_and_docs_are_served(client: Client, db: None) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/me" in schema.json()["paths"]
    assert client.get("/api/docs/").status_code == 200


def test_openapi_schema_is_valid_and_warning_free(db: None) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    for path in [
        "/api/doctor/schedule/preview",
        "/api/doctor/schedule/rules/bulk_upsert",
        "/api/doctor/schedule/exceptions/{id}",
    ]:
        assert path in out.getvalue()
