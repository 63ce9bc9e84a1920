"""CSV export and import of a list, as coordinators do it with Excel."""

import pytest

from catalog.editorial import exchange
from catalog.models import CodeList, Entry, Revision

pytestmark = pytest.mark.django_db


def skrs():
    return CodeList.objects.get(slug="psykologer-skrs")


def test_csv_export_is_utf8_with_bom_and_semicolons_for_swedish_excel(client):
    response = client.get("/lista/psykologer-skrs/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffkod;avsnitt;titel;")
    assert "DU011;rehabiliterande-atgardskoder;" in body
    assert body.count("\r\n") == 15  # header + 14 entries


def test_json_export_is_the_list_api(client):
    assert client.get("/api/lists/psykologer-skrs/").json()["slug"] == "psykologer-skrs"


def edited_export(replace: str, by: str) -> bytes:
    text = exchange.export_csv(skrs())
    assert replace in text
    return text.replace(replace, by, 1).encode("utf-8")


def test_dry_run_shows_changes_and_writes_nothing():
    raw = edited_export("Endast vid KBT", "Endast vid KBT eller motsvarande")
    plan = exchange.plan_import(skrs(), raw)
    assert plan.ok
    [row] = plan.changed
    assert row.code == "DU011" and "anvisning" in row.changes
    assert Entry.objects.get(code_list__slug="psykologer-skrs", code__code="DU011").anvisning == "Endast vid KBT"


def test_validation_errors_are_given_per_row():
    text = exchange.export_csv(skrs()).replace("DU011;", "QQ999;", 1).replace(";1\r\n", ";1\r\n", 1)
    raw = text.replace("AW024;uppfoljande-atgardskoder;", "AW024;uppfoljande-atgardskoder;;", 1).encode()
    plan = exchange.plan_import(skrs(), raw)
    assert not plan.ok
    bad = [row for row in plan.rows if row.errors]
    assert any(row.code == "QQ999" and "finns inte" in row.errors[0] for row in bad)


def test_stale_export_is_refused_for_the_changed_row():
    raw = edited_export("Endast vid KBT", "Ändrad i Excel")
    entry = Entry.objects.get(code_list__slug="psykologer-skrs", code__code="DU011")
    entry.version += 1
    entry.save()
    plan = exchange.plan_import(skrs(), raw)
    assert (
        not plan.ok
        and "har ändrats sedan filen exporterades" in plan.rows[[r.code for r in plan.rows].index("DU011")].errors[0]
    )


def test_import_through_the_admin_previews_then_applies_on_confirmation_and_records_history(
    client, logged_in_coordinator
):
    raw = edited_export("Endast vid KBT", "Endast vid KBT (importerad)")
    url = f"/admin/catalog/codelist/{skrs().pk}/import/"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(url, {"fil": SimpleUploadedFile("skrs.csv", raw, "text/csv")})
    html = response.content.decode()
    assert "Förhandsvisning" in html and "Genomför importen (1 post ändras)" in html
    entry = Entry.objects.get(code_list__slug="psykologer-skrs", code__code="DU011")
    assert entry.anvisning == "Endast vid KBT"
    payload = response.context["payload"]
    response = client.post(url, {"payload": payload})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.anvisning == "Endast vid KBT (importerad)"
    revision = Revision.objects.get(object_id=entry.pk, action=Revision.Action.IMPORTED)
    assert revision.user == logged_in_coordinator


def test_import_of_a_file_that_is_not_utf8_explains_how_to_save_it(client, logged_in_coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    raw = "kod;avsnitt\nDU011;x;Åtgärd".encode("latin-1")
    response = client.post(f"/admin/catalog/codelist/{skrs().pk}/import/", {"fil": SimpleUploadedFile("x.csv", raw)})
    assert "CSV UTF-8" in response.content.decode()
