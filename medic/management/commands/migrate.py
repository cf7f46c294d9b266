"""`manage.py migrate`, logged in as the database owner: the application's role may not change the schema."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.migrate import Command as MigrateCommand

from medic.dbops import as_owner


class Command(MigrateCommand):
    help = f"{MigrateCommand.help} Runs as the owner role; afterwards the app role gets its privileges."

    def handle(self, *args: Any, **options: Any) -> None:
        with as_owner(options["database"]):
            super().handle(*args, **options)
