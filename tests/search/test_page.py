import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.models import SearchMiss
from tests.support.queries import HOSTILE

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


def _hit_codes(html: str) -> list[str]:
    import re

    return re.findall(r'class="traff__lank" href="/kod/([A-Z]{2}\d{3})/"', html)


def _inom_form(html: str) -> tuple[str, list[str]]:
    """The 'Jag arbetar inom' form as the page renders it: its action and the values it offers."""
    import re

    form = re.search(r'<form class="inom" action="([^"]+)" method="get">(.*?)</form>', html, re.S)
    return form.group(1), re.findall(r'<option value="([a-z]*)"', form.group(2))


def test_context_chosen_on_the_page_is_kept_in_the_kva_inom_cookie_and_ranks_first(client):
    html = client.get("/sok/", {"q": "uppföljning"}).content.decode()
    action, values = _inom_form(html)
    assert values == ["", "psykiatri", "psykolog", "rehab", "sob", "bhv"]
    assert _hit_codes(html)[0] not in {"XV007", "AW024"}
    response = client.get(action, {"q": "uppföljning", "inom": "psykolog"})
    assert response.cookies["kva_inom"].value == "psykolog"
    assert _hit_codes(response.content.decode())[0] in {"XV007", "AW024"}
    # Later searches, live ones too, rank the context first without being told again.
    again = client.get("/sok/", {"q": "uppföljning"}).content.decode()
    live = client.get("/sok/", {"q": "uppföljning"}, headers={"HX-Request": "true"}).content.decode()
    assert _hit_codes(again) == _hit_codes(live)
    assert _hit_codes(live)[0] in {"XV007", "AW024"}
    assert "Cookie" in client.get("/sok/", {"q": "uppföljning"})["Vary"]


def test_choosing_no_context_clears_the_cookie(client):
    client.get("/sok/", {"q": "uppföljning", "inom": "psykolog"})
    response = client.get("/sok/", {"q": "uppföljning", "inom": ""})
    assert response.cookies["kva_inom"].value == ""
    assert _hit_codes(response.content.decode())[0] not in {"XV007", "AW024"}


def test_live_results_and_the_search_page_give_the_same_order(client):
    for query in ("samtal anhörig", "ringde patientens mamma", "behandling", "du01"):
        page = _hit_codes(client.get("/sok/", {"q": query}).content.decode())
        live = _hit_codes(client.get("/sok/", {"q": query}, headers={"HX-Request": "true"}).content.decode())
        assert page and page == live


def test_each_hit_has_a_copy_button_for_its_code(client):
    html = client.get("/sok/", {"q": "krisplan"}).content.decode()
    for code in _hit_codes(html):
        assert f'data-kopiera="{code}"' in html


def test_home_page_big_box_gives_live_results_like_the_header_box(client):
    import re

    html = client.get("/").content.decode()
    box = re.search(r'<input id="start-q"[^>]*>', html, re.S).group(0)
    assert 'hx-get="/sok/"' in box and 'hx-target="#start-live"' in box
    assert 'id="start-live"' in html
    fragment = client.get("/sok/", {"q": "krisplan"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'href="/kod/AU123/"' in fragment


def test_a_hit_is_a_plain_link_that_htmx_may_open_beside_the_results(client):
    html = client.get("/sok/", {"q": "KBT"}).content.decode()
    assert (
        'href="/kod/DU011/" hx-get="/sok/?q=KBT&amp;kod=DU011" hx-target="#vald-kod-plats" hx-push-url="true"' in html
    )
    assert 'id="vald-kod-plats"' in html and 'id="vald-kod"' not in html


def test_the_chosen_code_stands_beside_the_results_at_its_own_address(client):
    response = client.get("/sok/", {"q": "KBT", "kod": "DU011"})
    html = response.content.decode()
    assert response.status_code == 200
    from catalog.models import Entry

    beskrivning = Entry.objects.filter(code__code="DU011").exclude(beskrivning="").first().beskrivning
    panel = html[html.index('id="vald-kod"') :]
    assert beskrivning.split(".")[0][:40] in panel
    assert 'href="/kod/DU011/"' in html
    assert _hit_codes(html)[0] == "DU011"


def test_htmx_choosing_a_hit_swaps_in_only_the_code(client):
    response = client.get(
        "/sok/", {"q": "KBT", "kod": "DU011"}, headers={"HX-Request": "true", "HX-Target": "vald-kod-plats"}
    )
    html = response.content.decode()
    assert "<html" not in html and 'class="traffar"' not in html
    assert 'id="vald-kod"' in html and 'data-kopiera="DU011"' in html


def test_an_unknown_chosen_code_shows_only_the_results(client):
    html = client.get("/sok/", {"q": "KBT", "kod": "ZZ999<script>"}).content.decode()
    assert 'id="vald-kod"' not in html and _hit_codes(html)


def test_a_miss_says_menade_du_shows_nearest_codes_and_is_counted(client):
    html = client.get("/sok/", {"q": "psykotrapeut"}).content.decode()
    assert "Menade du" in html and "?q=terapeuten" in html
    assert 'href="/kod/DU008/"' in html or 'href="/kod/DU011/"' in html
    assert SearchMiss.objects.get(query="psykotrapeut").count == 1


def test_a_search_matching_a_wizard_answer_links_to_that_step(client):
    html = client.get("/sok/", {"q": "hembesök"}).content.decode()
    assert "I besöksguiden" in html and 'href="/besok/' in html


def test_api_search_takes_the_context_and_refuses_an_unknown_one(client):
    ranked = client.get("/api/codes/", {"q": "uppföljning", "inom": "psykolog"}).json()
    assert ranked["inom"] == "psykolog" and ranked["results"][0]["code"] in {"XV007", "AW024"}
    bad = client.get("/api/codes/", {"q": "uppföljning", "inom": "tandvård"})
    assert bad.status_code == 400 and "psykiatri" in bad.json()["error"]
    client.cookies["kva_inom"] = "psykolog"
    assert client.get("/api/codes/", {"q": "uppföljning"}).json()["results"][0]["code"] in {"XV007", "AW024"}


def test_api_miss_gives_a_suggestion_and_nearest_codes(client):
    data = client.get("/api/codes/", {"q": "psykotrapeut"}).json()
    assert data["results"] == [] and data["suggestion"] == "terapeuten" and data["nearest"]


@given(text=st.text(max_size=300))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_query_gives_a_server_error(client, text):
    assert client.get("/sok/", {"q": text}).status_code == 200
    assert client.get("/sok/", {"q": text, "inom": text[:10]}, headers={"HX-Request": "true"}).status_code == 200
    assert client.get("/api/codes/", {"q": text}).status_code in (200, 400)
