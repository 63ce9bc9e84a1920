"""Coordinators: accounts, rights, and that nobody else can change anything."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from catalog.editorial.accounts import COORDINATORS
from catalog.models import Entry

pytestmark = pytest.mark.django_db

PASSWORD = "Kodning-2026-lang-fras"


@pytest.fixture
def coordinator(monkeypatch):
    monkeypatch.setenv("KVA_PW", PASSWORD)
    call_command("create_coordinator", "samordnare", "--password-env", "KVA_PW", stdout=StringIO())
    return User.objects.get(username="samordnare")


def test_create_coordinator_makes_a_staff_member_of_the_group(coordinator):
    assert coordinator.is_staff and not coordinator.is_superuser
    assert coordinator.groups.filter(name=COORDINATORS).exists()
    assert coordinator.has_perm("catalog.change_entry") and coordinator.has_perm("catalog.add_synonym")
    assert not coordinator.has_perm("auth.change_user")


def test_weak_password_is_refused(monkeypatch):
    monkeypatch.setenv("KVA_PW", "12345")
    with pytest.raises(CommandError, match="Lösenordet duger inte"):
        call_command("create_coordinator", "svag", "--password-env", "KVA_PW", stdout=StringIO())


def test_coordinator_can_edit_an_entry_in_the_admin(client, coordinator):
    client.force_login(coordinator)
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code="AU118")
    response = client.get(f"/admin/catalog/entry/{entry.pk}/change/")
    assert response.status_code == 200
    assert "Förhandsvisning" in response.content.decode()


def test_anonymous_user_cannot_change_anything(client):
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code="AU118")
    before = entry.anvisning
    for url, data in [
        (f"/admin/catalog/entry/{entry.pk}/change/", {"anvisning": "hackad"}),
        ("/admin/catalog/entry/add/", {"title": "x"}),
        (f"/admin/catalog/entry/{entry.pk}/delete/", {"post": "yes"}),
        (f"/admin/catalog/entry/{entry.pk}/historik/1/aterstall/", {}),
        (f"/admin/catalog/codelist/{entry.code_list_id}/import/", {"payload": "eA=="}),
    ]:
        response = client.post(url, data)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    for url in ["/api/codes/AU118/", "/api/lists/psykiatri/", "/kod/AU118/", "/lista/psykiatri/", "/sok/", "/besok/"]:
        assert client.post(url, {"anvisning": "hackad"}).status_code in (403, 405), url
    entry.refresh_from_db()
    assert entry.anvisning == before


def test_admin_logout_needs_post(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/admin/logout/").status_code == 405


def test_preview_renders_an_edited_text_with_its_code_links_before_saving(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        "/admin/catalog/entry/forhandsvisning/", {"anvisning": "Koda AU120 och ZV229.", "beskrivning": ""}
    )
    html = response.content.decode()
    assert '<a class="kod" href="/kod/AU120/">AU120</a>' in html
    assert 'class="kod-utanfor"' in html
    assert Entry.objects.filter(anvisning="Koda AU120 och ZV229.").count() == 0


def test_preview_is_for_coordinators_only(client):
    response = client.post("/admin/catalog/entry/forhandsvisning/", {"anvisning": "x"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_make_coordinator_uses_the_venv_and_says_which_database(tmp_path):
    import os
    import subprocess

    database = tmp_path / "ny.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "KVA_PW": PASSWORD, "DEBUG": "1"}
    env["PATH"] = "/usr/bin:/bin"  # no venv on PATH: make must find .venv's Python itself
    done = subprocess.run(
        ["make", "--no-print-directory", "coordinator", "NAME=ny-samordnare", "PASSWORD_ENV=KVA_PW"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"ny-samordnare är kodningssamordnare och kan logga in på /admin/ (databas: SQLite-filen {database})" in (
        done.stdout
    )
    assert database.exists()


def test_make_coordinator_without_a_name_explains_itself():
    import subprocess

    done = subprocess.run(["make", "--no-print-directory", "coordinator"], capture_output=True, text=True)
    assert done.returncode != 0 and "make coordinator NAME=" in done.stderr
