"""The wizard's pages, walked the way a browser without JavaScript walks them."""

import re
from html import unescape

import pytest

from catalog.models import Entry
from catalog.visits import store as wizard_store
from tests.support.admin_forms import change_form_data, rendered_form

pytestmark = pytest.mark.django_db

LINK_RE = re.compile(r'<a class="val__knapp" href="([^"]+)"')
CHECKBOX_RE = re.compile(r'<input type="checkbox" name="val" value="([^"]+)"')
STEP_RE = re.compile(r'data-step="([^"]+)"')
CODE_RE = re.compile(r'data-code="([A-Z]{2}[0-9]{3})"')


def page(client, url):
    response = client.get(url, follow=True)
    assert response.status_code == 200, (url, response.status_code)
    return response, response.content.decode()


def next_urls(response, html):
    """Every way on from a step: its answer links, or its form with each box ticked alone (and none)."""
    base = response.request["PATH_INFO"]
    links = [unescape(u) for u in LINK_RE.findall(html)]
    if links:
        return links
    step = STEP_RE.search(html).group(1)
    urls = [f"{base}?steg={step}&val={value}" for value in CHECKBOX_RE.findall(html)]
    if 'name="val" value="inga"' in html:
        urls.append(f"{base}?steg={step}&val=inga")
    return urls


def test_start_page_asks_the_first_question_with_plain_links(client):
    response, html = page(client, "/besok/")
    assert '<html lang="sv"' in html
    assert LINK_RE.search(html) or CHECKBOX_RE.search(html)
    assert 'data-step="' in html


def test_whole_tree_without_javascript_reaches_every_list_code(client):
    listed = set(
        Entry.objects.filter(
            code_list__slug__in=["psykiatri", "psykologer-skrs", "bhv-hembesok", "stod-och-behandling"]
        ).values_list("code__code", flat=True)
    )
    found: set[str] = set()
    explored: set[str] = set()
    pages = 0

    def finish(url):
        """Follow the first answer until the walk ends, collecting the suggested codes."""
        nonlocal pages
        for _ in range(40):
            response, html = page(client, url)
            pages += 1
            if 'id="forslag"' in html:
                found.update(CODE_RE.findall(html))
                return
            url = next_urls(response, html)[0]
        raise AssertionError(f"walk from {url} does not end")

    def explore(url):
        nonlocal pages
        response, html = page(client, url)
        pages += 1
        if 'id="forslag"' in html:
            found.update(CODE_RE.findall(html))
            return
        step = STEP_RE.search(html).group(1)
        if step in explored:
            finish(url)
            return
        explored.add(step)
        for following in next_urls(response, html):
            explore(following)

    explore("/besok/")
    assert explored == set(wizard_store.current_tree().steps)
    missing = sorted(listed - found)
    assert missing == [], f"never suggested: {missing} ({pages} pages walked)"


def test_answer_link_leads_to_the_next_step_and_summary_offers_a_change(client):
    response, html = page(client, "/besok/")
    first = LINK_RE.findall(html)[0]
    response, html = page(client, first)
    assert "Dina svar" in html
    assert f'href="/besok/?tidigare={first.strip("/").split("/")[-1]}" class="andra"' in html


def test_htmx_request_gets_only_the_guide_fragment_and_pushes_the_address(client):
    first = LINK_RE.findall(page(client, "/besok/")[1])[0]
    response = client.get(first, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and 'id="guide"' in html
    assert response["HX-Push-Url"] == first


def test_json_twin_of_a_step(client):
    data = client.get("/besok/", {"format": "json"}).json()
    assert data["finished"] is False
    assert data["step"]["question"]
    assert all(option["url"] for option in data["step"]["options"]) or data["step"]["kind"] == "multiple"
    data = client.get("/besok/", headers={"Accept": "application/json"}).json()
    assert data["step"]["slug"] == wizard_store.current_tree().start


def test_broken_link_gives_404_with_message_and_way_back(client):
    first = LINK_RE.findall(page(client, "/besok/")[1])[0]
    response = client.get(first + "finns-inte-langre/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "finns-inte-langre" in html and f'href="{first}"' in html
    response = client.get(first + "finns-inte-langre/", {"format": "json"})
    assert response.status_code == 404 and "error" in response.json()


@pytest.mark.parametrize("junk", ["%00", "a+b+c", "x" * 300, "<script>", "inga", "+", "..", "a/" * 60])
def test_junk_in_the_address_never_gives_a_server_error(client, junk):
    response = client.get(f"/besok/{junk}/")
    assert response.status_code == 404
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_form_answer_without_javascript_redirects_to_the_step_address(client):
    tree = wizard_store.current_tree()
    path, step = [], tree.steps[tree.start]
    # Go down the first answers until a multiple-choice step.
    while step.kind == "single":
        option = step.options[0]
        path.append(option.slug)
        step = tree.steps.get(option.next)
        assert step is not None, "expected a multiple-choice step on the first-answer path"
    base = "/besok/" + "".join(f"{s}/" for s in path)
    chosen = [o.slug for o in step.options[:2]]
    response = client.get(base, {"steg": step.slug, "val": list(reversed(chosen))})
    assert response.status_code == 302
    assert response["Location"] == base + "+".join(chosen) + "/"


def test_post_is_not_allowed(client):
    assert client.post("/besok/").status_code == 405


def test_step_page_query_count_is_constant(client, django_assert_num_queries):
    client.get("/besok/")
    with django_assert_num_queries(1):
        client.get("/besok/")


def test_coordinator_cannot_delete_the_only_answer_a_step_has(client, logged_in_coordinator):
    from catalog.models import WizardOption, WizardStep

    step = WizardStep.objects.get(is_start=True)
    option = step.options.order_by("order").first()
    step.options.exclude(pk=option.pk).delete()  # leave the first question with one answer
    url = f"/admin/catalog/wizardoption/{option.pk}/delete/"
    response = client.post(url, rendered_form(client.get(url).content.decode(), ""))
    assert response.status_code == 302
    assert WizardOption.objects.filter(pk=option.pk).exists()
    assert any("kan inte tas bort" in str(m) for m in response.wsgi_request._messages)


def test_coordinator_can_rename_a_step_and_links_to_it_follow(client, logged_in_coordinator):
    from catalog.models import WizardStep

    step = WizardStep.objects.get(slug="psy-ect")
    data = change_form_data(client.get(f"/admin/catalog/wizardstep/{step.pk}/change/"))
    data["slug"] = "psy-ect-elektroder"
    response = client.post(f"/admin/catalog/wizardstep/{step.pk}/change/", data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert client.get("/besok/psykiatri/mottagningsbesok/ect/").context["walk"].current.slug == "psy-ect-elektroder"
