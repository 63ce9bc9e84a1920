"""/fhir/: the lists as FHIR R4 terminology (ValueSet, CodeSystem, $expand, $lookup, $validate-code).

Every resource served is parsed with fhir.resources' R4B models (the package has no separate R4
module; R4B keeps R4's terminology resources unchanged), so a resource that does not validate
fails the suite.
"""

import datetime
import json

import pytest
from django.test import Client
from fhir.resources.R4B import get_fhir_model_class
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.fhir import terminology
from catalog.loading.read import ContentError, read_content
from catalog.models import Code, Entry
from catalog.search import engine as search

pytestmark = pytest.mark.django_db

KVA = "urn:oid:1.2.752.116.1.3.2.3.4"
BASE = "https://kvaguiden.vgregion.se/fhir"
LISTS = ["psykiatri", "psykologer-skrs", "bhv-hembesok", "stod-och-behandling"]
STATUS_CODES = {"draft", "active", "retired", "unknown"}


def valid(data: dict) -> dict:
    """The resource, after fhir.resources has parsed it as FHIR (raises if it is not valid)."""
    get_fhir_model_class(data["resourceType"]).model_validate(data)
    if data["resourceType"] in ("ValueSet", "CodeSystem", "CapabilityStatement"):
        assert data["status"] in STATUS_CODES  # a required binding the models do not check
    return data


def fhir_get(client: Client, url: str, status: int = 200, **headers) -> dict:
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.content.decode()[:500]
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    return valid(response.json())


def codes_of(expansion_resource: dict) -> list[str]:
    found = []
    for item in expansion_resource["expansion"].get("contains", []):
        if item.get("abstract"):
            found += [child["code"] for child in item["contains"]]
        else:
            found.append(item["code"])
    return found


def retire(code: str, days_ago: int) -> datetime.date:
    found = Code.objects.get(code=code)
    found.valid_to = datetime.date.today() - datetime.timedelta(days=days_ago)
    found.save()
    return found.valid_to


# --- every resource served validates ---------------------------------------------------------

SERVED = [
    "/fhir/metadata",
    "/fhir/ValueSet",
    "/fhir/ValueSet?url=" + BASE + "/ValueSet/psykiatri",
    "/fhir/CodeSystem",
    "/fhir/CodeSystem/kva",
    "/fhir/CodeSystem/rs-2024-00668",
    "/fhir/CodeSystem/beteckningstyp",
    *[f"/fhir/ValueSet/{slug}" for slug in LISTS],
    *[f"/fhir/ValueSet/{slug}/$expand" for slug in LISTS],
    "/fhir/ValueSet/psykiatri/$expand?filter=kbt&count=3&offset=1&includeDesignations=true&displayLanguage=sv",
    "/fhir/ValueSet/$expand?url=" + BASE + "/ValueSet/psykologer-skrs&activeOnly=true",
    f"/fhir/CodeSystem/$lookup?system={KVA}&code=AU118",
    f"/fhir/CodeSystem/$lookup?system={BASE}/CodeSystem/rs-2024-00668&code=UX294",
    "/fhir/ValueSet/bhv-hembesok/$validate-code?code=UX293",
    "/fhir/ValueSet/$validate-code?url=" + BASE + "/ValueSet/psykiatri&code=QQ999",
]


@pytest.mark.parametrize("url", SERVED)
def test_every_served_resource_is_valid_fhir_json(client, url):
    fhir_get(client, url)


def test_every_list_has_a_value_set_in_the_bundle(client):
    bundle = fhir_get(client, "/fhir/ValueSet")
    assert sorted(entry["resource"]["id"] for entry in bundle["entry"]) == sorted(LISTS)


# --- format, methods, login ------------------------------------------------------------------


def test_json_is_served_for_format_json_and_for_fhir_or_plain_json_accept(client):
    fhir_get(client, "/fhir/metadata?_format=json")
    fhir_get(client, "/fhir/metadata?_format=application/fhir%2Bjson")
    fhir_get(client, "/fhir/metadata", HTTP_ACCEPT="application/fhir+json")
    fhir_get(client, "/fhir/metadata", Accept="application/json")


