"""Every door into the guidance, each driven the way its user reaches it (the rendered page's form).

tests/editorial/test_gate.py runs each door twice: through an open gate (it must write, and only inside
a gate session) and through a gate that refuses everything (it must write nothing and say so). Each door
is a ``prepare`` (what a user has in front of them, made with the gate open) and an ``act`` (what they
press). A new way to change the guidance belongs in DOORS.
"""

import shutil

from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from catalog.content import CONTENT_DIR
from catalog.editorial import exchange, gate
from catalog.editorial.accounts import coordinator_group, trainer_group
from catalog.loading.load import load
from catalog.loading.read import read_content
from catalog.models import (
    CodeList,
    Concept,
    Draft,
    Entry,
    PracticeCase,
    Section,
    WizardOption,
    WizardStep,
)
from tests.support.admin_forms import add_inline_row, change_form_data
from tests.support.rendered_forms import every_form, rendered_form
from tests.support.unquoted import quoted_refs, unquoted_entries


def person(name: str, *, publish=False, trainer=False) -> Client:
    user = User.objects.create_user(name, password="x", is_staff=True)
    user.groups.add(trainer_group() if trainer else coordinator_group())
    if publish:
        user.user_permissions.add(Permission.objects.get(codename="publish_directly"))
    client = Client()
    client.force_login(user)
    return client


def change_url(obj) -> str:
    return f"/admin/catalog/{obj._meta.model_name}/{obj.pk}/change/"


def free_entry() -> Entry:
    """An entry of the psychiatry list whose Anvisning nothing quotes."""
    return unquoted_entries(1, "psykiatri")[0]


def unquoted_entry() -> Entry:
    """An entry none of whose texts anything quotes: it may even be deleted."""
    quoted = quoted_refs()
    for entry in Entry.objects.filter(code_list__slug="psykiatri").select_related("code").order_by("pk"):
        refs = {f"entry:psykiatri/{entry.code.code}/{key}" for key in ("title", "beskrivning", "anvisning")}
        if not refs & quoted:
            return entry
    raise AssertionError("every entry of the list is quoted")


def _post_changed(client, url: str, **changes):
    data = change_form_data(client.get(url))
    data.update(changes)
    return lambda: client.post(url, data)


def admin_change(tmp_path):
    entry = free_entry()
    return _post_changed(person("anna"), change_url(entry), anvisning=entry.anvisning + " Ändrad i formuläret.")


def admin_inline_row(tmp_path):
    step = WizardStep.objects.get(is_start=True)
    return _post_changed(person("anna"), change_url(step), **{"options-0-help": "Ny hjälptext för första svaret."})


def admin_add(tmp_path):
    return _post_changed(person("anna"), "/admin/catalog/synonym/add/", term="provsynonym", expansion="telefon")


def admin_delete(tmp_path):
    client, entry = person("anna"), unquoted_entry()
    url = f"/admin/catalog/entry/{entry.pk}/delete/"
    [form] = [f for f in every_form(client.get(url).content) if f["fields"].get("post") == "yes"]
    return lambda: client.post(url, form["fields"])


def admin_inline_delete(tmp_path):
    option = WizardOption.objects.filter(notes__isnull=False).order_by("pk").first()
    return _post_changed(person("anna"), change_url(option), **{"notes-0-DELETE": "on"})


def csv_import(tmp_path):
    client, entry = person("anna"), free_entry()
    code_list = entry.code_list
    raw = exchange.export_csv(code_list).replace(entry.anvisning, entry.anvisning + " Importerad.", 1).encode()
    url = f"/admin/catalog/codelist/{code_list.pk}/import/"
    upload = rendered_form(client.get(url).content)["fields"]
    preview = client.post(url, {**upload, "fil": SimpleUploadedFile("lista.csv", raw, "text/csv")})
    [confirm] = [f for f in every_form(preview.content) if "payload" in f["fields"]]
    return lambda: client.post(url, confirm["fields"])


