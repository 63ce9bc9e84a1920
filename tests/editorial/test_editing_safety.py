"""No lost edit and complete undo, driven through the admin pages as a coordinator's browser posts them."""

import re
from html import unescape

import pytest
from django.contrib import admin
from django.utils import timezone

from catalog.editorial.admin.base import HistoryAdmin
from catalog.loading.load import load
from catalog.loading.read import read_content
from catalog.models import ContentTracked, Entry, Revision, Section, WizardCode, WizardNote, WizardOption
from tests.support.accounts import coordinator_client
from tests.support.admin_forms import change_form_data, rendered_form
from tests.support.unquoted import unquoted_entries, unquoted_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna():
    return coordinator_client("anna")


@pytest.fixture
def bertil():
    return coordinator_client("bertil")


def change_url(obj) -> str:
    return f"/admin/catalog/{obj._meta.model_name}/{obj.pk}/change/"


def unquoted_entry() -> Entry:
    return unquoted_entries(1, "psykiatri")[0]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def restore_buttons(html: str) -> list[str]:
    return [unescape(a) for a in re.findall(r'<form method="post" action="([^"]+/aterstall/)"', html)]


# --- Optimistic concurrency, rendered in the real pages ----------------------------------------


def test_every_edited_model_renders_its_version_in_the_change_page_and_in_each_inline_row(anna):
    checked = set()
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, HistoryAdmin):
            continue
        obj = model.objects.order_by("pk").first()
        if model is WizardOption:
            obj = WizardOption.objects.filter(codes__isnull=False, notes__isnull=False).first()
        if obj is None:
            continue  # nothing of this kind in the content to open
        checked.add(model._meta.model_name)
        data = change_form_data(anna.get(change_url(obj)))
        assert data["seen_version"] == str(obj.version), model
        rows = [name for name in data if name.endswith("-id") and data[name] and "__prefix__" not in name]
        for row in rows:
            assert data[row.removesuffix("-id") + "-seen_version"], (model, row)
        if model is WizardOption:
            assert any(r.startswith("codes-") for r in rows) and any(r.startswith("notes-") for r in rows)
    assert {
        "entry",
        "code",
        "section",
        "codelist",
        "sourcedocument",
        "wizardstep",
        "wizardoption",
        "synonym",
    } <= checked


def test_a_form_without_the_version_is_refused(anna):
    entry = unquoted_entry()
    data = change_form_data(anna.get(change_url(entry)))
    del data["seen_version"]
    data["anvisning"] = "Utan version."
    response = anna.post(change_url(entry), data)
    assert response.status_code == 200
    assert "saknar uppgift om vilken version" in response.content.decode()
    entry.refresh_from_db()
    assert entry.anvisning != "Utan version."


def test_a_stale_inline_row_is_refused_keeps_its_text_and_applies_when_saved_again(anna, bertil):
    option = WizardOption.objects.filter(codes__isnull=False).order_by("pk").first()
    code = option.codes.order_by("order").first()
    annas = change_form_data(anna.get(change_url(option)))
    bertils = change_form_data(bertil.get(change_url(option)))
    row = next(
        n.removesuffix("-id")
        for n in bertils
        if n.startswith("codes-") and n.endswith("-id") and bertils[n] == str(code.pk)
    )
    bertils[f"{row}-to_check"] = "Bertils kontroll."
    assert bertil.post(change_url(option), bertils).status_code == 302
    annas[f"{row}-to_check"] = "Annas kontroll."
    response = anna.post(change_url(option), annas)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "din ändring sparades inte" in html and "Bertils kontroll." in html and "bertil" in html
    code.refresh_from_db()
    assert code.to_check == "Bertils kontroll."
    again = change_form_data(response)
    assert again[f"{row}-to_check"] == "Annas kontroll."
    assert anna.post(change_url(option), again).status_code == 302
    code.refresh_from_db()
    assert code.to_check == "Annas kontroll."


def test_a_stale_form_cannot_undo_a_load_content_correction(anna):
    entry = unquoted_entry()
    stale = change_form_data(anna.get(change_url(entry)))
    content = read_content()
    corrected = "Rättad text i nästa utgåva."
    for _name, data in content.documents:
        for section in (data.get("list") or {}).get("sections", []):
            for row in section["entries"]:
                if data["list"]["slug"] == "psykiatri" and row["code"] == entry.code.code:
                    row["anvisning"] = corrected
    load(content)
    entry.refresh_from_db()
    assert entry.anvisning == corrected
    stale["title"] = stale["title"] + " (ändrad)"
    response = anna.post(change_url(entry), stale)
    assert response.status_code == 200
    assert "load_content" in unescape(response.content.decode())
    entry.refresh_from_db()
    assert entry.anvisning == corrected
    report = load(content)
    assert not any(entry.code.code in line for line in report.kept_edits)