def test_xml_is_refused_with_406_as_an_operation_outcome(client):
    outcome = fhir_get(client, "/fhir/ValueSet/psykiatri?_format=xml", status=406)
    assert outcome["resourceType"] == "OperationOutcome"
    # The Accept header is checked before the page cache: a cached JSON page is not served to it.
    fhir_get(client, "/fhir/ValueSet/psykiatri")
    fhir_get(client, "/fhir/ValueSet/psykiatri", status=406, Accept="application/fhir+xml")


def test_metadata_is_a_capability_statement_that_only_get_and_head_reach(client):
    statement = fhir_get(client, "/fhir/metadata")
    assert statement["resourceType"] == "CapabilityStatement" and statement["fhirVersion"] == "4.0.1"
    operations = {op["name"] for res in statement["rest"][0]["resource"] for op in res.get("operation", [])}
    assert operations == {"expand", "validate-code", "lookup"}
    assert client.head("/fhir/metadata").status_code == 200
    for method in ("post", "put", "delete", "patch"):
        response = getattr(client, method)("/fhir/metadata")
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"
        valid(response.json())


def test_no_login_is_needed(client):
    client.logout()
    fhir_get(client, "/fhir/ValueSet/psykiatri")


# --- ValueSet -------------------------------------------------------------------------------


def test_value_set_has_canonical_url_version_status_publisher_and_the_lists_codes_word_for_word(client):
    value_set = fhir_get(client, "/fhir/ValueSet/psykologer-skrs")
    assert value_set["url"] == BASE + "/ValueSet/psykologer-skrs"
    assert value_set["status"] == "active" and value_set["publisher"] and value_set["version"]
    concepts = {c["code"]: c for include in value_set["compose"]["include"] for c in include["concept"]}
    entries = Entry.objects.filter(code_list__slug="psykologer-skrs").select_related("code", "section")
    assert set(concepts) == {entry.code.code for entry in entries}
    for entry in entries:
        concept = concepts[entry.code.code]
        assert concept["display"] == entry.title
        designations = {d["use"]["code"]: d["value"] for d in concept.get("designation", [])}
        if entry.beskrivning:
            assert designations["beskrivning"] == entry.beskrivning
        if entry.anvisning:
            assert designations["anvisning"] == entry.anvisning
        sections = [e["valueString"] for e in concept["extension"] if e["url"] == BASE + "/StructureDefinition/avsnitt"]
        assert entry.section.title in sections


def test_designation_uses_are_a_served_code_system(client):
    value_set = fhir_get(client, "/fhir/ValueSet/psykiatri")
    uses = {
        (d["use"]["system"], d["use"]["code"])
        for include in value_set["compose"]["include"]
        for c in include["concept"]
        for d in c.get("designation", [])
    }
    served = fhir_get(client, "/fhir/CodeSystem/beteckningstyp")
    assert uses == {(served["url"], c["code"]) for c in served["concept"]}


def test_value_set_date_and_version_come_from_the_content(client):
    bhv = fhir_get(client, "/fhir/ValueSet/bhv-hembesok")
    assert bhv["date"] == "2024-02-07" and bhv["version"].startswith("2024-02-07+")
    before = fhir_get(client, "/fhir/ValueSet/psykologer-skrs")["version"]
    entry = Entry.objects.filter(code_list__slug="psykologer-skrs").first()
    entry.title += " (ändrad)"
    entry.save()
    assert fhir_get(client, "/fhir/ValueSet/psykologer-skrs")["version"] != before


def test_retired_code_is_inactive_with_its_last_valid_day(client):
    last_day = retire("AU118", days_ago=3)
    expansion = fhir_get(client, "/fhir/ValueSet/psykiatri/$expand?filter=AU118")["expansion"]
    item = next(c for c in expansion["contains"] if c["code"] == "AU118")
    assert item["inactive"] is True
    assert {"url": BASE + "/StructureDefinition/sista-giltiga-dag", "valueDate": last_day.isoformat()} in item[
        "extension"
    ]
    value_set = fhir_get(client, "/fhir/ValueSet/psykiatri")
    concept = next(c for i in value_set["compose"]["include"] for c in i["concept"] if c["code"] == "AU118")
    assert {"url": BASE + "/StructureDefinition/sista-giltiga-dag", "valueDate": last_day.isoformat()} in concept[
        "extension"
    ]


