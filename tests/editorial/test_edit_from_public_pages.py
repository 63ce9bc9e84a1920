""" "Redigera" beside each entry on the public code and list pages, for a coordinator: it opens that
entry's form, and "Spara" returns to the page it came from (the public sees the new text there)."""

import re
from html import unescape

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from catalog.models import CodeList, Draft, Entry
from tests.support.accounts import coordinator_client
from tests.support.html_forms import fill, post_form

pytestmark = pytest.mark.django_db

ADDED = "\n\nEn mening som samordnaren lade till."


def redigera_links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'<a class="redigera" href="([^"]+)"', html)]


def save(client: Client, form_url: str, press: str = "_save", **values):
    """Open the form the link leads to and press a button, sending what the page holds (no JavaScript)."""
    page = client.get(form_url)
    assert page.status_code == 200
    form = post_form(page.content.decode(), form_id="entry_form")
    return client.post(form.action or form_url, fill(form, press=press, **values))


def test_redigera_on_the_code_page_opens_that_entrys_form_and_saving_returns_there():
    anna = coordinator_client()
    entry = Entry.objects.get(code__code="AU118", code_list__slug="psykiatri")
    links = redigera_links(anna.get("/kod/AU118/").content.decode())
    assert links == [f"/admin/catalog/entry/{entry.pk}/change/?tillbaka=/kod/AU118/"]

    form_page = anna.get(links[0]).content.decode()
    assert 'Du kom hit från sidan <a href="/kod/AU118/">/kod/AU118/</a>' in form_page
    saved = save(anna, links[0], anvisning=entry.anvisning + ADDED)
    assert saved.status_code == 302 and saved["Location"] == "/kod/AU118/"
    assert "En mening som samordnaren lade till." in Client().get("/kod/AU118/").content.decode()
    # The admin's "ändrades" does not wait for the next admin page: the public page was the answer.
    assert "ändrades" not in anna.get("/admin/").content.decode()


def test_a_code_in_two_lists_has_redigera_for_each_entry():
    links = redigera_links(coordinator_client().get("/kod/DU011/").content.decode())
    pks = sorted(int(re.search(r"/entry/(\d+)/", link).group(1)) for link in links)
    assert pks == sorted(Entry.objects.filter(code__code="DU011").values_list("pk", flat=True))


def test_redigera_on_the_list_page_opens_each_rows_form_and_returns_to_its_section():
    anna = coordinator_client()
    links = redigera_links(anna.get("/lista/psykiatri/").content.decode())
    entries = Entry.objects.filter(code_list__slug="psykiatri").select_related("section", "code")
    assert len(links) == entries.count()
    entry = entries.get(code__code="AU118")
    link = next(link for link in links if f"/entry/{entry.pk}/" in link)
    assert link.endswith(f"?tillbaka=/lista/psykiatri/%23{entry.section.slug}")
    saved = save(anna, link, anvisning=entry.anvisning + ADDED)
    assert saved["Location"] == f"/lista/psykiatri/#{entry.section.slug}"


def test_save_and_continue_stays_in_the_form():
    anna = coordinator_client()
    entry = Entry.objects.get(code__code="AU118", code_list__slug="psykiatri")
    link = redigera_links(anna.get("/kod/AU118/").content.decode())[0]
    saved = save(anna, link, press="_continue", anvisning=entry.anvisning + ADDED)
    assert saved["Location"].startswith(f"/admin/catalog/entry/{entry.pk}/change/")


@pytest.mark.parametrize(
    "back",
    ["https://example.com/", "//example.com/kod/AU118/", "/\\example.com/", "javascript:alert(1)", "/kod/" + "A" * 400],
)
def test_a_way_back_to_another_site_is_ignored(back):
    anna = coordinator_client()
    entry = Entry.objects.get(code__code="AU118", code_list__slug="psykiatri")
    url = f"/admin/catalog/entry/{entry.pk}/change/?tillbaka={back}"
    assert "Du kom hit från sidan" not in anna.get(url).content.decode()
    saved = save(anna, url, anvisning=entry.anvisning + ADDED)
    assert saved.status_code == 302 and saved["Location"] == "/admin/catalog/entry/"


def test_on_a_list_that_requires_review_saving_from_redigera_still_makes_a_draft():
    CodeList.objects.filter(slug="psykiatri").update(requires_review=True)
    anna = coordinator_client()
    entry = Entry.objects.get(code__code="AU118", code_list__slug="psykiatri")
    link = redigera_links(anna.get("/kod/AU118/").content.decode())[0]
    saved = save(anna, link, anvisning=entry.anvisning + ADDED)
    draft = Draft.objects.get()
    assert saved["Location"] == f"/admin/catalog/draft/{draft.pk}/change/"
    assert "En mening som samordnaren lade till." not in Client().get("/kod/AU118/").content.decode()


def test_a_user_who_may_not_change_entries_sees_no_redigera():
    reader = User.objects.create_user("lasare", password="x", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_entry"))
    client = Client()
    client.force_login(reader)
    assert redigera_links(client.get("/kod/AU118/").content.decode()) == []
    assert redigera_links(client.get("/lista/psykiatri/").content.decode()) == []
