"""The mail server comes from the environment (kvaguide/settings.py), and a production site without one
says so at start and records every reply as not sent, rather than losing it unseen."""

import json
import os
import subprocess
import sys

import pytest

from catalog.models import ChangeSuggestion, SuggestionReply
from kvaguide.settings import mailer_from_env
from tests.support.rendered_forms import submit

PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "x" * 60 + "-Kodning-2026-lång-nyckel", "ALLOWED_HOSTS": "kvaguide.example"}
MAIL_VARIABLES = (
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_TIMEOUT",
)


def run(args: list[str], **env) -> subprocess.CompletedProcess:
    """A fresh Python reading kvaguide/settings.py from this environment (the mail variables only as given)."""
    left = {k: v for k, v in os.environ.items() if k not in MAIL_VARIABLES and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run([sys.executable, *args], env={**left, **env}, capture_output=True, text=True)


def mail_settings(**env) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.MAILERS, settings.DEFAULT_FROM_EMAIL, settings.SUGGESTION_REPLY_TO]))"
    )
    done = run(["-c", code], DJANGO_SETTINGS_MODULE="kvaguide.settings", **env)
    assert done.returncode == 0, done.stderr
    mailers, sender, reply_to = json.loads(done.stdout)
    return {"mailer": mailers["default"], "from": sender, "reply_to": reply_to}


def test_the_mail_server_and_sender_are_read_from_the_environment():
    read = mail_settings(
        EMAIL_HOST="smtp.vgregion.example",
        EMAIL_PORT="2525",
        EMAIL_HOST_USER="kvaguide",
        EMAIL_HOST_PASSWORD="hemligt",
        EMAIL_USE_TLS="1",
        DEFAULT_FROM_EMAIL="KVÅ-guiden <kvaguide@vgregion.example>",
        SUGGESTION_REPLY_TO="kodning@vgregion.example, stod@vgregion.example",
    )
    assert read["mailer"] == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "smtp.vgregion.example",
            "port": 2525,
            "username": "kvaguide",
            "password": "hemligt",
            "use_tls": True,
            "timeout": 10,
        },
    }
    assert read["from"] == "KVÅ-guiden <kvaguide@vgregion.example>"
    assert read["reply_to"] == ["kodning@vgregion.example", "stod@vgregion.example"]


def test_without_a_mail_server_a_development_site_prints_mails_on_the_console():
    read = mail_settings(DEBUG="1")
    assert read["mailer"] == {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    assert read["from"] == "KVÅ-guiden <kva-guiden@localhost>" and read["reply_to"] == []


def test_a_production_site_without_a_mail_server_warns_at_start():
    check = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    done = run(check, **PRODUCTION)
    assert done.returncode != 0
    assert "catalog.W001" in done.stdout + done.stderr and "EMAIL_HOST is not set" in done.stdout + done.stderr
    configured = run(check, **PRODUCTION, EMAIL_HOST="smtp.example")
    assert configured.returncode == 0 and "catalog.W001" not in configured.stdout + configured.stderr


@pytest.mark.django_db
def test_a_production_site_without_a_mail_server_records_the_reply_as_not_sent(
    logged_in_coordinator, client, settings, monkeypatch
):
    monkeypatch.delenv("EMAIL_HOST", raising=False)
    settings.MAILERS = {"default": mailer_from_env(debug=False)}
    item = ChangeSuggestion.objects.create(
        code="AU118", concerns="anvisning", text="Fel.", email="skribent@example.se", address_key="x"
    )
    response = submit(
        client,
        f"/admin/catalog/changesuggestion/{item.pk}/change/",
        {"text": "Tack för förslaget.", "then": "klar"},
        form_id="svar_form",
    )
    assert response.status_code == 302
    assert "Svaret kunde inte skickas" in client.get(response["Location"]).content.decode()
    reply = SuggestionReply.objects.get()
    assert (reply.sent_to, reply.sent) == ("skribent@example.se", False)
