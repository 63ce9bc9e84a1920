"""ValueSet/$expand: the site search as a filter, paging, sections, designations, the R4 parameters served."""

import json

import pytest

from catalog.fhir import expansion, terminology
from catalog.models import Entry
from catalog.search import engine as search
from tests.support.fhir import BASE, KVA, codes_of, fhir_get, retire, valid

pytestmark = pytest.mark.django_db


# --- $expand --------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["suicidrisk", "sjalvmord", "KBT", "samtal"])
def test_expand_filter_uses_the_sites_search_and_its_ranking(client, query):
    expanded = fhir_get(client, f"/fhir/ValueSet/psykiatri/$expand?filter={query}")
    listed = set(terminology.list_terms("psykiatri").concepts)
    site = [hit.code for hit in search.search(query, within_list="psykiatri", limit=500).hits if hit.code in listed]
    assert codes_of(expanded) == site
    assert expanded["expansion"]["total"] == len(site)


@pytest.mark.parametrize("query", ["suicidrisk", "sjalvmord"])
def test_expand_finds_au118_first_by_stem_and_by_folded_synonym(client, query):
    assert codes_of(fhir_get(client, f"/fhir/ValueSet/psykiatri/$expand?filter={query}"))[0] == "AU118"


def test_an_empty_filter_expands_the_whole_list(client):
    whole = fhir_get(client, "/fhir/ValueSet/psykologer-skrs/$expand")
    assert codes_of(fhir_get(client, "/fhir/ValueSet/psykologer-skrs/$expand?filter=")) == codes_of(whole)


def test_expand_pages_with_count_and_offset(client):
    everything = codes_of(fhir_get(client, "/fhir/ValueSet/psykiatri/$expand?filter=behandling"))
    assert len(everything) > 6
    pages = [
        codes_of(fhir_get(client, f"/fhir/ValueSet/psykiatri/$expand?filter=behandling&count=3&offset={offset}"))
        for offset in range(0, len(everything), 3)
    ]
    assert [code for page in pages for code in page] == everything
    unfiltered = fhir_get(client, "/fhir/ValueSet/psykiatri/$expand?count=5&offset=5")
    assert unfiltered["expansion"]["offset"] == 5 and len(codes_of(unfiltered)) == 5
    assert unfiltered["expansion"]["total"] == len(terminology.list_terms("psykiatri").concepts)


def test_expand_without_filter_groups_codes_by_section(client):
    contains = fhir_get(client, "/fhir/ValueSet/psykologer-skrs/$expand")["expansion"]["contains"]
    sections = list(Entry.objects.filter(code_list__slug="psykologer-skrs").values_list("section__title", flat=True))
    assert [group["display"] for group in contains] == list(dict.fromkeys(sections))
    assert all(group["abstract"] for group in contains)


def test_expand_active_only_leaves_out_retired_codes(client):
    retire("AU118", days_ago=1)
    assert "AU118" in codes_of(fhir_get(client, "/fhir/ValueSet/psykiatri/$expand?filter=suicid"))
    assert "AU118" not in codes_of(fhir_get(client, "/fhir/ValueSet/psykiatri/$expand?filter=suicid&activeOnly=true"))
    assert "AU118" not in codes_of(fhir_get(client, "/fhir/ValueSet/psykiatri/$expand?activeOnly=true"))


def test_expand_includes_designations_when_asked(client):
    plain = fhir_get(client, "/fhir/ValueSet/psykiatri/$expand?filter=AU118")["expansion"]["contains"][0]
    assert "designation" not in plain
    rich = fhir_get(client, "/fhir/ValueSet/psykiatri/$expand?filter=AU118&includeDesignations=true")
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code="AU118")
    values = {d["value"] for d in rich["expansion"]["contains"][0]["designation"]}
    assert entry.beskrivning in values