def test_value_set_reads_are_served_from_the_page_cache(client, monkeypatch):
    first = client.get("/fhir/ValueSet/psykiatri")

    def not_again(slug):
        raise AssertionError("built again instead of served from the page cache")

    monkeypatch.setattr(terminology, "value_set", not_again)
    second = client.get("/fhir/ValueSet/psykiatri")
    assert second.status_code == 200 and second.content == first.content


# --- systems --------------------------------------------------------------------------------


def test_kva_codes_carry_socialstyrelsens_oid_and_decision_codes_their_own_system(client):
    value_set = fhir_get(client, "/fhir/ValueSet/bhv-hembesok")
    systems = {c["code"]: include["system"] for include in value_set["compose"]["include"] for c in include["concept"]}
    assert systems["UX273"] == KVA
    assert systems["UX293"] == systems["UX294"] == BASE + "/CodeSystem/rs-2024-00668"
    regional = fhir_get(client, "/fhir/CodeSystem/rs-2024-00668")
    assert {c["code"] for c in regional["concept"]} == {"UX293", "UX294"}
    assert regional["identifier"] == [{"use": "official", "value": "RS 2024-00668"}]
    assert "RS 2024-00668" in regional["title"] and regional["content"] == "complete"
    kva = fhir_get(client, "/fhir/CodeSystem/kva")
    assert kva["url"] == KVA and kva["content"] == "fragment"
    assert "UX293" not in {c["code"] for c in kva["concept"]} and "AU118" in {c["code"] for c in kva["concept"]}


def test_the_decision_that_created_a_code_is_named_in_the_content_and_checked():
    assert Code.objects.get(code="UX293").decision.identifier == "RS 2024-00668"


def test_a_code_naming_an_unknown_decision_is_a_content_error(tmp_path):
    import shutil

    from catalog.content import CONTENT_DIR

    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    path = target / "koder.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('"RS 2024-00668"', '"RS 1999-00001"', 1), "utf-8")
    with pytest.raises(ContentError, match="RS 1999-00001"):
        read_content(target)


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


# --- $lookup --------------------------------------------------------------------------------


def lookup_parameters(client, query: str, status: int = 200) -> dict:
    return fhir_get(client, f"/fhir/CodeSystem/$lookup?{query}", status=status)


def test_lookup_gives_display_designations_and_the_lists_holding_the_code(client):
    result = lookup_parameters(client, f"system={KVA}&code=DU011")
    by_name: dict[str, list] = {}
    for parameter in result["parameter"]:
        by_name.setdefault(parameter["name"], []).append(parameter)
    assert by_name["display"][0]["valueString"] == Code.objects.get(code="DU011").title
    texts = {part["valueString"] for d in by_name["designation"] for part in d["part"] if part["name"] == "value"}
    for entry in Entry.objects.filter(code__code="DU011"):
        assert {t for t in (entry.beskrivning, entry.anvisning) if t} <= texts
    lists = {
        part["valueString"]
        for p in by_name["property"]
        if {"name": "code", "valueCode": "valueset"} in p["part"]
        for part in p["part"]
        if part["name"] == "value"
    }
    held = set(Entry.objects.filter(code__code="DU011").values_list("code_list__slug", flat=True))
    assert lists == {f"{BASE}/ValueSet/{slug}" for slug in held} and len(held) == 2


def test_lookup_accepts_the_national_service_contracts_kva_oid(client):
    result = lookup_parameters(client, "system=urn:oid:1.2.752.116.1.3.2.1.4&code=AU118")
    assert {"name": "display", "valueString": Code.objects.get(code="AU118").title} in result["parameter"]


def test_lookup_of_a_decision_code_in_its_own_system(client):
    result = lookup_parameters(client, f"system={BASE}/CodeSystem/rs-2024-00668&code=UX293")
    assert {"name": "display", "valueString": "Ej erbjuden utökat hembesöksprogram"} in result["parameter"]
    lookup_parameters(client, f"system={KVA}&code=UX293", status=404)


def test_lookup_errors(client):
    lookup_parameters(client, f"system={KVA}&code=QQ999", status=404)
    lookup_parameters(client, "system=http://snomed.info/sct&code=AU118", status=404)
    lookup_parameters(client, "code=AU118", status=400)
    lookup_parameters(client, f"system={KVA}", status=400)


# --- $validate-code -------------------------------------------------------------------------


