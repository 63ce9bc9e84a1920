"""What every FHIR answer goes through (catalog.fhir.endpoint): CORS, conditional requests, compression, media types."""

import gzip

import brotli
import pytest
from django.utils.http import http_date

from tests.support.fhir import BASE, coordinator_client, edit_entry, fhir_get, valid

pytestmark = pytest.mark.django_db

ORIGIN = "https://journal.example.se"


def test_any_origin_may_read_and_sees_the_caching_headers(client):
    response = client.get("/fhir/ValueSet/psykiatri", headers={"Origin": ORIGIN})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert {"ETag", "Last-Modified"} <= {h.strip() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert "Access-Control-Allow-Credentials" not in response
    error = client.get("/fhir/ValueSet/nosuchlist", headers={"Origin": ORIGIN})
    assert error.status_code == 404 and error["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "path", ["/fhir/ValueSet/$expand", "/fhir/metadata", "/fhir/CodeSystem/kva/$lookup", "/fhir/Patient"]
)
def test_an_options_preflight_is_answered(client, path):
    response = client.options(
        path,
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, prefer, if-none-match",
        },
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Headers"] == "content-type, prefer, if-none-match"
    assert "GET" in response["Access-Control-Allow-Methods"] and int(response["Access-Control-Max-Age"]) > 0


def test_a_value_set_read_carries_its_version_as_etag_and_its_last_update(client):
    response = client.get("/fhir/ValueSet/psykiatri")
    resource = valid(response.json())
    assert response["ETag"] == f'W/"{resource["meta"]["versionId"]}"'
    assert response["Last-Modified"] == http_date(
        __import__("datetime")
        .datetime.fromisoformat(resource["meta"]["lastUpdated"].replace("Z", "+00:00"))
        .timestamp()
    )


@pytest.mark.parametrize("form", ['W/"{vid}"', '"{vid}"', "{vid}", 'W/"other", W/"{vid}"', "*"])
def test_if_none_match_with_the_current_version_gives_304(client, form):
    """fhirpy's refresh() sends the bare versionId; browsers send the ETag back as they got it."""
    vid = fhir_get(client, "/fhir/ValueSet/psykiatri")["meta"]["versionId"]
    response = client.get("/fhir/ValueSet/psykiatri", headers={"If-None-Match": form.format(vid=vid)})
    assert response.status_code == 304 and not response.content
    assert response["ETag"] == f'W/"{vid}"'


def test_a_changed_value_set_is_sent_again(client):
    first = client.get("/fhir/ValueSet/psykologer-skrs")
    entry = (
        __import__("catalog.models", fromlist=["Entry"]).Entry.objects.filter(code_list__slug="psykologer-skrs").first()
    )
    edit_entry(coordinator_client(), entry, title=entry.title + " (ändrad)")
    again = client.get("/fhir/ValueSet/psykologer-skrs", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    since = client.get("/fhir/ValueSet/psykologer-skrs", headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 200
    same = client.get("/fhir/ValueSet/psykologer-skrs", headers={"If-Modified-Since": again["Last-Modified"]})
    assert same.status_code == 304


def test_operations_and_searches_have_etags_too(client):
    for path in (
        "/fhir/ValueSet/psykiatri/$expand?filter=kbt",
        "/fhir/ValueSet",
        "/fhir/CodeSystem/kva",
        "/fhir/metadata",
    ):
        first = client.get(path)
        assert first["ETag"].startswith('W/"')
        assert client.get(path, headers={"If-None-Match": first["ETag"]}).status_code == 304


@pytest.mark.parametrize(("encoding", "decode"), [("br", brotli.decompress), ("gzip", gzip.decompress)])
@pytest.mark.parametrize("path", ["/fhir/ValueSet/psykiatri", "/fhir/ValueSet", "/fhir/CodeSystem/kva"])
def test_fhir_json_is_compressed_when_asked(client, encoding, decode, path):
    plain = client.get(path)
    packed = client.get(path, headers={"Accept-Encoding": encoding})
    assert packed["Content-Encoding"] == encoding and "Accept-Encoding" in packed["Vary"]
    assert decode(packed.content) == plain.content and len(packed.content) < len(plain.content) / 4


@pytest.mark.parametrize("content_type", ["application/fhir+xml", "application/xml", "text/xml", "text/plain"])
def test_a_body_that_is_not_json_is_415(client, content_type):
    body = '<Parameters xmlns="http://hl7.org/fhir"><parameter><name value="code"/></parameter></Parameters>'
    response = client.post("/fhir/ValueSet/psykiatri/$expand", body, content_type=content_type)
    assert response.status_code == 415
    assert valid(response.json())["issue"][0]["code"] == "not-supported"


def test_json_bodies_with_any_json_type_are_read(client):
    body = '{"resourceType": "Parameters", "parameter": [{"name": "count", "valueInteger": 1}]}'
    for content_type in ("application/fhir+json", "application/json", "application/fhir+json; fhirVersion=4.0"):
        response = client.post("/fhir/ValueSet/psykiatri/$expand", body, content_type=content_type)
        assert response.status_code == 200, content_type


def test_head_answers_like_get_without_a_body(client):
    head = client.head("/fhir/ValueSet/psykiatri")
    assert head.status_code == 200 and head["ETag"] == client.get("/fhir/ValueSet/psykiatri")["ETag"]


def test_a_bundle_names_where_its_resources_are_read_on_the_host_that_answers(client, settings):
    """The canonical URL (FHIR_CANONICAL_BASE) names the ValueSet; fullUrl is where this server serves it."""
    settings.ALLOWED_HOSTS = ["fhir.region.example"]
    response = client.get("/fhir/ValueSet?_id=psykiatri", HTTP_HOST="fhir.region.example")
    entry = valid(response.json())["entry"][0]
    assert entry["resource"]["url"] == f"{BASE}/ValueSet/psykiatri"
    assert entry["fullUrl"] == "http://fhir.region.example/fhir/ValueSet/psykiatri"
