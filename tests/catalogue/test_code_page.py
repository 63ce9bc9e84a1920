import pytest
from django.utils.html import escape

from catalog.caching import pagecache
from catalog.models import Entry

pytestmark = pytest.mark.django_db


def test_code_page_shows_every_list_the_code_stands_in(client):
    response = client.get("/kod/DU011/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv"' in html
    assert "Baslista psykiatri" in html and "Åtgärdskoder SKRS Psykologer" in html
    assert "Endast vid KBT" in html
    # The section's own instruction stands with the entry.
    assert "Cool Kids" in html


def test_code_page_shows_beskrivning_and_anvisning_word_for_word(client):
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code="AU118")
    html = client.get("/kod/AU118/").content.decode()
    first_paragraph = entry.anvisning.split("\n")[0]
    assert escape(first_paragraph) in html
    assert escape(entry.beskrivning.split("\n")[0]) in html


def test_code_in_lower_case_redirects_to_the_canonical_address(client):
    response = client.get("/kod/au118/")
    assert response.status_code == 301
    assert response["Location"] == "/kod/AU118/"


def test_mentioned_code_in_catalogue_links_and_outside_code_is_marked(client):
    html = client.get("/kod/DA024/").content.decode()
    assert 'class="kod-utanfor"' in html and "ZV229" in html
    assert 'href="/kod/ZV229/"' not in html
    html = client.get("/kod/XS007/").content.decode()
    assert '<a class="kod" href="/kod/AU120/">AU120</a>' in html


def test_mentioned_in_lists_codes_whose_texts_name_this_one(client):
    html = client.get("/kod/AW010/").content.decode()
    assert "Nämns i" in html
    assert 'href="/kod/AU125/"' in html


def test_source_oddity_is_shown(client):
    html = client.get("/kod/AU120/").content.decode()
    assert "Om källan:" in html


def test_copy_button_carries_the_code(client):
    html = client.get("/kod/AU118/").content.decode()
    assert 'data-kopiera="AU118"' in html


def test_unknown_code_gives_404_in_swedish_with_search_link(client):
    response = client.get("/kod/QQ999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "QQ999 finns inte i guidens listor" in html
    assert 'href="/sok/?q=QQ999"' in html


def test_code_outside_the_lists_gives_404_saying_where_it_is_mentioned(client):
    response = client.get("/kod/ZV229/")
    assert response.status_code == 404
    assert 'href="/kod/DA024/"' in response.content.decode()


@pytest.mark.parametrize("junk", ["%00", "x" * 300, "<script>", "AU118'--", "😀"])
def test_junk_code_never_gives_a_server_error(client, junk):
    response = client.get(f"/kod/{junk}/")
    assert response.status_code == 404
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_post_is_not_allowed(client):
    assert client.post("/kod/AU118/").status_code == 405


# The content-generation check, and for the first page of a generation what the newest changes
# touched (catalog.freshness.changes) and the catalogue's five queries (catalog.snapshot); a cold
# render later in the generation runs only the check.
@pytest.mark.parametrize("code", ["DU011", "ZV509", "AU118"])
def test_query_count_is_bounded_whatever_the_code(client, django_assert_num_queries, code):
    with django_assert_num_queries(1 + 1 + 5):
        assert client.get(f"/kod/{code}/").status_code == 200
    pagecache.clear()
    with django_assert_num_queries(1):
        assert client.get(f"/kod/{code}/").status_code == 200


def test_list_title_shows_only_where_it_differs_from_the_codes_title(client):
    from catalog.models import Entry

    same = Entry.objects.select_related("code").filter(code__code="AU118").first()
    assert same.title == same.code.title
    assert "Titel i listan" not in client.get("/kod/AU118/").content.decode()
    differing = next(e for e in Entry.objects.select_related("code") if e.title != e.code.title)
    html = client.get(f"/kod/{differing.code.code}/").content.decode()
    assert "Titel i listan" in html


def test_grey_code_legend_only_where_a_grey_code_shows(client):
    html = client.get("/kod/DA006/").content.decode()
    assert "kod-utanfor" in html and "Grå koder" in html
    html = client.get("/kod/AU118/").content.decode()
    assert "kod-utanfor" not in html and "Grå koder" not in html
