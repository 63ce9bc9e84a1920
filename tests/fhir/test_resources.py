"""/fhir/: the lists as FHIR R4 terminology; every resource served parses as FHIR (tests/support/fhir.py)."""

import json
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.fhir import views
from catalog.loading.read import ContentError, read_content
from catalog.models import Code, Entry
from tests.support.fhir import BASE, KVA, LISTS, fhir_get, retire, valid

pytestmark = pytest.mark.django_db


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
    "/fhir/metadata?mode=terminology",
    "/fhir/ValueSet/psykiatri/_history",
    "/fhir/ValueSet?_summary=true",
    "/fhir/ValueSet?_elements=title,url&_count=2",
    "/fhir/ValueSet/psykiatri?_summary=text",
    "/fhir/CodeSystem/kva?_summary=true",
    "/fhir/CodeSystem/kva/$lookup?code=AU118&property=inactive&property=valueset",
    f"/fhir/CodeSystem/$validate-code?url={KVA}&code=JEA00",
    "/fhir/CodeSystem/rs-2024-00668/$validate-code?code=UX293&display=x",
    "/fhir/ValueSet/psykiatri/$expand?filter=behandling&count=0",
    "/fhir/ValueSet/psykiatri/$expand?excludeNested=true&includeDefinition=true&designation=sv",
    "/fhir/OperationDefinition/kvaguiden-ValueSet-expand",
    "/fhir/OperationDefinition/kvaguiden-ValueSet-validate-code",
    "/fhir/OperationDefinition/kvaguiden-CodeSystem-lookup",
    "/fhir/OperationDefinition/kvaguiden-CodeSystem-validate-code",
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
        assert response["Allow"] == "GET, HEAD, OPTIONS"
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

    def not_again(*args):
        raise AssertionError("built again instead of served from the page cache")

    monkeypatch.setattr(views, "value_set_resource", not_again)
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
    from catalog.content import CONTENT_DIR

    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    path = target / "koder.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('"RS 2024-00668"', '"RS 1999-00001"', 1), "utf-8")
    with pytest.raises(ContentError, match="RS 1999-00001"):
        read_content(target)


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
        "/fhir/CodeSystem/$validate-code",
        "/fhir/CodeSystem/kva/$lookup",
        "/fhir/ValueSet/psykiatri",
        "/fhir/ValueSet/psykiatri/_history",
        "/fhir/ValueSet/psykiatri/_history/x",
    ]
)
NAMES = st.sampled_from(
    [
        *("filter", "count", "offset", "activeOnly", "displayLanguage", "url", "code", "system", "date", "display"),
        *("valueSetVersion", "version", "systemVersion", "property", "designation", "exclude-system", "name"),
        *("system-version", "_summary", "_elements", "_count", "_offset", "mode", "name:exact", "x"),
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=PATHS, params=st.lists(st.tuples(NAMES, TEXT), max_size=4), accept=st.sampled_from(["", "*/*", "text/html"])
)
def test_no_input_gives_a_500(client, path, params, accept):
    response = client.get(path, params, headers={"Accept": accept} if accept else {})
    assert response.status_code in (200, 400, 404, 406), response.content[:300]
    assert response["Access-Control-Allow-Origin"] == "*"
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


def test_an_empty_parameter_is_not_echoed_into_the_expansion(client):
    # Found by the test above on PostgreSQL: FHIR has no empty strings, so echoing one made the
    # ValueSet itself invalid.
    body = '{"resourceType": "Parameters", "parameter": [{"name": "designation", "valueString": ""}]}'
    response = client.post("/fhir/ValueSet/psykiatri/$expand", body, content_type="application/fhir+json")
    assert response.status_code == 200
    echoed = response.json()["expansion"]["parameter"]
    assert not [p for p in echoed if p["name"] == "designation"]
    valid(response.json())
    valid(client.get("/fhir/ValueSet/psykiatri/$expand?designation=&filter=").json())


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
