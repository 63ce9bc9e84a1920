"""Every published version of a ValueSet, read back from the editorial history (catalog.fhir.versions).

Edits go through the admin a coordinator uses, so the history records them as it does in production.
"""

from urllib.parse import quote

import pytest

from catalog.fhir import versions
from catalog.models import Entry, Revision, Section
from tests.support.fhir import BASE, LISTS, coordinator_client, edit_entry, fhir_get, outputs

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", LISTS)
def test_the_history_reproduces_every_lists_current_version(client, slug):
    """The replay of the history builds what the live build builds: the newest version it finds is today's."""
    current = fhir_get(client, f"/fhir/ValueSet/{slug}")
    assert versions.history(slug)[0].version == current["version"]
    assert current["meta"]["lastUpdated"]


def _edited(client, slug: str = "psykologer-skrs") -> tuple[dict, dict, Entry, str]:
    before = fhir_get(client, f"/fhir/ValueSet/{slug}")
    entry = Entry.objects.filter(code_list__slug=slug).select_related("code").first()
    old_title = entry.title
    edit_entry(coordinator_client(), entry, title=old_title + " (ändrad)")
    after = fhir_get(client, f"/fhir/ValueSet/{slug}")
    assert after["version"] != before["version"]
    return before, after, entry, old_title


def test_a_version_pinned_before_an_edit_is_still_served_whole(client):
    before, after, entry, old_title = _edited(client)
    vid = before["meta"]["versionId"]
    assert fhir_get(client, f"/fhir/ValueSet/psykologer-skrs/_history/{vid}") == before
    assert fhir_get(client, f"/fhir/ValueSet/psykologer-skrs/_history/{after['meta']['versionId']}") == after
    found = fhir_get(client, f"/fhir/ValueSet?url={BASE}/ValueSet/psykologer-skrs&version={quote(before['version'])}")
    assert [e["resource"] for e in found["entry"]] == [before]
    assert found["entry"][0]["fullUrl"].endswith(f"/fhir/ValueSet/psykologer-skrs/_history/{vid}")
    assert fhir_get(client, f"/fhir/ValueSet?url={BASE}/ValueSet/psykologer-skrs&version=no-such-version")["total"] == 0


def test_every_operation_takes_the_pinned_version(client):
    before, after, entry, old_title = _edited(client)
    pinned = quote(before["version"])
    url = f"{BASE}/ValueSet/psykologer-skrs"
    for query in (f"url={url}%7C{pinned}", f"url={url}&valueSetVersion={pinned}"):
        old = fhir_get(client, f"/fhir/ValueSet/$expand?{query}&filter={entry.code.code}&count=1")
        assert old["version"] == before["version"] and old["expansion"]["contains"][0]["display"] == old_title
        used = {p["name"]: p for p in old["expansion"]["parameter"]}
        assert used["valueSetVersion"]["valueString"] == before["version"]
        checked = fhir_get(
            client, f"/fhir/ValueSet/$validate-code?{query}&code={entry.code.code}&display={quote(old_title)}"
        )
        assert outputs(checked)["result"] is True and "issues" not in outputs(checked)
    now = fhir_get(client, f"/fhir/ValueSet/psykologer-skrs/$expand?filter={entry.code.code}&count=1")
    assert now["expansion"]["contains"][0]["display"] == old_title + " (ändrad)"


def test_the_history_lists_each_version_newest_first(client):
    before, after, _, _ = _edited(client)
    history = fhir_get(client, "/fhir/ValueSet/psykologer-skrs/_history")
    assert history["type"] == "history"
    assert [e["resource"]["version"] for e in history["entry"]] == [after["version"], before["version"]]
    assert history["entry"][0]["response"]["etag"] == f'W/"{after["meta"]["versionId"]}"'
    assert [e["request"]["method"] for e in history["entry"]] == ["PUT", "POST"]


def test_an_undo_brings_the_earlier_version_back_and_both_stay_retrievable(client):
    before, after, entry, old_title = _edited(client)
    coordinator = coordinator_client("bodil")
    revision = Revision.objects.filter(object_id=entry.pk, content_type__model="entry").order_by("id").first()
    response = coordinator.post(f"/admin/catalog/entry/{entry.pk}/historik/{revision.pk}/aterstall/")
    assert response.status_code == 302
    undone = fhir_get(client, "/fhir/ValueSet/psykologer-skrs")
    # The same codes and texts as before the edit; the version names the day of its last change too.
    assert undone["compose"] == before["compose"] and undone["version"].endswith(before["version"])
    listed = [e["resource"]["version"] for e in fhir_get(client, "/fhir/ValueSet/psykologer-skrs/_history")["entry"]]
    assert listed == [undone["version"], after["version"], before["version"]]
    assert fhir_get(client, f"/fhir/ValueSet/psykologer-skrs/_history/{after['meta']['versionId']}") == after


def test_a_version_with_a_date_is_found_with_its_plus_sent_unencoded(client):
    """bhv-hembesok's version is '2024-02-07+<fingerprint>': in an unencoded query string the '+' arrives as a space."""
    version = fhir_get(client, "/fhir/ValueSet/bhv-hembesok")["version"]
    assert "+" in version
    expanded = fhir_get(client, f"/fhir/ValueSet/bhv-hembesok/$expand?valueSetVersion={version}&count=1")
    assert expanded["version"] == version


def test_last_updated_is_when_the_history_first_shows_the_version(client):
    before, after, entry, _ = _edited(client)
    edit = Revision.objects.filter(object_id=entry.pk, content_type__model="entry").order_by("-id").first()
    assert after["meta"]["lastUpdated"] == edit.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert before["meta"]["lastUpdated"] < after["meta"]["lastUpdated"]


def test_an_unknown_version_is_404_with_where_the_versions_are(client):
    outcome = fhir_get(client, "/fhir/ValueSet/psykiatri/_history/nosuchversion", status=404)
    assert "_history" in outcome["issue"][0]["diagnostics"]
    fhir_get(client, "/fhir/ValueSet/nosuchlist/_history", status=404)
    fhir_get(client, "/fhir/CodeSystem/kva/_history", status=404)


def test_rows_one_action_writes_together_are_one_version(client):
    """Deleting a section takes its entries along, and restoring it brings them back one revision at a
    time: each action is one change, so one version, never a list with half its entries restored."""
    section = Section.objects.get(code_list__slug="stod-och-behandling", slug="min-vardplan-cancer")
    assert section.entries.count() == 2
    original = fhir_get(client, "/fhir/ValueSet/stod-och-behandling")
    coordinator = coordinator_client()
    response = coordinator.post(f"/admin/catalog/section/{section.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302, response.content.decode()[:500]
    deleted = fhir_get(client, "/fhir/ValueSet/stod-och-behandling")
    root = Revision.objects.get(content_type__model="section", object_id=section.pk, action=Revision.Action.DELETED)
    assert root.cascaded.count() == 2
    response = coordinator.post(f"/admin/catalog/section/{section.pk}/historik/{root.pk}/aterstall/")
    assert response.status_code == 302
    restored = fhir_get(client, "/fhir/ValueSet/stod-och-behandling")
    assert restored["compose"] == original["compose"]
    listed = [
        e["resource"]["version"] for e in fhir_get(client, "/fhir/ValueSet/stod-och-behandling/_history")["entry"]
    ]
    assert listed == [restored["version"], deleted["version"], original["version"]]
