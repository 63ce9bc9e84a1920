"""The public visit scenarios (tests/data/, copied from ../shared/scenarios/), walked as a clinician would answer them."""

import json
import os
import re
from pathlib import Path

import pytest

from catalog.visits import store as wizard_store
from catalog.visits import wizard
from tests.support.paths import DATA

SCENARIOS = Path(os.environ.get("SCENARIOS_FILE", DATA / "wizard-scenarios.json"))

# How a clinician answers each scenario's questions: the URL segments under /besok/.
WALKS = {
    "S01": ["psykiatri", "mottagningsbesok", "bedomning", "au006+au118", "tolk", "inga"],
    "S04": ["psykiatri", "mottagningsbesok", "lakemedel", "fordjupad-genomgang", "ingen-enkel", "inga", "inga"],
    "S06": ["psykiatri", "mottagningsbesok", "ect", "unilateral", "nej", "oppenvard"],
    "S08": ["psykiatri", "mottagningsbesok", "behandling", "systematisk", "kbt-grupp", "grupp", "inga", "inga"],
    "S10": ["psykiatri", "mottagningsbesok", "information", "program-patient", "grupp", "inga", "inga"],
    "S12": ["psykiatri", "mottagningsbesok", "minderariga", "barnet", "inga", "inga"],
    "S16": [
        "psykiatri",
        "mottagningsbesok",
        "samordning",
        "konferens-med-patient",
        "vardplan",
        "inga",
        "narstaende+socialtjanst",
    ],
    "S18": ["psykiatri", "mottagningsbesok", "behandling", "manualbaserad", "mi", "enskilt", "bara-program", "inga"],
    "S20": ["psykolog", "mottagningsbesok", "psykologisk-behandling", "psykodynamisk", "inga", "inga"],
    "S23": ["psykolog", "mottagningsbesok", "uppfoljning", "delmal", "inga", "inga"],
    "S24": ["rehab", "logoped", "video", "enskilt", "ej-neuroteam"],
    "S27": ["rehab", "arbetsterapeut", "telefon", "fornyelse"],
    "S29": ["sob", "plattform", "behandling", "kbt", "enskilt", "inga", "inga"],
    "S31": ["sob", "mottagningsbesok", "min-vardplan-revidering"],
    "S32": ["bhv", "hembesok", "nr-3"],
    "S35": ["bhv", "avbrutit"],
}

pytestmark = pytest.mark.django_db


def scenarios():
    # A missing file must fail the run, not quietly collect no scenario.
    if not SCENARIOS.exists():
        raise FileNotFoundError(f"the scenario file {SCENARIOS} is missing; the project carries it in tests/data/")
    return json.loads(SCENARIOS.read_text(encoding="utf-8"))["scenarios"]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text or "").lower()


def same_contact_type(printed: str, expected: str) -> bool:
    head = re.split(r" – | \(vårdtjänst", expected)[0]
    return squeeze(head) in squeeze(printed) or squeeze(printed) in squeeze(head)


def same_fee(printed: str, expected: str) -> bool:
    numbers = re.findall(r"\d+", expected)
    if numbers:
        return re.findall(r"\d+", printed) == numbers
    if "ingen" in expected.lower():
        return "ingen" in printed.lower()
    return "ska tas ut" in printed.lower() and "ska tas ut" in expected.lower()


def in_range(code: str, low: str, high: str) -> bool:
    return code[:2] == low[:2] and low[2:] <= code[2:] <= high[2:]


def test_every_scenario_has_a_walk():
    assert len(scenarios()) >= 16
    assert {s["id"] for s in scenarios()} <= set(WALKS)


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s["id"])
def test_scenario_gets_the_codes_and_contact_the_rules_give(scenario, client):
    segments = WALKS[scenario["id"]]
    result = wizard.walk(wizard_store.current_tree(), segments)
    assert result.finished, f"{scenario['id']}: the walk stops at {result.current.slug if result.current else None}"
    suggestion = result.suggestion
    codes = {c.code for c in suggestion.codes}
    expected = scenario["expected"]
    assert set(expected["required"]) <= codes, f"missing {set(expected['required']) - codes}"
    assert not set(expected.get("forbidden", [])) & codes
    for forbidden in expected.get("forbidden_ranges", []):
        assert not [c for c in codes if in_range(c, forbidden["from"], forbidden["to"])]
    contact = suggestion.contact
    if "contact_type" in expected:
        assert contact is not None and same_contact_type(contact.printed, expected["contact_type"]), contact
    for other in expected.get("forbidden_contact_types", []):
        assert contact is None or not same_contact_type(contact.printed, other)
    if "patient_fee" in expected:
        assert contact is not None and same_fee(contact.patient_fee, expected["patient_fee"]), contact.patient_fee
    if "contact_points" in expected:
        assert suggestion.points is not None and float(suggestion.points) == pytest.approx(expected["contact_points"])
    if "qualified_care" in expected and contact is not None:
        assert contact.qualified == expected["qualified_care"]
    if expected.get("qualified_care") is False and not expected["required"]:
        assert suggestion.no_code or not codes
    # The same walk as a page: the result element carries every code for integrations.
    html = client.get("/besok/" + "".join(f"{s}/" for s in segments)).content.decode()
    assert 'id="forslag"' in html
    assert set(re.findall(r'data-code="([A-Z]{2}[0-9]{3})"', html)) == codes
