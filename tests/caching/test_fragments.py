"""Cold renders: the catalogue copy (catalog.snapshot) and fragments kept by their values (catalog.fragments)."""

import dataclasses
import datetime
from unittest import mock

import pytest
from django.utils import timezone

from catalog.caching import fragments, pagecache
from catalog.catalogue import snapshot
from catalog.models import Code, Entry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_kept_fragments():
    fragments.clear()


def _renders_for(client, url: str) -> int:
    """How many fragments a render of ``url`` had to render rather than find (the page cache cleared)."""
    pagecache.clear()
    before = fragments.rendered
    assert client.get(url).status_code == 200
    return fragments.rendered - before


@pytest.mark.parametrize("url", ["/lista/psykiatri/", "/kod/AU118/", "/lista/psykiatri/?filtrera=suicid"])
def test_a_second_cold_render_reuses_every_fragment(client, url):
    assert _renders_for(client, url) > 0
    assert _renders_for(client, url) == 0


def test_an_edit_to_one_entry_renders_only_its_row_and_section_again(client):
    _renders_for(client, "/lista/psykiatri/")
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code="AU118")
    entry.beskrivning = "Ny beskrivning, sparad i admin."
    entry.save()
    assert _renders_for(client, "/lista/psykiatri/") == 2
    assert "Ny beskrivning, sparad i admin." in client.get("/lista/psykiatri/").content.decode()


def test_an_edit_elsewhere_renders_no_fragment_of_the_list_again(client):
    _renders_for(client, "/lista/psykiatri/")
    other = Entry.objects.get(code_list__slug="psykologer-skrs", code__code="DU011")
    other.title = "Ändrad titel i en annan lista"
    other.save()
    assert _renders_for(client, "/lista/psykiatri/") == 0
    assert "Ändrad titel i en annan lista" in client.get("/lista/psykologer-skrs/").content.decode()


def test_an_edited_entry_shows_its_new_text_on_its_code_page(client):
    assert client.get("/kod/AU118/").status_code == 200
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code="AU118")
    entry.anvisning = "Ny anvisning, sparad i admin."
    entry.save()
    assert "Ny anvisning, sparad i admin." in client.get("/kod/AU118/").content.decode()


def test_a_row_is_never_reused_for_other_values():
    catalogue = snapshot.build()
    entry = catalogue.entries["AU118"][0]
    labels = {"beskrivning_label": "Beskrivning", "anvisning_label": "Anvisning"}
    first = fragments.render("catalog/list.html#row", entry=entry, **labels)
    retired = dataclasses.replace(entry, is_retired=True)
    assert "Utgått" in fragments.render("catalog/list.html#row", entry=retired, **labels)
    retitled = dataclasses.replace(entry, code=dataclasses.replace(entry.code, code="AU999"))
    assert "AU999" in fragments.render("catalog/list.html#row", entry=retitled, **labels)
    assert fragments.render("catalog/list.html#row", entry=entry, **labels) == first


def test_a_code_retires_at_midnight_on_every_page_that_shows_it(client):
    today = timezone.localdate()
    Code.objects.filter(code="AU118").update(valid_to=today)
    Entry.objects.get(code_list__slug="psykiatri", code__code="AU118").save()  # a new generation, as any save gives
    assert "Utgått" not in client.get("/kod/AU118/").content.decode()
    row = client.get("/lista/psykiatri/").content.decode().split('href="/kod/AU118/"', 1)[1].split("</tr>", 1)[0]
    assert "Utgått" not in row
    tomorrow = today + datetime.timedelta(days=1)
    with mock.patch.object(timezone, "localdate", return_value=tomorrow):
        assert "Utgått" in client.get("/kod/AU118/").content.decode()
        row = client.get("/lista/psykiatri/").content.decode().split('href="/kod/AU118/"', 1)[1].split("</tr>", 1)[0]
        assert f"Utgått {today.isoformat()}" in row


def test_filters_a_visitor_types_keep_no_new_fragments(client):
    client.get("/lista/psykiatri/")
    kept = fragments.stats()["fragments"]
    for n in range(50):
        assert client.get(f"/lista/psykiatri/?filtrera=a{n}").status_code == 200
        client.get("/lista/psykiatri/", {"filtrera": f"samtal {n}"})
    assert fragments.stats()["fragments"] == kept


def test_kept_fragments_stay_within_their_bounds(client, settings):
    settings.FRAGMENT_CACHE_MAX = 10
    client.get("/lista/psykiatri/")
    assert fragments.stats()["fragments"] <= 10
    settings.FRAGMENT_CACHE_MAX = 4000
    settings.FRAGMENT_CACHE_MAX_BYTES = 20_000
    pagecache.clear()
    client.get("/lista/psykiatri/")
    assert 0 < fragments.stats()["bytes"] <= 20_000


def test_the_catalogue_is_read_once_per_generation(client, django_assert_num_queries):
    client.get("/kod/AU118/")
    with django_assert_num_queries(2):  # each page's generation check, nothing more
        client.get("/lista/psykiatri/")
        client.get("/kod/DU011/")
    first = snapshot.current()
    Entry.objects.get(code_list__slug="psykiatri", code__code="AU118").save()
    client.get("/kod/AU118/")
    assert snapshot.current() is not first
