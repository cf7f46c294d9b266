"""The health check of a kept database connection (`medic.postgres`): free when the connection is idle and
quiet, a real round trip (and a new connection) when the server has dropped it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.django_db(transaction=True)


def _new_request() -> None:
    """What Django does at the start of each request for a kept connection (`close_old_connections`)."""
    connection.health_check_done = False  # type: ignore[attr-defined]
    connection.close_if_health_check_failed()


def _terminate(pid: int) -> None:
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])  # waits until it is gone
            assert cursor.fetchone() == (True,)
    finally:
        other.close()


def test_an_idle_connection_is_kept_without_a_round_trip(monkeypatch) -> None:
    connection.ensure_connection()
    kept = connection.connection
    wrapper = type(connections["default"])
    monkeypatch.setattr(wrapper, "is_usable", lambda self: pytest.fail("a round trip was made"))
    _new_request()
    assert connection.connection is kept


def test_a_terminated_connection_is_replaced_before_the_requests_first_query() -> None:
    connection.ensure_connection()
    dead = connection.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    _terminate(pid)
    _new_request()
    with connection.cursor() as cursor:  # would fail on the dead connection
        cursor.execute("SELECT pg_backend_pid()")
        (new_pid,) = cursor.fetchone()
    assert connection.connection is not dead and new_pid != pid


def test_a_connection_left_in_a_transaction_gets_the_round_trip(monkeypatch) -> None:
    connection.ensure_connection()
    checked = []
    wrapper = type(connections["default"])
    real = wrapper.is_usable

    def counted(self: Any) -> bool:
        checked.append(1)
        return real(self)

    monkeypatch.setattr(wrapper, "is_usable", counted)
    connection.connection.execute("BEGIN")
    try:
        _new_request()
    finally:
        connection.connection.execute("ROLLBACK")
    assert checked == [1]


def test_the_engine_is_ours() -> None:
    assert connection.settings_dict["ENGINE"] == "medic.postgres"
    assert connection.vendor == "postgresql"
