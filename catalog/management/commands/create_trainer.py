import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from catalog.accounts import TRAINERS, trainer_group


class Command(BaseCommand):
    help = f"Create (or update) a trainer: a staff account in the group {TRAINERS}, which may edit practice cases only."

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
        user.groups.add(trainer_group())
        self.stdout.write(f"{username} är utbildare och kan redigera övningar på /admin/.")
