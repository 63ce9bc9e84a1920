import pytest

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


# One query asks whether the content changed; both lists' texts (section instructions, or the rows'
# Beskrivning and Anvisning now shown in full) name codes: one more query to see which have pages.
@pytest.mark.parametrize(("slug", "queries"), [("psykiatri", 5), ("psykologer-skrs", 5)])
def test_query_count_is_constant(client, django_assert_num_queries, slug, queries):
    with django_assert_num_queries(queries):
        client.get(f"/lista/{slug}/")


def test_a_rendered_list_is_served_again_until_the_content_changes(client, django_assert_num_queries):
    first = client.get("/lista/psykologer-skrs/").content
    with django_assert_num_queries(1):
        assert client.get("/lista/psykologer-skrs/").content == first
    entry = CodeList.objects.get(slug="psykologer-skrs").entries.get(code__code="DU011")
    entry.title = "Ändrad titel för KBT"
    entry.save()
    assert "Ändrad titel för KBT" in client.get("/lista/psykologer-skrs/").content.decode()
