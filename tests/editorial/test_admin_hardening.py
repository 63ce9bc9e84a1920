"""The admin never answers 500 to odd input, speaks Swedish throughout, and logs every kind of change."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.editorial import exchange, gate
from catalog.models import Code, CodeList, Entry, Section
from tests.support.rendered_forms import rendered_form, submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["abc", "²", "99999999999", "-1", "7.5", ""])
@pytest.mark.parametrize("model", ["entry", "code", "section"])
def test_the_edited_since_filter_ignores_a_bad_value(client, logged_in_coordinator, model, value):
    response = client.get(f"/admin/catalog/{model}/", {"andrad_sedan": value})
    assert response.status_code == 200


def test_the_edited_since_filter_still_filters(client, logged_in_coordinator):
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code="AU118")
    saved = submit(client, f"/admin/catalog/entry/{entry.pk}/change/", {"note": "Ändrad i dag."})
    assert saved.status_code == 302
    response = client.get("/admin/catalog/entry/", {"andrad_sedan": "1"})
    assert response.status_code == 200 and list(response.context["cl"].result_list) == [entry]


def test_a_wizard_answer_with_code_rows_but_no_question_gets_a_form_error(client, logged_in_coordinator):
    url = "/admin/catalog/wizardoption/add/"
    form = rendered_form(client.get(url).content, form_id="wizardoption_form")
    data = form["fields"]
    # What the admin's "Lägg till ytterligare" button does: copy the empty row, numbered 0.
    template = {name: value for name, value in data.items() if name.startswith("codes-__prefix__-")}
    assert template, "the page renders no empty code row"
    for name, value in template.items():
        data[name.replace("__prefix__", "0")] = value
    data["codes-TOTAL_FORMS"] = "1"
    code = Code.objects.get(code="AU118")
    data.update(
        {
            "slug": "nytt-svar",
            "label": "Nytt svar",
            "order": "9",
            "codes-0-code": str(code.pk),
            "codes-0-role": data.get("codes-0-role") or "huvudkod",
            "codes-0-reason": "Citat",
            "codes-0-quote_from": "entry:psykiatri/AU118/anvisning",
            "codes-0-order": "1",
        }
    )
    assert data.get("step", "") == ""
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["step"]


@pytest.mark.parametrize("model", ["entry", "sourcedocument", "wizardoption", "section"])
def test_the_admin_says_select_an_option_in_swedish(client, logged_in_coordinator, model):
    html = client.get(f"/admin/catalog/{model}/add/").content.decode()
    assert "Select an option" not in html
    assert "- Välj ett alternativ -" in html


def test_the_admins_time_zone_note_is_in_swedish(client, logged_in_coordinator):
    catalog = client.get("/admin/jsi18n/").content.decode()
    # The exact text DateTimeShortcuts.js asks for, mapped to Swedish.
    assert "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hour behind.)" in catalog
    assert "Obs! Ange tider i tidszonen %(timezone)s. (Din klocka g\\u00e5r %(offset)s timme efter.)" in catalog or (
        "Obs! Ange tider i tidszonen %(timezone)s. (Din klocka går %(offset)s timme efter.)" in catalog
    )


def test_recent_actions_include_imports_and_restores(client, logged_in_coordinator):
    skrs = CodeList.objects.get(slug="psykologer-skrs")
    entry = Entry.objects.filter(code_list=skrs).exclude(anvisning=None).order_by("pk").first()
    # An edit in the admin first, so that the history has a state to go back to after the import.
    assert submit(client, f"/admin/catalog/entry/{entry.pk}/change/", {"note": "Före importen."}).status_code == 302
    entry.refresh_from_db()
    raw = exchange.export_csv(skrs).replace(entry.anvisning, entry.anvisning + " (importerad)", 1).encode()
    url = f"/admin/catalog/codelist/{skrs.pk}/import/"
    page = client.get(url)
    upload = rendered_form(page.content, index=0)
    preview = client.post(url, {**upload["fields"], "fil": SimpleUploadedFile("skrs.csv", raw, "text/csv")})
    confirm = rendered_form(preview.content, index=0)
    assert "payload" in confirm["fields"]
    assert client.post(url, confirm["fields"]).status_code == 302
    assert LogEntry.objects.filter(change_message__startswith="CSV-import: 1 post ändrades").exists()

    history = client.get(f"/admin/catalog/entry/{entry.pk}/history/")
    revert = rendered_form(history.content, index=0)
    assert "/aterstall/" in revert["action"]
    assert client.post(revert["action"], revert["fields"]).status_code == 302
    assert LogEntry.objects.filter(object_id=str(entry.pk), change_message__startswith="Återställd").exists()

    index = client.get("/admin/").content.decode()
    recent = index[index.index('id="recent-actions-module"') :]
    assert "<h2>Senaste händelser</h2>" in recent
    assert str(skrs) in recent and entry.title in recent


@pytest.mark.parametrize(
    "address",
    [
        "/admin/catalog/entry/%C2%B2/history/",
        "/admin/catalog/entry/%C2%B2/delete/",
        "/admin/catalog/entry/%C2%B2/change/",
        "/admin/catalog/draft/%C2%B2/change/",
    ],
)
def test_an_id_of_digits_python_reads_but_int_refuses_is_no_server_error(client, logged_in_coordinator, address):
    # "²".isdigit() is true and int("²") raises: such an id is simply not found.
    assert client.get(address).status_code in (200, 302, 404)


def test_a_post_cannot_be_put_in_a_section_of_another_list(client, logged_in_coordinator):
    entry = Entry.objects.filter(code_list__slug="psykiatri").select_related("section").first()
    elsewhere = Section.objects.exclude(code_list=entry.code_list).first()
    url = f"/admin/catalog/entry/{entry.pk}/change/"
    response = submit(client, url, {"section": str(elsewhere.pk)}, form_id="entry_form")
    assert response.status_code == 200
    assert f"Avsnittet ”{elsewhere.title}” hör till listan" in response.content.decode()
    assert Entry.objects.get(pk=entry.pk).section_id == entry.section_id
    # The same rule for every door: the gate itself refuses it.
    entry.section = elsewhere
    with pytest.raises(gate.Refused):
        with gate.session(None, "test") as changes:
            changes.save(entry, ["section"])
