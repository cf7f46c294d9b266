"""Database operations Django 5.2 cannot declare: ON DELETE in the database (a migration helper), and the two
roles (the application's, with data privileges only, and the owner's, for migrations)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, migrations

from medic.db import app_role_grants


def _set_on_delete(apps: Any, schema_editor: Any, fields: Iterable[tuple[str, str]], action: str) -> None:
    connection = schema_editor.connection
    quote = schema_editor.quote_name
    for model_label, field_name in fields:
        model = apps.get_model(model_label)
        field = model._meta.get_field(field_name)
        table, column = model._meta.db_table, field.column
        target = field.related_model._meta
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, table)
        for name, info in constraints.items():
            if info["foreign_key"] and info["columns"] == [column]:
                schema_editor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        constraint = f"{table}_{column}_fk_{action.split()[-1].lower()}"
        schema_editor.execute(
            f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(constraint)} "
            f"FOREIGN KEY ({quote(column)}) REFERENCES {quote(target.db_table)} ({quote(target.pk.column)}) "
            f"ON DELETE {action} DEFERRABLE INITIALLY DEFERRED"
        )


def database_on_delete(fields: list[tuple[str, str]], action: str = "CASCADE") -> migrations.RunPython:
    """A migration operation that makes the database itself apply ON DELETE `action` to these foreign keys,
    so a row deleted around the ORM (raw SQL, psql) takes its dependants with it."""

    def forward(apps: Any, schema_editor: Any) -> None:
        _set_on_delete(apps, schema_editor, fields, action)

    def backward(apps: Any, schema_editor: Any) -> None:
        _set_on_delete(apps, schema_editor, fields, "NO ACTION")

    forward_fn: Callable[[Any, Any], None] = forward
    return migrations.RunPython(forward_fn, backward, elidable=False)


# --- who is connected: the app role normally, the owner for migrate and flush ------------------------------

_CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")


def app_role_of(settings_dict: dict[str, Any]) -> str:
    """The role the application logs in as for this database (saved under "APP" while the owner is in)."""
    return str(settings_dict.get("APP", settings_dict)["USER"])


def _owner_view(settings_dict: dict[str, Any]) -> dict[str, Any] | None:
    """The credentials to log in as the owner, or None when the settings name no separate owner."""
    owner = settings_dict.get("OWNER")
    if not owner or owner.get("USER") in (None, app_role_of(settings_dict)):
        return None
    return dict(owner)


@contextmanager
def as_owner(alias: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block with this thread's connection `alias` logged in as the owner role (migrate, flush).
    Other threads keep their own connections and settings. A no-op without a separate owner."""
    connection = connections[alias]
    saved = connection.settings_dict
    owner = _owner_view(saved)
    if owner is None or "APP" in saved:  # single role, or the owner is in already
        yield
        return
    connection.close()
    connection.settings_dict = {**saved, **owner, "APP": {key: saved.get(key) for key in _CREDENTIALS}}
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict = saved


def use_role(which: str, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Switch every later connection of `alias`, in all threads, to the "owner" or back to the "app" role
    (the test session: databases are created and migrated by the owner, the tests run as the app)."""
    settings_dict = connections.settings[alias]
    if _owner_view(settings_dict) is None and "APP" not in settings_dict:
        return
    app = settings_dict.setdefault("APP", {key: settings_dict.get(key) for key in _CREDENTIALS})
    settings_dict.update(settings_dict["OWNER"] if which == "owner" else app)
    if which != "owner":
        del settings_dict["APP"]
    connections[alias].close()


def grant_app_role_after_migrate(sender: object, using: str = DEFAULT_DB_ALIAS, **kwargs: object) -> None:
    """post_migrate: give the app role its privileges on whatever the migrations created (run as the owner;
    nothing to do when the application and the migrations use the same role)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    role = app_role_of(connection.settings_dict)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s)", [role])
        current, exists = cursor.fetchone()
        if current == role:
            return
        if not exists:
            raise RuntimeError(
                f"database role {role!r} (the application's) does not exist: create it first, see README"
            )
        tables = connection.introspection.table_names(cursor)
        raw = connection.connection
        for statement in app_role_grants(role, tables):
            cursor.execute(statement.as_string(raw))
