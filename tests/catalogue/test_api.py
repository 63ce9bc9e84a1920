import pytest

from catalog.models import Entry

pytestmark = pytest.mark.django_db


def test_code_api_gives_entries_and_referenced_codes(client):
    response = client.get("/api/codes/DA024/")
    assert response.status_code == 200
    data = response.json()
    assert data["code"] == "DA024"
    assert data["url"].endswith("/kod/DA024/")
    assert set(data) >= {"code", "title", "url", "entries", "referenced_codes"}
    entry = data["entries"][0]
    assert set(entry) >= {"list", "section", "title", "beskrivning", "anvisning", "marker"}
    assert "ZV229" in data["referenced_codes"]
    assert "ZV229" in data["referenced_codes_outside_lists"]


def test_code_api_text_equals_the_stored_text_and_null_where_source_has_none(client):
    data = client.get("/api/codes/UW005/").json()
    assert data["entries"][0]["beskrivning"] is None and data["entries"][0]["anvisning"] is None
    stored = Entry.objects.get(code_list__slug="psykiatri", code__code="AU118")
    data = client.get("/api/codes/au118/").json()
    assert data["entries"][0]["anvisning"] == stored.anvisning


def test_code_api_lists_every_entry_of_a_code_in_two_lists(client):
    data = client.get("/api/codes/DU011/").json()
    assert {e["list"] for e in data["entries"]} == {"psykiatri", "psykologer-skrs"}


def test_unknown_code_gives_404_with_error(client):
    response = client.get("/api/codes/QQ999/")
    assert response.status_code == 404
    assert "QQ999" in response.json()["error"]


def test_lists_api_gives_every_list_with_sections_and_entries(client):
    data = client.get("/api/lists/").json()
    slugs = {item["slug"] for item in data["lists"]}
    assert {"psykiatri", "psykologer-skrs", "bhv-hembesok"} <= slugs
    psykiatri = next(item for item in data["lists"] if item["slug"] == "psykiatri")
    assert len(psykiatri["sections"]) == 13
    assert sum(len(s["entries"]) for s in psykiatri["sections"]) == 98


def test_one_list_api_and_unknown_list(client):
    data = client.get("/api/lists/psykologer-skrs/").json()
    assert data["source"]["seed_file"] == "001_56fbb50766d893c3.txt"
    response = client.get("/api/lists/finns-inte/")
    assert response.status_code == 404 and "error" in response.json()


def test_unknown_api_address_gives_json_404(client):
    response = client.get("/api/finns-inte/")
    assert response.status_code == 404
    assert "error" in response.json()


def test_api_refuses_writes_with_json_405(client):
    response = client.post("/api/codes/AU118/")
    assert response.status_code == 405
    assert "error" in response.json()


def test_query_counts_are_constant(client, django_assert_num_queries):
    with django_assert_num_queries(3):
        client.get("/api/codes/DA024/")
    with django_assert_num_queries(3):
        client.get("/api/lists/")
