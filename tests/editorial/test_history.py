"""History, undo and no lost edits, through the admin as a coordinator uses it."""

import tomllib

import pytest
from django.contrib.auth.models import User

from catalog.content import CONTENT_DIR
from catalog.editorial.accounts import coordinator_group
from catalog.editorial.history import revisions_for
from catalog.models import Code, Revision
from tests.support.admin_forms import change_form_data
from tests.support.html_forms import as_post_data, forms_in
from tests.support.unquoted import unquoted_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinators():
    group = coordinator_group()
    users = []
    for name in ("anna", "bertil"):
        user = User.objects.create_user(name, password="x", is_staff=True)
        user.groups.add(group)
        users.append(user)
    return users


def entry_form(client, entry):
    """The change form's fields as the browser would post them back."""
    return change_form_data(client.get(f"/admin/catalog/entry/{entry.pk}/change/"))


def source_anvisning(entry) -> str:
    """The entry's Anvisning as its content file has it (the file's text is the source's, word for word)."""
    with (CONTENT_DIR / "psykiatri.toml").open("rb") as handle:
        sections = tomllib.load(handle)["list"]["sections"]
    [section] = [s for s in sections if s["slug"] == entry.section.slug]
    [row] = [e for e in section["entries"] if e["code"] == entry.code.code]
    return row["anvisning"]


def editable_entry():
    """A psychiatry entry whose Anvisning the wizard does not quote (so any text may be written there)."""
    return unquoted_entries(1, "psykiatri")[0]


def test_save_records_who_when_before_and_after(client, coordinators):
    client.force_login(coordinators[0])
    data = entry_form(client, editable_entry())
    data["anvisning"] = "Ny anvisning."
    response = client.post(f"/admin/catalog/entry/{editable_entry().pk}/change/", data)
    assert response.status_code == 302
    revision = Revision.objects.get(object_id=editable_entry().pk, action=Revision.Action.CHANGED)
    assert revision.user == coordinators[0]
    assert revision.after["anvisning"] == "Ny anvisning." and revision.before["anvisning"] != "Ny anvisning."
    assert editable_entry().version == 2


def test_second_concurrent_save_is_refused_with_the_other_change_shown(client, coordinators):
    anna, bertil = coordinators
    client.force_login(anna)
    annas_form = entry_form(client, editable_entry())
    other = client.__class__()
    other.force_login(bertil)
    bertils_form = entry_form(other, editable_entry())
    bertils_form["anvisning"] = "Bertils version."
    assert other.post(f"/admin/catalog/entry/{editable_entry().pk}/change/", bertils_form).status_code == 302
    annas_form["anvisning"] = "Annas version."
    response = client.post(f"/admin/catalog/entry/{editable_entry().pk}/change/", annas_form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Någon annan har sparat" in html and "din ändring sparades inte" in html
    assert "bertil" in html and "Bertils version." in html
    assert editable_entry().anvisning == "Bertils version."
    # Anna's text stays in the form; having seen the other change, she saves it deliberately.
    again = change_form_data(response)
    assert again["anvisning"] == "Annas version."
    assert client.post(f"/admin/catalog/entry/{editable_entry().pk}/change/", again).status_code == 302
    assert editable_entry().anvisning == "Annas version."


def test_history_page_shows_a_readable_difference_and_revert_restores(client, coordinators):
    client.force_login(coordinators[0])
    original = editable_entry().anvisning
    for text in ("Första ändringen.", "Andra ändringen."):
        data = entry_form(client, editable_entry())
        data["anvisning"] = text
        client.post(f"/admin/catalog/entry/{editable_entry().pk}/change/", data)
    html = client.get(f"/admin/catalog/entry/{editable_entry().pk}/history/").content.decode()
    assert (
        '<del><span class="visually-hidden">borttaget: </span>Första</del> '
        '<ins><span class="visually-hidden">tillagt: </span>Andra</ins> ändringen.'
    ) in html
    first = (
        Revision.objects.filter(object_id=editable_entry().pk, action=Revision.Action.CHANGED)
        .order_by("created_at", "id")
        .first()
    )
    response = client.post(f"/admin/catalog/entry/{editable_entry().pk}/historik/{first.pk}/aterstall/")
    assert response.status_code == 302
    assert editable_entry().anvisning == "Första ändringen."
    assert Revision.objects.filter(object_id=editable_entry().pk, action=Revision.Action.REVERTED).exists()
    # All the way back: the history offers the state the content files loaded, and restoring it
    # gives the source text again.
    assert original == source_anvisning(editable_entry())
    [loaded] = revisions_for(editable_entry()).filter(action=Revision.Action.LOADED)
    page = client.get(f"/admin/catalog/entry/{editable_entry().pk}/history/").content.decode()
    [restore] = [f for f in forms_in(page) if f.action.endswith(f"/historik/{loaded.pk}/aterstall/")]
    assert client.post(restore.action, as_post_data(restore)).status_code == 302
    assert editable_entry().anvisning == original


def test_revert_needs_post(client, coordinators):
    client.force_login(coordinators[0])
    assert client.get(f"/admin/catalog/entry/{editable_entry().pk}/historik/1/aterstall/").status_code == 405


def test_public_changes_page_shows_what_changed_in_the_list(client, coordinators):
    client.force_login(coordinators[0])
    data = entry_form(client, editable_entry())
    data["anvisning"] = "Testtext synligt omskriven."
    client.post(f"/admin/catalog/entry/{editable_entry().pk}/change/", data)
    client.logout()
    html = client.get("/lista/psykiatri/andringar/").content.decode()
    assert "Testtext synligt omskriven." in html and editable_entry().code.code in html
    assert "anna" not in html
    # The baseline of the first load is not a change: an untouched list shows none.
    assert "Inga ändringar är gjorda" in client.get("/lista/psykologer-skrs/andringar/").content.decode()


def test_deleting_a_code_that_entries_refer_to_is_refused_with_an_explanation(client, coordinators):
    user = coordinators[0]
    user.is_superuser = True
    user.save()
    client.force_login(user)
    code = Code.objects.get(code="AU118")
    response = client.post(f"/admin/catalog/code/{code.pk}/delete/", {"post": "yes"})
    assert Code.objects.filter(code="AU118").exists()
    html = response.content.decode()
    assert response.status_code == 200 and ("skyddade" in html or "protected" in html.lower())


def test_reload_after_a_site_edit_keeps_it(client, coordinators):
    from catalog.loading.load import load
    from catalog.loading.read import read_content

    client.force_login(coordinators[0])
    data = entry_form(client, editable_entry())
    data["anvisning"] = "Samordnarens text."
    client.post(f"/admin/catalog/entry/{editable_entry().pk}/change/", data)
    report = load(read_content())
    assert editable_entry().anvisning == "Samordnarens text."
    assert any(editable_entry().code.code in line for line in report.kept_edits)
