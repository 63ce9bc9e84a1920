"""ValueSet?… and CodeSystem?… search: the parameters used, the self link, paging, _summary and _elements."""

from urllib.parse import parse_qsl, urlparse

import pytest
from fhir.resources.R4B import get_fhir_model_class

from catalog.fhir.search import MANDATORY_ELEMENTS, SUMMARY_ELEMENTS
from tests.support.fhir import BASE, KVA, LISTS, fhir_get

pytestmark = pytest.mark.django_db


def ids(bundle: dict) -> list[str]:
    return [entry["resource"]["id"] for entry in bundle["entry"]]


def self_params(bundle: dict) -> list[tuple[str, str]]:
    link = next(link["url"] for link in bundle["link"] if link["relation"] == "self")
    return parse_qsl(urlparse(link).query)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("name=Nope", []),
        ("status=retired", []),
        ("title=zzz", []),
        ("_id=nope", []),
        ("name=psyk", ["psykiatri", "psykologer-skrs"]),
        ("name:exact=Psykiatri", ["psykiatri"]),
        ("name:exact=psykiatri", []),
        ("title:contains=BHV", ["bhv-hembesok"]),
        ("title=baslista", ["psykiatri"]),
        ("title=atgardskoder", ["psykologer-skrs"]),
        ("_id=psykiatri,bhv-hembesok", ["bhv-hembesok", "psykiatri"]),
        ("status=active", sorted(LISTS)),
        ("code=UX293", ["bhv-hembesok"]),
        (f"code={KVA}%7CAU118", ["psykiatri"]),
        ("name=psyk&name=psykol", ["psykologer-skrs"]),
    ],
)
def test_value_set_search_parameters_are_used(client, query, expected):
    bundle = fhir_get(client, f"/fhir/ValueSet?{query}")
    assert sorted(ids(bundle)) == sorted(expected) and bundle["total"] == len(expected)


def test_the_self_link_holds_exactly_the_parameters_used(client):
    bundle = fhir_get(client, "/fhir/ValueSet?name=psyk&_sort=title&utm_source=x&_count=5")
    assert self_params(bundle) == [("name", "psyk"), ("_count", "5")]


def test_strict_handling_refuses_what_lenient_leaves_out(client):
    fhir_get(client, "/fhir/ValueSet?foo=1")  # lenient: ignored (and cached)
    outcome = fhir_get(client, "/fhir/ValueSet?foo=1", status=400, Prefer="handling=strict")
    assert "foo" in outcome["issue"][0]["diagnostics"]
    fhir_get(client, "/fhir/CodeSystem?foo=1", status=400, Prefer="handling=strict")
    fhir_get(client, "/fhir/ValueSet?name=psyk", Prefer="handling=strict")


def test_an_unsupported_modifier_is_refused(client):
    fhir_get(client, "/fhir/ValueSet?url:below=http://x", status=400)
    fhir_get(client, "/fhir/ValueSet?name:missing=true", status=400)


def test_count_pages_with_next_links_through_every_match(client):
    first = fhir_get(client, "/fhir/ValueSet?_count=1")
    assert first["total"] == 4 and len(first["entry"]) == 1
    seen, bundle = [], first
    while True:
        seen += ids(bundle)
        following = [link["url"] for link in bundle["link"] if link["relation"] == "next"]
        if not following:
            break
        url = urlparse(following[0])
        bundle = fhir_get(client, f"{url.path}?{url.query}")
    assert sorted(seen) == sorted(LISTS)


def test_summary_count_gives_only_the_total(client):
    bundle = fhir_get(client, "/fhir/ValueSet?_summary=count")
    assert bundle["total"] == 4 and not bundle.get("entry")
    assert fhir_get(client, "/fhir/ValueSet?_count=0")["total"] == 4


def test_full_urls_say_where_each_resource_can_be_read(client):
    bundle = fhir_get(client, "/fhir/ValueSet?_id=psykiatri")
    assert bundle["entry"][0]["fullUrl"] == "http://testserver/fhir/ValueSet/psykiatri"
    code_systems = fhir_get(client, "/fhir/CodeSystem")
    assert {e["fullUrl"] for e in code_systems["entry"]} == {
        f"http://testserver/fhir/CodeSystem/{e['resource']['id']}" for e in code_systems["entry"]
    }


def test_code_system_search(client):
    assert ids(fhir_get(client, f"/fhir/CodeSystem?url={KVA}")) == ["kva"]
    assert ids(fhir_get(client, "/fhir/CodeSystem?url=urn:oid:1.2.752.116.1.3.2.1.4")) == ["kva"]
    assert ids(fhir_get(client, f"/fhir/CodeSystem?url={BASE}/CodeSystem/rs-2024-00668&version=2024-02-07")) == [
        "rs-2024-00668"
    ]
    assert fhir_get(client, "/fhir/CodeSystem?version=bogus")["total"] == 0


@pytest.mark.parametrize("kind", ["ValueSet", "CodeSystem"])
def test_the_summary_elements_are_the_ones_fhir_marks(kind):
    fields = get_fhir_model_class(kind).model_fields
    marked = {name for name, field in fields.items() if (field.json_schema_extra or {}).get("summary_element_property")}
    required = {name for name, field in fields.items() if (field.json_schema_extra or {}).get("element_required")}
    assert SUMMARY_ELEMENTS[kind] == marked and MANDATORY_ELEMENTS[kind] == required


def test_summary_and_elements_on_read_and_search(client):
    summary = fhir_get(client, "/fhir/ValueSet/psykiatri?_summary=true")
    assert "compose" not in summary and summary["url"] == f"{BASE}/ValueSet/psykiatri"
    assert summary["meta"]["tag"][0]["code"] == "SUBSETTED"
    elements = fhir_get(client, "/fhir/ValueSet/psykiatri?_elements=title")
    assert set(elements) == {"resourceType", "id", "meta", "title", "status"}
    text = fhir_get(client, "/fhir/CodeSystem/kva?_summary=text")
    assert set(text) == {"resourceType", "id", "meta", "status", "content"}
    assert "concept" not in fhir_get(client, "/fhir/CodeSystem/kva?_summary=true")
    searched = fhir_get(client, "/fhir/ValueSet?_elements=url")
    assert all(set(e["resource"]) == {"resourceType", "id", "meta", "url", "status"} for e in searched["entry"])
    full = fhir_get(client, "/fhir/ValueSet/psykiatri?_summary=false")
    assert "compose" in full and "tag" not in full["meta"]
    fhir_get(client, "/fhir/ValueSet/psykiatri?_summary=count", status=400)
    fhir_get(client, "/fhir/ValueSet/psykiatri?_summary=maybe", status=400)
