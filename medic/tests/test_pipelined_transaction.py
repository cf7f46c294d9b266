"""`medic.rows.pipelined_transaction`: statements sent as one transaction in one round trip (the fast hold's
write), committed together or not at all, with the connection left ready for the next request."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, OperationalError, connection, connections, transaction
from psycopg import errors as pg_errors
from psycopg.pq import TransactionStatus

from medic import rows

pytestmark = pytest.mark.django_db(transaction=True)

# A table the application's role may write (it may create none): the throttle's counters, under keys of
# this test's own, removed after each test.
TABLE = "medic_request_throttle (key, window_start, hits)"
PREFIX = "pipelined-test:"
INSERT = f"INSERT INTO {TABLE} VALUES ('{PREFIX}' || %s::int, 0, %s) RETURNING hits"


@pytest.fixture
def probe():
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM medic_request_throttle WHERE key LIKE %s", [PREFIX + "%"])


def _stored() -> list[int]:
    """What another connection sees: only committed rows."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT hits FROM medic_request_throttle WHERE key LIKE %s ORDER BY hits", [PREFIX + "%"]
            )
            return [n for (n,) in cursor.fetchall()]
    finally:
        other.close()


def _status() -> TransactionStatus:
    return connection.connection.info.transaction_status


def test_the_statements_commit_together_and_results_are_read_after(probe) -> None:
    first, second = rows.prepared_cursor(), rows.prepared_cursor()
    with first, second:
        with rows.pipelined_transaction():
            first.execute(INSERT, [1, 1])
            second.execute(INSERT, [2, 2])
        assert first.fetchall() == [(1,)]
        assert second.fetchall() == [(2,)]
    assert _stored() == [1, 2]
    assert _status() == TransactionStatus.IDLE  # committed: Django's autocommit goes on as before


def test_one_failing_statement_writes_nothing_and_leaves_the_connection_usable(probe) -> None:
    cursor = rows.prepared_cursor()
    with cursor, pytest.raises(IntegrityError) as failed, rows.pipelined_transaction():
        cursor.execute(INSERT, [1, 1])
        cursor.execute(INSERT, [1, 1])
    assert isinstance(failed.value.__cause__, pg_errors.UniqueViolation)  # Django's error, psycopg's cause
    assert _stored() == []
    assert _status() == TransactionStatus.IDLE
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_an_exception_raised_in_the_block_rolls_back_what_was_sent(probe) -> None:
    cursor = rows.prepared_cursor()
    with cursor, pytest.raises(RuntimeError), rows.pipelined_transaction():
        cursor.execute(INSERT, [1, 1])
        raise RuntimeError("changed our mind")
    assert _stored() == []
    assert _status() == TransactionStatus.IDLE


def test_a_deadlock_is_raised_as_the_operational_error_the_hold_retries(probe) -> None:
    """The fast hold tells a lost race by Django's OperationalError caused by psycopg's DeadlockDetected."""
    cursor = rows.prepared_cursor()
    raise_deadlock = "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'deadlock_detected'; END $$"
    with cursor, pytest.raises(OperationalError) as failed, rows.pipelined_transaction():
        cursor.execute(INSERT, [1, 1])
        cursor.execute(raise_deadlock)
    assert isinstance(failed.value.__cause__, pg_errors.DeadlockDetected)
    assert _stored() == []


def test_inside_a_transaction_it_is_a_savepoint_of_it(probe) -> None:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(INSERT, [1, 1])
        failing = rows.prepared_cursor()
        with failing, pytest.raises(IntegrityError), rows.pipelined_transaction():
            failing.execute(INSERT, [2, 2])
            failing.execute(INSERT, [1, 1])
        ok = rows.prepared_cursor()
        with ok, rows.pipelined_transaction():
            ok.execute(INSERT, [3, 3])
        assert _stored() == []  # nothing committed before the caller's transaction is
    assert _stored() == [1, 3]  # the failed savepoint's row 2 rolled back alone


def test_the_statements_are_one_transaction_each_with_its_own_snapshot(probe) -> None:
    first, second = rows.prepared_cursor(), rows.prepared_cursor()
    with first, second:
        with rows.pipelined_transaction():
            first.execute("SELECT pg_current_xact_id()::text, statement_timestamp()")
            second.execute("SELECT pg_current_xact_id()::text, statement_timestamp()")
        (xact, started), (same_xact, later) = first.fetchone(), second.fetchone()
    assert xact == same_xact
    assert later >= started
    assert _status() == TransactionStatus.IDLE
