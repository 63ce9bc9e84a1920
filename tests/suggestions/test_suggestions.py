"""Föreslå en ändring: the public form from code pages and wizard results, and the coordinators' queue."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from catalog.models import ChangeSuggestion
from tests.support.html_forms import fill, post_form
from tests.support.proxy import proxy_settings

pytestmark = pytest.mark.django_db


def send(client: Client, page_url: str, expect: int = 302, **values) -> object:
    """Open the form the way a visitor does and send it with these fields filled in."""
    page = client.get(page_url)
    assert page.status_code == 200
    form = post_form(page.content.decode())
    response = client.post(form.action, fill(form, **values), **getattr(client, "extra", {}))
    assert response.status_code == expect, response.content.decode()[:2000]
    return response


def test_a_code_page_links_to_a_suggestion_about_that_code(client):
    html = client.get("/kod/AU118/").content.decode()
    assert 'href="/forslag/?kod=AU118"' in html
    form_page = client.get("/forslag/?kod=AU118").content.decode()
    assert "Skriv inga patientuppgifter" in form_page
    assert 'href="/kod/AU118/"' in form_page


def test_a_wizard_result_links_to_a_suggestion_about_that_step(client):
    html = client.get("/besok/bhv/hembesok/nr-3/").content.decode()
    assert 'id="forslag"' in html
    link = re.search(r'href="(/forslag/\?besok=[^"]+)"', html).group(1)
    form_page = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'href="/besok/bhv/hembesok/nr-3/"' in form_page


def test_an_anonymous_suggestion_sent_without_javascript_lands_in_the_queue(logged_in_coordinator, client):
    visitor = Client(enforce_csrf_checks=True)
    response = send(visitor, "/forslag/?kod=AU118", concerns="anvisning", text="Anvisningen står två gånger.")
    assert response["Location"] == "/forslag/tack/?kod=AU118"
    assert "Tack! Förslaget har skickats" in visitor.get(response["Location"]).content.decode()
    saved = ChangeSuggestion.objects.get()
    assert (saved.code, saved.concerns, saved.text, saved.status) == (
        "AU118",
        "anvisning",
        "Anvisningen står två gånger.",
        "ny",
    )
    queue = client.get("/admin/catalog/changesuggestion/").content.decode()
    assert "Anvisningen står två gånger." in queue and "AU118" in queue
    assert "1 nytt förslag väntar" in client.get("/admin/").content.decode()


def test_a_coordinator_closes_a_suggestion_from_its_rendered_page(logged_in_coordinator, client):
    suggestion = ChangeSuggestion.objects.create(code="AU118", concerns="anvisning", text="Fel.", address_key="x")
    url = f"/admin/catalog/changesuggestion/{suggestion.pk}/change/"
    form = post_form(client.get(url).content.decode(), form_id="changesuggestion_form")
    response = client.post(url, fill(form, status="klar", comment="Rättat i anvisningen."))
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == "klar" and suggestion.closed_at is not None
    assert client.get("/admin/catalog/changesuggestion/add/").status_code == 403


def test_a_flood_from_one_address_is_throttled_and_others_are_not(client, settings):
    settings.SUGGESTIONS_PER_HOUR = 3
    for n in range(3):
        send(client, "/forslag/?kod=AU118", concerns="annat", text=f"Förslag {n}")
    response = send(client, "/forslag/?kod=AU118", expect=429, concerns="annat", text="Ett till")
    assert "många förslag på kort tid" in response.content.decode()
    assert ChangeSuggestion.objects.count() == 3
    other = Client(REMOTE_ADDR="10.0.0.9")
    send(other, "/forslag/?kod=AU118", concerns="annat", text="Från någon annan")
    assert ChangeSuggestion.objects.count() == 4


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(settings):
    settings.SUGGESTIONS_PER_HOUR = 1
    # What kvaguide/settings.py sets with BEHIND_PROXY=1 and one trusted proxy (the lock-out's rule).
    for name, value in proxy_settings("1").items():
        setattr(settings, name, tuple(value) if isinstance(value, list) else value)
    proxy = "10.1.1.1"
    first = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.10")
    send(first, "/forslag/", concerns="annat", text="Ett")
    # Another client through the same proxy is not held back by the first one's count …
    second = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.20")
    send(second, "/forslag/", concerns="annat", text="Två")
    # … and a client cannot dodge the limit by putting a made-up address in front of the real one.
    spoof = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5, 192.0.2.10")
    send(spoof, "/forslag/", expect=429, concerns="annat", text="Tre")


def test_the_honeypot_field_keeps_robots_out_quietly(client):
    response = send(client, "/forslag/", concerns="annat", text="Köp billigt", webbplats="http://spam.example")
    assert response["Location"] == "/forslag/tack/"
    assert not ChangeSuggestion.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"concerns": "annat", "text": "x" * 2001}, "högst 2000 tecken"),
        ({"concerns": "annat", "text": "   "}, "Skriv vad som är fel eller saknas."),
        ({"text": "Saknar val"}, "Välj vilken text det gäller."),
        ({"concerns": "annat", "text": "Hej", "email": "inte-en-adress"}, "Skriv en giltig e-postadress"),
        ({"concerns": "annat", "text": "noll\x00byte"}, "Null-tecken är inte tillåtna."),
    ],
)
def test_bad_input_gets_a_swedish_message_and_nothing_is_saved(client, values, message):
    response = send(client, "/forslag/?kod=AU118", expect=400, **values)
    assert message in response.content.decode()
    assert not ChangeSuggestion.objects.exists()


def test_a_post_without_the_csrf_token_is_refused():
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.post("/forslag/", {"concerns": "annat", "text": "Hej"})
    assert response.status_code == 403
    assert not ChangeSuggestion.objects.exists()


def test_an_unknown_code_or_a_broken_wizard_link_still_lets_you_write(client):
    assert "”XX999” är ingen kod i guiden" in client.get("/forslag/?kod=XX999").content.decode()
    assert "Länken till besöksguiden är trasig" in client.get("/forslag/?besok=<script>").content.decode()
    # A line break after a well-formed path would reach the e-mail subject of a reply.
    assert "Länken till besöksguiden är trasig" in client.get("/forslag/?besok=psykiatri%0A%2F").content.decode()
    assert client.put("/forslag/").status_code == 405


def test_a_suggestion_is_shown_to_coordinators_as_plain_text(logged_in_coordinator, client):
    text = '<script>alert(1)</script> se <a href="http://ond.example">här</a> http://ond.example'
    suggestion = ChangeSuggestion.objects.create(concerns="annat", text=text, address_key="x")
    for url in ("/admin/catalog/changesuggestion/", f"/admin/catalog/changesuggestion/{suggestion.pk}/change/"):
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html and 'href="http://ond.example"' not in html
        assert "&lt;script&gt;alert(1)" in html


def test_closed_suggestions_are_deleted_after_the_retention_period(client, settings):
    settings.SUGGESTION_RETENTION_DAYS = 90
    long_ago = timezone.now() - datetime.timedelta(days=91)
    old_closed = ChangeSuggestion.objects.create(concerns="annat", text="Gammal", status="klar", address_key="x")
    ChangeSuggestion.objects.filter(pk=old_closed.pk).update(closed_at=long_ago)
    recent_closed = ChangeSuggestion.objects.create(concerns="annat", text="Ny", status="avvisad", address_key="x")
    old_open = ChangeSuggestion.objects.create(concerns="annat", text="Öppen", address_key="x")
    ChangeSuggestion.objects.filter(pk=old_open.pk).update(created_at=long_ago)
    send(client, "/forslag/", concerns="annat", text="Utlöser rensningen")
    remaining = set(ChangeSuggestion.objects.values_list("text", flat=True))
    assert remaining == {"Ny", "Öppen", "Utlöser rensningen"}
    assert recent_closed.pk


def test_the_form_offers_no_blank_choice_and_starts_unselected_unless_the_link_says(client):
    html = client.get("/forslag/?kod=AU118").content.decode()
    form = post_form(html)
    assert "" not in form.choices["concerns"] and "Välj ett alternativ" not in html
    assert "concerns" not in dict(form.fields), "no choice is ticked before the visitor chooses"
    response = send(client, "/forslag/?kod=AU118", expect=400, text="Fel i texten.")
    assert "Välj vilken text det gäller." in response.content.decode()
    from_wizard = post_form(client.get("/forslag/?besok=bhv/hembesok/nr-3").content.decode())
    assert dict(from_wizard.fields)["concerns"] == "besoksguiden"
