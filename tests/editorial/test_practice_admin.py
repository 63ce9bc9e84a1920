"""Editing practice cases: the group Utbildare, checks on save, history and undo, the counts."""

from html import unescape

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from catalog.editorial.accounts import TRAINERS, coordinator_group, trainer_group
from catalog.models import Code, Entry, PracticeCase, PracticeCount, Revision, WizardStep
from tests.support.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer(client):
    user = User.objects.create_user("utbildare", password="x", is_staff=True)
    user.groups.add(trainer_group())
    client.force_login(user)
    return user


def case():
    return PracticeCase.objects.get(slug="nybesok-med-tolk")


def case_form(client):
    return change_form_data(client.get(f"/admin/catalog/practicecase/{case().pk}/change/"))


def test_a_trainer_edits_a_case_and_the_change_is_in_the_history_and_can_be_undone(client, trainer):
    for text in ("Första versionen.", "Andra versionen."):
        data = case_form(client)
        data["text"] = text
        assert client.post(f"/admin/catalog/practicecase/{case().pk}/change/", data).status_code == 302
    assert case().text == "Andra versionen."
    edits = Revision.objects.filter(object_id=case().pk, action=Revision.Action.CHANGED, user=trainer)
    assert edits.count() == 2
    history = client.get(f"/admin/catalog/practicecase/{case().pk}/history/").content.decode()
    assert (
        '<del><span class="visually-hidden">borttaget: </span>Första</del> '
        '<ins><span class="visually-hidden">tillagt: </span>Andra</ins> versionen.'
    ) in history
    first = edits.order_by("created_at", "id").first()
    response = client.post(f"/admin/catalog/practicecase/{case().pk}/historik/{first.pk}/aterstall/")
    assert response.status_code == 302
    assert case().text == "Första versionen."


def test_a_save_with_a_quote_that_is_not_word_for_word_is_refused(client, trainer):
    data = case_form(client)
    quote_field = next(name for name, value in data.items() if value == "Användande av tolk")
    data[quote_field] = "Användning av tolk"
    response = client.post(f"/admin/catalog/practicecase/{case().pk}/change/", data)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert f"vningen ”{case().title}” citerar titeln till ZV020 i listan ”Baslista psykiatri”" in html
    assert case().quotes.filter(quote="Användande av tolk").exists()


def test_a_save_adding_a_required_code_without_a_quote_is_refused(client, trainer):
    data = case_form(client)
    data["required_codes"] = "AU006 AU118 ZV020 DU011"
    response = client.post(f"/admin/catalog/practicecase/{case().pk}/change/", data)
    assert response.status_code == 200
    assert "DU011 ska användas men inget citat säger varför" in response.content.decode()


def test_utbildare_cannot_edit_anything_but_practice_cases(client, trainer):
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code="AU118")
    for url in (
        f"/admin/catalog/entry/{entry.pk}/change/",
        f"/admin/catalog/code/{Code.objects.get(code='AU118').pk}/change/",
        f"/admin/catalog/wizardstep/{WizardStep.objects.first().pk}/change/",
        "/admin/auth/user/",
        "/admin/catalog/synonym/",
        "/admin/catalog/sourcedocument/add/",
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(f"/admin/catalog/entry/{entry.pk}/change/", {"anvisning": "x"})
    assert response.status_code == 403
    index = client.get("/admin/").content.decode()
    assert "/admin/catalog/practicecase/" in index and "/admin/catalog/entry/" not in index
    codenames = set(trainer_group().permissions.values_list("codename", flat=True))
    # Drafts: a trainer sees and withdraws their own (the queue shows a trainer only theirs).
    assert {"view_draft", "change_draft"} <= codenames and "delete_draft" not in codenames
    codenames -= {"view_draft", "change_draft"}
    assert codenames and all(
        name.split("_", 1)[1] in {"practicecase", "practicequote", "practiceset"} for name in codenames
    )


def test_coordinators_may_edit_practice_cases_too(client):
    user = User.objects.create_user("samordnare", password="x", is_staff=True)
    user.groups.add(coordinator_group())
    client.force_login(user)
    assert client.get(f"/admin/catalog/practicecase/{case().pk}/change/").status_code == 200


def test_the_case_list_shows_only_anonymous_counts(client, trainer):
    PracticeCount.record(case(), solved=True)
    PracticeCount.record(case(), solved=False)
    html = client.get("/admin/catalog/practicecase/").content.decode()
    row = html[html.index("Nybesök med tolk") :]
    row = row[: row.index("</tr>")]
    assert '<td class="field-tried">2</td>' in row and '<td class="field-solved">1</td>' in row
    assert [f.name for f in PracticeCount._meta.concrete_fields] == ["id", "case", "tried", "solved"]


def test_create_trainer_makes_a_staff_account_in_utbildare(monkeypatch):
    monkeypatch.setenv("TRAINER_PASSWORD", "ett-langt-och-bra-losenord-2026")
    call_command("create_trainer", "lärare", "--password-env", "TRAINER_PASSWORD")
    user = User.objects.get(username="lärare")
    assert user.is_staff and list(user.groups.values_list("name", flat=True)) == [TRAINERS]


def test_a_change_to_a_sets_cases_is_in_the_history_and_can_be_undone(client, trainer):
    from catalog.models import PracticeSet

    practice_set = next(s for s in PracticeSet.objects.order_by("pk") if s.cases.count() >= 2)
    url = f"/admin/catalog/practiceset/{practice_set.pk}/change/"
    cases = sorted(practice_set.cases.values_list("pk", flat=True))
    data = change_form_data(client.get(url))
    assert sorted(int(pk) for pk in data["cases"]) == cases
    data["cases"] = [str(cases[0])]
    assert client.post(url, data).status_code == 302
    assert list(practice_set.cases.values_list("pk", flat=True)) == [cases[0]]

    edit = Revision.objects.filter(object_id=practice_set.pk, action=Revision.Action.CHANGED, user=trainer).get()
    assert (edit.before["cases"], edit.after["cases"]) == (cases, [cases[0]])
    assert "övningar" in client.get(f"/admin/catalog/practiceset/{practice_set.pk}/history/").content.decode()
    # Undoing: restoring the loaded state (the revision before the edit) brings the cases back.
    loaded = Revision.objects.filter(object_id=practice_set.pk, content_type=edit.content_type).exclude(pk=edit.pk)
    response = client.post(f"/admin/catalog/practiceset/{practice_set.pk}/historik/{loaded.latest('id').pk}/aterstall/")
    assert response.status_code == 302
    assert sorted(practice_set.cases.values_list("pk", flat=True)) == cases
