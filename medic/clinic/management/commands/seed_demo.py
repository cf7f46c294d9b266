"""`manage.py seed_demo`: the demo clinic from the contract; idempotent; prints the logins."""

from typing import Any

from django.core.management.base import BaseCommand

from medic.clinic.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create or refresh the demo clinics, doctors, staff and patient, and print their logins."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = seed_demo()
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        width = max(len(login.email) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.role}")
