"""What an outsider can send: crafted addresses never share a cached answer, odd bodies never give a 500,
and a burst of suggestions from one address stores no more than the limit (issue 23, items 13–15)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client

from catalog.models import ChangeSuggestion

pytestmark = pytest.mark.django_db

VALIDATE = "/fhir/ValueSet/psykiatri/$validate-code"


# 13 -----------------------------------------------------------------------------------------------


def test_an_encoded_ampersand_cannot_make_a_cached_fhir_answer_serve_another_address(client):
    # The crafted address first: its answer must not be what the plain one gets.
    crafted = client.get(VALIDATE + "?code=AU118&date=2026-02-01%26display%3DHelt%20fel")
    plain = client.get(VALIDATE + "?code=AU118&date=2026-02-01&display=Helt%20fel")
    result = {p["name"]: p for p in plain.json()["parameter"]}
    assert result["result"]["valueBoolean"] is False  # a wrong display is not valid
    assert crafted.content != plain.content


def test_an_encoded_ampersand_cannot_make_the_search_api_answer_another_query(client):
    crafted = client.get("/api/codes/?q=kris%26inom%3Drehab").json()
    plain = client.get("/api/codes/?q=kris&inom=rehab").json()
    assert crafted["query"] == "kris&inom=rehab"
    assert plain["query"] == "kris"


def test_an_encoded_ampersand_cannot_make_the_list_filter_serve_another_filter(client):
    crafted = client.get("/lista/psykiatri/?filtrera=telefon%26x%3D1").content
    plain = client.get("/lista/psykiatri/?filtrera=telefon&x=1").content
    assert crafted != plain


def test_an_encoded_ampersand_cannot_make_a_wizard_step_serve_another(client):
    crafted = client.get("/besok/psykiatri/?val=telefon%26steg%3D1").content
    plain = client.get("/besok/psykiatri/?val=telefon&steg=1").content
    assert crafted != plain


# 14 -----------------------------------------------------------------------------------------------


def _parameters(*pairs) -> dict:
    return {"resourceType": "Parameters", "parameter": [{"name": n, "valueString": v} for n, v in pairs]}


@pytest.mark.parametrize("operation", ["/fhir/CodeSystem/$lookup", VALIDATE, "/fhir/ValueSet/psykiatri/$expand"])
@pytest.mark.parametrize(
    "body",
    [
        b"[" * 10_000 + b"]" * 10_000,
        b'{"resourceType": "Parameters", "parameter": [{"name": "code", "valueString": "\\ud800"}]}',
        "code=AU118".encode("utf-16"),
    ],
    ids=["nested-10000-deep", "lone-surrogate", "utf-16"],
)
def test_a_hostile_fhir_body_gets_a_400_operation_outcome(client, operation, body):
    response = client.generic("POST", operation, body, content_type="application/fhir+json")
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"


@pytest.mark.parametrize("url", ["/forslag/", "/besok/beskriv/", "/admin/login/"])
@pytest.mark.parametrize("charset", ["utf-16", "latin-1"])
def test_a_form_posted_in_a_charset_django_refuses_gets_a_swedish_400(url, charset):
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["csrftoken"] = "a" * 32
    body = "text=hej d\u00e5&csrfmiddlewaretoken=" + "a" * 32
    response = browser.generic(
        "POST", url, body.encode(charset), content_type=f"application/x-www-form-urlencoded; charset={charset}"
    )
    assert response.status_code == 400
    assert 'lang="sv"' in response.content.decode()


def test_the_describe_api_refuses_a_body_nested_too_deep_or_with_a_lone_surrogate(client):
    for body in (b"[" * 10_000 + b"]" * 10_000, b'{"text": "\\ud800 telefon", "inom": "psykiatri"}'):
        response = client.generic("POST", "/api/besok/beskriv/", body, content_type="application/json")
        assert response.status_code == 400 and "JSON" in response.json()["error"]


# 15 -----------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="threads share one in-memory SQLite database")
def test_simultaneous_suggestions_from_one_address_store_no_more_than_the_limit(settings, django_db_setup):
    settings.SUGGESTIONS_PER_HOUR = 5
    barrier = threading.Barrier(20)

    def send(i: int) -> int:
        browser = Client(REMOTE_ADDR="203.0.113.7")
        barrier.wait()
        try:
            return browser.post("/forslag/?kod=AU118", {"concerns": "anvisning", "text": f"Förslag {i}."}).status_code
        finally:
            connections.close_all()

    for _burst in range(2):
        with ThreadPoolExecutor(20) as pool:
            statuses = list(pool.map(send, range(20)))
        assert set(statuses) <= {302, 429}
    assert ChangeSuggestion.objects.count() == 5
    assert connection.vendor == "postgresql"
