"""Migration helpers for guarantees Django 5.2 cannot declare on models (ON DELETE in the database)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import migrations


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
