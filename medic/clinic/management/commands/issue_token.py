"""`manage.py issue_token EMAIL`: a new API token for that user, printed as the last line."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medic.clinic.models import ApiToken, User


class Command(BaseCommand):
    help = "Issue a new API token for the user with EMAIL; the key is printed once, as the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="A label to tell tokens apart in the admin.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"No user with email {options['email']!r}.")
        if not user.is_active:
            raise CommandError(f"User {user.email} is inactive.")
        token, key = ApiToken.issue(user, name=options["name"])
        self.stdout.write(
            f"Token {token.prefix}… issued for {user.email}; send it as: Authorization: Token <key>"
        )
        self.stdout.write(key)
