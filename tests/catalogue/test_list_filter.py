"""The list filter (/lista/<slug>/?filtrera=, and /api/lists/<slug>/filter/ as you type) reads words as
search does: folding, stems, compounds, typos, synonyms and concepts; rows keep the list's order."""

import re

import pytest

from catalog.models import Concept
from catalog.search import engine as search_engine
from tests.support.browser import needs_chromium

pytestmark = pytest.mark.django_db

ROW_RE = re.compile(r'<th scope="row"><a class="kod" href="/kod/([A-Z]{2}\d{3})/">')


def _rows(client, slug: str, narrow: str | None = None) -> list[str]:
    params = {"filtrera": narrow} if narrow is not None else {}
    response = client.get(f"/lista/{slug}/", params)
    assert response.status_code == 200
    return ROW_RE.findall(response.content.decode())


@pytest.mark.parametrize(
    ("narrow", "expected"),
    [
        ("sjalvmord", {"AU118"}),  # typed without å/ä/ö, an everyday word for suicid
        ("självmordstankar", {"AU118"}),  # a concept's word
        ("ringde", {"XS011", "XS012"}),  # a concept: ringde → telefon
        ("telfon", {"XS011", "XS012"}),  # a typo
        ("ringde mamman", {"XS011"}),  # every part of it
        ("kbt", {"DU011"}),  # a synonym
        ("au118", {"AU118"}),  # a code
    ],
)
def test_the_filter_finds_what_search_finds_where_a_substring_found_nothing(client, narrow, expected):
    rows = _rows(client, "psykiatri", narrow)
    assert expected <= set(rows)
    assert len(set(rows)) < len(set(_rows(client, "psykiatri")))


def test_the_kept_rows_stand_in_the_lists_own_order(client):
    every = _rows(client, "psykiatri")
    kept = _rows(client, "psykiatri", "samtal")
    assert len(kept) >= 3
    assert kept == [code for code in every if code in set(kept)]


def test_a_filter_that_finds_nothing_shows_no_rows_and_says_so(client):
    html = client.get("/lista/psykiatri/", {"filtrera": "zebrakod"}).content.decode()
    assert ROW_RE.findall(html) == []
    assert re.search(r"0 av \d+ koder visas", html)


def test_the_page_and_the_live_filter_keep_the_same_rows(client):
    for narrow in ("sjalvmord", "ringde", "samtal", "medverkan närstående", "zebrakod", "au11"):
        data = client.get("/api/lists/psykiatri/filter/", {"filtrera": narrow}).json()
        page = _rows(client, "psykiatri", narrow)
        assert data["codes"] == list(dict.fromkeys(page)), narrow
        assert data["shown"] == len(page) and data["total"] == len(_rows(client, "psykiatri"))


def test_the_live_filter_gives_every_code_for_no_words_and_404_for_an_unknown_list(client):
    every = client.get("/api/lists/psykologer-skrs/filter/").json()
    assert every["codes"] == list(dict.fromkeys(_rows(client, "psykologer-skrs")))
    missing = client.get("/api/lists/finns-inte/filter/", {"filtrera": "samtal"})
    assert missing.status_code == 404 and "finns inte" in missing.json()["error"]
    assert client.post("/api/lists/psykiatri/filter/").status_code == 405


def test_a_concept_a_coordinator_adds_reaches_the_filter(client):
    assert _rows(client, "psykiatri", "zebrakod") == []
    Concept.objects.create(name="zebra", words="zebrakod", means="telefon")
    assert set(_rows(client, "psykiatri", "zebrakod")) == {"XS011", "XS012"}


def test_the_filter_is_searchs_own_reading_of_the_words():
    listed = search_engine.current_index().list_codes["psykiatri"]
    assert search_engine.narrowed("", listed) == listed
    assert search_engine.narrowed("ringde", listed) == {"XS011", "XS012"}
    # Among the list's codes, those search puts first: "video" is ZV051 before any code that only
    # holds "videofilmas".
    assert search_engine.narrowed("video", listed) == {"ZV051"}


# --- in a browser: as you type ---------------------------------------------------------------------


def _visible_codes(page) -> list[str]:
    # text_content, not inner_text: sections off screen are not rendered (content-visibility) and have no innerText.
    return [text.split()[0] for text in page.locator("tr[data-rad]:not([hidden]) th a.kod").all_text_contents()]


@needs_chromium
def test_typing_keeps_the_rows_search_finds_in_the_lists_order_and_puts_the_filter_in_the_address(site, page):
    page.goto(site + "/lista/psykiatri/")
    every = _visible_codes(page)
    page.locator("#filtrera").fill("ringde")
    page.wait_for_function("() => document.querySelector('.filter__antal').textContent.startsWith('2 av')")
    assert _visible_codes(page) == [code for code in every if code in ("XS011", "XS012")]
    assert "filtrera=ringde" in page.url
    assert page.locator(".avsnitt:not([hidden])").count() == 1  # the sections without a kept row fold away
    page.locator("#filtrera").fill("sjalvmord")
    page.wait_for_function("() => document.querySelector('.filter__antal').textContent.startsWith('1 av')")
    assert _visible_codes(page) == ["AU118"]
    page.locator("#filtrera").fill("")
    page.wait_for_function("() => document.querySelector('.filter__antal').textContent === ''")
    assert _visible_codes(page) == every and "filtrera" not in page.url


@needs_chromium
def test_a_list_loaded_narrowed_fetches_the_rows_a_new_filter_needs(site, page):
    page.goto(site + "/lista/psykiatri/?filtrera=suicid")
    assert _visible_codes(page) == ["AU118"]
    page.locator("#filtrera").fill("ringde")
    # The rows the server left out are not on the page: the filter is sent as the form would be.
    page.wait_for_function("() => [...document.querySelectorAll('a.kod')].some(a => a.textContent === 'XS011')")
    assert set(_visible_codes(page)) == {"XS011", "XS012"} and "filtrera=ringde" in page.url
