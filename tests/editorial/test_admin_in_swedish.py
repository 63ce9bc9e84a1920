"""Swedish throughout the admin: every page a superuser or a coordinator can open is read for the
English that Django leaves untranslated or that leaks from code.

The pages come from the admin's registry and URLconf (tests/support/admin_pages.py): for each
registered model its list, add form, one object's change form, history and delete confirmation, and
every other page its admin adds (Borttagna, the CSV import …), plus the start page, each app's page
and the password change. A model registered tomorrow is walked without touching this test.
"""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client

from catalog.editorial.accounts import coordinator_group
from catalog.models import ChangeSuggestion, Draft, Entry, SearchMiss
from tests.support.admin_pages import admin_pages, visible_text
from tests.support.html_forms import fill, post_form
from tests.support.unquoted import unquoted_entries

pytestmark = pytest.mark.django_db

# What the admin showed in English before it was fixed, and what else Django leaves untranslated
# (its own strings, the alt texts and names it builds from code). Matched as whole words, case and
# all, in the text a reader sees: "Go" is English, "Godkänn" is not; "entry:psykiatri/…" is a code.
ENGLISH = [
    "True",
    "False",
    "None",
    "Unknown",
    "Add",
    "Change",
    "Delete",
    "History",
    "Save",
    "Search",
    "Select",
    "Action",
    "Go",
    "Filter",
    "Filter by",
    "Clear all filters",
    "Show counts",
    "Hide counts",
    "Show all",
    "Yes",
    "No",
    "Today",
    "Now",
    "Home",
    "Log out",
    "View site",
    "Welcome",
    "Password",
    "Username",
    "Recent actions",
    "None available",
    "Forbidden",
    "Page not found",
    "object",
    "objects",
    "relationship",
    "Can",
    "log entry",
    "content type",
    "access attempt",
    "rate bucket",
    "class answer",
    "Seen version",
    "Confirmed version",
    "If disabled",
    "the",
    "this",
    "will",
    "with",
    "results",
    "total",
]

# Leftovers other parts of issue 28 fix at the same time; the lead removes each entry at the merge.
# (name, the pages it is on, the words allowed there)
# English a page may keep, by name, pages and words; empty now that every page is Swedish.
KNOWN_LEFTOVERS: list[tuple[str, re.Pattern, set[str]]] = []

WORDS = {word: re.compile(rf"(?<![\w:/.-]){re.escape(word)}(?![\w:/-])") for word in ENGLISH}


def english_in(text: str) -> set[str]:
    return {word for word, pattern in WORDS.items() if pattern.search(text)}


def allowed_on(url: str) -> set[str]:
    return {word for _name, pages, words in KNOWN_LEFTOVERS if pages.search(url) for word in words}


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def clients() -> dict[str, Client]:
    """A superuser and a coordinator, and one object of every kind the admin lists, made as users make them."""
    superuser = User.objects.create_superuser("rot", password="x", email="rot@example.se")
    coordinator = User.objects.create_user("anna", password="x", is_staff=True)
    coordinator.groups.add(coordinator_group())
    anna, visitor = logged_in(coordinator), Client()
    visitor.get("/sok/", {"q": "qxzqxzqxz"})  # a search without a hit
    form = post_form(visitor.get("/forslag/?kod=AU118").content.decode())
    visitor.post(form.action, fill(form, concerns="anvisning", text="Anvisningen står två gånger."))
    entry = unquoted_entries(1, "psykiatri")[0]
    url = f"/admin/catalog/entry/{entry.pk}/change/"
    form = post_form(anna.get(url).content.decode(), form_id="entry_form")
    anna.post(url, fill(form, press="_utkast", anvisning=entry.anvisning + " Ett tillägg."))
    assert SearchMiss.objects.exists() and ChangeSuggestion.objects.exists() and Draft.objects.exists()
    assert Entry.objects.get(pk=entry.pk).anvisning == entry.anvisning  # a draft, not a change
    return {"superuser": logged_in(superuser), "coordinator": anna}


def test_the_walk_covers_every_registered_model_and_the_custom_pages(clients):
    names = {name for name, _url in admin_pages()}
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        for page in ("changelist", "add", "change", "history", "delete"):
            assert "{}_{}_{}".format(*info, page) in names, (info, page)
    assert {"index", "password_change", "catalog_codelist_import", "catalog_entry_deleted"} <= names
    assert {"app_list auth", "app_list catalog", "auth_user_password_change"} <= names


@pytest.mark.parametrize("who", ["superuser", "coordinator"])
def test_no_admin_page_shows_english(clients, who):
    client = clients[who]
    found, opened = {}, 0
    for name, url in admin_pages():
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        if "html" not in response.get("Content-Type", ""):
            continue
        opened += response.status_code == 200
        english = english_in(visible_text(response.content.decode())) - allowed_on(url)
        if english:
            found[f"{name} {url} ({response.status_code})"] = sorted(english)
    assert found == {}
    assert opened >= 5 * (len(admin.site._registry) - 3 if who == "superuser" else 10)


def test_the_word_check_finds_what_django_leaves_english():
    """The check itself: Django's untranslated alt text and a permission's stored name are caught,
    Swedish words that start alike and codes are not."""
    assert english_in(visible_text('<label><img src="s.svg" alt="Search"></label>')) == {"Search"}
    assert english_in(visible_text('<img src="i.svg" alt="True"> Can add log entry')) == {"True", "Can", "log entry"}
    assert english_in(visible_text("Godkänn, Addera, Sökning: entry:psykiatri/AU118/anvisning, Nej")) == set()
    assert english_in(visible_text('<div class="hidden">Seen version</div><script>var True;</script>')) == set()
