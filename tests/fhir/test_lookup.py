"""CodeSystem/$lookup: display, designations, properties, versions, the KVÅ fragment."""

import json

import pytest

from catalog.models import Code, Entry
from tests.support.fhir import BASE, KVA, fhir_get, outputs, retire, valid

pytestmark = pytest.mark.django_db


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


NO_TITLE = ["AW026", "DT026", "DU007", "DU029", "DV077", "GA004", "GA022", "UX401", "XV008", "ZV229", "ZX102", "ZX602"]


def test_every_code_the_kva_code_system_holds_has_a_display_in_lookup(client):
    """display is 1..1 in R4: every concept of the fragment has one, and $lookup gives it."""
    kva = fhir_get(client, "/fhir/CodeSystem/kva")
    assert kva["count"] == len(kva["concept"])
    for concept in kva["concept"]:
        found = outputs(lookup_parameters(client, f"system={KVA}&code={concept['code']}"))
        assert found["display"] == concept["display"] and concept["display"]


@pytest.mark.parametrize("code", NO_TITLE)
def test_a_code_the_texts_only_mention_without_a_title_is_not_in_the_fragment(client, code):
    assert not Code.objects.get(code=code).title and not Entry.objects.filter(code__code=code).exists()
    outcome = lookup_parameters(client, f"system={KVA}&code={code}", status=404)
    assert "fragment" in outcome["issue"][0]["diagnostics"]


def test_a_kva_code_the_fragment_does_not_hold_is_named_as_such(client):
    """JEA00 is a KVÅ code (surgical); the fragment holds only the guide's codes."""
    outcome = lookup_parameters(client, f"system={KVA}&code=JEA00", status=404)
    message = outcome["issue"][0]["diagnostics"]
    assert "fragment" in message and "kan ändå finnas i KVÅ" in message and "finns inte i KVÅ." not in message


def test_lookup_property_chooses_what_comes_back(client):
    """HL7 simple-lookup-1: name, display and the properties asked for."""
    only = lookup_parameters(client, f"system={KVA}&code=DU011&property=inactive")
    names = [p["name"] for p in only["parameter"]]
    assert names == ["name", "display", "property"]
    assert only["parameter"][2]["part"] == [
        {"name": "code", "valueCode": "inactive"},
        {"name": "value", "valueBoolean": False},
    ]
    lists = lookup_parameters(client, f"system={KVA}&code=DU011&property=valueset&property=designation")
    codes = {
        part["valueCode"]
        for p in lists["parameter"]
        if p["name"] == "property"
        for part in p["part"]
        if part["name"] == "code"
    }
    assert codes == {"valueset"} and any(p["name"] == "designation" for p in lists["parameter"])


def test_lookup_on_the_code_system_instance_and_by_post(client):
    """CodeSystem/kva/$lookup used to answer 501 while its own message listed $lookup."""
    assert (
        outputs(fhir_get(client, "/fhir/CodeSystem/kva/$lookup?code=AU118"))["display"]
        == Code.objects.get(code="AU118").title
    )
    response = client.post(
        "/fhir/CodeSystem/kva/$lookup",
        json.dumps({"resourceType": "Parameters", "parameter": [{"name": "code", "valueCode": "AU118"}]}),
        content_type="application/fhir+json",
    )
    assert outputs(valid(response.json()))["name"] == "KVA"


def test_lookup_versions(client):
    """HL7 lookup-bad-version: a version the server does not hold is not-found; a held one is answered."""
    for query in (f"system={KVA}&code=AU118&version=bogus", f"system={KVA}%7Cbogus&code=AU118"):
        assert lookup_parameters(client, query, status=404)["issue"][0]["code"] == "not-found"
    regional = f"{BASE}/CodeSystem/rs-2024-00668"
    held = outputs(lookup_parameters(client, f"system={regional}&code=UX293&version=2024-02-07"))
    assert held["version"] == "2024-02-07"
    lookup_parameters(client, f"system={regional}&code=UX293&version=2020-01-01", status=404)


def test_lookup_date_is_checked_whole_and_sets_inactive_on_that_day(client):
    lookup_parameters(client, f"system={KVA}&code=AU118&date=2024-01-01garbage", status=400)
    retire("AU118", days_ago=10)
    earlier = lookup_parameters(client, f"system={KVA}&code=AU118&property=inactive&date=2020-01-01")
    assert earlier["parameter"][-1]["part"][1] == {"name": "value", "valueBoolean": False}
    today = lookup_parameters(client, f"system={KVA}&code=AU118&property=inactive")
    assert today["parameter"][-1]["part"][1] == {"name": "value", "valueBoolean": True}
