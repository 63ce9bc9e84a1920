"""Logged-in users as the tests need them: the session of a real login, made without the login form."""

from django.contrib.auth.models import User
from django.test import Client

from catalog.editorial.accounts import coordinator_group


def coordinator_client(name: str = "anna") -> Client:
    """A test client logged in as a new coordinator ``name`` (group Kodningssamordnare, staff)."""
    user = User.objects.create_user(name, password="x", is_staff=True)
    user.groups.add(coordinator_group())
    client = Client()
    client.force_login(user)
    return client
