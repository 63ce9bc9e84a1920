"""Real FHIR clients against a live server, as an integrator meets the API: fhirpy (sync and async)
and fhirclient (SMART on FHIR's Python client, whose R4 models parse every answer strictly)."""

import asyncio

import pytest
from django.db import connections
from fhirclient import client as smart_client
from fhirclient.models.bundle import Bundle
from fhirclient.models.capabilitystatement import CapabilityStatement
from fhirclient.models.codesystem import CodeSystem
from fhirclient.models.parameters import Parameters
from fhirclient.models.valueset import ValueSet
from fhirpy import AsyncFHIRClient, SyncFHIRClient
from fhirpy.base.exceptions import OperationOutcome, ResourceNotFound

from catalog.models import Entry
from tests.support.fhir import BASE, KVA, LISTS, coordinator_client, edit_entry, outputs

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(site):
    """The live server, its request threads closing their database connections when done: kept open
    (CONN_MAX_AGE), they would outlive the test and hold PostgreSQL's test database."""
    settings_dict = connections.settings["default"]
    saved = settings_dict.get("CONN_MAX_AGE", 0)
    settings_dict["CONN_MAX_AGE"] = 0
    yield site
    settings_dict["CONN_MAX_AGE"] = saved


def test_fhirpy_sync_reads_searches_pages_and_runs_the_operations(server):
    client = SyncFHIRClient(f"{server}/fhir")
    assert client.resources("ValueSet").search(name="Nope").fetch() == []
    assert client.resources("ValueSet").search(status="retired").fetch() == []
    assert len(client.resources("ValueSet").limit(1).fetch()) == 1
    assert client.resources("ValueSet").count() == 4
    assert sorted(vs.id for vs in client.resources("ValueSet").limit(1).fetch_all()) == sorted(LISTS)
    assert [vs.id for vs in client.resources("ValueSet").search(name="psyk").fetch()] == [
        "psykiatri",
        "psykologer-skrs",
    ]
    value_set = client.reference("ValueSet", "psykiatri").to_resource()
    assert value_set["url"] == f"{BASE}/ValueSet/psykiatri"
    # refresh() sends the bare versionId in If-None-Match and keeps the resource on a 304.
    _, status = client._do_request(
        "get",
        "ValueSet/psykiatri",
        extra_headers={"If-None-Match": value_set["meta"]["versionId"]},
        returning_status=True,
    )
    assert status == 304
    expanded = client.execute("ValueSet/psykiatri/$expand", method="get", params={"filter": "suicidrisk", "count": 5})
    assert expanded["expansion"]["contains"][0]["code"] == "AU118"
    looked_up = client.execute(
        "CodeSystem/$lookup",
        data={
            "resourceType": "Parameters",
            "parameter": [{"name": "coding", "valueCoding": {"system": KVA, "code": "AU118"}}],
        },
    )
    assert outputs(looked_up)["name"] == "KVA"
    with pytest.raises(ResourceNotFound):
        client.reference("ValueSet", "nosuchlist").to_resource()
    with pytest.raises(OperationOutcome):
        client.execute("ValueSet/psykiatri/$expand", method="get", params={"count": "many"})


def test_fhirpy_async_pins_a_version_that_stays_retrievable_after_an_edit(server):
    async def pinned() -> tuple[dict, dict]:
        client = AsyncFHIRClient(f"{server}/fhir")
        value_set = await client.reference("ValueSet", "psykologer-skrs").to_resource()
        return client, value_set

    async def after_the_edit(client, before) -> None:
        now = await client.reference("ValueSet", "psykologer-skrs").to_resource()
        assert now["version"] != before["version"]
        again = await client.resources("ValueSet").search(url=before["url"], version=before["version"]).fetch()
        assert [vs["version"] for vs in again] == [before["version"]]
        checked = await client.execute(
            "ValueSet/$validate-code",
            data={
                "resourceType": "Parameters",
                "parameter": [
                    {"name": "url", "valueUri": before["url"]},
                    {"name": "valueSetVersion", "valueString": before["version"]},
                    {"name": "code", "valueCode": code},
                    {"name": "display", "valueString": old_title},
                ],
            },
        )
        assert outputs(checked)["result"] is True and "issues" not in outputs(checked)
        history = await client.execute("ValueSet/psykologer-skrs/_history", method="get")
        assert [e["resource"]["version"] for e in history["entry"]] == [now["version"], before["version"]]

    client, before = asyncio.run(pinned())
    entry = Entry.objects.filter(code_list__slug="psykologer-skrs").select_related("code").first()
    code, old_title = entry.code.code, entry.title
    edit_entry(coordinator_client(), entry, title=old_title + " (ändrad)")
    asyncio.run(after_the_edit(client, before))


def test_fhirclient_parses_what_the_server_says_with_its_r4_models(server):
    smart = smart_client.FHIRClient(settings={"app_id": "kvaguiden-test", "api_base": f"{server}/fhir/"})
    statement = smart.server.capabilityStatement
    assert isinstance(statement, CapabilityStatement) and statement.fhirVersion == "4.0.1"
    value_set = ValueSet.read("psykiatri", smart.server)
    assert value_set.url == f"{BASE}/ValueSet/psykiatri" and value_set.compose.include[0].concept
    kva = CodeSystem.read("kva", smart.server)
    assert kva.content == "fragment" and kva.count == len(kva.concept)
    found = [vs.id for vs in ValueSet.where(struct={"title:contains": "BHV"}).perform_resources_iter(smart.server)]
    assert found == ["bhv-hembesok"]
    paged = list(ValueSet.where(struct={"_count": "1"}).perform_iter(smart.server))
    assert len(paged) == 4 and all(isinstance(b, Bundle) for b in paged)
    expanded = ValueSet(smart.server.request_json("ValueSet/psykiatri/$expand?filter=kbt&count=3"))
    assert len(expanded.expansion.contains) == 3
    answer = smart.server.post_json(
        "ValueSet/psykiatri/$validate-code",
        {"resourceType": "Parameters", "parameter": [{"name": "code", "valueCode": "AU118"}]},
    )
    parameters = Parameters(answer.json())
    assert next(p.valueBoolean for p in parameters.parameter if p.name == "result") is True
    lookup = Parameters(smart.server.request_json(f"CodeSystem/$lookup?system={KVA}&code=AU118"))
    assert next(p.valueString for p in lookup.parameter if p.name == "display")
