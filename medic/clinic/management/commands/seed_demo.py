"""`manage.py seed_demo`: the demo clinic from the contract and its working diary; idempotent; prints the
logins."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from medic.clinic.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = (
        "Create or refresh the demo clinics, doctors, staff and patients, give the demo doctors weekly hours "
        "and a spread of appointments over the coming two weeks, and print the logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-diary", action="store_true", help="Only the directory: no weekly hours or appointments."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The diary lives with the booking app; this command is where the two meet.
        from appointments.demo import seed_diary

        logins = seed_demo()
        if not options["no_diary"]:
            seed_diary()
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        width = max(len(login.email) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.role}")
