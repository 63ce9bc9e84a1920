"""The admin's start page by task: "Ändra en kods texter" (a code → its entries in every list), the
wizard, practice, review, suggestions, what clinicians look for, and every table folded at the end;
each task only for those who may do it. And a code's Koder page lists and links its entries."""

import re
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.test import Client

from catalog.editorial.accounts import trainer_group
from catalog.models import Code, Entry, SearchMiss
from tests.support.admin_forms import change_form_data
from tests.support.rendered_forms import rendered_form, submit

pytestmark = pytest.mark.django_db

TASKS = [
    "Ändra en kods texter",
    "Besöksguiden",
    "Övningar",
    "Granska",
    "Förslag",
    "Vad letar klinikerna efter?",
    "Alla tabeller",
]
ENTRY_FORM = re.compile(r"/admin/catalog/entry/(\d+)/change/")


def headings(html: str) -> list[str]:
    main = html.split('id="content-main"', 1)[1].split('id="content-related"', 1)[0]
    return [unescape(h) for h in re.findall(r"<h2[^>]*>([^<]+)</h2>", main)]


def entry_links(html: str) -> list[int]:
    return [int(pk) for pk in ENTRY_FORM.findall(html.split('id="content-main"', 1)[1])]


def find(client: Client, query: str):
    """Type into the start page's search box and press Sök, as a coordinator does (no JavaScript)."""
    return submit(client, "/admin/", {"q": query})


def test_a_coordinator_sees_the_tasks_in_order_with_the_tables_folded_last(client, logged_in_coordinator):
    html = client.get("/admin/").content.decode()
    assert headings(html) == TASKS
    tables = html.split('<details class="module" id="alla-tabeller">', 1)[1].split("</details>", 1)[0]
    assert 'href="/admin/catalog/entry/"' in tables and 'href="/admin/catalog/wizardnote/"' in tables
    for link in [
        "/admin/catalog/wizardstep/",
        "/admin/catalog/wizardoption/",
        "/admin/catalog/wizardcode/",
        "/admin/catalog/practicecase/",
        "/admin/catalog/practiceset/",
        "/admin/catalog/searchmiss/",
        "/admin/catalog/searchmiss/vad-letar-klinikerna-efter/",
    ]:
        assert f'href="{link}"' in html.split('id="alla-tabeller"', 1)[0], link


def test_a_trainer_sees_only_practice_and_their_own_drafts():
    trainer = User.objects.create_user("erik", password="x", is_staff=True)
    trainer.groups.add(trainer_group())
    client = Client()
    client.force_login(trainer)
    html = client.get("/admin/").content.decode()
    assert headings(html) == ["Övningar", "Granska", "Alla tabeller"]
    assert "Dina utkast" in html and "/admin/catalog/code/sok/" not in html
    assert client.get("/admin/catalog/code/sok/", {"q": "AU118"}).status_code == 403


def test_the_search_form_works_without_javascript_and_is_labelled(client, logged_in_coordinator):
    form = rendered_form(client.get("/admin/").content)
    assert (form["method"], form["action"], list(form["fields"])) == ("get", "/admin/catalog/code/sok/", ["q"])
    html = client.get("/admin/").content.decode()
    assert '<label for="kod-sok-q">' in html and 'id="kod-sok-q"' in html


@pytest.mark.parametrize("typed", ["au118", "AU118 ", " au 118"])
def test_a_code_in_one_list_opens_its_entrys_form_at_once(client, logged_in_coordinator, typed):
    entry = Entry.objects.get(code__code="AU118")
    response = find(client, typed)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/catalog/entry/{entry.pk}/change/"
    form = change_form_data(client.get(response["Location"]))
    assert form["anvisning"] == entry.anvisning


def test_a_code_in_two_lists_shows_each_entry_by_list_section_and_title(client, logged_in_coordinator):
    response = find(client, "du011")
    assert response.status_code == 200
    html = response.content.decode()
    entries = Entry.objects.filter(code__code="DU011").select_related("code_list", "section")
    assert len(entries) == 2
    assert sorted(entry_links(html)) == sorted(e.pk for e in entries)
    for entry in entries:
        assert entry.code_list.title in html and entry.section.title in html and entry.title in html
        # Each link lands on that entry's form.
        form = change_form_data(client.get(f"/admin/catalog/entry/{entry.pk}/change/"))
        assert form["code_list"] == str(entry.code_list_id) and form["anvisning"] == (entry.anvisning or "")


def test_words_find_codes_through_the_sites_search(client, logged_in_coordinator):
    html = find(client, "suicidriskbedömning").content.decode()
    assert Entry.objects.get(code__code="AU118").pk in entry_links(html)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Skriv en kod"),
        ("   ", "Skriv en kod"),
        ("ZZ999", "Ingen kod i listorna passar ”ZZ999”"),
        ("AU041", "AU041 står inte i någon lista"),
        ("xqzvwk", "Ingen kod i listorna passar"),
    ],
)
def test_an_empty_or_unknown_query_says_so_in_swedish(client, logged_in_coordinator, typed, says):
    response = find(client, typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert says in unescape(html)
    assert entry_links(html) == []
    assert not SearchMiss.objects.exists()  # a coordinator's search is not a clinician's miss


@pytest.mark.parametrize(
    "query_string",
    [
        "q=%00AU118",
        "q=%ED%A0%80",
        "q=%FF%FE",
        "q=" + "A" * 5000,
        "q=AU118&q=DU011",
        "q[]=AU118",
        "q=%3Cscript%3Ealert(1)%3C/script%3E",
        "q=%25%26%3D",
        "q=AU11%0A8",
    ],
)
def test_hostile_queries_never_give_a_server_error(client, logged_in_coordinator, query_string):
    response = client.get("/admin/catalog/code/sok/", QUERY_STRING=query_string)
    assert response.status_code in (200, 302)
    assert b"<script>alert" not in response.content


def test_the_search_is_for_signed_in_staff_and_read_only(client, logged_in_coordinator):
    assert client.post("/admin/catalog/code/sok/", {"q": "AU118"}).status_code == 405
    anonymous = Client().get("/admin/catalog/code/sok/", {"q": "AU118"})
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]


def test_the_koder_page_lists_and_links_the_codes_entries(client, logged_in_coordinator):
    code = Code.objects.get(code="DU011")
    html = client.get(f"/admin/catalog/code/{code.pk}/change/").content.decode()
    entries = list(code.entries.select_related("code_list", "section"))
    assert "Står i listorna" in html
    assert sorted(entry_links(html)) == sorted(e.pk for e in entries)
    for entry in entries:
        assert f"{entry.code_list.title} › {entry.section.title} › {entry.title}" in unescape(html)
    # The list is shown, not posted: the Koder page still saves as before.
    url = f"/admin/catalog/code/{code.pk}/change/"
    assert client.post(url, change_form_data(client.get(url))).status_code == 302


def test_the_koder_page_of_a_code_outside_the_lists_says_so(client, logged_in_coordinator):
    code = Code.objects.get(code="AU041")
    html = client.get(f"/admin/catalog/code/{code.pk}/change/").content.decode()
    assert "Koden står inte i någon lista." in html
    new = client.get("/admin/catalog/code/add/")
    assert new.status_code == 200 and "Koden står inte i någon lista." in new.content.decode()
