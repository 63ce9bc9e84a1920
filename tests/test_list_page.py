import pytest

from catalog import fragments, pagecache
from catalog.models import CodeList

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


# One query asks whether the content changed, three read the list, its sections and its rows'
# content; psykiatri's section instructions name codes (one more query to see which have pages),
# SKRS's name none. Sections not rendered before need one query more, for all of them at once.
@pytest.mark.parametrize(("slug", "queries"), [("psykiatri", 5), ("psykologer-skrs", 4)])
def test_query_count_is_constant(client, django_assert_num_queries, slug, queries):
    with django_assert_num_queries(queries + 1):
        client.get(f"/lista/{slug}/")
    pagecache.clear()
    with django_assert_num_queries(queries):
        client.get(f"/lista/{slug}/")


def test_an_edit_renders_again_only_the_section_it_touched(client):
    code_list = CodeList.objects.get(slug="psykiatri")
    sections = code_list.sections.count()
    before = client.get("/lista/psykiatri/").content.decode()
    assert fragments.stats()["fragments"] == sections
    entry = code_list.entries.select_related("section").get(code__code="AU118")
    entry.title = "Ändrad titel för suicidriskbedömning"
    entry.save()
    after = client.get("/lista/psykiatri/").content.decode()
    assert "Ändrad titel för suicidriskbedömning" in after
    assert fragments.stats()["fragments"] == sections + 1  # one new section, the others served again
    assert "Ändrad titel för suicidriskbedömning" not in before


def test_a_kept_section_is_never_served_after_its_rows_change(client):
    code_list = CodeList.objects.get(slug="psykiatri")
    client.get("/lista/psykiatri/")
    # A change the page shows though no save signal fires (a bulk update) still changes the key.
    code_list.entries.filter(code__code="AU118").update(beskrivning="Ny beskrivning, ändrad i bulk")
    pagecache.clear()
    assert "Ny beskrivning, ändrad i bulk" in client.get("/lista/psykiatri/").content.decode()


def test_a_rendered_list_is_served_again_until_the_content_changes(client, django_assert_num_queries):
    first = client.get("/lista/psykologer-skrs/").content
    with django_assert_num_queries(1):
        assert client.get("/lista/psykologer-skrs/").content == first
    entry = CodeList.objects.get(slug="psykologer-skrs").entries.get(code__code="DU011")
    entry.title = "Ändrad titel för KBT"
    entry.save()
    assert "Ändrad titel för KBT" in client.get("/lista/psykologer-skrs/").content.decode()
