"""$validate-code on a ValueSet and on a CodeSystem.

Where a test follows one of HL7's terminology-ecosystem test cases (HL7/fhir-tx-ecosystem-ig,
tests/test-cases.json), its name is in the docstring: the case's request adapted to these lists,
its expected answer's result, flags and issue severities checked (the texts are Swedish here).
"""

import datetime
import json

import pytest

from catalog.models import Code, Entry
from tests.support.fhir import BASE, KVA, fhir_get, fhir_post, issues, outputs, retire, valid

pytestmark = pytest.mark.django_db


def validation(client, slug: str, query: str) -> dict:
    return outputs(fhir_get(client, f"/fhir/ValueSet/{slug}/$validate-code?{query}"))


def in_code_system(client, query: str, instance: str = "") -> dict:
    path = f"/fhir/CodeSystem/{instance}/$validate-code" if instance else "/fhir/CodeSystem/$validate-code"
    return fhir_get(client, f"{path}?{query}")


def test_validate_code_says_whether_the_code_is_in_the_list(client):
    """HL7 validation-simple-code-good and validation-simple-code-bad-code."""
    good = validation(client, "psykiatri", f"system={KVA}&code=AU118")
    assert good["result"] is True and good["code"] == "AU118" and good["system"] == KVA
    assert good["display"] == Entry.objects.get(code_list__slug="psykiatri", code__code="AU118").title
    refused = fhir_get(client, "/fhir/ValueSet/psykologer-skrs/$validate-code?code=AU118")
    assert outputs(refused)["result"] is False and "står inte i" in outputs(refused)["message"]
    assert [severity for severity, _ in issues(refused)] == ["error"]
    assert validation(client, "bhv-hembesok", f"system={KVA}&code=UX293")["result"] is False


def test_a_code_of_a_system_not_served_is_false_with_a_not_found_issue(client):
    """HL7 validation-simple-coding-bad-system: a system the server does not know cannot be checked."""
    answer = fhir_get(client, "/fhir/ValueSet/psykiatri/$validate-code?system=http://example.org/nej&code=AU118")
    assert outputs(answer)["result"] is False
    assert outputs(answer)["issues"]["issue"][0]["code"] == "not-found"


def test_validate_code_on_a_date(client):
    assert validation(client, "bhv-hembesok", "code=UX293&date=2024-02-06")["result"] is False
    assert validation(client, "bhv-hembesok", "code=UX293&date=2024-02-07")["result"] is True
    last_day = retire("AU118", days_ago=10)
    assert validation(client, "psykiatri", f"code=AU118&date={last_day.isoformat()}")["result"] is True
    after = last_day + datetime.timedelta(days=1)
    assert validation(client, "psykiatri", f"code=AU118&date={after.isoformat()}")["result"] is False


def test_a_retired_code_is_still_in_the_list_inactive_with_a_warning(client):
    """HL7 validate-inactive-2: result true, inactive true, a warning that its use should be reviewed.
    The default $expand lists the retired code too, so the two answers agree."""
    last_day = retire("AU118", days_ago=3)
    answer = fhir_get(client, "/fhir/ValueSet/psykiatri/$validate-code?code=AU118")
    found = outputs(answer)
    assert found["result"] is True and found["inactive"] is True
    assert issues(answer) == [
        ("warning", f"Koden AU118 gick ut efter {last_day} (sista giltiga dag); granska användningen.")
    ]
    expanded = fhir_get(client, "/fhir/ValueSet/psykiatri/$expand?filter=AU118&count=1")
    assert expanded["expansion"]["contains"][0]["inactive"] is True


def test_a_codeable_concept_is_valid_when_one_coding_is(client):
    """HL7 validate-inactive-4 (an active and an inactive coding) and validation-simple-codeableconcept-good."""
    retire("DU011", days_ago=1)
    concept = {"coding": [{"system": KVA, "code": "QQ999"}, {"system": KVA, "code": "AU118"}]}
    answer = fhir_post(
        client,
        "/fhir/ValueSet/psykiatri/$validate-code",
        [{"name": "codeableConcept", "valueCodeableConcept": concept}],
    )
    assert outputs(answer)["result"] is True and outputs(answer)["code"] == "AU118"
    assert outputs(answer)["codeableConcept"] == concept
    bad = {"coding": [{"system": KVA, "code": "QQ999"}, {"system": KVA, "code": "QQ998"}]}
    refused = fhir_post(
        client, "/fhir/ValueSet/psykiatri/$validate-code", [{"name": "codeableConcept", "valueCodeableConcept": bad}]
    )
    assert outputs(refused)["result"] is False
    locations = [issue["location"][0] for issue in outputs(refused)["issues"]["issue"]]
    assert locations == ["CodeableConcept.coding[0]", "CodeableConcept.coding[1]"]


