"""The history as a coordinator reads it, through the pages: each kind of change by its own word (in an
object's history and in "Senaste händelser"), names instead of database ids, Ja/Nej instead of True/False."""

import html as htmllib
import importlib
import re

import pytest
from django.apps import apps
from django.contrib.admin.sites import site as admin_site
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from catalog.editorial import exchange
from catalog.editorial.admin.base import HistoryAdmin
from catalog.editorial.history import snapshot
from catalog.models import CodeList, Draft, Entry, Revision, Synonym
from tests.support.accounts import coordinator_client
from tests.support.admin_forms import change_form_data
from tests.support.html_forms import fill, post_form
from tests.support.rendered_forms import rendered_form
from tests.support.unquoted import unquoted_entries

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    """What a reader sees of the page's main content: tags gone, entities read, spaces collapsed."""
    main = html[html.index('id="content-main"') :]
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", main)))


def kinds_in_history(client: Client, entry: Entry) -> list[str]:
    """The kind of each row of the entry's history page, newest first."""
    page = client.get(f"/admin/catalog/entry/{entry.pk}/history/")
    assert page.status_code == 200
    return re.findall(r'<span class="handelse">([^<]+)</span>', page.content.decode())


def recent_actions(client: Client) -> list[str]:
    """The lines of "Senaste händelser" on the admin's start page, as text."""
    index = client.get("/admin/").content.decode()
    module = index[index.index('id="recent-actions-module"') :]
    module = module[: module.index("</ul>")]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip()
        for item in re.findall(r"<li[^>]*>(.*?)</li>", module, re.S)
    ]


def edit_in_form(client: Client, entry: Entry, **values) -> None:
    """Post the entry's rendered form back with some fields changed (None: a box left unticked)."""
    url = f"/admin/catalog/entry/{entry.pk}/change/"
    data = change_form_data(client.get(url))
    for name, value in values.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    assert client.post(url, data).status_code == 302


def restore_previous(client: Client, entry: Entry) -> None:
    """Press the history page's first restore button (the state before the newest change)."""
    history = client.get(f"/admin/catalog/entry/{entry.pk}/history/")
    revert = rendered_form(history.content, index=0)
    assert "/aterstall/" in revert["action"]
    assert client.post(revert["action"], revert["fields"]).status_code == 302


def import_csv(client: Client, code_list: CodeList, entry: Entry, added: str) -> None:
    """Export the list, add words to one Anvisning, upload the file and confirm, as on the import page."""
    raw = exchange.export_csv(code_list).replace(entry.anvisning, entry.anvisning + added, 1).encode()
    url = f"/admin/catalog/codelist/{code_list.pk}/import/"
    upload = rendered_form(client.get(url).content, index=0)
    preview = client.post(url, {**upload["fields"], "fil": SimpleUploadedFile("lista.csv", raw, "text/csv")})
    confirm = rendered_form(preview.content, index=0)
    assert client.post(url, confirm["fields"]).status_code == 302


def test_an_edit_and_its_undo_are_told_apart_in_the_history_and_in_recent_actions():
    anna = coordinator_client("anna")
    entry = unquoted_entries(1)[0]
    edit_in_form(anna, entry, anvisning="En ny anvisning.")
    restore_previous(anna, entry)

    assert kinds_in_history(anna, entry)[:3] == ["Återställd", "Ändrad", "Inläst från innehållsfilerna"]
    lines = [line for line in recent_actions(anna) if str(entry.code.code) in line]
    assert len(lines) == 2
    assert "Återställd" in lines[0] and "Ändrad" not in lines[0]
    assert "Ändrad" in lines[1] and "Återställd" not in lines[1]


def test_a_csv_import_is_named_importerad_in_the_history_and_in_recent_actions():
    anna = coordinator_client("anna")
    skrs = CodeList.objects.get(slug="psykologer-skrs")
    entry = Entry.objects.filter(code_list=skrs).exclude(anvisning=None).order_by("pk").first()
    import_csv(anna, skrs, entry, " (importerad rad)")

    assert kinds_in_history(anna, entry)[0] == "Importerad"
    [line] = [line for line in recent_actions(anna) if skrs.title in line]
    assert "Importerad" in line


def test_an_approved_draft_is_named_godkant_utkast_in_the_history_and_in_recent_actions():
    anna, bengt = coordinator_client("anna"), coordinator_client("bengt")
    entry = Entry.objects.get(code__code="AU118", code_list__slug="psykiatri")
    url = f"/admin/catalog/entry/{entry.pk}/change/"
    form = post_form(anna.get(url).content.decode(), form_id="entry_form")
    anna.post(url, fill(form, press="_utkast", anvisning=entry.anvisning + " Ny mening."))
    draft = Draft.objects.get()
    review_url = f"/admin/catalog/draft/{draft.pk}/change/"
    review = post_form(bengt.get(review_url).content.decode(), form_id="granskning")
    assert bengt.post(review_url, fill(review, press="atgard=godkann")).status_code == 302

    assert kinds_in_history(bengt, entry)[0] == "Godkänt utkast"
    [line] = [line for line in recent_actions(bengt) if "AU118" in line]
    assert "Godkänt utkast" in line and "Ändrad" not in line


def test_an_approval_recorded_before_kinds_existed_is_named_after_the_migration():
    entry = unquoted_entries(1)[0]
    old = Revision.objects.create(
        content_type_id=Revision.objects.filter(object_id=entry.pk).first().content_type_id,
        object_id=entry.pk,
        object_repr=str(entry),
        action="changed",
        after=snapshot(entry),
        comment="Utkast av anna (2026-01-02 10:00), godkänt av bengt (2026-01-03 11:00)",
    )
    plain = Revision.objects.create(
        content_type_id=old.content_type_id, object_id=entry.pk, object_repr=str(entry), action="changed", after={}
    )
    migration = importlib.import_module("catalog.migrations.0019_history_kind")
    migration.approvals_told_apart(apps, None)
    old.refresh_from_db()
    plain.refresh_from_db()
    assert (old.action, plain.action) == (Revision.Action.APPROVED, Revision.Action.CHANGED)


