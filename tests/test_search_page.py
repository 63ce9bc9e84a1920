import pytest

from catalog.models import SearchMiss
from tests.test_search import HOSTILE

pytestmark = pytest.mark.django_db


def test_search_page_shows_hits_with_code_title_lists_and_marked_snippet(client):
    response = client.get("/sok/", {"q": "ögonrörelser"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv"' in html
    assert 'href="/kod/DU014/"' in html
    assert "<mark>ögonrörelser</mark>" in html
    assert "Baslista psykiatri" in html


def test_htmx_request_gets_only_the_results_fragment(client):
    response = client.get("/sok/", {"q": "KBT"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert 'href="/kod/DU011/"' in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_full_page(client):
    response = client.get("/sok/", {"q": "KBT"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.content.decode()


def test_empty_search_gives_a_friendly_hint(client):
    response = client.get("/sok/")
    assert response.status_code == 200
    assert "Skriv minst två tecken" in response.content.decode()


def test_search_without_hits_is_counted_for_coordinators_but_not_live_previews(client):
    client.get("/sok/", {"q": "Zyxwvu"})
    client.get("/sok/", {"q": "zyxwvu "})
    client.get("/sok/", {"q": "zyxwvu"}, headers={"HX-Request": "true"})
    assert SearchMiss.objects.get(query="zyxwvu").count == 2
    client.get("/sok/", {"q": "suicid"})
    assert not SearchMiss.objects.filter(query="suicid").exists()


def test_misses_are_listed_in_the_admin(admin_client, client):
    client.get("/sok/", {"q": "qwertyuiop"})
    html = admin_client.get("/admin/catalog/searchmiss/").content.decode()
    assert "qwertyuiop" in html


def test_list_page_search_box_ranks_that_list_first(client):
    html = client.get("/lista/psykologer-skrs/").content.decode()
    assert 'name="lista" value="psykologer-skrs"' in html


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_never_give_a_server_error(client, query):
    assert client.get("/sok/", {"q": query}).status_code == 200
    assert client.get("/sok/", {"q": query}, headers={"HX-Request": "true"}).status_code == 200
    assert client.get("/api/codes/", {"q": query}).status_code in (200, 400)


def test_post_is_not_allowed(client):
    assert client.post("/sok/", {"q": "x"}).status_code == 405


def test_warm_search_costs_one_query(client, django_assert_num_queries):
    client.get("/sok/", {"q": "KBT"})
    with django_assert_num_queries(1):
        client.get("/sok/", {"q": "suicid"})


def test_api_search_gives_ranked_results_in_the_documented_shape(client):
    response = client.get("/api/codes/", {"q": "suicidrisk"})
    assert response.status_code == 200
    data = response.json()
    assert data["query"] == "suicidrisk"
    first = data["results"][0]
    assert set(first) == {"code", "title", "lists", "url", "snippet"}
    assert first["code"] == "AU118" and first["url"].endswith("/kod/AU118/")


def test_api_search_gives_at_most_twenty(client):
    assert len(client.get("/api/codes/", {"q": "behandling"}).json()["results"]) == 20


def test_api_search_without_query_is_a_clear_400(client):
    response = client.get("/api/codes/")
    assert response.status_code == 400
    assert "?q=" in response.json()["error"]
