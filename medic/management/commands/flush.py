"""`manage.py flush`, logged in as the database owner: the application's role may not TRUNCATE."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand

from medic.dbops import as_owner


class Command(FlushCommand):
    help = f"{FlushCommand.help} Runs as the owner role."

    def handle(self, **options: Any) -> None:
        with as_owner(options["database"]):
            super().handle(**options)