def validation(client, slug: str, query: str) -> dict:
    result = fhir_get(client, f"/fhir/ValueSet/{slug}/$validate-code?{query}")
    return {p["name"]: next(v for k, v in p.items() if k.startswith("value")) for p in result["parameter"]}


def test_validate_code_says_whether_the_code_is_in_the_list(client):
    assert validation(client, "psykiatri", f"system={KVA}&code=AU118")["result"] is True
    refused = validation(client, "psykologer-skrs", "code=AU118")
    assert refused["result"] is False and "står inte i" in refused["message"]
    assert validation(client, "bhv-hembesok", f"system={KVA}&code=UX293")["result"] is False


def test_validate_code_on_a_date(client):
    assert validation(client, "bhv-hembesok", "code=UX293&date=2024-02-06")["result"] is False
    assert validation(client, "bhv-hembesok", "code=UX293&date=2024-02-07")["result"] is True
    last_day = retire("AU118", days_ago=10)
    assert validation(client, "psykiatri", f"code=AU118&date={last_day.isoformat()}")["result"] is True
    after = last_day + datetime.timedelta(days=1)
    assert validation(client, "psykiatri", f"code=AU118&date={after.isoformat()}")["result"] is False
    assert validation(client, "psykiatri", "code=AU118")["result"] is False


def test_validate_code_errors(client):
    fhir_get(client, "/fhir/ValueSet/psykiatri/$validate-code", status=400)
    fhir_get(client, "/fhir/ValueSet/psykiatri/$validate-code?code=AU118&date=igår", status=400)
    fhir_get(client, "/fhir/ValueSet/nosuchlist/$validate-code?code=AU118", status=404)
    fhir_get(client, "/fhir/ValueSet/$validate-code?code=AU118", status=400)


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/fhir/Patient/1", 404),
        ("/fhir/ValueSet/nosuchlist", 404),
        ("/fhir/CodeSystem/nosuchsystem", 404),
        ("/fhir/ValueSet/nosuchlist/$expand", 404),
        ("/fhir/", 404),
        ("/fhir/ValueSet/psykiatri/$subsumes", 501),
        ("/fhir/CodeSystem/$subsumes", 501),
        ("/fhir/ConceptMap/$translate", 501),
    ],
)
def test_errors_are_operation_outcomes_with_their_status(client, url, status):
    assert fhir_get(client, url, status=status)["resourceType"] == "OperationOutcome"


def test_writing_is_refused(client):
    response = client.put("/fhir/ValueSet/psykiatri", "{}", content_type="application/fhir+json")
    assert response.status_code == 405
    valid(response.json())


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
PATHS = st.sampled_from(
    [
        "/fhir/ValueSet/psykiatri/$expand",
        "/fhir/ValueSet/$expand",
        "/fhir/ValueSet/bhv-hembesok/$validate-code",
        "/fhir/ValueSet/$validate-code",
        "/fhir/CodeSystem/$lookup",
        "/fhir/ValueSet",
        "/fhir/CodeSystem",
        "/fhir/metadata",
    ]
)
NAMES = st.sampled_from(
    ["filter", "count", "offset", "activeOnly", "displayLanguage", "url", "code", "system", "date", "display", "x"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=PATHS, params=st.lists(st.tuples(NAMES, TEXT), max_size=4), accept=st.sampled_from(["", "*/*", "text/html"])
)
def test_no_input_gives_a_500(client, path, params, accept):
    response = client.get(path, params, headers={"Accept": accept} if accept else {})
    assert response.status_code in (200, 400, 404, 406), response.content[:300]
    valid(response.json())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        TEXT,
        st.builds(
            lambda params: json.dumps({"resourceType": "Parameters", "parameter": params}),
            st.lists(
                st.fixed_dictionaries(
                    {"name": NAMES},
                    optional={
                        "valueString": TEXT,
                        "valueInteger": st.integers(),
                        "valueBoolean": st.booleans(),
                        "valueCoding": st.fixed_dictionaries({}, optional={"system": TEXT, "code": TEXT}),
                    },
                ),
                max_size=4,
            ),
        ),
    )
)
def test_no_posted_body_gives_a_500(client, body):
    response = client.post("/fhir/ValueSet/psykiatri/$expand", body, content_type="application/fhir+json")
    assert response.status_code in (200, 400, 404), response.content[:300]
    valid(response.json())


# --- the list page --------------------------------------------------------------------------


