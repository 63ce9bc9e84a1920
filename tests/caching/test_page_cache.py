"""The page cache: bounded in pages and bytes, and blind to query parameters that change nothing."""

import pytest

from catalog.caching import pagecache

pytestmark = pytest.mark.django_db


def test_tracking_and_unknown_parameters_are_served_the_cached_page_and_add_no_entry(client):
    plain = client.get("/lista/psykiatri/").content
    assert pagecache.stats()["pages"] == 1
    for n in range(200):
        response = client.get(f"/lista/psykiatri/?utm_source=x{n}&fbclid={n}&hittepa={n}")
        assert response.status_code == 200
        assert response.content == plain
    assert pagecache.stats()["pages"] == 1


def test_parameters_the_wizard_reads_still_give_their_own_page(client):
    html = client.get("/besok/").content
    json = client.get("/besok/?format=json")
    assert json["Content-Type"].startswith("application/json")
    assert json.content != html
    assert client.get("/besok/?utm_campaign=vinter").content == html


def test_the_cache_keeps_at_most_its_page_bound_and_drops_the_least_recently_used(client, settings):
    settings.PAGE_CACHE_MAX_PAGES = 3
    for code in ("AU118", "AU119", "AU120"):
        assert client.get(f"/kod/{code}/").status_code == 200
    client.get("/kod/AU118/")  # used again: now the most recent
    client.get("/lista/psykiatri/")
    assert pagecache.stats()["pages"] == 3
    kept = {key[2] for key in pagecache._pages}
    assert kept == {"/kod/AU118/", "/kod/AU120/", "/lista/psykiatri/"}


def test_the_cache_never_holds_more_bytes_than_its_bound(client, settings):
    settings.PAGE_CACHE_MAX_BYTES = 200_000
    list_page = len(client.get("/lista/psykiatri/").content)
    for code in ("AU118", "AU119", "AU120", "DU011", "DU020"):
        client.get(f"/kod/{code}/")
    client.get("/lista/psykologer-skrs/")
    stats = pagecache.stats()
    assert 0 < stats["bytes"] <= 200_000
    assert list_page < 200_000


def test_ten_thousand_distinct_hostile_addresses_stay_within_the_byte_bound(settings):
    settings.PAGE_CACHE_MAX_BYTES = 4 * 1024 * 1024
    body = b"x" * 48_000
    for n in range(10_000):
        key = ("catalog.views", "code_list", "g", f"/lista/psykiatri/{n}", "", "", False)
        pagecache._put(key, pagecache.Page(key, 200, {"Content-Type": "text/html"}, body, {"br": body[:9000]}))
    stats = pagecache.stats()
    assert stats["bytes"] <= 4 * 1024 * 1024
    assert stats["pages"] == stats["bytes"] // pagecache._pages[key].size
    # The accounting matches what the kept pages really hold.
    assert stats["bytes"] == sum(page.size for page in pagecache._pages.values())
    assert all(page.size > len(page.content) + len(page.encoded["br"]) for page in pagecache._pages.values())


def test_a_content_change_drops_the_pages_of_the_old_generation(client):
    from catalog.models import SearchIndexState

    client.get("/kod/AU118/")
    client.get("/lista/psykiatri/")
    assert pagecache.stats()["pages"] == 2
    SearchIndexState.bump()
    client.get("/kod/AU118/")
    assert pagecache.stats()["pages"] == 1


def test_a_repeated_search_is_answered_from_the_cache_until_the_content_changes(client, django_assert_max_num_queries):
    from catalog.models import Code

    first = client.get("/api/codes/?q=AU118").json()
    with django_assert_max_num_queries(1):  # only the content-generation check
        again = client.get("/api/codes/?q=AU118&utm_source=x").json()
    assert again == first
    code = Code.objects.get(code="AU118")
    code.title = "Ny titel efter redigering"
    code.save()
    after = client.get("/api/codes/?q=AU118").json()
    assert after["results"][0]["code"] == "AU118"
    assert after["results"][0]["title"] == "Ny titel efter redigering" != first["results"][0]["title"]


def test_every_search_without_hits_is_still_counted(client):
    from catalog.models import SearchMiss

    for _ in range(3):
        assert client.get("/api/codes/?q=qqxyzzyq").json()["results"] == []
    assert SearchMiss.objects.get(query="qqxyzzyq").count == 3
    assert pagecache.stats()["pages"] == 0


def test_every_parameter_and_cookie_a_page_reads_gets_its_own_cached_answer(client):
    """A cached page must never be served for an address or a remembered choice that changes it."""
    full = client.get("/lista/psykiatri/").content.decode()
    narrowed = client.get("/lista/psykiatri/?filtrera=suicidrisk").content.decode()
    assert narrowed != full and "av" in narrowed and "koder visas" in narrowed
    plain = client.get("/besok/").content.decode()
    projector = client.get("/besok/?projektor=1").content.decode()
    assert 'class="projektor"' in projector and 'class="projektor"' not in plain
    client.cookies["kva_inom"] = "psykiatri"
    first = client.get("/api/codes/?q=samtal").json()
    client.cookies["kva_inom"] = "bhv"
    second = client.get("/api/codes/?q=samtal").json()
    assert (first.get("inom"), second.get("inom")) == ("psykiatri", "bhv")
    fhir_all = client.get("/fhir/ValueSet/psykiatri/$expand?count=5").json()
    fhir_filtered = client.get("/fhir/ValueSet/psykiatri/$expand?count=5&filter=suicidrisk").json()
    assert fhir_all["expansion"]["contains"] != fhir_filtered["expansion"]["contains"]
