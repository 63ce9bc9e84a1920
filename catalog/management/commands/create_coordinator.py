import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from catalog.editorial.accounts import COORDINATORS, coordinator_group


class Command(BaseCommand):
    help = f"Create (or update) a coding coordinator: a staff account in the group {COORDINATORS}."
    done = "är kodningssamordnare och kan logga in på /admin/"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-env",
            metavar="VARIABLE",
            help="read the password from this environment variable instead of asking",
        )

    def handle(self, *args, username: str, email: str, password_env: str | None, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first() or User(username=username)
        user.email = email or user.email
        if password_env:
            password = os.environ.get(password_env, "")
        else:
            password = getpass.getpass("Lösenord: ")
            if password != getpass.getpass("Lösenord igen: "):
                raise CommandError("Lösenorden är inte lika.")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("Lösenordet duger inte: " + " ".join(error.messages)) from None
        user.set_password(password)
        user.is_staff = True
        user.save()
        user.groups.add(self.group())
        self.stdout.write(f"{username} {self.done} (databas: {_database()}).")

    def group(self):
        return coordinator_group()


def _database() -> str:
    """Where the account was written, without the password: the SQLite file or PostgreSQL's host and name."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite-filen {settings['NAME']}"
    return f"PostgreSQL {settings.get('HOST') or 'localhost'}:{settings.get('PORT') or 5432}/{settings['NAME']}"
