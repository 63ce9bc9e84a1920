import pytest

pytestmark = pytest.mark.django_db


def test_home_lists_the_lists_rule_pages_and_decisions(client):
    html = client.get("/").content.decode()
    assert 'href="/lista/psykiatri/"' in html
    assert 'href="/regler/vardval-rehab-distans/"' in html
    assert 'href="/regler/stod-och-behandling/"' in html
    assert 'href="/beslut/RS-2024-00668/"' in html
    assert 'action="/sok/"' in html


def test_vardval_page_shows_table_footnotes_criteria_and_source(client):
    response = client.get("/regler/vardval-rehab-distans/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Videodistansmöte, team" in html
    assert "1,2**" in html
    assert "För tilläggsuppdrag neurovårdteam tillkommer 1,0 kontaktpoäng vid videodistansmöte." in html
    assert "Förlängning av sjukskrivning" in html
    assert "Källa:" in html and "2023-06-01" in html


def test_sob_page_shows_contact_types_and_its_codes(client):
    html = client.get("/regler/stod-och-behandling/").content.decode()
    for text in ("Administration", "Dokumentation", "Sekretess", "Kontakttyp 12"):
        assert text in html
    for code in ("ZV051", "ZV044", "XV019", "XV020"):
        assert f'href="/kod/{code}/"' in html


def test_decision_page_shows_date_background_and_decision(client):
    response = client.get("/beslut/RS-2024-00668/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2024-02-07" in html and "Bakgrund" in html and "Regionala KVÅ-koder beslutas enligt förslag" in html
    assert 'href="/kod/UX293/"' in html


def test_decision_address_accepts_the_identifier_as_written(client):
    assert client.get("/beslut/RS 2024-00668/").status_code == 200
    assert client.get("/beslut/rs-2024-00668/").status_code == 200


def test_unknown_rule_page_and_decision_give_404(client):
    assert client.get("/regler/finns-inte/").status_code == 404
    assert client.get("/beslut/RS-1999-00001/").status_code == 404


@pytest.mark.parametrize("url", ["/", "/regler/vardval-rehab-distans/", "/beslut/RS-2024-00668/"])
def test_post_is_not_allowed(client, url):
    assert client.post(url).status_code == 405


# A rule or decision page links the codes that have a page: it reads which those are from the
# catalogue the list and code pages share (catalog.snapshot, five queries once per generation).
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # Each count includes the first look at what changed (catalog.freshness.changes, once per
        # content token) and, for pages that read the catalogue copy, its five queries (catalog.snapshot).
        ("/", 4 + 1),
        ("/regler/vardval-rehab-distans/", 6 + 5 + 1),
        ("/regler/stod-och-behandling/", 8 + 5 + 1),
        ("/beslut/RS-2024-00668/", 9 + 5 + 1),
    ],
)
def test_query_count_is_constant(client, django_assert_num_queries, url, queries):
    with django_assert_num_queries(queries):
        client.get(url)


@pytest.mark.parametrize("url", ["/", "/lista/psykiatri/", "/kod/AU118/", "/besok/", "/sok/?q=kbt", "/healthz"])
def test_head_requests_are_answered_like_get(client, url):
    assert client.head(url).status_code == 200


def test_home_puts_psychiatry_and_psychologists_first_and_subtitles_do_not_repeat_titles(client):
    import re

    html = client.get("/").content.decode()
    cards = re.findall(r'<li><a href="/lista/([^/]+)/">([^<]+)</a>\s*<span class="kort__kalla">([^<]*)</span>', html)
    assert [slug for slug, _, _ in cards[:2]] == ["psykiatri", "psykologer-skrs"]
    for _, title, subtitle in cards:
        assert title not in subtitle and "koder" in subtitle


def test_every_page_names_a_favicon_that_exists(client):
    from django.contrib.staticfiles import finders

    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg"' in html
    assert finders.find("favicon.svg")