def test_a_stale_form_cannot_undo_a_csv_import(anna):
    import csv
    import io

    from catalog.editorial import exchange

    entry = unquoted_entry()
    stale = change_form_data(anna.get(change_url(entry)))
    rows = list(csv.reader(io.StringIO(exchange.export_csv(entry.code_list).lstrip("\ufeff")), delimiter=";"))
    header = rows[0]
    for row in rows[1:]:
        if row[header.index("kod")] == entry.code.code and row[header.index("avsnitt")] == entry.section.slug:
            row[header.index("anvisning")] = "Importerad rättelse."
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    plan = exchange.apply_import(entry.code_list, ("\ufeff" + out.getvalue()).encode(), None)
    assert plan.ok, plan.errors
    stale["title"] = stale["title"] + " (ändrad)"
    response = anna.post(change_url(entry), stale)
    assert response.status_code == 200
    assert "din ändring sparades inte" in unescape(response.content.decode())
    entry.refresh_from_db()
    assert entry.anvisning == "Importerad rättelse."


# --- Wizard quotes --------------------------------------------------------------------------------


def test_editing_a_text_the_wizard_quotes_is_refused_naming_the_answers_that_quote_it(anna):
    quote = WizardCode.objects.filter(quote_from__startswith="entry:psykiatri/").select_related("option").first()
    code = quote.quote_from.split("/")[1]
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code=code)
    data = change_form_data(anna.get(change_url(entry)))
    field = quote.quote_from.rsplit("/", 1)[1]
    data[field] = "Helt ny text utan citatet."
    response = anna.post(change_url(entry), data)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "citat som ska stå ordagrant i sin källa skulle inte längre göra det" in html
    # Named as a coordinator knows it: the answer and its question, the text by code and list.
    assert f"svaret ”{quote.option.label}” på frågan ”{quote.option.step.question}”" in html
    assert f"till {code} i listan ”Baslista psykiatri”" in html
    entry.refresh_from_db()
    assert getattr(entry, field) != "Helt ny text utan citatet."
    # Keeping the quoted words and adding to them is fine.
    data = change_form_data(anna.get(change_url(entry)))
    data[field] = data[field] + " Tillägg från samordnaren."
    assert anna.post(change_url(entry), data).status_code == 302


# --- History: baseline, cascades, restore with children, validation, local time ---------------------


def test_everything_loaded_has_a_baseline_so_the_first_edit_can_be_undone(anna):
    for model in ContentTracked.__subclasses__():
        ids = set(model.objects.values_list("pk", flat=True))
        recorded = set(
            Revision.objects.filter(content_type__model=model._meta.model_name).values_list("object_id", flat=True)
        )
        assert ids <= recorded, model
    entry = unquoted_entry()
    original = entry.anvisning
    data = change_form_data(anna.get(change_url(entry)))
    data["anvisning"] = "Första ändringen någonsin."
    assert anna.post(change_url(entry), data).status_code == 302
    history = anna.get(f"/admin/catalog/entry/{entry.pk}/history/").content.decode()
    assert "Inläst från innehållsfilerna" in history
    button = restore_buttons(history)[-1]  # the oldest state: as loaded
    response = anna.post(button)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.anvisning == original


def test_deleting_a_section_records_its_entries_and_restoring_brings_them_all_back(anna):
    section = unquoted_section()
    entries = {e.pk: (e.code_id, e.anvisning, e.beskrivning) for e in section.entries.all()}
    assert len(entries) >= 3
    delete_page = anna.get(f"/admin/catalog/section/{section.pk}/delete/")
    response = anna.post(
        f"/admin/catalog/section/{section.pk}/delete/", rendered_form(delete_page.content.decode(), "")
    )
    assert response.status_code == 302, messages_of(response)
    assert not Entry.objects.filter(pk__in=entries).exists()
    deletion = Revision.objects.get(action=Revision.Action.DELETED, content_type__model="section", object_id=section.pk)
    assert {r.object_id for r in deletion.cascaded.filter(content_type__model="entry")} == set(entries)
    listing = anna.get("/admin/catalog/section/borttagna/").content.decode()
    assert f"{deletion.cascaded.count()} rader" in listing
    response = anna.post(restore_buttons(listing)[0])
    assert response.status_code == 302
    restored = {e.pk: (e.code_id, e.anvisning, e.beskrivning) for e in Entry.objects.filter(section_id=section.pk)}
    assert restored == entries
    assert "Inget borttaget väntar" in anna.get("/admin/catalog/section/borttagna/").content.decode()
    assert Section.objects.filter(pk=section.pk).exists()


def test_deleting_a_quoted_entry_is_refused_naming_the_answers(anna):
    quote = WizardCode.objects.filter(quote_from__startswith="entry:psykiatri/").select_related("option").first()
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code=quote.quote_from.split("/")[1])
    page = anna.get(f"/admin/catalog/entry/{entry.pk}/delete/")
    response = anna.post(f"/admin/catalog/entry/{entry.pk}/delete/", rendered_form(page.content.decode(), ""))
    assert Entry.objects.filter(pk=entry.pk).exists()
    assert any("kan inte tas bort" in m and f"svaret ”{quote.option.label}”" in m for m in messages_of(response))


