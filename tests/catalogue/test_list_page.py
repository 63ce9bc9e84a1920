import re
from html import escape, unescape

import pytest

from catalog.caching import pagecache
from catalog.models import CodeList, SearchIndexState

pytestmark = pytest.mark.django_db


def test_list_page_shows_sections_in_order_with_every_entry(client):
    response = client.get("/lista/psykiatri/")
    assert response.status_code == 200
    html = response.content.decode()
    code_list = CodeList.objects.get(slug="psykiatri")
    positions = [html.index(f'id="{s.slug}-rubrik"') for s in code_list.sections.order_by("order")]
    assert positions == sorted(positions)
    for entry in code_list.entries.select_related("code"):
        assert f'href="/kod/{entry.code.code}/"' in html


def test_list_page_shows_marker_and_section_instructions(client):
    html = client.get("/lista/psykiatri/").content.decode()
    assert '<span class="markering">(i)</span>' in html
    assert "Anvisning för rapportering av ECT" in html
    assert "Multiplicitetskoder" in html


def test_list_page_has_a_print_style_for_one_section_per_page(client):
    html = client.get("/lista/psykiatri/").content.decode()
    assert 'class="avsnitt"' in html
    css = open("static/css/site.css", encoding="utf-8").read()
    print_rules = css.split("@media print", 1)[1]
    assert ".lista .avsnitt { break-after: page; }" in print_rules


def test_psychologists_list_uses_its_own_column_names(client):
    html = client.get("/lista/psykologer-skrs/").content.decode()
    assert "Definition Socialstyrelsen" in html


def test_unknown_list_gives_404_in_swedish(client):
    response = client.get("/lista/finns-inte/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def test_post_is_not_allowed(client):
    assert client.post("/lista/psykiatri/").status_code == 405


# One query asks whether the content changed and one what the newest changes touched (read once
# per content token, catalog.freshness.changes). The first page of a content generation also reads
# the catalogue (catalog.snapshot: lists, sources, entries with their codes, sections, mentions);
# every later render of any list or code page in that generation reads nothing more.
@pytest.mark.parametrize("slug", ["psykiatri", "psykologer-skrs"])
def test_query_count_is_constant(client, django_assert_num_queries, slug):
    with django_assert_num_queries(1 + 1 + 5):
        client.get(f"/lista/{slug}/")
    pagecache.clear()
    with django_assert_num_queries(1):
        client.get(f"/lista/{slug}/")


def test_a_kept_section_is_never_served_after_its_rows_change(client):
    code_list = CodeList.objects.get(slug="psykiatri")
    client.get("/lista/psykiatri/")
    # A bulk update fires no save signal; whatever writes one also writes a new generation token,
    # and then the section, kept by the values it shows, is rendered again.
    code_list.entries.filter(code__code="AU118").update(beskrivning="Ny beskrivning, ändrad i bulk")
    SearchIndexState.bump()
    assert "Ny beskrivning, ändrad i bulk" in client.get("/lista/psykiatri/").content.decode()


def test_a_rendered_list_is_served_again_until_the_content_changes(client, django_assert_num_queries):
    first = client.get("/lista/psykologer-skrs/").content
    with django_assert_num_queries(1):
        assert client.get("/lista/psykologer-skrs/").content == first
    entry = CodeList.objects.get(slug="psykologer-skrs").entries.get(code__code="DU011")
    entry.title = "Ändrad titel för KBT"
    entry.save()
    assert "Ändrad titel för KBT" in client.get("/lista/psykologer-skrs/").content.decode()


def test_every_row_unfolds_to_the_full_beskrivning_anvisning_and_marker(client):
    from catalog.models import Entry

    html = client.get("/lista/psykiatri/").content.decode()
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code="AU118")
    assert (
        html.count('<details class="rad__texter">')
        >= Entry.objects.filter(code_list__slug="psykiatri")
        .exclude(beskrivning=None, anvisning=None, marker="")
        .count()
    )
    row = html.split('href="/kod/AU118/"', 1)[1].split("</tr>", 1)[0]
    assert "<dt>Anvisning</dt>" in row
    # The full texts, not cut at 160 characters (code links may sit inside them).
    plain = re.sub(r"<[^>]+>", "", row)
    for text in (entry.beskrivning, entry.anvisning):
        assert unescape(plain).replace("\n", " ").count(text.replace("\n", " ")[:300]) >= 1


def test_filter_form_narrows_rows_without_javascript(client):
    html = client.get("/lista/psykiatri/", {"filtrera": "suicid"}).content.decode()
    codes = set(re.findall(r'<th scope="row"><a class="kod" href="/kod/([A-Z]{2}\d{3})/">', html))
    assert "AU118" in codes and "DU011" not in codes
    assert 'name="filtrera"' in html and 'value="suicid"' in html
    assert re.search(r"\d+ av \d+ koder visas", html)


def test_each_row_has_a_copy_button(client):
    html = client.get("/lista/psykologer-skrs/").content.decode()
    rows = html.count('<tr class="rad" data-rad>')
    assert rows == html.count('class="kopiera kopiera--liten" data-kopiera="') and rows >= 14


def test_fusklapp_lists_every_code_and_title_from_the_live_data(client):
    from catalog.models import Entry

    Entry.objects.filter(code_list__slug="psykologer-skrs", code__code="DU113").update(title="Stödsamtal (ändrad)")
    response = client.get("/lista/psykologer-skrs/fusklapp/")
    html = response.content.decode()
    assert response.status_code == 200
    for code, title in Entry.objects.filter(code_list__slug="psykologer-skrs").values_list("code__code", "title"):
        assert f'<span class="kod">{code}</span> {escape(title)}' in html
    assert "Stödsamtal (ändrad)" in html
    assert client.get("/lista/finns-inte/fusklapp/").status_code == 404


def test_printed_pages_carry_address_print_date_and_content_date(client):
    from django.utils import timezone

    html = client.get("/lista/psykiatri/").content.decode()
    info = html.split('class="utskriftsinfo bara-utskrift">', 1)[1].split("</p>", 1)[0]
    assert "http://testserver/lista/psykiatri/" in info and f"Utskrivet {timezone.localdate().isoformat()}" in info
    assert "Innehåll: Baslista psykiatri" in info and "Innehållsversion" in info
