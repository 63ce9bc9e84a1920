"""The described visit's page (/besok/beskriv/) and API (/api/besok/beskriv/)."""

import json
import re

import pytest

pytestmark = pytest.mark.django_db

S24 = (
    "Ordinarie logoped på rehabenheten (utan tilläggsuppdrag neurovårdteam) har ett bokat videomöte med en "
    "patient med afasi. Hon bedömer talet, beslutar att ändra träningsupplägget och journalför anamnes, status, "
    "bedömning och åtgärd."
)


def form_fields(html: str) -> dict:
    """What the rendered form sends: the CSRF token and the names of its fields."""
    form = re.search(r'<form method="post".*?</form>', html, re.S).group()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    names = set(re.findall(r'name="([a-z]+)"', form))
    return {"token": token, "names": names}


def answer_row(html: str, step: str) -> str:
    """The result's row for one answered step (the list item the page marks with its step)."""
    found = re.search(rf'<li data-step="{step}"[^>]*>(.*?)</li>', html, re.S)
    assert found, f"the result has no answer row for {step}"
    return found.group(1)


def post_page(client, text: str, inom: str, **extra):
    page = client.get("/besok/beskriv/")
    fields = form_fields(page.content.decode())
    assert {"text", "inom", "csrfmiddlewaretoken"} <= fields["names"]
    return client.post("/besok/beskriv/", {"csrfmiddlewaretoken": fields["token"], "text": text, "inom": inom}, **extra)


def api(client, payload, content_type="application/json"):
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return client.post("/api/besok/beskriv/", body, content_type=content_type)


def test_page_shows_a_textarea_the_contexts_and_the_privacy_warning(client):
    html = client.get("/besok/beskriv/").content.decode()
    assert "<textarea" in html and "Skriv inga personuppgifter" in html
    for context in ("psykiatri", "psykolog", "rehab", "sob", "bhv"):
        assert f'value="{context}"' in html
    assert 'lang="sv"' in html


def test_home_and_wizard_start_link_to_the_description(client):
    assert 'href="/besok/beskriv/"' in client.get("/").content.decode()
    assert 'href="/besok/beskriv/"' in client.get("/besok/").content.decode()


def test_posting_a_finished_description_marks_answers_and_links_each_to_its_step(client):
    response = post_page(client, S24, "rehab")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("antaget</span>") >= 3
    # The contact's answer row names the words of the text that led to it (the textarea echoes the
    # whole text, so only this row can prove the result used them).
    contact = answer_row(html, "rehab-kontakt-logoped")
    assert '<span class="svar-hittills__svar">Video</span>' in contact
    assert re.findall(r"<q>([^<]*)</q>", contact) == ["videomöte"]
    # One click changes an answer: a button of the form that asks that question again.
    assert 'name="andra" value="rehab/logoped"' in html
    # The result is the wizard's: the codes with their quoted rules.
    assert 'id="forslag"' in html and 'data-code="ZV051"' in html


def test_posting_an_unclear_description_stops_at_the_question_and_marks_likely_answers(client):
    html = post_page(client, "Kort samtal, frågade om suicidtankar, förnekar.", "psykiatri").content.decode()
    assert 'id="forslag"' not in html
    assert "Här behöver guiden ditt svar" in html


def test_the_context_is_remembered_in_the_shared_cookie(client):
    response = post_page(client, S24, "rehab")
    assert response.cookies["kva_inom"].value == "rehab"
    html = client.get("/besok/beskriv/").content.decode()
    assert re.search(r'value="rehab"[^>]*checked|checked[^>]*value="rehab"', html)


def test_page_without_text_rerenders_with_a_swedish_error(client):
    response = post_page(client, "   ", "psykiatri")
    assert response.status_code == 400
    assert "Skriv några meningar om besöket." in response.content.decode()


def test_page_refuses_a_post_without_csrf_token(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/besok/beskriv/", {"text": S24, "inom": "rehab"}).status_code == 403


def test_htmx_post_gets_only_the_result_fragment(client):
    response = post_page(client, S24, "rehab", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'id="resultat"' in html


def test_page_answers_other_methods_with_405(client):
    assert client.put("/besok/beskriv/").status_code == 405


def test_api_answers_finished_with_codes_inferred_and_a_slug_only_path(client):
    data = api(client, {"text": S24, "inom": "rehab"}).json()
    assert data["finished"] is True and data["open_question"] is None
    assert {"code": "ZV051", "role": "tilläggskod"} in data["codes"]
    assert data["path"].endswith("/besok/rehab/logoped/video/enskilt/ej-neuroteam/")
    video = next(item for item in data["inferred"] if item["step"] == "rehab-kontakt-logoped")
    assert video["answer"] == "Video" and any("video" in words for words in video["because"])


def test_api_stopping_gives_the_open_question_and_no_codes(client):
    data = api(client, {"text": "Pat frågades kort om suicidtankar, förnekar.", "inom": "psykiatri"}).json()
    assert data["finished"] is False and "codes" not in data
    assert data["open_question"]["question"]


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "inte json",
        "[1, 2]",
        {"text": ""},
        {"text": "   "},
        {"text": 5},
        {"text": None},
        {"text": ["a"]},
        {"text": "x" * 5001},
        {"text": "Video", "inom": "okänd"},
        {"text": "Video", "inom": 3},
        b"\xff\xfe",
    ],
)
def test_api_bad_input_gives_400_with_a_swedish_error(client, payload):
    response = api(client, payload)
    assert response.status_code == 400
    assert response.json()["error"]


def test_api_refuses_form_encoded_posts(client):
    response = client.post("/api/besok/beskriv/", {"text": S24, "inom": "rehab"})
    assert response.status_code == 415
    response = client.post("/api/besok/beskriv/", "text=x", content_type="text/plain")
    assert response.status_code == 415


def test_api_refuses_get_with_405(client):
    assert client.get("/api/besok/beskriv/").status_code == 405


def test_api_needs_no_session_and_sets_no_cookie(client):
    response = api(client, {"text": S24, "inom": "rehab"})
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]


def test_a_concept_a_coordinator_edits_in_the_admin_is_used_by_the_described_visit(client, logged_in_coordinator):
    from catalog.models import Concept
    from tests.support.admin_forms import change_form_data

    text = "Patienten pinglade mig i dag, vi pratade om måendet och sömnen."

    def contact(data):
        return next((item["answer"] for item in data["inferred"] if item["step"] == "psy-kontakt"), None)

    assert contact(api(client, {"text": text, "inom": "psykiatri"}).json()) != "Telefon"
    telefon = Concept.objects.get(name="telefon")
    url = f"/admin/catalog/concept/{telefon.pk}/change/"
    data = change_form_data(client.get(url))
    data["words"] += ", pinglade"
    assert client.post(url, data).status_code == 302
    assert contact(api(client, {"text": text, "inom": "psykiatri"}).json()) == "Telefon"