def restore(tmp_path):
    client, entry = person("anna"), free_entry()
    with gate.session(None, "admin") as session:  # a change to go back from
        entry.anvisning += " Tillägg att ångra."
        session.save(entry, ["anvisning"])
    page = client.get(f"/admin/catalog/entry/{entry.pk}/history/")
    button = next(f for f in every_form(page.content) if "/aterstall/" in f["action"])
    return lambda: client.post(button["action"], button["fields"])


def load_content(tmp_path):
    target = tmp_path / "innehall"
    shutil.copytree(CONTENT_DIR, target)
    first_line = free_entry().anvisning.splitlines()[0]
    path = target / "psykiatri.toml"
    text = path.read_text(encoding="utf-8")
    assert first_line in text
    path.write_text(text.replace(first_line, first_line + " Ny mening från källan.", 1), encoding="utf-8")
    return lambda: load(read_content(target))


def draft_save(tmp_path):
    entry = free_entry()
    return _post_changed(
        person("anna"), change_url(entry), anvisning=entry.anvisning + " Som utkast.", _utkast="Spara som utkast"
    )


def draft_approval(tmp_path):
    author, reviewer, entry = person("anna"), person("bengt"), free_entry()
    _post_changed(author, change_url(entry), anvisning=entry.anvisning + " Granskas.", _utkast="Spara som utkast")()
    draft = Draft.objects.get(status=Draft.Status.WAITING)
    url = f"/admin/catalog/draft/{draft.pk}/change/"
    form = rendered_form(reviewer.get(url).content, form_id="granskning")
    return lambda: reviewer.post(url, {**form["fields"], "atgard": "godkann"})


def rename_cascade(tmp_path):
    """An answer that other answers' conditions name, renamed: the conditions follow."""
    named = {ref for o in WizardOption.objects.exclude(unless=[]) for ref in o.unless}
    step_slug, option_slug = sorted(named)[0].split("/")
    option = WizardOption.objects.get(step__slug=step_slug, slug=option_slug)
    return _post_changed(person("anna"), change_url(option), slug=option_slug + "-x")


def decision(tmp_path):
    client = person("anna")
    data = change_form_data(client.get("/admin/catalog/sourcedocument/add/"))
    data.update(
        slug="rs-2026-00002",
        title="Beslut i test",
        kind="beslut",
        identifier="RS 2026-00002",
        date="2026-01-10",
        valid_from="2026-02-01",
        seed_file="-",
    )
    add_inline_row(data, "decision_codes", {"action": "utgar", "code": "UX284", "date": "2025-12-31"})
    return lambda: client.post("/admin/catalog/sourcedocument/add/", data)


def practice_case(tmp_path):
    case = PracticeCase.objects.order_by("pk").first()
    return _post_changed(person("tove", trainer=True), change_url(case), explanation="Utbildarens nya förklaring.")


def concept(tmp_path):
    item = Concept.objects.order_by("pk").first()
    return _post_changed(person("anna"), change_url(item), note="Ny kommentar.")


def review_flag(tmp_path):
    code_list = CodeList.objects.get(slug="psykiatri")
    return _post_changed(person("petra", publish=True), change_url(code_list), requires_review="on")


def section_text(tmp_path):
    section = Section.objects.filter(instructions="").order_by("pk").first()
    return _post_changed(person("anna"), change_url(section), instructions="En ny anvisning för avsnittet.")


# name → prepare(tmp_path), which returns the act: a function that goes through the door.
DOORS = {
    "admin change form": admin_change,
    "admin inline row": admin_inline_row,
    "admin add": admin_add,
    "admin delete": admin_delete,
    "admin inline row deleted": admin_inline_delete,
    "CSV import": csv_import,
    "restore from the history": restore,
    "load_content": load_content,
    "save as draft": draft_save,
    "draft approval": draft_approval,
    "rename and the conditions that follow": rename_cascade,
    "regional decision": decision,
    "practice case (trainer)": practice_case,
    "concept": concept,
    "a list's review flag": review_flag,
    "section instructions": section_text,
}
