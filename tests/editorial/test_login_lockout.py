"""The admin login lock-out (django-axes), driven through the rendered login form."""

from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.management import call_command

from tests.support.proxy import proxy_settings
from tests.support.rendered_forms import submit

pytestmark = pytest.mark.django_db

PASSWORD = "Kodning-2026-lang-fras"
LOCKED = "För många misslyckade inloggningar"
WRONG = "Fel användarnamn eller lösenord"


@pytest.fixture
def coordinators(monkeypatch):
    monkeypatch.setenv("KVA_PW", PASSWORD)
    for name in ("samordnare", "kollega"):
        call_command("create_coordinator", name, "--password-env", "KVA_PW", stdout=StringIO())
    return User.objects.filter(username__in=["samordnare", "kollega"])


def login(client, username: str, password: str, **meta):
    """Fill in the login form the admin renders and send it, from the given address."""
    client.cookies.clear()
    return submit(client, "/admin/login/?next=/admin/", {"username": username, "password": password}, **meta)


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_repeated_failures_lock_the_name_with_a_swedish_message(client, coordinators):
    address = {"REMOTE_ADDR": "81.10.0.1"}
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, "samordnare", "fel", **address)
        assert response.status_code == 200 and WRONG in response.content.decode()
    response = login(client, "samordnare", "fel", **address)
    assert response.status_code == 429
    # Even the right password is refused now, with the Swedish message on the login page.
    response = login(client, "samordnare", PASSWORD, **address)
    html = response.content.decode()
    assert response.status_code == 429
    assert LOCKED in html and "15 minuter" in html and 'id="login-form"' in html
    assert "Account locked" not in html
    assert "_auth_user_id" not in client.session


def test_the_user_name_is_counted_whatever_its_case(client, coordinators):
    address = {"REMOTE_ADDR": "81.10.0.1"}
    for name in ["samordnare", "Samordnare", " SAMORDNARE", "samordnarE", "samordnare "][
        : django_settings.AXES_FAILURE_LIMIT
    ]:
        login(client, name, "fel", **address)
    assert login(client, "samordnare", PASSWORD, **address).status_code == 429


def test_failures_for_one_name_do_not_lock_out_a_colleague_at_the_same_address(client, coordinators):
    address = {"REMOTE_ADDR": "81.10.0.1"}
    for _ in range(django_settings.AXES_FAILURE_LIMIT + 1):
        login(client, "samordnare", "fel", **address)
    assert logged_in(login(client, "kollega", PASSWORD, **address))


def test_a_locked_name_still_logs_in_from_another_address(client, coordinators):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        login(client, "samordnare", "fel", REMOTE_ADDR="81.10.0.1")
    assert login(client, "samordnare", PASSWORD, REMOTE_ADDR="81.10.0.1").status_code == 429
    assert logged_in(login(client, "samordnare", PASSWORD, REMOTE_ADDR="81.20.0.2"))


def test_guessing_many_names_from_one_address_locks_that_address_only(client, coordinators):
    guesser = {"REMOTE_ADDR": "81.10.0.1"}
    for i in range(django_settings.LOGIN_FAILURES_PER_ADDRESS):
        login(client, f"gissning{i}", "fel", **guesser)
    assert login(client, "kollega", PASSWORD, **guesser).status_code == 429
    assert logged_in(login(client, "kollega", PASSWORD, REMOTE_ADDR="81.20.0.2"))


def test_a_successful_login_clears_the_failures(client, coordinators):
    from axes.models import AccessLog

    address = {"REMOTE_ADDR": "81.10.0.1"}
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        login(client, "samordnare", "fel", **address)
    assert logged_in(login(client, "samordnare", PASSWORD, **address))
    assert not AccessLog.objects.exists()  # successful logins are not logged (the table would only grow)
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        login(client, "samordnare", "fel", **address)
    assert logged_in(login(client, "samordnare", PASSWORD, **address))


def test_behind_the_proxy_each_client_is_counted_by_its_forwarded_address(client, coordinators, settings):
    for name, value in proxy_settings("1").items():
        setattr(settings, name, tuple(value) if isinstance(value, list) else value)
    proxy = "127.0.0.1"
    for i in range(django_settings.AXES_FAILURE_LIMIT):
        # The attacker writes a different address in front each time; the proxy appends the real one.
        login(client, "samordnare", "fel", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"81.30.0.{i}, 81.10.0.1")
    assert login(client, "samordnare", PASSWORD, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="81.10.0.1").status_code == 429
    # The coordinator's own address, through the same proxy, is not locked.
    assert logged_in(login(client, "samordnare", PASSWORD, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="81.20.0.2"))
    assert logged_in(login(client, "kollega", PASSWORD, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="81.20.0.3"))


def test_behind_two_proxies_the_address_the_outer_proxy_saw_counts(client, coordinators, settings):
    for name, value in proxy_settings("2").items():
        setattr(settings, name, tuple(value) if isinstance(value, list) else value)
    for i in range(django_settings.AXES_FAILURE_LIMIT):
        forwarded = f"81.30.0.{i}, 81.10.0.1, 10.0.0.5"  # spoofed, client, outer proxy
        login(client, "samordnare", "fel", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    locked = login(client, "samordnare", PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="81.10.0.1, 10.0.0.5")
    assert locked.status_code == 429
    other = login(client, "samordnare", PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="81.20.0.2, 10.0.0.5")
    assert logged_in(other)
