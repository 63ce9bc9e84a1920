"""What the server claims is exactly what it does: the CapabilityStatement, TerminologyCapabilities and
the OperationDefinitions (catalog.fhir.definitions) against the answers."""

import pytest

from catalog.fhir.definitions import OPERATIONS
from tests.support.fhir import BASE, KVA, fhir_get, fhir_post

pytestmark = pytest.mark.django_db

# The inputs R4 (4.0.1) defines for each operation, from its OperationDefinition.
R4_INPUTS = {
    "kvaguiden-ValueSet-expand": (
        "url valueSet valueSetVersion context contextDirection filter date offset count includeDesignations "
        "designation includeDefinition activeOnly excludeNested excludeNotForUI excludePostCoordinated "
        "displayLanguage exclude-system system-version check-system-version force-system-version"
    ).split(),
    "kvaguiden-ValueSet-validate-code": (
        "url context valueSet valueSetVersion code system systemVersion display coding codeableConcept date "
        "abstract displayLanguage"
    ).split(),
    "kvaguiden-CodeSystem-validate-code": (
        "url codeSystem code version display coding codeableConcept date abstract displayLanguage"
    ).split(),
    "kvaguiden-CodeSystem-lookup": "code system version coding date displayLanguage property".split(),
}
PSYKIATRI = f"{BASE}/ValueSet/psykiatri"
# A value of the right kind for each input, as a Parameters entry.
SAMPLES = {
    "url": {"valueUri": PSYKIATRI},
    "valueSetVersion": None,  # the current version, read in the test
    "filter": {"valueString": "kbt"},
    "offset": {"valueInteger": 1},
    "count": {"valueInteger": 2},
    "includeDesignations": {"valueBoolean": True},
    "designation": {"valueString": "sv"},
    "includeDefinition": {"valueBoolean": True},
    "activeOnly": {"valueBoolean": True},
    "excludeNested": {"valueBoolean": True},
    "excludeNotForUI": {"valueBoolean": True},
    "excludePostCoordinated": {"valueBoolean": True},
    "displayLanguage": {"valueCode": "sv"},
    "exclude-system": {"valueCanonical": "http://snomed.info/sct"},
    "system-version": {"valueCanonical": "http://snomed.info/sct|1"},
    "check-system-version": {"valueCanonical": "http://snomed.info/sct|1"},
    "force-system-version": {"valueCanonical": "http://snomed.info/sct|1"},
    "code": {"valueCode": "AU118"},
    "system": {"valueUri": KVA},
    "systemVersion": {"valueString": "2025"},
    "version": {"valueString": "2025"},
    "display": {"valueString": "Bedömning av suicidrisk"},
    "coding": {"valueCoding": {"system": KVA, "code": "AU118"}},
    "codeableConcept": {"valueCodeableConcept": {"coding": [{"system": KVA, "code": "AU118"}]}},
    "date": {"valueDateTime": "2024-06-01"},
    "abstract": {"valueBoolean": True},
    "property": {"valueCode": "inactive"},
}
REGIONAL = f"{BASE}/CodeSystem/rs-2024-00668"
# Where each operation is tried, what every call carries, and values that fit that address.
WHERE = {
    "kvaguiden-ValueSet-expand": ("/fhir/ValueSet/psykiatri/$expand", [], {}),
    "kvaguiden-ValueSet-validate-code": ("/fhir/ValueSet/psykiatri/$validate-code", ["code"], {}),
    "kvaguiden-CodeSystem-validate-code": ("/fhir/CodeSystem/kva/$validate-code", ["code"], {"url": {"valueUri": KVA}}),
    "kvaguiden-CodeSystem-lookup": (
        "/fhir/CodeSystem/rs-2024-00668/$lookup",
        ["code"],
        {
            "code": {"valueCode": "UX293"},
            "system": {"valueUri": REGIONAL},
            "version": {"valueString": "2024-02-07"},
            "coding": {"valueCoding": {"system": REGIONAL, "code": "UX293"}},
        },
    ),
}
CODE_GIVERS = {"code", "coding", "codeableConcept"}