def test_expand_by_post_of_parameters_equals_get(client):
    body = {
        "resourceType": "Parameters",
        "parameter": [
            {"name": "url", "valueUri": BASE + "/ValueSet/psykiatri"},
            {"name": "filter", "valueString": "suicidrisk"},
            {"name": "count", "valueInteger": 5},
            {"name": "activeOnly", "valueBoolean": True},
        ],
    }
    response = client.post("/fhir/ValueSet/$expand", json.dumps(body), content_type="application/fhir+json")
    assert response.status_code == 200
    posted = valid(response.json())
    got = fhir_get(client, "/fhir/ValueSet/psykiatri/$expand?filter=suicidrisk&count=5&activeOnly=true")
    assert codes_of(posted) == codes_of(got)


@pytest.mark.parametrize(
    "query",
    [
        "displayLanguage=en",
        "count=-1",
        "count=abc",
        "offset=1.5",
        "activeOnly=maybe",
        "filter=a&filter=b",
        "nosuchparameter=1",
        "valueSetVersion=0",
    ],
)
def test_expand_bad_parameter_is_400_or_unknown_version_404(client, query):
    status = 404 if query.startswith("valueSetVersion") else 400
    outcome = fhir_get(client, f"/fhir/ValueSet/psykiatri/$expand?{query}", status=status)
    assert outcome["resourceType"] == "OperationOutcome"


def test_expand_with_a_bad_parameters_body_is_400(client):
    for body in ("not json", "[]", '{"resourceType": "Patient"}', '{"resourceType": "Parameters", "parameter": [1]}'):
        response = client.post("/fhir/ValueSet/psykiatri/$expand", body, content_type="application/fhir+json")
        assert response.status_code == 400
        valid(response.json())


def test_expand_leaves_out_the_total_when_the_search_window_was_full(client):
    listed = set(terminology.list_terms("psykiatri").concepts)
    assert len(search.search("behandling", within_list="psykiatri", limit=500).hits) > 40
    first = fhir_get(client, "/fhir/ValueSet/psykiatri/$expand?filter=behandling&count=1")
    assert "total" not in first["expansion"] and codes_of(first)[0] in listed


def test_expand_gets_are_served_from_the_page_cache_and_built_once_per_content_change(client, monkeypatch):
    calls = []
    build = terminology._live_rows
    monkeypatch.setattr(terminology, "_live_rows", lambda slug: calls.append(slug) or build(slug))
    url = "/fhir/ValueSet/psykologer-skrs/$expand?filter=KBT"
    first = client.get(url)
    fhir_get(client, "/fhir/ValueSet/psykologer-skrs/$expand?filter=samtal")
    assert calls == ["psykologer-skrs"]
    monkeypatch.setattr(expansion, "expand", lambda *a: (_ for _ in ()).throw(AssertionError("not cached")))
    assert client.get(url).content == first.content
    entry = Entry.objects.filter(code_list__slug="psykologer-skrs").first()
    entry.save()
    fhir_get(client, "/fhir/ValueSet/psykologer-skrs")
    assert calls == ["psykologer-skrs", "psykologer-skrs"]


def used(expanded: dict) -> dict[str, list]:
    found: dict[str, list] = {}
    for parameter in expanded["expansion"]["parameter"]:
        found.setdefault(parameter["name"], []).append(next(v for k, v in parameter.items() if k.startswith("value")))
    return found


def test_count_zero_asks_how_large_the_expansion_is(client):
    """R4: "if count = 0, the client is asking how large the expansion is" (HL7 simple-expand-all-count)."""
    every = codes_of(fhir_get(client, "/fhir/ValueSet/psykiatri/$expand?filter=behandling&count=500"))
    counted = fhir_get(client, "/fhir/ValueSet/psykiatri/$expand?filter=behandling&count=0")["expansion"]
    assert counted["total"] == len(every) > 40 and "contains" not in counted
    whole = fhir_get(client, "/fhir/ValueSet/psykiatri/$expand?count=0")["expansion"]
    assert whole["total"] == len(terminology.list_terms("psykiatri").concepts) and "contains" not in whole