def _tracked_admins():
    return [(model, admin) for model, admin in admin_site._registry.items() if isinstance(admin, HistoryAdmin)]


def _relation_labels(model) -> list[str]:
    return [
        str(f.verbose_name)
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if f.is_relation and f.related_model is not None
    ]


MARK = r"(?: (?:borttaget|tillagt):)"  # what the word diff says aloud before a change


def test_no_history_page_shows_true_false_filter_by_or_database_ids():
    anna = coordinator_client("anna")
    # A flag changed in the form: its diff must say Ja/Nej.
    entry = unquoted_entries(1)[0]
    edit_in_form(anna, entry, in_table=None if entry.in_table else "on", note="Ändrad anmärkning.")
    assert len(_tracked_admins()) >= 15
    admin = Client()  # an administrator, who may open the accounts' history pages too
    admin.force_login(User.objects.create_superuser("admin", password="x"))
    # Every admin's history page: the tracked models' (revisions) and the others' (Django's own log).
    for model in admin_site._registry:
        objects = list(model.objects.order_by("pk")[:2]) + list(model.objects.order_by("-pk")[:1])
        for obj in objects:
            url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/history/"
            page = admin.get(url)
            assert page.status_code == 200, url
            text = text_of(page.content.decode())
            assert not re.search(r"\b(True|False|None)\b", text), (url, text[:2000])
            assert "Filter by" not in page.content.decode(), url
            for revision in Revision.objects.filter(object_id=obj.pk, content_type__model=model._meta.model_name):
                shown = [revision.before or {}, revision.after or {}]
                for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
                    if not field.is_relation or field.related_model is None:
                        continue
                    key = field.name if field.many_to_many else field.attname
                    for state in shown:
                        value = state.get(key)
                        # The history reads "lista: borttaget: 3 tillagt: 5" if ids leak through the word diff.
                        label = rf"\b{re.escape(str(field.verbose_name))}:{MARK}? (?:\S+{MARK} )?"
                        if isinstance(value, int):
                            assert not re.search(rf"{label}{value}(?!\S)", text), (url, field.name, value)
                        if isinstance(value, list) and value:
                            assert not re.search(label + re.escape(str(value)), text), (url, field.name)
    # The edited entry: the flag in words, the list and section by name.
    text = text_of(anna.get(f"/admin/catalog/entry/{entry.pk}/history/").content.decode())
    assert re.search(r"står i anvisningstabellen: (borttaget: Ja tillagt: Nej|borttaget: Nej tillagt: Ja)", text)
    # The baseline row: every value added, named in words.
    assert f"lista: tillagt: {entry.code_list.title}" in text
    assert f"avsnitt: tillagt: {entry.section.title}" in text
    assert f"kod: tillagt: {entry.code.code}" in text


def test_the_public_change_log_names_what_an_edit_changed_without_ids():
    anna = coordinator_client("anna")
    entry = unquoted_entries(1, "psykiatri")[0]
    edit_in_form(anna, entry, in_table=None if entry.in_table else "on")
    page = Client().get("/lista/psykiatri/andringar/").content.decode()
    hidden = '<span class="visually-hidden">{}: </span>'
    flips = [
        f"<del>{hidden.format('borttaget')}{old}</del> <ins>{hidden.format('tillagt')}{new}</ins>"
        for old, new in [("Ja", "Nej"), ("Nej", "Ja")]
    ]
    assert any(f"Står i anvisningstabellen:</span> {flip}" in page for flip in flips)


@pytest.mark.parametrize(
    ("model", "text", "place"),
    [
        ("entry", "beskrivning", "code_list"),
        ("entry", "anvisning", "section"),
        ("section", "instructions", "code_list"),
        ("code", "title", "is_tillaggskod"),
        ("wizardstep", "question", "slug"),
        ("wizardoption", "label", "step"),
        ("wizardcode", "reason", "quote_from"),
        ("wizardnote", "text", "quote_from"),
    ],
)
def test_forms_put_their_texts_before_where_the_object_stands(model, text, place):
    model_class = apps.get_model("catalog", model)
    pk = model_class.objects.order_by("pk").values_list("pk", flat=True).first()
    page = coordinator_client("anna").get(f"/admin/catalog/{model}/{pk}/change/").content.decode()
    # Every field's row carries its name (a read-only field has no input, only the row).
    position = {name: page.find(f"field-{name}") for name in (text, place)}
    assert -1 not in position.values(), (model, position)
    assert position[text] < position[place]
    assert 'name="seen_version"' in page


def test_an_addition_and_a_deletion_are_named_skapad_and_borttagen_in_recent_actions():
    anna = coordinator_client("anna")
    add = change_form_data(anna.get("/admin/catalog/synonym/add/"))
    add.update(term="xyzord", expansion="kognitiv-beteendeterapeutisk DU011")
    assert anna.post("/admin/catalog/synonym/add/", add).status_code == 302
    synonym = Synonym.objects.get(term="xyzord")
    delete_url = f"/admin/catalog/synonym/{synonym.pk}/delete/"
    confirm = rendered_form(anna.get(delete_url).content, index=0)
    assert anna.post(confirm["action"] or delete_url, confirm["fields"]).status_code == 302
    assert not Synonym.objects.filter(term="xyzord").exists()

    lines = [line for line in recent_actions(anna) if "xyzord" in line]
    assert len(lines) == 2
    assert "Borttagen" in lines[0] and "Skapad" in lines[1]