def test_each_operation_in_the_statement_has_its_own_served_definition(client):
    statement = fhir_get(client, "/fhir/metadata")
    referenced = {
        op["definition"] for resource in statement["rest"][0]["resource"] for op in resource.get("operation", [])
    }
    assert referenced == {f"{BASE}/OperationDefinition/{op}" for op in OPERATIONS}
    for url in referenced:
        definition = fhir_get(client, "/fhir/" + url.removeprefix(BASE + "/"))
        assert definition["base"].startswith("http://hl7.org/fhir/OperationDefinition/")
        assert definition["url"] == url


@pytest.mark.parametrize("operation_id", list(R4_INPUTS))
def test_every_r4_input_is_either_served_as_defined_or_refused_and_left_out(client, operation_id):
    definition = fhir_get(client, f"/fhir/OperationDefinition/{operation_id}")
    served = {p["name"] for p in definition["parameter"] if p["use"] == "in"}
    path, base, fitting = WHERE[operation_id]
    samples = {**SAMPLES, "valueSetVersion": {"valueString": fhir_get(client, "/fhir/ValueSet/psykiatri")["version"]}}
    samples.update(fitting)
    for name in R4_INPUTS[operation_id]:
        given = [n for n in base if not (name in CODE_GIVERS and n in CODE_GIVERS)]
        parameters = [{"name": n, **samples[n]} for n in given]
        parameters.append({"name": name, **samples.get(name, {"valueString": "x"})})
        if name in served:
            fhir_post(client, path, parameters)  # 200: accepted and used
        else:
            outcome = fhir_post(client, path, parameters, status=400)
            assert outcome["issue"][0]["code"] == "not-supported", name
    assert served <= set(R4_INPUTS[operation_id])


def test_every_search_parameter_in_the_statement_is_used(client):
    statement = fhir_get(client, "/fhir/metadata")
    for resource in statement["rest"][0]["resource"]:
        for param in resource.get("searchParam", []):
            bundle = fhir_get(client, f"/fhir/{resource['type']}?{param['name']}=zz-no-such-value")
            assert bundle["total"] == 0, (resource["type"], param["name"])


def test_every_interaction_in_the_statement_is_answered(client):
    statement = fhir_get(client, "/fhir/metadata")
    value_set = next(r for r in statement["rest"][0]["resource"] if r["type"] == "ValueSet")
    vid = fhir_get(client, "/fhir/ValueSet/psykiatri")["meta"]["versionId"]
    addresses = {
        "read": "/fhir/ValueSet/psykiatri",
        "vread": f"/fhir/ValueSet/psykiatri/_history/{vid}",
        "history-instance": "/fhir/ValueSet/psykiatri/_history",
        "search-type": "/fhir/ValueSet?name=psyk",
    }
    assert {i["code"] for i in value_set["interaction"]} == set(addresses)
    for address in addresses.values():
        fhir_get(client, address)


def test_metadata_mode_terminology_is_terminology_capabilities(client):
    """HL7 metadata suite, term-caps: GET metadata?mode=terminology gives TerminologyCapabilities."""
    capabilities = fhir_get(client, "/fhir/metadata?mode=terminology")
    assert capabilities["resourceType"] == "TerminologyCapabilities" and capabilities["kind"] == "instance"
    served = {e["resource"]["url"] for e in fhir_get(client, "/fhir/CodeSystem")["entry"]}
    listed = {system["uri"] for system in capabilities["codeSystem"]}
    assert listed == served | {"urn:oid:1.2.752.116.1.3.2.1.4"}
    expand = fhir_get(client, "/fhir/OperationDefinition/kvaguiden-ValueSet-expand")
    assert {p["name"] for p in capabilities["expansion"]["parameter"]} == {
        p["name"] for p in expand["parameter"] if p["use"] == "in"
    }
    assert fhir_get(client, "/fhir/metadata?mode=full")["resourceType"] == "CapabilityStatement"
    fhir_get(client, "/fhir/metadata?mode=bogus", status=400)


def test_an_operation_we_do_not_have_is_501_naming_those_we_have(client):
    outcome = fhir_get(client, "/fhir/CodeSystem/kva/$subsumes", status=501)
    assert "$lookup, $validate-code" in outcome["issue"][0]["diagnostics"]
    fhir_get(client, "/fhir/OperationDefinition/nosuch", status=404)
