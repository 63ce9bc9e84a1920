"""A signed-in coordinator's public pages (with "Redigera") never reach the public through the page
cache or the kept fragments, and the public's cached pages never reach a coordinator: two real
clients, in both orders, for full pages and htmx requests, and the headers a shared proxy reads."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from catalog.caching import pagecache
from catalog.editorial.accounts import coordinator_group, trainer_group

pytestmark = pytest.mark.django_db

PAGES = ["/kod/AU118/", "/lista/psykiatri/", "/kod/DU011/"]
HTMX = {"HX-Request": "true"}
EDIT_LINK = re.compile(r'<a class="redigera" href="/admin/catalog/entry/\d+/change/')


def signed_in(name: str, group) -> Client:
    user = User.objects.create_user(name, password="x", is_staff=True)
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def coordinator() -> Client:
    return signed_in("anna", coordinator_group())


def edit_links(response) -> int:
    assert response.status_code == 200
    return len(EDIT_LINK.findall(response.content.decode()))


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_a_coordinator_sees_redigera_although_the_public_page_was_cached_first(coordinator, headers):
    public = Client()
    for url in PAGES:
        assert edit_links(public.get(url, headers=headers)) == 0
    assert pagecache.stats()["pages"] == len(PAGES)  # the public's pages are kept

    for url in PAGES:
        assert edit_links(coordinator.get(url, headers=headers)) >= 1, url
    assert edit_links(coordinator.get("/lista/psykiatri/", headers=headers)) > 50  # one per row


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_the_public_never_gets_the_page_a_coordinator_saw_first(coordinator, headers):
    for url in PAGES:
        assert edit_links(coordinator.get(url, headers=headers)) >= 1, url
    assert pagecache.stats()["pages"] == 0  # a coordinator's page is never kept

    public = Client()
    for url in PAGES:
        page = public.get(url, headers=headers)
        assert edit_links(page) == 0, url
        assert "/admin/" not in page.content.decode(), url
    # Coordinator again, after the public's pages were kept: still Redigera, still rendered for her.
    for url in PAGES:
        assert edit_links(coordinator.get(url, headers=headers)) >= 1, url


def test_a_coordinators_page_is_private_and_varies_on_the_cookie(coordinator):
    for url in PAGES:
        page = coordinator.get(url)
        assert "private" in page["Cache-Control"] and "no-cache" in page["Cache-Control"], url
        assert "Cookie" in page["Vary"], url


def test_the_public_page_stays_shareable_and_compressed(coordinator):
    coordinator.get("/kod/AU118/")
    page = Client().get("/kod/AU118/", headers={"accept-encoding": "br"})
    assert not page.has_header("Cache-Control")
    assert "Cookie" not in page.get("Vary", "")
    assert page["Content-Encoding"] == "br"


def test_a_trainer_signed_in_gets_no_redigera_and_no_kept_page():
    trainer = signed_in("erik", trainer_group())
    assert edit_links(trainer.get("/kod/AU118/")) == 0
    assert pagecache.stats()["pages"] == 0
    assert "private" in trainer.get("/kod/AU118/")["Cache-Control"]


def test_a_stale_session_cookie_is_served_the_public_page():
    Client().get("/kod/AU118/")
    stale = Client()
    stale.cookies["sessionid"] = "utgangen-session"
    page = stale.get("/kod/AU118/")
    assert edit_links(page) == 0
    assert "private" not in page.get("Cache-Control", "")


def test_an_edit_shows_at_once_to_the_coordinator_and_the_public(coordinator):
    from catalog.models import Entry

    public = Client()
    assert "Ett tillägg från samordnaren." not in public.get("/kod/AU118/").content.decode()
    assert "Ett tillägg från samordnaren." not in coordinator.get("/kod/AU118/").content.decode()
    entry = Entry.objects.get(code__code="AU118", code_list__slug="psykiatri")
    entry.anvisning += "\n\nEtt tillägg från samordnaren."
    entry.save()
    assert "Ett tillägg från samordnaren." in coordinator.get("/kod/AU118/").content.decode()
    assert "Ett tillägg från samordnaren." in public.get("/kod/AU118/").content.decode()
