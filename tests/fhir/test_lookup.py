"""CodeSystem/$lookup: display, designations, properties, versions, the KVÅ fragment."""

import pytest

from catalog.models import Code, Entry
from tests.support.fhir import BASE, KVA, fhir_get

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