@pytest.mark.parametrize("slug", LISTS)
def test_each_list_page_links_to_its_value_set(client, slug):
    html = client.get(f"/lista/{slug}/").content.decode()
    assert f'href="/fhir/ValueSet/{slug}"' in html


# --- what the README promises besides ----------------------------------------------------------


def test_value_set_search_by_url_finds_that_list_only(client):
    bundle = fhir_get(client, "/fhir/ValueSet?url=" + BASE + "/ValueSet/psykiatri")
    assert [entry["resource"]["id"] for entry in bundle["entry"]] == ["psykiatri"]
    assert fhir_get(client, "/fhir/ValueSet?url=http://example.org/x")["total"] == 0


def test_an_undated_list_has_no_date_until_it_is_changed(client):
    assert "date" not in fhir_get(client, "/fhir/ValueSet/psykiatri")


def test_lookup_and_validate_code_take_posted_parameters(client):
    body = {
        "resourceType": "Parameters",
        "parameter": [{"name": "coding", "valueCoding": {"system": KVA, "code": "AU118"}}],
    }
    posted = client.post("/fhir/CodeSystem/$lookup", json.dumps(body), content_type="application/fhir+json")
    assert {"name": "display", "valueString": Code.objects.get(code="AU118").title} in valid(posted.json())["parameter"]
    body["parameter"].append({"name": "date", "valueDate": "2020-01-01"})
    checked = client.post(
        "/fhir/ValueSet/psykiatri/$validate-code", json.dumps(body), content_type="application/fhir+json"
    )
    assert {"name": "result", "valueBoolean": True} in valid(checked.json())["parameter"]


def test_validate_code_accepts_either_kva_oid_and_checks_the_display(client):
    assert validation(client, "psykiatri", "system=urn:oid:1.2.752.116.1.3.2.1.4&code=AU118")["result"] is True
    wrong = validation(client, "psykiatri", "code=AU118&display=Något annat")
    assert wrong["result"] is False and "Något annat" in wrong["message"]


def test_expand_leaves_out_the_total_when_the_search_window_was_full(client):
    listed = set(terminology.list_terms("psykiatri").concepts)
    assert len(search.search("behandling", within_list="psykiatri", limit=500).hits) > 40
    first = fhir_get(client, "/fhir/ValueSet/psykiatri/$expand?filter=behandling&count=1")
    assert "total" not in first["expansion"] and codes_of(first)[0] in listed


def test_a_code_created_by_a_recorded_decision_joins_that_decisions_code_system(client):
    from catalog.editorial import decisions
    from catalog.models import CodeList, DecisionCode, Section, SourceDocument

    decision = SourceDocument.objects.create(
        slug="rs-2026-00001", title="Testbeslut", kind="beslut", identifier="RS 2026-00001", seed_file="-"
    )
    bhv = CodeList.objects.get(slug="bhv-hembesok")
    decisions.apply(
        DecisionCode.objects.create(
            decision=decision,
            code="UX299",
            title="Testbesök",
            code_list=bhv,
            section=Section.objects.get(code_list=bhv, slug="nya-koder-genom-beslutet"),
        )
    )
    regional = fhir_get(client, "/fhir/CodeSystem/rs-2026-00001")
    assert [c["code"] for c in regional["concept"]] == ["UX299"]
    assert "RS 2026-00001" in regional["title"]


def test_expand_gets_are_served_from_the_page_cache_and_built_once_per_content_change(client, monkeypatch):
    calls = []
    build = terminology._build_list
    monkeypatch.setattr(terminology, "_build_list", lambda slug: calls.append(slug) or build(slug))
    url = "/fhir/ValueSet/psykologer-skrs/$expand?filter=KBT"
    first = client.get(url)
    fhir_get(client, "/fhir/ValueSet/psykologer-skrs/$expand?filter=samtal")
    assert calls == ["psykologer-skrs"]
    monkeypatch.setattr(terminology, "expand", lambda *a: (_ for _ in ()).throw(AssertionError("not cached")))
    assert client.get(url).content == first.content
    entry = Entry.objects.filter(code_list__slug="psykologer-skrs").first()
    entry.save()
    fhir_get(client, "/fhir/ValueSet/psykologer-skrs")
    assert calls == ["psykologer-skrs", "psykologer-skrs"]