def test_restoring_a_deleted_wizard_answer_brings_back_its_codes_and_notes(anna):
    deleted = None
    for option in WizardOption.objects.filter(codes__isnull=False, notes__isnull=False).distinct().order_by("pk"):
        codes = sorted(option.codes.values_list("code__code", "reason"))
        notes = sorted(option.notes.values_list("text", flat=True))
        page = anna.get(f"/admin/catalog/wizardoption/{option.pk}/delete/")
        anna.post(f"/admin/catalog/wizardoption/{option.pk}/delete/", rendered_form(page.content.decode(), ""))
        if not WizardOption.objects.filter(pk=option.pk).exists():
            deleted = option
            break
    assert deleted is not None, "no answer with codes and notes could be deleted"
    assert not WizardCode.objects.filter(option_id=deleted.pk).exists()
    listing = anna.get("/admin/catalog/wizardoption/borttagna/").content.decode()
    response = anna.post(restore_buttons(listing)[0])
    assert response.status_code == 302, messages_of(response)
    option = WizardOption.objects.get(pk=deleted.pk)
    assert sorted(option.codes.values_list("code__code", "reason")) == codes
    assert sorted(option.notes.values_list("text", flat=True)) == notes
    walk = anna.get("/besok/?format=json")
    assert walk.status_code == 200


def test_what_load_content_removes_from_the_wizard_is_recorded_and_restorable(anna):
    content = read_content()
    step, option = next((s, o) for s in content.wizard["steps"] for o in s.get("options", []) if o.get("notes"))
    removed = option["notes"].pop()
    stored = WizardOption.objects.get(step__slug=step["slug"], slug=option["slug"])
    note = stored.notes.get(text=removed["text"])
    load(content)
    assert not WizardNote.objects.filter(pk=note.pk).exists()
    deletion = Revision.objects.get(action=Revision.Action.DELETED, content_type__model="wizardnote", object_id=note.pk)
    assert deletion.user is None and "load_content" in deletion.comment
    response = anna.post(f"/admin/catalog/wizardoption/{stored.pk}/historik/{deletion.pk}/aterstall/")
    assert response.status_code == 302, messages_of(response)
    assert WizardNote.objects.get(pk=note.pk).text == removed["text"]


def test_a_row_deleted_in_an_inline_is_in_the_parents_history_and_can_be_restored(anna):
    option = WizardOption.objects.filter(notes__isnull=False).order_by("pk").first()
    note = option.notes.order_by("order").first()
    page = anna.get(change_url(option))
    data = change_form_data(page)
    row = next(
        n.removesuffix("-id") for n in data if n.startswith("notes-") and n.endswith("-id") and data[n] == str(note.pk)
    )
    assert f'name="{row}-DELETE"' in page.content.decode()
    data[f"{row}-DELETE"] = "on"  # ticking the row's "Radera?" checkbox
    assert anna.post(change_url(option), data).status_code == 302
    assert not WizardNote.objects.filter(pk=note.pk).exists()
    history = anna.get(f"/admin/catalog/wizardoption/{option.pk}/history/").content.decode()
    assert "Återställ det borttagna" in history
    button = next(
        b
        for b in restore_buttons(history)
        if b.endswith(
            f"/{Revision.objects.get(action=Revision.Action.DELETED, content_type__model='wizardnote', object_id=note.pk).pk}/aterstall/"
        )
    )
    assert anna.post(button).status_code == 302
    assert WizardNote.objects.get(pk=note.pk).text == note.text


def test_a_restore_that_would_break_the_wizard_tree_is_refused_and_changes_nothing(anna):
    from catalog.editorial import history

    quote = WizardCode.objects.filter(quote_from__startswith="entry:psykiatri/").first()
    field = quote.quote_from.rsplit("/", 1)[1]
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code=quote.quote_from.split("/")[1])
    good = getattr(entry, field)
    # A state from before the wizard quoted this text: restoring it now would break the quote.
    old_state = history.record(entry, Revision.Action.CHANGED, {field: "En äldre lydelse utan citatet."})
    old_state.after = {**old_state.after, field: "En äldre lydelse utan citatet."}
    old_state.save()
    response = anna.post(f"/admin/catalog/entry/{entry.pk}/historik/{old_state.pk}/aterstall/")
    assert any("Kunde inte återställa, inget ändrades" in m for m in messages_of(response))
    entry.refresh_from_db()
    assert getattr(entry, field) == good


def test_restore_message_and_history_use_stockholm_time(anna):
    entry = unquoted_entry()
    data = change_form_data(anna.get(change_url(entry)))
    data["anvisning"] = "Tidstest."
    anna.post(change_url(entry), data)
    history = anna.get(f"/admin/catalog/entry/{entry.pk}/history/").content.decode()
    response = anna.post(restore_buttons(history)[-1])
    revision = Revision.objects.filter(content_type__model="entry", object_id=entry.pk).order_by("id").first()
    local = timezone.localtime(revision.created_at).strftime("%Y-%m-%d %H:%M")
    assert str(timezone.get_current_timezone()) == "Europe/Stockholm"
    assert any(local in m for m in messages_of(response))
    assert local in history
