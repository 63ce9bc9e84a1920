"""Helpers for the FHIR tests: every resource served is parsed by two FHIR libraries.

fhir.resources' R4B models (the package has no R4 module; R4B keeps R4's terminology resources
unchanged) and fhirclient's R4 (4.0.1) models, strictly: an unknown element, a wrong type or a
missing required element fails the test.
"""

import datetime

from django.test import Client
from fhir.resources.R4B import get_fhir_model_class
from fhirclient.models.fhirelementfactory import FHIRElementFactory

from catalog.models import Code, Entry
from tests.support import accounts
from tests.support.html_forms import fill, post_form

KVA = "urn:oid:1.2.752.116.1.3.2.3.4"
BASE = "https://kvaguiden.vgregion.se/fhir"
LISTS = ["psykiatri", "psykologer-skrs", "bhv-hembesok", "stod-och-behandling"]
STATUS_CODES = {"draft", "active", "retired", "unknown"}


def valid(data: dict) -> dict:
    """The resource, after both libraries have parsed it as FHIR (raises if it is not valid)."""
    get_fhir_model_class(data["resourceType"]).model_validate(data)
    FHIRElementFactory.instantiate(data["resourceType"], data)  # strict: raises FHIRValidationError
    if data["resourceType"] in ("ValueSet", "CodeSystem", "CapabilityStatement", "TerminologyCapabilities"):
        assert data["status"] in STATUS_CODES  # a required binding the models do not check
    return data


def fhir_get(client: Client, url: str, status: int = 200, **headers) -> dict:
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.content.decode()[:500]
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    return valid(response.json())


def fhir_post(client: Client, url: str, parameters: list[dict], status: int = 200) -> dict:
    import json

    body = json.dumps({"resourceType": "Parameters", "parameter": parameters})
    response = client.post(url, body, content_type="application/fhir+json")
    assert response.status_code == status, response.content.decode()[:500]
    return valid(response.json())


def outputs(parameters: dict) -> dict:
    """An operation's Parameters as {name: value} (the first of each name; issues as the OperationOutcome)."""
    found = {}
    for parameter in parameters["parameter"]:
        value = parameter.get("resource") or next((v for k, v in parameter.items() if k.startswith("value")), None)
        found.setdefault(parameter["name"], value)
    return found


def issues(parameters: dict) -> list[tuple[str, str]]:
    """(severity, text) of each issue a $validate-code answer gives."""
    outcome = outputs(parameters).get("issues") or {"issue": []}
    return [(issue["severity"], issue["details"]["text"]) for issue in outcome["issue"]]


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


def coordinator_client(name: str = "samordnare") -> Client:
    return accounts.coordinator_client(name)


def edit_entry(client: Client, entry: Entry, **values) -> None:
    """Change an entry through the admin's change form, as a coordinator's browser posts it."""
    url = f"/admin/catalog/entry/{entry.pk}/change/"
    form = post_form(client.get(url).content.decode(), form_id="entry_form")
    response = client.post(url, fill(form, press="_save", **values))
    assert response.status_code == 302, response.content.decode()[:800]