def test_any_title_the_code_has_is_a_valid_display_naming_the_preferred_one(client):
    """XV015: the list prints the PDF's hyphenation, the canonical title has none; $lookup gives the
    canonical one, and $validate-code must accept it (HL7 validation-simple-code-good-display)."""
    canonical = Code.objects.get(code="XV015").title
    printed = Entry.objects.filter(code__code="XV015", code_list__slug="psykiatri").values_list("title", flat=True)[0]
    assert canonical != printed
    lookup = outputs(fhir_get(client, f"/fhir/CodeSystem/$lookup?system={KVA}&code=XV015"))
    assert lookup["display"] == canonical
    answer = fhir_get(client, f"/fhir/ValueSet/psykiatri/$validate-code?code=XV015&display={canonical}")
    assert outputs(answer)["result"] is True and outputs(answer)["display"] == printed
    assert issues(answer) == [
        ("information", f"”{canonical}” är en av kodens titlar; Baslista psykiatri skriver ”{printed}”.")
    ]
    assert issues(fhir_get(client, f"/fhir/ValueSet/psykiatri/$validate-code?code=XV015&display={printed}")) == []


def test_one_display_gives_the_same_answer_in_every_list_holding_the_code(client):
    titles = set(Entry.objects.filter(code__code="DU011").values_list("title", flat=True)) | {
        Code.objects.get(code="DU011").title
    }
    held = list(Entry.objects.filter(code__code="DU011").values_list("code_list__slug", flat=True).distinct())
    assert len(held) == 2
    for title in titles:
        assert {validation(client, slug, f"code=DU011&display={title}")["result"] for slug in held} == {True}


def test_a_wrong_display_is_false_naming_the_right_one(client):
    """HL7 validation-simple-code-bad-display."""
    wrong = fhir_get(client, "/fhir/ValueSet/psykiatri/$validate-code?code=AU118&display=Något annat")
    assert outputs(wrong)["result"] is False and "Något annat" in outputs(wrong)["message"]
    assert outputs(wrong)["issues"]["issue"][0]["details"]["coding"][0]["code"] == "invalid-display"


def test_validate_code_accepts_either_kva_oid(client):
    assert validation(client, "psykiatri", "system=urn:oid:1.2.752.116.1.3.2.1.4&code=AU118")["result"] is True


def test_validate_code_errors(client):
    fhir_get(client, "/fhir/ValueSet/psykiatri/$validate-code", status=400)
    fhir_get(client, "/fhir/ValueSet/psykiatri/$validate-code?code=AU118&date=igår", status=400)
    fhir_get(client, "/fhir/ValueSet/psykiatri/$validate-code?code=AU118&date=2024-01-01garbage", status=400)
    fhir_get(client, "/fhir/ValueSet/nosuchlist/$validate-code?code=AU118", status=404)
    fhir_get(client, "/fhir/ValueSet/$validate-code?code=AU118", status=400)


def test_an_unknown_value_set_version_is_404_as_for_expand(client):
    """HL7 coding-vnn-vsbb: a ValueSet version that does not exist is a 4xx, not an answer about today's list."""
    url = f"{BASE}/ValueSet/psykiatri"
    for query in (f"url={url}&valueSetVersion=no-such-version", f"url={url}%7Cno-such-version"):
        fhir_get(client, f"/fhir/ValueSet/$validate-code?code=AU118&{query}", status=404)
        fhir_get(client, f"/fhir/ValueSet/$expand?{query}", status=404)
    current = fhir_get(client, "/fhir/ValueSet/psykiatri")["version"]
    pinned = validation(client, "psykiatri", f"code=AU118&valueSetVersion={current}")
    assert pinned["result"] is True