def test_the_expansion_says_which_parameters_and_code_systems_it_used(client):
    version = fhir_get(client, "/fhir/ValueSet/bhv-hembesok")["version"]
    expanded = fhir_get(
        client,
        f"/fhir/ValueSet/bhv-hembesok/$expand?includeDesignations=true&valueSetVersion={version.replace('+', '%2B')}",
    )
    found = used(expanded)
    assert found["includeDesignations"] == [True] and found["valueSetVersion"] == [version]
    assert sorted(found["used-codesystem"]) == sorted([KVA, f"{BASE}/CodeSystem/rs-2024-00668|2024-02-07"])
    assert used(fhir_get(client, "/fhir/ValueSet/psykiatri/$expand?filter=kbt&count=3"))["filter"] == ["kbt"]


def test_exclude_nested_and_not_for_ui_give_a_flat_list_without_sections(client):
    nested = fhir_get(client, "/fhir/ValueSet/psykologer-skrs/$expand")["expansion"]["contains"]
    assert all(group.get("abstract") for group in nested)
    for flag in ("excludeNested", "excludeNotForUI"):
        flat = fhir_get(client, f"/fhir/ValueSet/psykologer-skrs/$expand?{flag}=true")
        assert not any(item.get("abstract") for item in flat["expansion"]["contains"])
        assert codes_of(flat) == [child["code"] for group in nested for child in group["contains"]]


def test_include_definition_adds_the_compose(client):
    assert "compose" not in fhir_get(client, "/fhir/ValueSet/psykiatri/$expand?count=1")
    defined = fhir_get(client, "/fhir/ValueSet/psykiatri/$expand?count=1&includeDefinition=true")
    assert defined["compose"] == fhir_get(client, "/fhir/ValueSet/psykiatri")["compose"]


def test_designation_chooses_which_designations_come_back(client):
    use = f"{BASE}/CodeSystem/beteckningstyp%7Canvisning"
    item = fhir_get(client, f"/fhir/ValueSet/psykiatri/$expand?filter=AU118&count=1&designation={use}")["expansion"][
        "contains"
    ][0]
    assert {d["use"]["code"] for d in item["designation"]} == {"anvisning"}
    every = fhir_get(client, "/fhir/ValueSet/psykiatri/$expand?filter=AU118&count=1&designation=sv")["expansion"][
        "contains"
    ][0]
    assert {d["use"]["code"] for d in every["designation"]} == {"beskrivning", "anvisning"}


def test_exclude_system_leaves_that_systems_codes_out(client):
    regional = f"{BASE}/CodeSystem/rs-2024-00668"
    codes = codes_of(fhir_get(client, f"/fhir/ValueSet/bhv-hembesok/$expand?exclude-system={regional}"))
    assert "UX293" not in codes and "UX273" in codes
    assert "UX273" not in codes_of(fhir_get(client, f"/fhir/ValueSet/bhv-hembesok/$expand?exclude-system={KVA}"))


def test_system_versions_are_checked_against_the_one_held(client):
    regional = f"{BASE}/CodeSystem/rs-2024-00668"
    fhir_get(client, f"/fhir/ValueSet/bhv-hembesok/$expand?force-system-version={regional}%7C2024-02-07&count=1")
    for name in ("system-version", "check-system-version", "force-system-version"):
        fhir_get(client, f"/fhir/ValueSet/bhv-hembesok/$expand?{name}={regional}%7C1999&count=1", status=404)
        fhir_get(client, f"/fhir/ValueSet/bhv-hembesok/$expand?{name}={KVA}%7C2025&count=1", status=404)
    fhir_get(client, "/fhir/ValueSet/bhv-hembesok/$expand?system-version=http://snomed.info/sct%7C1&count=1")


@pytest.mark.parametrize(
    ("name", "value"), [("date", "2024-01-01"), ("context", "x"), ("contextDirection", "incoming")]
)
def test_inputs_not_served_are_refused_saying_so(client, name, value):
    outcome = fhir_get(client, f"/fhir/ValueSet/psykiatri/$expand?{name}={value}", status=400)
    assert outcome["issue"][0]["code"] == "not-supported" and "stöds inte" in outcome["issue"][0]["diagnostics"]
