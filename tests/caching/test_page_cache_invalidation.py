"""An edit makes only the pages it touches cold: the rest of the page cache keeps serving."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from catalog.caching import freshness, pagecache
from catalog.editorial.accounts import coordinator_group
from catalog.models import Code, CodeList, ContentChange, Entry, SearchIndexState, Section, Synonym
from tests.support.admin_forms import change_form_data
from tests.support.unquoted import unquoted_entries

pytestmark = pytest.mark.django_db


def cached_addresses() -> set[str]:
    return {key[2] for key in pagecache._pages}


def visit(client, *addresses) -> None:
    for address in addresses:
        assert client.get(address).status_code == 200, address


@pytest.fixture
def coordinator() -> Client:
    user = User.objects.create_user("anna", password="x", is_staff=True)
    user.groups.add(coordinator_group())
    client = Client()
    client.force_login(user)
    return client


def test_an_entry_edit_in_the_admin_makes_only_its_code_page_and_its_list_cold(client, coordinator):
    edited, other = unquoted_entries(2, "psykiatri")
    unrelated = Entry.objects.exclude(code_list=edited.code_list).exclude(code=edited.code).first()
    own_page, other_page = f"/kod/{edited.code.code}/", f"/kod/{other.code.code}/"
    pages = [own_page, other_page, "/lista/psykiatri/", f"/lista/{unrelated.code_list.slug}/"]
    visit(client, *pages)
    assert cached_addresses() == set(pages)

    url = reverse("admin:catalog_entry_change", args=[edited.pk])
    data = change_form_data(coordinator.get(url))
    data["anvisning"] = "Ny anvisning skriven av samordnaren."
    assert coordinator.post(url, data).status_code == 302

    # The next visitor sees the edit on both pages that show the entry ...
    assert "Ny anvisning skriven av samordnaren." in client.get(own_page).content.decode()
    # ... while the pages the edit did not touch are still kept.
    assert cached_addresses() == {own_page, other_page, f"/lista/{unrelated.code_list.slug}/"}
    assert "Ny anvisning skriven av samordnaren." in client.get("/lista/psykiatri/").content.decode()


def test_a_synonym_edit_keeps_code_and_list_pages_and_drops_search_answers(client):
    visit(client, "/kod/AU118/", "/lista/psykiatri/", "/api/codes/?q=suicid", "/besok/")
    synonym = Synonym.objects.first()
    synonym.save()
    client.get("/kod/AU118/")
    assert cached_addresses() == {"/kod/AU118/", "/lista/psykiatri/"}


def test_a_wizard_edit_keeps_code_and_list_pages(client):
    from catalog.models import WizardStep

    visit(client, "/kod/AU118/", "/lista/psykiatri/", "/besok/")
    WizardStep.objects.first().save()
    client.get("/kod/AU118/")
    assert cached_addresses() == {"/kod/AU118/", "/lista/psykiatri/"}


def test_an_edit_that_names_a_code_reaches_that_code_pages_mentions(client):
    au119 = Entry.objects.select_related("code").get(code__code="AU119", code_list__slug="psykiatri")
    before = client.get("/kod/DU011/").content.decode()
    assert f"/kod/{au119.code.code}/" not in before.split("Nämns i", 1)[1]
    au119.anvisning = (au119.anvisning or "") + " Se även DU011."
    au119.save()
    after = client.get("/kod/DU011/").content.decode().split("Nämns i", 1)[1]
    assert f'href="/kod/{au119.code.code}/"' in after
    # And taking the mention out again takes it off the page.
    au119.anvisning = au119.anvisning.replace(" Se även DU011.", "")
    au119.save()
    assert f'href="/kod/{au119.code.code}/"' not in client.get("/kod/DU011/").content.decode().split("Nämns i", 1)[1]


def test_a_section_edit_reaches_the_pages_of_its_codes(client):
    au118 = Entry.objects.select_related("section").get(code__code="AU118", code_list__slug="psykiatri")
    visit(client, "/kod/AU118/")
    section = au118.section
    section.title = "Omdöpt avsnitt"
    section.save()
    assert "Omdöpt avsnitt" in client.get("/kod/AU118/").content.decode()


def test_a_list_rename_reaches_its_codes_pages_and_the_pages_its_rows_mention(client):
    code_list = CodeList.objects.get(slug="psykiatri")
    mentioned = Entry.objects.filter(code_list=code_list, mentions__isnull=False).values_list(
        "mentions__code", flat=True
    )
    target = next(c for c in mentioned if Code.objects.filter(code=c, entries__isnull=False).exists())
    visit(client, "/kod/AU118/", f"/kod/{target}/")
    code_list.title = "Psykiatrins nya namn"
    code_list.save()
    assert "Psykiatrins nya namn" in client.get("/kod/AU118/").content.decode()
    assert "Psykiatrins nya namn" in client.get(f"/kod/{target}/").content.decode()


def test_a_code_that_joins_a_list_turns_grey_mentions_into_links_on_kept_pages(client):
    grey = next(
        code
        for code in Code.objects.filter(entries__isnull=True).values_list("code", flat=True)
        if Entry.objects.filter(mentions__code=code, code_list__slug="psykiatri").exists()
    )
    page = "/lista/psykiatri/"
    assert f'href="/kod/{grey}/"' not in client.get(page).content.decode()
    visit(client, "/kod/AU118/")
    some_section = Section.objects.exclude(code_list__slug="psykiatri").first()
    Entry.objects.create(
        code_list=some_section.code_list, section=some_section, code=Code.objects.get(code=grey), title="Ny rad"
    )
    assert f'href="/kod/{grey}/"' in client.get(page).content.decode()
    client.get("/kod/AU118/")
    assert "/kod/AU118/" in cached_addresses()  # re-rendered: its links could have changed too


def test_a_change_written_by_another_process_drops_only_what_it_touched(client):
    visit(client, "/kod/AU118/", "/kod/AU119/", "/lista/psykiatri/")
    # What another server's save writes: a new token and what it touched, in its own transaction.
    SearchIndexState.bump({"kod:AU119"})
    client.get("/kod/AU118/")
    assert cached_addresses() == {"/kod/AU118/", "/lista/psykiatri/"}


def test_a_change_not_worked_out_drops_every_page(client):
    visit(client, "/kod/AU118/", "/lista/psykiatri/")
    SearchIndexState.bump()
    client.get("/kod/AU118/")
    assert cached_addresses() == {"/kod/AU118/"}


def test_when_more_changes_were_missed_than_are_kept_every_page_goes(client, monkeypatch):
    visit(client, "/kod/AU118/", "/lista/psykiatri/")
    monkeypatch.setattr(freshness, "RECENT_CHANGES", 3)
    for _ in range(3):
        SearchIndexState.bump({"kod:AU119"})
    client.get("/kod/AU118/")
    assert cached_addresses() == {"/kod/AU118/"}


def test_a_new_day_drops_every_page_because_retirements_take_effect(client):
    visit(client, "/kod/AU118/", "/lista/psykiatri/")
    generation = freshness.generation()
    token, _, day = generation.rpartition(":")
    pagecache.sync(f"{token}:9999-12-31")
    assert pagecache.stats()["pages"] == 0


def test_a_page_rendered_while_a_change_landed_is_not_kept(client):
    epoch = pagecache.sync(freshness.generation())
    SearchIndexState.bump({"kod:AU119"})
    pagecache.sync(freshness.generation())  # another thread takes the change in meanwhile
    key = ("catalog.views", "code", "/kod/AU118/", "testserver", "", "", False, ())
    pagecache._put(key, pagecache.Page(key, 200, {}, b"x" * 300, {}, frozenset({"kod:AU118"})), epoch)
    assert pagecache.stats()["pages"] == 0


def test_only_the_newest_changes_are_kept(monkeypatch):
    monkeypatch.setattr(ContentChange, "KEPT", 10)
    for _ in range(300):
        SearchIndexState.bump({"sok"})
    assert ContentChange.objects.count() < 110


def test_the_catalogue_copy_is_kept_through_a_synonym_edit_and_read_again_after_an_entry_edit(client):
    from catalog.catalogue import snapshot

    client.get("/kod/AU118/")
    copy = snapshot.current()
    Synonym.objects.first().save()
    client.get("/kod/AU119/")
    assert snapshot.current() is copy
    edited = unquoted_entries(1, "psykiatri")[0]
    edited.anvisning = "Ändrad anvisning."
    edited.save()
    assert "Ändrad anvisning." in client.get(f"/kod/{edited.code.code}/").content.decode()
    assert snapshot.current() is not copy


def test_a_csv_import_through_the_admin_is_one_change_that_makes_only_its_rows_pages_cold(client, coordinator):
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.editorial import exchange
    from tests.support.html_forms import as_post_data, forms_in

    rows = list(
        csv.DictReader(
            io.StringIO(exchange.export_csv(CodeList.objects.get(slug="psykologer-skrs"))[1:]), delimiter=";"
        )
    )
    edited = [rows[0]["kod"], rows[-1]["kod"]]
    for row in (rows[0], rows[-1]):
        row["anvisning"] = f"{row['anvisning']} (importerad)".strip()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    pages = [f"/kod/{edited[0]}/", f"/kod/{edited[1]}/", "/lista/psykologer-skrs/", "/lista/psykiatri/", "/kod/AU118/"]
    kept = [
        page for page in pages if page != "/lista/psykologer-skrs/" and page.strip("/").split("/")[-1] not in edited
    ]
    visit(client, *pages)
    changes_before = ContentChange.objects.count()

    url = f"/admin/catalog/codelist/{Entry.objects.filter(code_list__slug='psykologer-skrs').first().code_list_id}/import/"
    [upload] = [form for form in forms_in(coordinator.get(url).content) if "fil" in form.files]
    upload_data = {
        **as_post_data(upload),
        "fil": SimpleUploadedFile("skrs.csv", ("\ufeff" + out.getvalue()).encode(), "text/csv"),
    }
    preview = coordinator.post(url, upload_data)
    assert "Genomför importen (2 poster ändras)" in preview.content.decode()
    [confirm] = [form for form in forms_in(preview.content) if "payload" in form.names]
    assert coordinator.post(url, as_post_data(confirm)).status_code == 302

    # Two rows saved, one change: what both touched, not "anything".
    [change] = ContentChange.objects.order_by("id")[changes_before:]
    touched = set(change.touched.split())
    assert {f"kod:{edited[0]}", f"kod:{edited[1]}", "lista:psykologer-skrs"} <= touched and "*" not in touched
    client.get("/")  # any request: the page cache reads the change
    assert set(kept) <= cached_addresses()
    assert "/lista/psykologer-skrs/" not in cached_addresses()
    assert "(importerad)" in client.get(f"/kod/{edited[0]}/").content.decode()