def test_a_system_version_not_held_is_false(client):
    """HL7 version-simple-code-bad-version1: result false, a not-found issue; KVÅ has no version here."""
    answer = fhir_get(client, f"/fhir/ValueSet/psykiatri/$validate-code?system={KVA}&code=AU118&systemVersion=2025")
    assert outputs(answer)["result"] is False and outputs(answer)["issues"]["issue"][0]["code"] == "not-found"
    regional = f"{BASE}/CodeSystem/rs-2024-00668"
    held = fhir_get(
        client, f"/fhir/ValueSet/bhv-hembesok/$validate-code?system={regional}&code=UX293&systemVersion=2024-02-07"
    )
    assert outputs(held)["result"] is True and outputs(held)["version"] == "2024-02-07"
    bogus = fhir_get(
        client, f"/fhir/ValueSet/bhv-hembesok/$validate-code?system={regional}&code=UX293&systemVersion=bogus"
    )
    assert outputs(bogus)["result"] is False


def test_validate_code_takes_posted_coding_and_refuses_a_coding_under_another_name(client):
    coding = {"system": KVA, "code": "AU118"}
    checked = fhir_post(
        client,
        "/fhir/ValueSet/psykiatri/$validate-code",
        [{"name": "coding", "valueCoding": coding}, {"name": "date", "valueDate": "2020-01-01"}],
    )
    assert outputs(checked)["result"] is True
    for name in ("filter", "code", "nonsense"):
        fhir_post(
            client, "/fhir/ValueSet/psykiatri/$validate-code", [{"name": name, "valueCoding": coding}], status=400
        )
    fhir_post(
        client,
        "/fhir/ValueSet/psykiatri/$validate-code",
        [{"name": "valueSet", "resource": {"resourceType": "ValueSet", "status": "active"}}],
        status=400,
    )


def test_code_system_validate_code_checks_the_code_and_its_displays(client):
    """HL7 validation-cs-code-good and validation-cs-code-bad-code (a complete system)."""
    canonical = Code.objects.get(code="XV015").title
    good = outputs(in_code_system(client, f"url={KVA}&code=XV015&display={canonical}"))
    assert good["result"] is True and good["display"] == canonical
    regional = f"{BASE}/CodeSystem/rs-2024-00668"
    assert outputs(in_code_system(client, "code=UX293", instance="rs-2024-00668"))["result"] is True
    bad = in_code_system(client, f"url={regional}&code=UX999")
    assert outputs(bad)["result"] is False and issues(bad)[0][0] == "error"
    assert outputs(in_code_system(client, "code=beskrivning", instance="beteckningstyp"))["result"] is True


def test_a_code_the_kva_fragment_does_not_hold_may_still_be_kva(client):
    """HL7 fragment-code-bad-code: an unknown code in a fragment is true with a warning. JEA00 is a real
    KVÅ code (surgical); AW026 is named in the sources' texts without a title; a code that cannot be a
    KVÅ code is false."""
    for code in ("JEA00", "AW026"):
        answer = in_code_system(client, f"url={KVA}&code={code}")
        assert outputs(answer)["result"] is True
        assert [severity for severity, _ in issues(answer)] == ["warning"] and "fragment" in issues(answer)[0][1]
    assert outputs(in_code_system(client, f"url={KVA}&code=not-a-code"))["result"] is False


def test_code_system_validate_code_is_in_the_capability_statement_and_served_by_post(client):
    statement = fhir_get(client, "/fhir/metadata")
    code_system = next(r for r in statement["rest"][0]["resource"] if r["type"] == "CodeSystem")
    assert {op["name"] for op in code_system["operation"]} == {"lookup", "validate-code"}
    posted = fhir_post(
        client, "/fhir/CodeSystem/$validate-code", [{"name": "coding", "valueCoding": {"system": KVA, "code": "AU118"}}]
    )
    assert outputs(posted)["result"] is True


def test_a_retired_code_in_the_code_system_is_inactive_with_a_warning(client):
    retire("AU118", days_ago=1)
    answer = in_code_system(client, "code=AU118", instance="kva")
    assert outputs(answer)["result"] is True and outputs(answer)["inactive"] is True
    assert [s for s, _ in issues(answer)] == ["warning"]


def test_a_posted_integer_where_a_code_goes_is_read_as_text(client):
    body = json.dumps({"resourceType": "Parameters", "parameter": [{"name": "code", "valueInteger": 5}]})
    response = client.post("/fhir/ValueSet/psykiatri/$validate-code", body, content_type="application/fhir+json")
    assert response.status_code == 200  # an integer where a code goes is read as its text: no such code
    assert outputs(valid(response.json()))["result"] is False
