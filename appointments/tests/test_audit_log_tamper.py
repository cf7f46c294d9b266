"""The audit log cannot be rewritten by the application's own database role, whatever SQL it sends.

The tests run as that role (conftest.py: the test database is created and migrated by the owner, then every
connection logs in as the app role), so each statement below is what an attacker with the application's
connection (an SQL injection, a compromised worker) could send.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction

from appointments.models import AppointmentEvent
from appointments.tests.factories import AppointmentEventFactory

TABLE = "appointments_appointmentevent"


def _scalar(query: str, params: list[Any] | None = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(query, params or [])
        row = cursor.fetchone()
    assert row is not None
    return row[0]


def _pgtrigger_name() -> str:
    """The name pgtrigger gave its append-only trigger (the value `pgtrigger.ignore` must hold to skip it)."""
    return str(
        _scalar(
            "SELECT tgname FROM pg_trigger "
            "WHERE tgrelid = %s::regclass AND tgname LIKE 'pgtrigger_append_only%%'",
            [TABLE],
        )
    )


def _owner_conninfo() -> str:
    settings_dict = connection.settings_dict
    owner = settings_dict["OWNER"]
    return psycopg.conninfo.make_conninfo(
        host=owner.get("HOST") or settings_dict["HOST"],
        port=owner.get("PORT") or settings_dict["PORT"],
        user=owner["USER"],
        password=owner.get("PASSWORD") or None,
        dbname=settings_dict["NAME"],
    )


@pytest.fixture(autouse=True)
def _app_role() -> None:
    if not connection.settings_dict.get("OWNER"):
        pytest.skip("one database role for everything (no DATABASE_OWNER_URL): nothing to separate")


@pytest.fixture
def event(db: None) -> AppointmentEvent:
    return AppointmentEventFactory.create()


def test_the_application_connects_as_a_role_that_is_no_superuser_and_owns_nothing(db: None) -> None:
    assert _scalar("SELECT current_user") == connection.settings_dict["USER"]
    assert (
        _scalar("SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = current_user")
        is False
    )
    owned = _scalar(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'USAGE')"
    )
    assert owned == 0
    assert _scalar("SELECT has_schema_privilege('public', 'CREATE')") is False


def test_the_application_may_read_and_append_to_the_audit_log(event: AppointmentEvent) -> None:
    AppointmentEventFactory.create(appointment=event.appointment, kind="confirmed")
    assert AppointmentEvent.objects.filter(appointment=event.appointment).count() == 2
    privileges = {
        p: _scalar("SELECT has_table_privilege(%s, %s)", [TABLE, p])
        for p in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
    }
    assert privileges == {
        "SELECT": True,
        "INSERT": True,
        "UPDATE": False,
        "DELETE": False,
        "TRUNCATE": False,
        "REFERENCES": False,
        "TRIGGER": False,
    }


TAMPERING = {
    "update": ["UPDATE appointments_appointmentevent SET kind = 'edited'"],
    "delete": ["DELETE FROM appointments_appointmentevent"],
    "truncate": ["TRUNCATE appointments_appointmentevent"],
    "truncate cascade": ["TRUNCATE appointments_appointmentevent CASCADE"],
    "pgtrigger.ignore then update": [
        "SELECT set_config('pgtrigger.ignore', '{{{pgtrigger}}}', false)",
        "UPDATE appointments_appointmentevent SET kind = 'edited'",
    ],
    "pgtrigger.ignore then delete": [
        "SET pgtrigger.ignore = '{{{pgtrigger}}}'",
        "DELETE FROM appointments_appointmentevent",
    ],
    "disable the triggers": ["ALTER TABLE appointments_appointmentevent DISABLE TRIGGER ALL"],
    "disable our trigger": ["ALTER TABLE appointments_appointmentevent DISABLE TRIGGER medic_append_only"],
    "drop our trigger": ["DROP TRIGGER medic_append_only ON appointments_appointmentevent"],
    "drop pgtrigger's trigger": ["DROP TRIGGER {pgtrigger} ON appointments_appointmentevent"],
    "replace the trigger function": [
        "CREATE OR REPLACE FUNCTION medic_refuse_unless_owner() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RETURN NULL; END $$"
    ],
    "replica mode skips triggers": [
        "SET session_replication_role = replica",
        "UPDATE appointments_appointmentevent SET kind = 'edited'",
    ],
    "become the owner": ["SET ROLE postgres", "UPDATE appointments_appointmentevent SET kind = 'edited'"],
    "take the table": ["ALTER TABLE appointments_appointmentevent OWNER TO CURRENT_USER"],
    "rename it away": ["ALTER TABLE appointments_appointmentevent RENAME TO old_events"],
    "a trigger of our own": [
        "CREATE TRIGGER sneaky BEFORE INSERT ON appointments_appointmentevent "
        "FOR EACH ROW EXECUTE FUNCTION medic_refuse_unless_owner()"
    ],
}


@pytest.mark.parametrize("statements", TAMPERING.values(), ids=TAMPERING.keys())
def test_the_application_role_cannot_rewrite_the_audit_log(
    event: AppointmentEvent, statements: list[str]
) -> None:
    pgtrigger = _pgtrigger_name()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement.format(pgtrigger=pgtrigger))
    assert list(AppointmentEvent.objects.values_list("pk", "kind")) == [(event.pk, event.kind)]
    assert (
        _scalar(
            "SELECT count(*) FROM pg_trigger "
            "WHERE tgrelid = %s::regclass AND tgenabled = 'O' AND NOT tgisinternal",
            [TABLE],
        )
        == 2
    )


def test_the_ignore_context_manager_of_pgtrigger_does_not_open_it_either(event: AppointmentEvent) -> None:
    import pgtrigger

    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        pgtrigger.ignore("appointments.AppointmentEvent:append_only"),
    ):
        AppointmentEvent.objects.filter(pk=event.pk).update(kind="edited")
    assert AppointmentEvent.objects.get(pk=event.pk).kind == event.kind


@pytest.fixture
def committed_event(transactional_db: None) -> Iterator[AppointmentEvent]:
    yield AppointmentEventFactory.create()


def test_the_same_bypass_works_for_the_owner_only(committed_event: AppointmentEvent) -> None:
    """The control: `pgtrigger.ignore` does skip pgtrigger's own trigger, for the table's owner (who could
    drop the triggers anyway). For the application's role, the same statements change nothing."""
    bypass = "SELECT set_config('pgtrigger.ignore', %s, true)"
    update = "UPDATE appointments_appointmentevent SET kind = 'edited' WHERE id = %s"
    ignore = "{" + _pgtrigger_name() + "}"
    with psycopg.connect(_owner_conninfo()) as owner:
        owner.execute(bypass, [ignore])
        assert owner.execute(update, [committed_event.pk]).rowcount == 1
        owner.rollback()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(bypass, [ignore])
        cursor.execute(update, [committed_event.pk])
    assert AppointmentEvent.objects.get(pk=committed_event.pk).kind == committed_event.kind
